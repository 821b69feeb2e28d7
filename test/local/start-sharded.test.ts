/**
 * `npm start` with no configuration runs the sweep as the Functions app does: a fleet larger than
 * FLEET_SHARD_CLUSTERS goes through the embedded Azurite's shard queue to the local host's
 * queue-triggered workers, and start prints the summary once the sweep is complete.
 */
import { QueueClient } from "@azure/storage-queue";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ENDPOINT_FILE } from "../../dev/azurite-share";
import { withEmbeddedTables } from "../../dev/embedded";
import { ShardedSweepIncompleteError, waitForShardedSweep } from "../../dev/local-sweep";
import { firstItem, openFleetHistory } from "../../shared/store";
import { SHARD_QUEUE } from "../../shared/sweep/shards";
import { CLI_MAIN, finished, spawnTs } from "../support/child";
import { tablesConnection, uniquePrefix } from "../support/tables";

/** A CLI command in `cwd` with nothing configured: embedded Azurite (tables and queues) and the simulated fleet. */
function cli(cwd: string, args: string[], extra: Record<string, string> = {}): ChildProcess {
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  for (const name of [
    "FLEET_TABLES_CONNECTION",
    "FLEET_TABLES_ENDPOINT",
    "FLEET_SCOPE",
    "FLEET_ARM_ENDPOINT",
    "FLEET_API_KEY",
    "FLEET_TABLE_PREFIX",
    "AzureWebJobsStorage",
  ])
    if (!(name in extra)) delete env[name];
  return spawnTs(CLI_MAIN, args, { cwd, env });
}

/** 150 simulated clusters sit in 2 subscriptions of 75: with 80 per shard, the planner makes 2 shards. */
const SHARDED = { FLEET_SHARD_CLUSTERS: "80" };

const executed = (log: string) => (log.match(/Executed 'Functions\.sweep-shard' \(Succeeded/g) ?? []).length;
const sweepIdIn = (stdout: string) => /sweep (\S+) in 2 shards/.exec(stdout)?.[1];

/** What the embedded store holds after the commands stopped: the newest sweep and the shard queue's length. */
async function stored(cwd: string) {
  const tables = await withEmbeddedTables({}, { location: path.join(cwd, ".azurite") });
  try {
    const history = await openFleetHistory({ connectionString: tables.env.FLEET_TABLES_CONNECTION! });
    const queue = new QueueClient(tables.env.AzureWebJobsStorage!, SHARD_QUEUE);
    return { latest: await firstItem(history.listSweeps()), queued: (await queue.getProperties()).approximateMessagesCount };
  } finally {
    await tables.stop();
  }
}

describe("npm start through the shard queue", () => {
  it("records a complete sharded sweep through the queue workers and prints the summary; a small fleet stays inline", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "fh-start-"));
    const sharded = await finished(cli(cwd, ["start", "--clusters", "150"], SHARDED), 240_000);
    expect(sharded.code, sharded.stderr).toBe(0);
    expect(sharded.stdout).toContain("Queues (host storage, AzureWebJobsStorage): the same Azurite's queue service");
    expect(sharded.stdout).toMatch(/Fleet: 150 clusters \(\d+ Arc, \d+ AKS\), \d+ components, sweep \S+ in 2 shards/);
    expect(sharded.stdout).toMatch(/Components by state: healthy \d+/);
    expect(sharded.stdout).toContain("Fleet health digest");
    expect(sharded.stderr).toMatch(/planned: sweep \S+ in 2 shards \(75, 75 clusters\)/);
    expect(executed(sharded.stderr)).toBe(2);
    const sweepId = sweepIdIn(sharded.stdout);
    let after = await stored(cwd);
    expect(after.latest).toMatchObject({ sweepId, clusters: 150, partial: false });
    expect(after.queued).toBe(0);

    // Under the default FLEET_SHARD_CLUSTERS the same fleet is one shard: inline, no queue.
    const inline = await finished(cli(cwd, ["start", "--clusters", "150"]), 240_000);
    expect(inline.code, inline.stderr).toBe(0);
    expect(inline.stdout).toMatch(/Fleet: 150 clusters .* sweep \S+\n/);
    expect(inline.stdout).not.toContain("shards");
    expect(executed(inline.stderr)).toBe(0);
    after = await stored(cwd);
    expect(after.latest?.sweepId).not.toBe(sweepId);
  }, 300_000);

  it("a second command uses the queue service of the Azurite a running command holds, and starts none", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "fh-start-"));
    const location = path.join(cwd, ".azurite");
    // A command already running on the folder (as `serve` would be).
    const running = await withEmbeddedTables({}, { location });
    try {
      const azurite = JSON.parse(fs.readFileSync(path.join(location, ENDPOINT_FILE), "utf8")) as { queuePid: number; queuePort: number };
      expect(running.env.AzureWebJobsStorage).toContain(`:${azurite.queuePort}/`);

      const start = await finished(cli(cwd, ["start", "--clusters", "150"], SHARDED), 240_000);
      expect(start.code, start.stderr).toBe(0);
      expect(start.stdout).toMatch(/already running for another command \(pid \d+\)/);
      expect(start.stdout).toContain(`queue service on 127.0.0.1:${azurite.queuePort}`);
      expect(start.stdout).toMatch(/sweep \S+ in 2 shards/);
      expect(executed(start.stderr)).toBe(2);
      // The same queue process: the shard queue start used is the running command's, and it is drained.
      expect(JSON.parse(fs.readFileSync(path.join(location, ENDPOINT_FILE), "utf8"))).toMatchObject(azurite);
      const queue = new QueueClient(running.env.AzureWebJobsStorage!, SHARD_QUEUE);
      expect((await queue.getProperties()).approximateMessagesCount).toBe(0);
      const history = await openFleetHistory({ connectionString: running.env.FLEET_TABLES_CONNECTION! });
      expect(await firstItem(history.listSweeps())).toMatchObject({ sweepId: sweepIdIn(start.stdout), clusters: 150 });
    } finally {
      await running.stop();
    }
  }, 300_000);
});

describe("waiting for a sharded sweep", () => {
  it("gives up after the bound with an error naming the sweep, the shards recorded and where the rest are", async () => {
    const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: uniquePrefix("wait") });
    await history.planShardedSweep({ sweepId: "20261203T000000000Z-abcdef", startedAt: "2026-12-03T00:00:00.000Z", scopes: [], shards: 2 });
    const waiting = waitForShardedSweep(history, "20261203T000000000Z-abcdef", { timeoutMs: 300, pollMs: 50 });
    await expect(waiting).rejects.toBeInstanceOf(ShardedSweepIncompleteError);
    await expect(waiting).rejects.toThrow(/sweep 20261203T000000000Z-abcdef: 0 of 2 shards recorded after 0 s.*fleet-sweep-shards/);
  });
});
