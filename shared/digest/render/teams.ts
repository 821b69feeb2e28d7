/**
 * An Adaptive Card for a Teams Workflows webhook ("When a Teams webhook request is received" →
 * "Post card in a chat or channel"). The message size limit is about 28 KB including everything in
 * the card; beyond it the post fails with "Request Entity too large" (learn.microsoft.com/connectors/teams,
 * known issues; the incoming-webhook page says the same), so the card is kept under 26 KB.
 * Card version 1.4: the newest every Teams client renders.
 */
import type { Digest } from "../model";
import type { DigestLayout, LayoutSection } from "../layout";
import { fitLayout, type Fitted } from "./fit";

export const TEAMS_LIMITS = { bytes: 26_000 } as const;

type Element = Record<string, unknown>;

export interface TeamsMessage {
  type: "message";
  attachments: Array<{
    contentType: "application/vnd.microsoft.card.adaptive";
    contentUrl: null;
    content: Element & { type: "AdaptiveCard"; body: Element[] };
  }>;
}

/**
 * Azure's messages go into markdown TextBlocks, which have no escape character: an asterisk would start
 * bold and `](` would make a link, so those two are defused and everything else is kept as written.
 */
function plain(text: string): string {
  return text.replace(/\*/g, "∗").replace(/]\(/g, "] (");
}

function textBlock(text: string, extra: Element = {}): Element {
  return { type: "TextBlock", text, wrap: true, ...extra };
}

function sectionElements(section: LayoutSection): Element[] {
  const lines = section.items.flatMap((item) => [
    `- **${plain(item.head)}**: ${plain(item.detail)}${item.link ? ` [${plain(item.link.label)}](${item.link.url})` : ""}`,
    ...(item.steps ?? []).map((step, i) => `    ${i + 1}. ${plain(step)}`),
  ]);
  if (section.more) lines.push(`- _… and ${section.more.count.toLocaleString("en-US")} more:_ [${plain(section.more.link.label)}](${section.more.link.url})`);
  return [
    textBlock(plain(section.title), { weight: "Bolder", size: "Medium", separator: true, spacing: "Medium" }),
    ...(lines.length > 0 ? [textBlock(lines.join("\n"))] : []),
  ];
}

export function layoutToTeams(layout: DigestLayout): TeamsMessage {
  const body: Element[] = [textBlock(plain(layout.title), { size: "Large", weight: "Bolder" }), textBlock(plain(layout.headline))];
  if (layout.warnings.length > 0) {
    body.push({
      type: "Container",
      style: "warning",
      items: [
        textBlock("Data missing: this digest may not show everything.", { weight: "Bolder" }),
        textBlock(layout.warnings.map((w) => `- ${plain(w)}`).join("\n")),
      ],
    });
  }
  for (const section of layout.sections) body.push(...sectionElements(section));
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          msteams: { width: "Full" },
          body,
          actions: [{ type: "Action.OpenUrl", title: "Open the full digest", url: layout.link.url }],
        },
      },
    ],
  };
}

export function teamsBytes(message: TeamsMessage): number {
  return Buffer.byteLength(JSON.stringify(message), "utf8");
}

export function renderTeams(digest: Digest, options: { apiBaseUrl: string }): Fitted<TeamsMessage> {
  return fitLayout(digest, options, layoutToTeams, (m) => (teamsBytes(m) > TEAMS_LIMITS.bytes ? `${teamsBytes(m)} bytes > ${TEAMS_LIMITS.bytes}` : undefined));
}
