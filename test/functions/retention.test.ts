import { InvocationContext } from "@azure/functions";
import { afterEach, describe, expect, it } from "vitest";
import { retentionTimer } from "../../functions/retention";
import { openFleetHistory } from "../../shared/store";
import { all, cluster, snapshot } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe("retention timer", () => {
  it("applies FLEET_RETENTION_DAYS to the configured tables and logs what it deleted", async () => {
    const prefix = uniquePrefix("rett");
    const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: prefix });
    await history.recordSweep(snapshot([cluster("c1")], { minute: 0, sweepId: "old" }));
    Object.assign(process.env, { FLEET_TABLES_CONNECTION: tablesConnection(), FLEET_TABLE_PREFIX: prefix, FLEET_RETENTION_DAYS: "1" });
    const logs: string[] = [];
    await retentionTimer({}, new InvocationContext({ functionName: "retention", logHandler: (_level, ...args) => logs.push(args.join(" ")) }));
    expect(logs.join("\n")).toMatch(/retention: [1-9]\d* entities older than the retention deleted/);
    expect(await all(history.listSweeps())).toEqual([]);
    expect(await all(history.listComponents())).not.toHaveLength(0);
  });
});
