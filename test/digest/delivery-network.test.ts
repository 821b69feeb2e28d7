/**
 * The way out a webhook takes, by the standard settings a platform team sets on its hosts: the proxy
 * variables as the Azure SDK clients read them (Node's `fetch` would ignore them), and TLS trust.
 * Its own file: the SDK reads NO_PROXY once per process, so it is set here before the first request.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../../shared/digest/deliver/http";
import { selfSignedCertificate } from "../support/tls";
import { type Receiver, startReceiver } from "./receiver";

const PROXY_VARIABLES = ["HTTPS_PROXY", "ALL_PROXY", "HTTP_PROXY", "NO_PROXY"];
const saved = Object.fromEntries([...PROXY_VARIABLES, ...PROXY_VARIABLES.map((v) => v.toLowerCase())].map((v) => [v, process.env[v]]));
const FAST = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 3 };
const receivers: Receiver[] = [];

beforeAll(() => {
  for (const name of Object.keys(saved)) delete process.env[name];
  process.env.NO_PROXY = "127.0.0.1";
});
afterEach(async () => {
  delete process.env.HTTP_PROXY;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

describe("webhook delivery and the host's network settings", () => {
  it("goes through HTTP_PROXY, except to a host NO_PROXY names", async () => {
    const target = await receiver();
    const proxy = await receiver(() => ({ status: 200, body: "via proxy" }));
    process.env.HTTP_PROXY = proxy.url;
    const port = new URL(target.url).port;

    // localhost is not in NO_PROXY: the proxy is asked for the whole URL (absolute form).
    const proxied = await postJson(`http://localhost:${port}/hook`, '{"n":1}', {}, FAST);
    expect(proxied.body).toBe("via proxy");
    expect(proxy.requests.map((r) => [r.method, r.url, r.body])).toEqual([["POST", `http://localhost:${port}/hook`, '{"n":1}']]);

    // 127.0.0.1 is: straight to the receiver.
    const direct = await postJson(`${target.url}/hook`, '{"n":2}', {}, FAST);
    expect(direct.httpStatus).toBe(200);
    expect(target.requests.map((r) => [r.url, r.body])).toEqual([["/hook", '{"n":2}']]);
    expect(proxy.requests).toHaveLength(1);
  });

  it("fails at once on a certificate nothing trusts: no retry can fix it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fh-webhook-tls-"));
    try {
      const { key, cert } = selfSignedCertificate(dir, "untrusted-webhook");
      const untrusted = await receiver(undefined, { tls: { key, cert } });
      const failure = await postJson(`${untrusted.url}/hook`, "{}", {}, FAST).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: "NetworkError", attempts: 1 });
      expect((failure as Error).message).toMatch(/self[- ]signed certificate/i);
      expect(untrusted.requests).toHaveLength(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives up an attempt that gets no answer in time, and says so", async () => {
    const silent = await receiver(() => undefined);
    const failure = await postJson(`${silent.url}/hook`, "{}", {}, { ...FAST, maxAttempts: 2, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "Timeout", attempts: 2 });
    expect((failure as Error).message).toContain("no answer in time");
    expect(silent.requests).toHaveLength(2);
  });
});
