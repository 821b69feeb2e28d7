import type { TokenCredential } from "@azure/core-auth";
import * as https from "node:https";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDigestStore } from "../../shared/digest/store";
import { runDigestFromEnv, runScheduledDigest } from "../../shared/digest/run";
import { openFleetHistory } from "../../shared/store";
import { cluster, snapshot } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { acsEmailReply, type Receiver, type Reply, startReceiver, TEST_CA } from "./receiver";

const MIN = 60_000;
const T0 = Date.parse("2026-11-01T00:00:00.000Z");
const at = (minute: number) => new Date(T0 + minute * MIN);
/** The window every test digests: from minute 60 to minute 1500 (a day later). */
const WINDOW = { from: at(60).toISOString(), to: at(1500).toISOString() };
const NEXT_WINDOW = { from: WINDOW.to, to: at(2940).toISOString() };
const credential: TokenCredential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const targetOptions = {
  retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 2 },
  email: { credential, clientOptions: { agent: new https.Agent({ ca: TEST_CA }), retryOptions: { maxRetries: 0 } }, pollIntervalMs: 5 },
};

const HELM = {
  state: "failing" as const,
  reason: "InstallationFailed",
  catalogId: "helm-timeout-ready",
  message: "Helm installation failed: timed out waiting for the condition",
};
const FLUX_INSTALL = {
  state: "failing" as const,
  reason: "InstallationFailed",
  catalogId: "flux-extension-install",
  message: "Failed to install the Flux extension",
};
const AGENT = { state: "failing" as const, reason: "AgentTimeout", catalogId: "ext-agent-no-response", message: "The extension agent did not respond" };
const UNCLASSIFIED = { state: "failing" as const, reason: "ReconcileFailed", catalogId: null, message: "reconcile failed: unexpected status 42" };

/**
 * The fleet at three stages: `before` the window only a1 fails (helm); `during` a2 (agent), a3
 * (unclassified) and a4-a6 (the same Flux failure: an incident) fail too; `after`, a2 has recovered.
 */
function fleet(stage: "before" | "during" | "after") {
  return [
    cluster("a1", { flux: HELM }),
    cluster("a2", stage === "during" ? { monitor: AGENT } : {}),
    cluster("a3", stage === "before" ? {} : { config: UNCLASSIFIED }),
    ...["a4", "a5", "a6"].map((n) => cluster(n, stage === "before" ? {} : { flux: FLUX_INSTALL })),
  ];
}

const PARTIAL = [{ scope: "/subscriptions/00000000-0000-0000-0000-00000000000b", code: "AuthorizationFailed", message: "no access" }];

async function recordFleet(prefix: string, options: { partialLast?: boolean } = {}) {
  const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: prefix });
  await history.recordSweep(snapshot(fleet("before"), { minute: 0 }));
  await history.recordSweep(snapshot(fleet("during"), { minute: 120 }));
  await history.recordSweep(snapshot(fleet("after"), { minute: 600, ...(options.partialLast ? { partialScopes: PARTIAL } : {}) }));
  return history;
}

