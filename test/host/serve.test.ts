/** `fleet-health serve`: the built app (package.json main) on FLEET_PORT, with the key from FLEET_API_KEY. */
import * as net from "node:net";
import { describe, expect, it } from "vitest";
import { run } from "../../cli/commands/serve";
import { tablesConnection, uniquePrefix } from "../support/tables";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, init?: RequestInit): Promise<Response> {
  for (let i = 0; ; i++) {
    try {
      return await fetch(url, init);
    } catch (err) {
      if (i > 200) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe("serve", () => {
  it("serves the API under /api on FLEET_PORT, requires FLEET_API_KEY and stops cleanly", async () => {
    const port = await freePort();
    const lines: string[] = [];
    let stop!: (signal: string) => void;
    const until = new Promise<string>((resolve) => (stop = resolve));
    const env = {
      FLEET_PORT: String(port),
      FLEET_API_KEY: "serve-key",
      FLEET_TABLES_CONNECTION: tablesConnection(),
      FLEET_TABLE_PREFIX: uniquePrefix("serve"),
    };
    const io = { env, stdout: (l: string) => lines.push(l), stderr: (l: string) => lines.push(l), stdin: async function* () {} };
    const exit = run(["--no-timers"], io, { until });
    const health = await waitFor(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/api/catalog`)).status).toBe(401);
    const catalog = await fetch(`http://127.0.0.1:${port}/api/catalog`, { headers: { "x-functions-key": "serve-key" } });
    expect(catalog.status).toBe(200);
    stop("test");
    expect(await exit).toBe(0);
    expect(lines.join("\n")).toContain(`listening on http://127.0.0.1:${port}/api`);
    expect(lines.join("\n")).toContain(`Dashboard: http://127.0.0.1:${port}/ (`);
    expect(lines.join("\n")).toMatch(/GET \/api\/health 200/);
  });
});
