/** A busy FLEET_PORT ends `serve` and `start --serve` with a message, instead of a process that never exits. */
import * as net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { CLI_MAIN, finished, spawnTs } from "../support/child";

let blocker: net.Server;
let port: number;

beforeAll(async () => {
  blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve()));
  port = (blocker.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

function env(extra: Record<string, string> = {}) {
  return { ...process.env, FLEET_PORT: String(port), FLEET_TABLES_CONNECTION: tablesConnection(), FLEET_TABLE_PREFIX: uniquePrefix("port"), ...extra };
}

describe("a busy port", () => {
  it("ends serve with a non-zero exit naming the port and FLEET_PORT", async () => {
    const result = await finished(spawnTs(CLI_MAIN, ["serve"], { env: env() }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${port}`);
    expect(result.stderr).toContain("FLEET_PORT");
  });

  it("ends start --serve before it sweeps", async () => {
    const result = await finished(spawnTs(CLI_MAIN, ["start", "--serve", "--clusters", "3"], { env: env() }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${port}`);
    expect(result.stderr).toContain("FLEET_PORT");
    expect(result.stdout).not.toContain("Sweeping");
  });
});