describe("runDigest against Azurite and local receivers", () => {
  let prefix: string;
  let receivers: Record<"teams" | "slack" | "webhook" | "email", Receiver>;
  let replies: Partial<Record<keyof typeof receivers, (i: number) => Reply>>;
  let env: Record<string, string>;

  beforeEach(async () => {
    prefix = uniquePrefix("dgrun");
    replies = {};
    const reply = (name: keyof typeof receivers, fallback: Reply) => (_: unknown, i: number) => replies[name]?.(i) ?? fallback;
    let emailUrl = "";
    receivers = {
      teams: await startReceiver(reply("teams", { status: 202 })),
      slack: await startReceiver(reply("slack", { status: 200, body: "ok" })),
      webhook: await startReceiver(reply("webhook", { status: 204 })),
      email: await startReceiver(
        acsEmailReply(() => emailUrl),
        { tls: true },
      ),
    };
    emailUrl = receivers.email.url;
    env = {
      FLEET_TABLES_CONNECTION: tablesConnection(),
      FLEET_TABLE_PREFIX: prefix,
      FLEET_API_BASE_URL: "https://fleet.example.com/api",
      FLEET_DIGEST_TEAMS_URL: `${receivers.teams.url}/workflows/1`,
      FLEET_DIGEST_SLACK_URL: `${receivers.slack.url}/services/T/B/X`,
      FLEET_DIGEST_WEBHOOK_URL: `${receivers.webhook.url}/hook`,
      FLEET_DIGEST_WEBHOOK_SECRET: "s3cret",
      FLEET_DIGEST_EMAIL_ENDPOINT: receivers.email.url,
      FLEET_DIGEST_EMAIL_FROM: "fleet@contoso.example",
      FLEET_DIGEST_EMAIL_TO: "ops@contoso.example",
    };
  });
  afterEach(async () => {
    await Promise.all(Object.values(receivers).map((r) => r.close()));
  });
  const sent = (name: keyof typeof receivers) => receivers[name].requests.filter((r) => r.method === "POST").length;

  it("builds the digest from recorded sweeps: new, still failing, incident, unclassified, recovered", async () => {
    await recordFleet(prefix);
    const { stored, deliveries } = await runDigestFromEnv({ env, send: false, window: WINDOW, now: at(1500) });
    const d = stored.digest;
    expect(deliveries).toEqual([]);
    expect(d.incidents.map((g) => [g.catalogId, g.clusters, g.newComponents])).toEqual([["flux-extension-install", 3, 3]]);
    expect(d.newFailures.map((f) => [f.clusterName, f.catalogId])).toEqual([["a3", null]]);
    expect(d.stillFailing.map((f) => [f.clusterName, f.catalogId, f.ageMs])).toEqual([["a1", "helm-timeout-ready", 1500 * MIN]]);
    expect(d.recovered.map((r) => [r.clusterName, r.catalogId, r.timeToRecoverMs])).toEqual([["a2", "ext-agent-no-response", 480 * MIN]]);
    expect(d.unclassified).toHaveLength(1);
    expect(d.topEntries[0]).toMatchObject({ catalogId: "flux-extension-install", clusters: 3 });
    expect(d.topEntries[0].steps.length).toBeGreaterThan(0);
    expect(d.coverage).toMatchObject({ sweepsInWindow: 2, clustersSeen: 6, gaps: [] });
    expect(Object.values(receivers).every((r) => r.requests.length === 0)).toBe(true);
  });

  it("delivers to every target once; a repeated run and two overlapping runs send nothing more", async () => {
    await recordFleet(prefix);
    const run = () => runDigestFromEnv({ env, send: true, window: WINDOW, now: at(1500), targetOptions });
    const first = await run();
    expect(first.deliveries.map((d) => [d.target, d.result])).toEqual([
      ["teams", "delivered"],
      ["slack", "delivered"],
      ["webhook", "delivered"],
      ["email", "delivered"],
    ]);
    const [again, overlap] = await Promise.all([run(), run()]);
    expect([...again.deliveries, ...overlap.deliveries].every((d) => d.result === "not-claimed")).toBe(true);
    expect([sent("teams"), sent("slack"), sent("webhook"), sent("email")]).toEqual([1, 1, 1, 1]);
    expect(first.stored.deliveries.map((s) => [s.target, s.status])).toEqual([
      ["email", "delivered"],
      ["slack", "delivered"],
      ["teams", "delivered"],
      ["webhook", "delivered"],
    ]);
    expect(JSON.parse(receivers.webhook.requests[0].body).digest.id).toBe(first.stored.id);
  });

  it("sends once even when two instances start the same window at the same moment", async () => {
    await recordFleet(prefix);
    const run = () => runDigestFromEnv({ env, send: true, window: WINDOW, now: at(1500), targetOptions });
    const results = await Promise.all([run(), run(), run()]);
    const delivered = results.flatMap((r) => r.deliveries).filter((d) => d.result === "delivered");
    expect(delivered.map((d) => d.target).sort()).toEqual(["email", "slack", "teams", "webhook"]);
    expect([sent("teams"), sent("slack"), sent("webhook"), sent("email")]).toEqual([1, 1, 1, 1]);
  });

  it("keeps a failed delivery visible and retries it on the next run, after retrying 5xx within the run", async () => {
    await recordFleet(prefix);
    replies.slack = () => ({ status: 503, body: "unavailable" });
    const first = await runDigestFromEnv({ env, send: true, window: WINDOW, now: at(1500), targetOptions });
    expect(first.deliveries.find((d) => d.target === "slack")).toMatchObject({ result: "failed", httpStatus: 503 });
    expect(sent("slack")).toBe(2);
    const store = await openDigestStore({ connectionString: tablesConnection(), tablePrefix: prefix });
    expect((await store.get(first.stored.id))?.deliveries.find((d) => d.target === "slack")).toMatchObject({
      status: "failed",
      attempts: 1,
      httpStatus: 503,
      error: { code: "HttpError" },
    });

    replies.slack = undefined;
    const next = await runDigestFromEnv({ env, send: true, window: NEXT_WINDOW, now: at(2940), targetOptions });
    const slack = next.deliveries.filter((d) => d.target === "slack");
    expect(slack.map((d) => [d.digestId, d.result])).toEqual([
      [next.stored.id, "delivered"],
      [first.stored.id, "delivered"],
    ]);
    expect((await store.get(first.stored.id))?.deliveries.find((d) => d.target === "slack")).toMatchObject({ status: "delivered", attempts: 2 });
    // The other targets of the first digest were not sent again.
    expect(sent("teams")).toBe(2);
  });

  it("with FLEET_DIGEST_SKIP_EMPTY sends nothing for a quiet window and records why", async () => {
    const history = await recordFleet(prefix);
    // The next window has one sweep that changes nothing.
    await history.recordSweep(snapshot(fleet("after"), { minute: 2000 }));
    const result = await runDigestFromEnv({ env: { ...env, FLEET_DIGEST_SKIP_EMPTY: "true" }, send: true, window: NEXT_WINDOW, now: at(2940), targetOptions });
    expect(result.stored.digest.quiet).toBe(true);
    expect(result.stored.digest.stillFailing.length + result.stored.digest.incidents.length).toBeGreaterThan(0);
    expect(result.stored.deliveries.map((d) => d.status)).toEqual(["skipped", "skipped", "skipped", "skipped"]);
    expect([sent("teams"), sent("slack"), sent("webhook"), sent("email")]).toEqual([0, 0, 0, 0]);
  });

  it("never treats a window with missing data as quiet, even with FLEET_DIGEST_SKIP_EMPTY", async () => {
    const history = await recordFleet(prefix, { partialLast: true });
    await history.recordSweep(snapshot(fleet("after"), { minute: 2000, partialScopes: PARTIAL }));
    const result = await runDigestFromEnv({ env: { ...env, FLEET_DIGEST_SKIP_EMPTY: "true" }, send: true, window: NEXT_WINDOW, now: at(2940), targetOptions });
    expect(result.stored.digest.quiet).toBe(false);
    expect(result.stored.digest.coverage.gaps.join(" ")).toContain("AuthorizationFailed");
    expect(sent("teams")).toBe(1);
    expect(JSON.parse(receivers.teams.requests[0].body).attachments[0].content.body[2]).toMatchObject({ type: "Container", style: "warning" });
  });

  it("says there is no data when nothing was ever recorded", async () => {
    const result = await runDigestFromEnv({ env, send: false, window: WINDOW, now: at(1500) });
    expect(result.stored.digest.quiet).toBe(false);
    expect(result.stored.digest.coverage.gaps).toEqual(["No sweep has ever been recorded: there is no data about the fleet."]);
  });

  it("the timer's run digests the schedule period that just ended", async () => {
    await recordFleet(prefix);
    const result = await runScheduledDigest({
      env: { ...env, FLEET_DIGEST_SCHEDULE: "0 0 1 * * *" },
      now: new Date(at(1500).getTime() + 2_000),
      targetOptions,
    });
    expect(result.stored.id).toBe("20261101T010000Z_20261102T010000Z");
    expect(result.deliveries.filter((d) => d.result === "delivered")).toHaveLength(4);
  });
});
