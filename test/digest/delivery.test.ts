import type { TokenCredential } from "@azure/core-auth";
import * as https from "node:https";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/core/config";
import { DeliveryError, postJson } from "../../shared/digest/deliver/http";
import { parseRetryAfter } from "../../shared/core/retry";
import { emailTarget, idempotencyUuid, slackTarget, targetsFromEnv, teamsTarget, webhookTarget } from "../../shared/digest/deliver/targets";
import { slackProblem } from "../../shared/digest/render/slack";
import { verifyWebhook } from "../../shared/digest/render/webhook";
import { API, exampleDigest } from "./golden";
import { acsEmailReply, type Receiver, startReceiver, TEST_CA } from "./receiver";

const FAST = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 4 };
const receivers: Receiver[] = [];
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe("postJson retries", () => {
  it("retries 5xx with backoff, then succeeds", async () => {
    const r = await receiver((_, i) => (i < 2 ? { status: 503 } : { status: 202 }));
    const result = await postJson(r.url, "{}", {}, FAST);
    expect(result).toMatchObject({ httpStatus: 202, attempts: 3 });
    expect(r.requests).toHaveLength(3);
  });

  it("honours Retry-After on 429", async () => {
    const r = await receiver((_, i) => (i === 0 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 }));
    const started = Date.now();
    await postJson(r.url, "{}", {}, { ...FAST, maxDelayMs: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 21 Oct 2015 07:28:05 GMT" }), Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(5000);
  });

  it("does not retry a 400, and reports the status without the URL's secret path", async () => {
    const r = await receiver(() => ({ status: 400, body: "invalid_blocks" }));
    const err = await postJson(`${r.url}/hooks/SECRET`, "{}", {}, FAST).catch((e: DeliveryError) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ code: "HttpError", httpStatus: 400, attempts: 1 });
    expect((err as Error).message).toContain("invalid_blocks");
    expect((err as Error).message).not.toContain("SECRET");
    expect(r.requests).toHaveLength(1);
  });

  it("gives up after the last attempt", async () => {
    const r = await receiver(() => ({ status: 500 }));
    await expect(postJson(r.url, "{}", {}, FAST)).rejects.toMatchObject({ code: "HttpError", httpStatus: 500, attempts: 4 });
    expect(r.requests).toHaveLength(4);
  });

  it("retries a refused connection as a network error", async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    receivers.pop();
    await expect(postJson(url, "{}", {}, { ...FAST, maxAttempts: 2 })).rejects.toMatchObject({ code: "NetworkError", attempts: 2 });
  });
});

