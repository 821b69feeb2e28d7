import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InvocationContext } from "@azure/functions";
import { main } from "../../cli/main";
import type { CliIo } from "../../cli/io";
import type { ArmSimulator } from "../../dev/simulator";
import { captureRegistrations } from "../../dev/host/registrations";
import { firstItem, openFleetHistory } from "../../shared/store";
import { simulator } from "../azure/simulator";
import { tablesConnection, uniquePrefix } from "../support/tables";

let sim: ArmSimulator;
beforeAll(async () => {
  ({ sim } = await simulator({ fleet: { clusters: 8, subscriptions: 2, failureRate: 0.3, seed: 31 } }));
});
afterAll(() => sim.stop());

function io(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = { env, stdout: (l) => out.push(l), stderr: (l) => err.push(l), stdin: async function* () {} };
  return { cli, out, err };
}

const envFor = (extra: Record<string, string> = {}) => ({
  FLEET_ARM_ENDPOINT: sim.endpoint,
  FLEET_ARM_TOKEN: sim.token,
  FLEET_TABLES_CONNECTION: tablesConnection(),
  FLEET_TABLE_PREFIX: uniquePrefix("cli"),
  ...extra,
});

describe("fleet-health sweep", () => {
  it("--json: the last stdout line is exactly the contract's object; progress goes to stderr", async () => {
    const { cli, out, err } = io(envFor());
    expect(await main(["sweep", "--json"], cli)).toBe(0);
    const last = JSON.parse(out[out.length - 1]);
    expect(Object.keys(last)).toEqual(["clusters", "components", "failing", "partial", "armRequests", "durationMs", "byCatalogId"]);
    expect(last).toMatchObject({ clusters: 8, partial: false });
    expect(last.failing).toBeGreaterThan(0);
    expect(last.armRequests).toBeGreaterThanOrEqual(2);
    expect(err.some((l) => l.startsWith("sweep clusters:"))).toBe(true);
  });

  it("exit 0 with a partial sweep, 1 when nothing could be read, 2 on bad usage", async () => {
    const [s1, s2] = sim.fleet.subscriptions;
    sim.setFaults({ forbiddenSubscriptions: [s2] });
    try {
      const partial = io(envFor({ FLEET_SCOPE: `/subscriptions/${s1},/subscriptions/${s2}` }));
      expect(await main(["sweep", "--json"], partial.cli)).toBe(0);
      expect(JSON.parse(partial.out[partial.out.length - 1]).partial).toBe(true);
      const none = io(envFor({ FLEET_SCOPE: `/subscriptions/${s2}` }));
      expect(await main(["sweep"], none.cli)).toBe(1);
      expect(none.out.join("\n")).toMatch(/nothing could be read[\s\S]*AccessDenied/);
    } finally {
      sim.setFaults({});
    }
    expect(await main(["sweep", "extra"], io(envFor()).cli)).toBe(2);
    expect(await main(["sweep"], io(envFor({ FLEET_SCOPE: "/subscriptions/not-a-guid" })).cli)).toBe(1);
  });
});

describe("sweep timer function", () => {
  it("registers on %FLEET_SWEEP_SCHEDULE% and sweeps into the history", async () => {
    const registrations = await captureRegistrations(() => import("../../functions/sweep"));
    const timer = registrations.timers.find((t) => t.name === "sweep")!;
    expect(timer.schedule).toBe("%FLEET_SWEEP_SCHEDULE%");
    const env = envFor();
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    const logged: unknown[][] = [];
    try {
      await timer.handler(
        { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: undefined as never },
        new InvocationContext({ functionName: "sweep", logHandler: (_level, ...args) => logged.push(args) }),
      );
    } finally {
      vi.unstubAllEnvs();
    }
    expect(logged.some(([line]) => String(line).startsWith("done: 8 clusters"))).toBe(true);
    const history = await openFleetHistory({ connectionString: env.FLEET_TABLES_CONNECTION, tablePrefix: env.FLEET_TABLE_PREFIX });
    expect(await firstItem(history.listSweeps())).toMatchObject({ clusters: 8 });
  });
});
