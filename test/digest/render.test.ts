import { describe, expect, it } from "vitest";
import { composeDigest } from "../../shared/digest/model";
import { formatDuration, layoutDigest } from "../../shared/digest/layout";
import { renderEmail } from "../../shared/digest/render/email";
import { escapeMrkdwn, renderSlack, SLACK_LIMITS, slackProblem } from "../../shared/digest/render/slack";
import { renderTeams, teamsBytes, TEAMS_LIMITS } from "../../shared/digest/render/teams";
import { renderText } from "../../shared/digest/render/text";
import { renderWebhook, signWebhook, verifyWebhook } from "../../shared/digest/render/webhook";
import { failing, input, largeFleetInput, lookup } from "./fixtures";
import { API, exampleDigest, golden } from "./golden";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe("digest renderers: golden examples", () => {
  const digest = exampleDigest();

  it("plain text names every failing catalog entry by id, coverage first", () => {
    const text = renderText(digest, { apiBaseUrl: API });
    expect(text).toBe(golden("digest.txt", text));
    for (const id of ["flux-extension-install", "helm-timeout-ready", "ext-agent-no-response"]) expect(text).toContain(`[${id}]`);
    expect(text.indexOf("DATA MISSING")).toBeLessThan(text.indexOf("Fleet-wide incidents"));
  });

  it("Teams Adaptive Card", () => {
    const { payload } = renderTeams(digest, { apiBaseUrl: API });
    expect(json(payload)).toBe(golden("teams.json", json(payload)));
    expect(payload.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(payload.attachments[0].content).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
  });

  it("Slack Block Kit", () => {
    const { payload } = renderSlack(digest, { apiBaseUrl: API });
    expect(json(payload)).toBe(golden("slack.json", json(payload)));
    expect(payload.blocks[0].type).toBe("header");
    expect(slackProblem(payload)).toBeUndefined();
  });

  it("generic webhook JSON", () => {
    const payload = renderWebhook(digest, { apiBaseUrl: API });
    expect(json(payload)).toBe(golden("webhook.json", json(payload)));
    expect(payload.digest.totals.newFailures).toBe(4);
  });

  it("e-mail subject, text and HTML", () => {
    const email = renderEmail(digest, { apiBaseUrl: API });
    expect(email.subject).toBe(
      "[data missing] Fleet health 2026-11-22: 4 components started failing, 3 failing since before the window, 1 recovered, on 7 clusters of 20 seen; 1 fleet-wide incident",
    );
    expect(email.html).toBe(golden("email.html", email.html));
    expect(email.plainText).toBe(renderText(digest, { apiBaseUrl: API }));
  });
});

describe("digest renderers: limits", () => {
  const large = composeDigest(largeFleetInput(), lookup);

  it("fits a large fleet into a Teams card under the documented ~28 KB, summarizing with dashboard links", () => {
    const { payload } = renderTeams(large, { apiBaseUrl: API });
    expect(teamsBytes(payload)).toBeLessThanOrEqual(TEAMS_LIMITS.bytes);
    expect(TEAMS_LIMITS.bytes).toBeLessThan(28 * 1024);
    const text = JSON.stringify(payload);
    expect(text).toContain("more:");
    expect(text).toContain(`${API.replace(/\/api$/, "")}/failures?status=open`);
    expect(text).toContain("1,000 components started failing, 1,000 failing since before the window, 500 recovered, on 2,000 clusters of 10,000 seen");
  });

  it("fits a large fleet into Slack's 50 blocks, 3000 characters per section and the message total", () => {
    const { payload } = renderSlack(large, { apiBaseUrl: API });
    expect(slackProblem(payload)).toBeUndefined();
    expect(payload.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of payload.blocks) if (b.type === "section") expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(payload)).toContain("more:");
  });

  it("falls back to counts and links when even one item per section is too much", () => {
    const huge = composeDigest(largeFleetInput(), lookup);
    for (const f of huge.stillFailing) f.clusterName = "c".repeat(5000);
    const slack = renderSlack(huge, { apiBaseUrl: API });
    expect(slackProblem(slack.payload)).toBeUndefined();
    expect(slack.maxItems).toBe(0);
    expect(slack.payload.text).toContain("1,000 failing since before the window");
    for (const f of huge.stillFailing) f.componentName = "c".repeat(30_000);
    const teams = renderTeams(huge, { apiBaseUrl: API });
    expect(teamsBytes(teams.payload)).toBeLessThanOrEqual(TEAMS_LIMITS.bytes);
    expect(teams.maxItems).toBe(0);
    expect(JSON.stringify(teams.payload)).toContain("1,000 failing since before the window");
  });

  it("keeps a layout's sections to maxItems and counts the rest", () => {
    const layout = layoutDigest(large, { apiBaseUrl: API, maxItems: 3 });
    const newer = layout.sections.find((s) => s.id === "newFailures")!;
    expect(newer.items).toHaveLength(3);
    expect(newer.more?.count).toBe(large.newFailures.length + large.omitted.newFailures - 3);
  });

  it("renders a quiet window as quiet, with coverage", () => {
    const text = renderText(composeDigest(input(), lookup), { apiBaseUrl: API });
    expect(text).toContain("Quiet window: nothing failed, recovered or changed, and every scope was read.");
    expect(text).toContain("Clusters seen: 20");
    expect(text).not.toContain("DATA MISSING");
  });
});

describe("formatting", () => {
  it("formats durations with their two largest units", () => {
    expect([0, 999, 45_000, 3_600_000, 5_400_000, 86_400_000 * 3 + 3_600_000 * 4, 86_400_000 + 60_000].map(formatDuration)).toEqual([
      "0s",
      "0s",
      "45s",
      "1h",
      "1h 30m",
      "3d 4h",
      "1d",
    ]);
  });

  it("keeps Azure's text from turning into Teams markdown (bold, links) without losing underscores", () => {
    const d = composeDigest(
      input({ openFailures: [failing("arc_01", { message: "value **must** be set, see [docs](http://evil.example) for my_setting" })] }),
      lookup,
    );
    const body = JSON.stringify(renderTeams(d, { apiBaseUrl: API }).payload);
    expect(body).toContain("value ∗∗must∗∗ be set, see [docs] (http://evil.example) for my_setting");
    expect(body).toContain("**arc_01 / flux**");
  });

  it("escapes Slack mrkdwn control characters", () => {
    expect(escapeMrkdwn("a <b> & c")).toBe("a &lt;b&gt; &amp; c");
  });

  it("signs the webhook body with its timestamp and verifies it", () => {
    const body = '{"a":1}';
    const sig = signWebhook(body, "s3cret", 1_800_000_000);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook(body, "s3cret", { signature: sig, timestamp: "1800000000" }, 1_800_000_000_000)).toBe(true);
    expect(verifyWebhook(body + " ", "s3cret", { signature: sig, timestamp: "1800000000" }, 1_800_000_000_000)).toBe(false);
    expect(verifyWebhook(body, "other", { signature: sig, timestamp: "1800000000" }, 1_800_000_000_000)).toBe(false);
    expect(verifyWebhook(body, "s3cret", { signature: sig, timestamp: "1800000000" }, 1_800_001_000_000)).toBe(false);
  });
});
