/**
 * A run that reaches its deadline (FLEET_RUN_DEADLINE) stops reading and is recorded as a partial
 * sweep: what was read stands, the rest is unknown, nothing is reported deleted or recovered.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { ArmSimulator } from "../../dev/simulator";
import { SETTINGS } from "../../shared/core/config";
import { runDeadline, RunDeadlineError } from "../../shared/core/deadline";
import { firstItem, openFleetHistory } from "../../shared/store";
import type { TransitionRecord } from "../../shared/store/types";
import { runSweep } from "../../shared/sweep";
import { simulator, sweepOptions } from "../azure/simulator";
import { tablesConnection, uniquePrefix } from "../support/tables";

let running: ArmSimulator | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe("the run deadline", () => {
  it("is below host.json's functionTimeout by default", () => {
    const [h, m, s] = (JSON.parse(readFileSync("host.json", "utf8")) as { functionTimeout: string }).functionTimeout.split(":").map(Number);
    expect(Number(SETTINGS.runDeadline.default)).toBeLessThan(h * 3600 + m * 60 + s);
  });

  it("aborts with a RunDeadlineError naming the setting", async () => {
    const deadline = runDeadline({}, 10);
    await new Promise((r) => setTimeout(r, 30));
    expect(deadline.signal.reason).toBeInstanceOf(RunDeadlineError);
    expect((deadline.signal.reason as Error).message).toMatch(/FLEET_RUN_DEADLINE/);
  });

  it("ends a slow sweep as a recorded partial sweep, without false deletions or recoveries", async () => {
    const { sim, connection } = await simulator({ fleet: { clusters: 60, subscriptions: 2, failureRate: 0.3, seed: 8 } });
    running = sim;
    const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: uniquePrefix("deadline") });
    const sweep = (signal?: AbortSignal) =>
      runSweep({
        ...sweepOptions(connection, history),
        timeoutMs: 5000,
        pageSize: 5,
        signal,
      });
    const first = await sweep();
    expect(first.summary.partial).toBe(false);

    sim.setFaults({ latencyMs: 250 }); // a slow server: 5 rows per page, 250 ms per page
    const deadline = runDeadline({}, 1500);
    const started = Date.now();
    const slow = await sweep(deadline.signal);
    deadline.dispose();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(slow.summary.partial).toBe(true);
    expect(slow.summary.partialScopes.map((p) => p.code)).toContain("DeadlineExceeded");
    expect(slow.summary.nothingRead).toBe(false);

    // Recorded, and marked partial.
    const latest = await firstItem(history.listSweeps());
    expect(latest).toMatchObject({ sweepId: slow.summary.sweepId, partial: true });
    // Nothing the deadline left unread is reported gone or healthy again.
    const changes: TransitionRecord[] = [];
    for await (const t of history.listTransitions()) if (t.sweepId === slow.summary.sweepId) changes.push(t);
    expect(changes.filter((t) => t.to === "deleted")).toEqual([]);
    expect(changes.filter((t) => t.to === "healthy")).toEqual([]);
    // The deadline cut the reads short: clusters not reached are absent (kept as they were, not deleted),
    // and the clusters whose configurations it could not read in full are unknown, not healthy.
    expect(slow.snapshot.clusters.length).toBeLessThan(60);
    const unread = slow.snapshot.clusters.filter((c) => c.unread);
    expect(unread.length).toBeGreaterThan(0);
    expect(unread.every((c) => c.state === "unknown" && c.unread!.code === "DeadlineExceeded")).toBe(true);
  }, 60_000);

  it("records a sweep whose deadline passed while every query, subscription names included, was held", async () => {
    const { sim, connection } = await simulator({ fleet: { clusters: 10, subscriptions: 2, seed: 4 } });
    running = sim;
    const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: uniquePrefix("held") });
    sim.setFaults({ timeouts: { count: 5, holdMs: 20_000 } }); // names, clusters and the three configuration queries
    const deadline = runDeadline({}, 1000);
    const held = await runSweep({
      armEndpoint: connection.endpoint,
      credential: connection.credential,
      agent: connection.agent,
      history,
      signal: deadline.signal,
    });
    deadline.dispose();
    expect(held.summary.partial).toBe(true);
    expect(held.summary.partialScopes.every((p) => p.code === "DeadlineExceeded")).toBe(true);
    expect(await firstItem(history.listSweeps())).toMatchObject({ sweepId: held.summary.sweepId, partial: true });
  }, 60_000);
});
