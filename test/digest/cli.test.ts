import { app, InvocationContext } from "@azure/functions";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import type { CliIo } from "../../cli/io";
import { openFleetHistory } from "../../shared/store";
import { cluster, snapshot } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { type Receiver, startReceiver } from "./receiver";

function io(env: Record<string, string>): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { env, out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), stdin: async function* () {} };
}

async function fleetEnv(): Promise<Record<string, string>> {
  const prefix = uniquePrefix("dgcli");
  const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: prefix });
  const now = Date.now();
  const s = snapshot(
    [
      cluster("c1", { flux: { state: "failing", reason: "InstallationFailed", catalogId: "helm-timeout-ready" } }),
      cluster("c2", { monitor: { state: "failing", reason: "AgentTimeout", catalogId: "ext-agent-no-response" } }),
    ],
    { minute: 0 },
  );
  // A sweep one hour ago, so it falls inside `--since 24h`.
  const shifted = { ...s, startedAt: new Date(now - 3_600_000).toISOString(), finishedAt: new Date(now - 3_590_000).toISOString() };
  await history.recordSweep(shifted);
  return { FLEET_TABLES_CONNECTION: tablesConnection(), FLEET_TABLE_PREFIX: prefix };
}

describe("fleet-health digest", () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it("prints the digest, naming each failing catalog entry by id, and stores it", async () => {
    const env = await fleetEnv();
    const cli = io(env);
    expect(await main(["digest", "--since", "24h"], cli)).toBe(0);
    const text = cli.out.join("\n");
    expect(text).toMatch(/^Fleet health digest, /);
    expect(text).toContain("[helm-timeout-ready]");
    expect(text).toContain("[ext-agent-no-response]");
    expect(text).toContain("2 components started failing");
    expect(text).toContain("Sweeps in window: 1");
    expect(cli.err.join("\n")).toMatch(/digest \d{8}T\d{6}Z_\d{8}T\d{6}Z stored/);
  });

  it("with --send delivers and lists each delivery; a failed one makes the exit code 1", async () => {
    const env = await fleetEnv();
    receiver = await startReceiver(() => ({ status: 400, body: "invalid_payload" }));
    const cli = io({ ...env, FLEET_DIGEST_SLACK_URL: `${receiver.url}/services/x` });
    expect(await main(["digest", "--send"], cli)).toBe(1);
    expect(cli.out.join("\n")).toMatch(/Deliveries:\n {2}digest \S+ -> slack: FAILED \[HttpError\] .*invalid_payload/);
    expect(receiver.requests).toHaveLength(1);
  });

  it("says so when --send has no target", async () => {
    const cli = io(await fleetEnv());
    expect(await main(["digest", "--send"], cli)).toBe(0);
    expect(cli.out.join("\n")).toContain("No delivery target is configured");
  });

  it("rejects a bad --since or a stray argument as usage errors", async () => {
    for (const args of [
      ["digest", "--since", "yesterday"],
      ["digest", "now"],
      ["digest", "--since"],
    ]) {
      const cli = io({});
      expect(await main(args, cli), args.join(" ")).toBe(2);
      expect(cli.err[0]).toMatch(/^fleet-health digest: /);
    }
  });

  it("reports a half-configured target by its setting before building anything", async () => {
    const cli = io({ ...(await fleetEnv()), FLEET_DIGEST_WEBHOOK_URL: "https://example.com/hook" });
    expect(await main(["digest", "--send"], cli)).toBe(1);
    expect(cli.err.join("\n")).toContain("[InvalidConfiguration] FLEET_DIGEST_WEBHOOK_SECRET");
  });
});

describe("functions/digest.ts", () => {
  it("registers the digest timer on %FLEET_DIGEST_SCHEDULE% and runs the scheduled digest", async () => {
    const spy = vi.spyOn(app, "timer");
    const { digestTimer } = await import("../../functions/digest");
    expect(spy).toHaveBeenCalledWith("digest", expect.objectContaining({ schedule: "%FLEET_DIGEST_SCHEDULE%", handler: digestTimer }));
    const env = await fleetEnv();
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const logs: string[] = [];
      const ctx = new InvocationContext({ functionName: "digest", logHandler: (_level, ...args) => logs.push(args.join(" ")) });
      await digestTimer({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: "", next: "", lastUpdated: "" } }, ctx);
      expect(logs.join("\n")).toMatch(/digest \d{8}T070000Z_\d{8}T070000Z stored/);
    } finally {
      for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
      spy.mockRestore();
    }
  });
});
