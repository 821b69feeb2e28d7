/** Plain text for the command line and the e-mail's text part. */
import type { Digest } from "../model";
import { type DigestLayout, layoutDigest } from "../layout";

export interface TextOptions {
  apiBaseUrl: string;
  /** Items per section (default 20). */
  maxItems?: number;
}

export function layoutToText(layout: DigestLayout): string {
  const lines = [layout.title, layout.headline];
  if (layout.warnings.length > 0) {
    lines.push("", "DATA MISSING: this digest may not show everything.");
    for (const w of layout.warnings) lines.push(`  ! ${w}`);
  }
  for (const section of layout.sections) {
    lines.push("", section.title);
    for (const item of section.items) {
      lines.push(`  - ${item.head}: ${item.detail}`);
      (item.steps ?? []).forEach((step, i) => lines.push(`      ${i + 1}. ${step}`));
      if (item.link) lines.push(`      ${item.link.label}: ${item.link.url}`);
    }
    if (section.more) lines.push(`  ... and ${section.more.count.toLocaleString("en-US")} more: ${section.more.link.url}`);
  }
  lines.push("", `${layout.link.label}: ${layout.link.url}`);
  return lines.join("\n");
}

export function renderText(digest: Digest, options: TextOptions): string {
  return layoutToText(layoutDigest(digest, { apiBaseUrl: options.apiBaseUrl, maxItems: options.maxItems ?? 20 }));
}
