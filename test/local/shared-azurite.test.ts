/** Commands on one `.azurite/` folder share one Azurite: a second command never opens the data a second time. */
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { pidAlive, stopAzuritePid } from "../../dev/azurite";
import { ENDPOINT_FILE } from "../../dev/azurite-share";
import { withEmbeddedTables } from "../../dev/embedded";
import { CLI_MAIN, finished, spawnTs } from "../support/child";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A CLI command run in `cwd` (its `.azurite/` is there), with no storage configured. */
function cli(cwd: string, args: string[], port?: number): ChildProcess {
  const env = {
    ...process.env,
    FLEET_PORT: port ? String(port) : undefined,
    FLEET_TABLES_CONNECTION: undefined,
    FLEET_TABLES_ENDPOINT: undefined,
    FLEET_API_KEY: undefined,
  };
  return spawnTs(CLI_MAIN, args, { cwd, env });
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (c: Buffer) => {
      text += c.toString();
      if (pattern.test(text)) resolve(text);
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code}:\n${text}`)));
  });
}

async function digestCount(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/digests`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: unknown[] }).items.length;
}

function endpoint(location: string): { pid: number; port: number; queuePid: number; queuePort: number } {
  return JSON.parse(fs.readFileSync(path.join(location, ENDPOINT_FILE), "utf8"));
}

describe("one Azurite per data folder", () => {
  it("lets `digest` store into the Azurite a running `serve` uses, and keeps it after both stop", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "fh-share-"));
    const port = await freePort();
    const serve = cli(cwd, ["serve", "--no-timers"], port);
    const serveDone = finished(serve, 120_000);
    await waitForLine(serve, /listening on/);
    expect(await digestCount(port)).toBe(0);

    const digest = await finished(cli(cwd, ["digest"]));
    expect(digest.code).toBe(0);
    expect(digest.stderr).toMatch(/already running for another command \(pid \d+\)/);
    // The running server sees what the second command stored.
    expect(await digestCount(port)).toBe(1);

    const azurite = endpoint(path.join(cwd, ".azurite"));
    serve.kill("SIGINT");
    expect((await serveDone).code).toBe(0);
    // The last command out stopped Azurite and removed its endpoint file.
    expect(pidAlive(azurite.pid)).toBe(false);
    expect(fs.existsSync(path.join(cwd, ".azurite", ENDPOINT_FILE))).toBe(false);

    const again = cli(cwd, ["serve", "--no-timers"], port);
    const againDone = finished(again, 120_000);
    await waitForLine(again, /listening on/);
    expect(await digestCount(port)).toBe(1);
    again.kill("SIGINT");
    expect((await againDone).code).toBe(0);
  }, 120_000);

  it("takes over from a command killed with SIGKILL: joins its Azurite, and stops it as the last one out", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "fh-share-"));
    const port = await freePort();
    const serve = cli(cwd, ["serve", "--no-timers"], port);
    const serveDone = finished(serve, 120_000);
    await waitForLine(serve, /listening on/);
    const azurite = endpoint(path.join(cwd, ".azurite"));
    serve.kill("SIGKILL");
    await serveDone;
    expect(pidAlive(azurite.pid)).toBe(true);

    const tables = await withEmbeddedTables({}, { location: path.join(cwd, ".azurite") });
    expect(tables.notes.join()).toContain(`pid ${azurite.pid}`);
    expect(tables.env.FLEET_TABLES_CONNECTION).toContain(`:${azurite.port}/`);
    await tables.stop();
    expect(pidAlive(azurite.pid)).toBe(false);
  }, 120_000);

  it("starts only the service missing from a running Azurite (one started before it had a queue service)", async () => {
    const location = fs.mkdtempSync(path.join(os.tmpdir(), "fh-share-"));
    const first = await withEmbeddedTables({}, { location });
    const before = endpoint(location);
    // The queue service is gone and the file names the table service only, as an older version wrote it.
    await stopAzuritePid(before.queuePid);
    fs.writeFileSync(path.join(location, ENDPOINT_FILE), JSON.stringify({ pid: before.pid, port: before.port }));
    const second = await withEmbeddedTables({}, { location });
    const after = endpoint(location);
    try {
      expect(after).toMatchObject({ pid: before.pid, port: before.port });
      expect(pidAlive(after.queuePid)).toBe(true);
      expect(second.env.AzureWebJobsStorage).toContain(`:${after.queuePort}/`);
      expect(second.notes.join()).toContain(`already running for another command (pid ${before.pid})`);
    } finally {
      await second.stop();
      await first.stop();
    }
    // The last one out stops both services.
    expect(pidAlive(before.pid)).toBe(false);
    expect(pidAlive(after.queuePid)).toBe(false);
  }, 60_000);

  it("starts afresh over stale files whose processes are gone", async () => {
    const location = fs.mkdtempSync(path.join(os.tmpdir(), "fh-share-"));
    const dead = 2 ** 22 - 3; // above the usual pid_max of small systems' default; not a live process
    expect(pidAlive(dead)).toBe(false);
    fs.mkdirSync(path.join(location, "clients"), { recursive: true });
    fs.writeFileSync(path.join(location, ENDPOINT_FILE), JSON.stringify({ pid: dead, port: 9 }));
    fs.writeFileSync(path.join(location, "clients", `${dead}-stale`), "");
    fs.mkdirSync(path.join(location, ".lock"));
    fs.writeFileSync(path.join(location, ".lock", "pid"), String(dead));
    const tables = await withEmbeddedTables({}, { location });
    try {
      expect(tables.notes.join()).toMatch(/Table storage: embedded Azurite on/);
      expect(endpoint(location).pid).not.toBe(dead);
    } finally {
      await tables.stop();
    }
    expect(fs.readdirSync(path.join(location, "clients"))).toEqual([]);
  }, 60_000);
});