describe("targets", () => {
  const digest = exampleDigest();

  it("posts an Adaptive Card message to a Teams Workflows webhook", async () => {
    const r = await receiver(() => ({ status: 202 }));
    const result = await teamsTarget(`${r.url}/workflows/x`, { apiBaseUrl: API, retry: FAST }).send(digest);
    expect(result).toMatchObject({ httpStatus: 202, attempts: 1, maxItems: 10 });
    const body = JSON.parse(r.requests[0].body);
    expect(r.requests[0].headers["content-type"]).toContain("application/json");
    expect(body.attachments[0].content.type).toBe("AdaptiveCard");
    expect(JSON.stringify(body)).toContain("flux-extension-install");
  });

  it("posts Block Kit to a Slack incoming webhook", async () => {
    const r = await receiver(() => ({ status: 200, body: "ok" }));
    await slackTarget(r.url, { apiBaseUrl: API, retry: FAST }).send(digest);
    const body = JSON.parse(r.requests[0].body);
    expect(slackProblem(body)).toBeUndefined();
    expect(body.text).toContain("4 components started failing");
  });

  it("signs the generic webhook so the receiver can verify it", async () => {
    const r = await receiver(() => ({ status: 204 }));
    await webhookTarget(r.url, "s3cret", { apiBaseUrl: API, retry: FAST }).send(digest);
    const req = r.requests[0];
    const headers = { signature: String(req.headers["x-fleet-signature"]), timestamp: String(req.headers["x-fleet-timestamp"]) };
    expect(verifyWebhook(req.body, "s3cret", headers)).toBe(true);
    expect(verifyWebhook(req.body, "wrong", headers)).toBe(false);
    expect(req.headers["x-fleet-digest-id"]).toBe(digest.id);
    expect(req.headers["idempotency-key"]).toBe(`${digest.id}:webhook`);
    expect(JSON.parse(req.body)).toMatchObject({ schema: "fleet-health.digest/v1", digest: { id: digest.id } });
  });

  it("sends e-mail through the real EmailClient to a local ACS receiver, polling the operation", async () => {
    const credential: TokenCredential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    let url = "";
    const r = await receiver(
      acsEmailReply(() => url),
      { tls: true },
    );
    url = r.url;
    const target = emailTarget({
      apiBaseUrl: API,
      endpoint: r.url,
      from: "fleet@contoso.example",
      to: ["ops@contoso.example", "sre@contoso.example"],
      credential,
      clientOptions: { agent: new https.Agent({ ca: TEST_CA }) },
      pollIntervalMs: 10,
    });
    await target.send(digest);
    const send = r.requests[0];
    expect(send.url).toMatch(/^\/emails:send\?api-version=/);
    expect(send.headers.authorization).toBe("Bearer test-token");
    expect(send.headers["operation-id"]).toBe(idempotencyUuid(`${digest.id}:email`));
    const message = JSON.parse(send.body);
    expect(message.senderAddress).toBe("fleet@contoso.example");
    expect(message.recipients.to.map((t: { address: string }) => t.address)).toEqual(["ops@contoso.example", "sre@contoso.example"]);
    expect(message.content.subject).toMatch(/^\[data missing\] Fleet health 2026-11-22/);
    expect(message.content.html).toContain("<h3>Fleet-wide incidents (1)</h3>");
    expect(r.requests.slice(1).every((q) => q.method === "GET" && q.url.startsWith("/emails/operations/"))).toBe(true);
  });

  it("reports an e-mail the service failed as a delivery error", async () => {
    const credential: TokenCredential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const r = await receiver(
      () => ({
        status: 400,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: { code: "InvalidSenderDomain", message: "sender domain not verified" } }),
      }),
      { tls: true },
    );
    const target = emailTarget({
      apiBaseUrl: API,
      endpoint: r.url,
      from: "a@b.example",
      to: ["c@d.example"],
      credential,
      clientOptions: { agent: new https.Agent({ ca: TEST_CA }) },
    });
    await expect(target.send(digest)).rejects.toMatchObject({
      code: "HttpError",
      httpStatus: 400,
      message: expect.stringContaining("sender domain not verified"),
    });
  });

  it("builds every configured target from the environment, several at once", () => {
    const env = {
      FLEET_DIGEST_TEAMS_URL: "https://prod.westeurope.logic.azure.com/workflows/1",
      FLEET_DIGEST_SLACK_URL: "https://hooks.slack.com/services/T/B/X",
      FLEET_DIGEST_WEBHOOK_URL: "https://example.com/hook",
      FLEET_DIGEST_WEBHOOK_SECRET: "k",
      FLEET_DIGEST_EMAIL_ENDPOINT: "https://acs.communication.azure.com",
      FLEET_DIGEST_EMAIL_FROM: "fleet@contoso.example",
      FLEET_DIGEST_EMAIL_TO: "a@contoso.example, b@contoso.example",
    };
    expect(targetsFromEnv(env).map((t) => t.name)).toEqual(["teams", "slack", "webhook", "email"]);
    expect(targetsFromEnv({})).toEqual([]);
  });

  it("refuses half-configured targets with an error naming the setting", () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ FLEET_DIGEST_WEBHOOK_URL: "https://example.com/hook" }, "FLEET_DIGEST_WEBHOOK_SECRET"],
      [{ FLEET_DIGEST_TEAMS_URL: "not a url" }, "FLEET_DIGEST_TEAMS_URL"],
      [{ FLEET_DIGEST_SLACK_URL: "ftp://x" }, "FLEET_DIGEST_SLACK_URL"],
      [{ FLEET_DIGEST_EMAIL_TO: "a@b.example" }, "FLEET_DIGEST_EMAIL_ENDPOINT"],
      [{ FLEET_DIGEST_EMAIL_ENDPOINT: "https://acs.communication.azure.com", FLEET_DIGEST_EMAIL_TO: "a@b.example" }, "FLEET_DIGEST_EMAIL_FROM"],
      [
        { FLEET_DIGEST_EMAIL_ENDPOINT: "https://acs.communication.azure.com", FLEET_DIGEST_EMAIL_FROM: "f@b.example", FLEET_DIGEST_EMAIL_TO: "nobody" },
        "FLEET_DIGEST_EMAIL_TO",
      ],
    ];
    for (const [env, name] of cases) {
      expect(() => targetsFromEnv(env), name).toThrow(ConfigError);
      expect(() => targetsFromEnv(env), name).toThrow(name);
    }
  });

  it("derives one stable UUID per digest and target", () => {
    expect(idempotencyUuid("a:email")).toBe(idempotencyUuid("a:email"));
    expect(idempotencyUuid("a:email")).not.toBe(idempotencyUuid("b:email"));
    expect(idempotencyUuid("a:email")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
