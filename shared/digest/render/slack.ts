/**
 * Slack Block Kit for an incoming webhook. Documented limits (docs.slack.dev/reference/block-kit/blocks):
 * at most 50 blocks per message; a section's text at most 3000 characters; a header's plain text at
 * most 150 characters; a context block at most 10 elements. Slack also rejects messages whose blocks
 * hold about 13,000 characters in total with `msg_blocks_too_long` (slackapi/bolt-js#2509), so the
 * whole message is kept under 12,000.
 */
import type { Digest } from "../model";
import { clip } from "../model";
import type { DigestLayout, LayoutSection } from "../layout";
import { fitLayout, type Fitted } from "./fit";

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, contextElements: 10, totalText: 12_000 } as const;

export type SlackBlock =
  | { type: "header"; text: { type: "plain_text"; text: string } }
  | { type: "section"; text: { type: "mrkdwn"; text: string } }
  | { type: "context"; elements: Array<{ type: "mrkdwn"; text: string }> }
  | { type: "divider" };

export interface SlackMessage {
  /** Shown in notifications and where blocks cannot be. */
  text: string;
  blocks: SlackBlock[];
}

/** Slack's mrkdwn needs only these three escaped (docs.slack.dev/messaging/formatting-message-text). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function link(url: string, label: string): string {
  return `<${url}|${escapeMrkdwn(label)}>`;
}

function sectionText(section: LayoutSection): string {
  const lines = [`*${escapeMrkdwn(section.title)}*`];
  for (const item of section.items) {
    lines.push(`• *${escapeMrkdwn(item.head)}*: ${escapeMrkdwn(item.detail)}${item.link ? ` ${link(item.link.url, item.link.label)}` : ""}`);
    (item.steps ?? []).forEach((step, i) => lines.push(`      ${i + 1}. ${escapeMrkdwn(step)}`));
  }
  if (section.more) lines.push(`_… and ${section.more.count.toLocaleString("en-US")} more:_ ${link(section.more.link.url, section.more.link.label)}`);
  return lines.join("\n");
}

function mrkdwn(text: string): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}

export function layoutToSlack(layout: DigestLayout): SlackMessage {
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(layout.title, SLACK_LIMITS.headerText) } },
    mrkdwn(escapeMrkdwn(layout.headline)),
  ];
  if (layout.warnings.length > 0) {
    const text = [":warning: *Data missing: this digest may not show everything.*", ...layout.warnings.map((w) => `• ${escapeMrkdwn(w)}`)].join("\n");
    blocks.push(mrkdwn(text.length <= SLACK_LIMITS.sectionText ? text : `${text.slice(0, SLACK_LIMITS.sectionText - 1)}…`));
  }
  for (const section of layout.sections) blocks.push({ type: "divider" }, mrkdwn(sectionText(section)));
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: link(layout.link.url, layout.link.label) }] });
  return { text: clip(`${layout.title}: ${layout.headline}`, SLACK_LIMITS.sectionText), blocks };
}

function blockText(block: SlackBlock): string {
  if (block.type === "divider") return "";
  if (block.type === "context") return block.elements.map((e) => e.text).join("");
  return block.text.text;
}

/** The first Slack limit the message breaks, or undefined. */
export function slackProblem(message: SlackMessage): string | undefined {
  if (message.blocks.length > SLACK_LIMITS.blocks) return `${message.blocks.length} blocks > ${SLACK_LIMITS.blocks}`;
  for (const block of message.blocks) {
    if (block.type === "header" && block.text.text.length > SLACK_LIMITS.headerText) return "header text too long";
    if (block.type === "section" && block.text.text.length > SLACK_LIMITS.sectionText)
      return `section text ${block.text.text.length} > ${SLACK_LIMITS.sectionText}`;
    if (block.type === "context" && block.elements.length > SLACK_LIMITS.contextElements) return "too many context elements";
  }
  const total = message.blocks.reduce((n, b) => n + blockText(b).length, 0);
  return total > SLACK_LIMITS.totalText ? `${total} characters > ${SLACK_LIMITS.totalText}` : undefined;
}

export function renderSlack(digest: Digest, options: { apiBaseUrl: string }): Fitted<SlackMessage> {
  return fitLayout(digest, options, layoutToSlack, slackProblem);
}
