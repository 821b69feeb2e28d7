/**
 * E-mail through Azure Communication Services: a subject that says what happened, the plain-text
 * digest, and the same content as simple HTML (inline styles only, as mail clients require).
 */
import type { Digest } from "../model";
import { type DigestLayout, layoutDigest } from "../layout";
import { layoutToText } from "./text";

export interface EmailContent {
  subject: string;
  plainText: string;
  html: string;
}

/** The only inline styles the e-mail carries; the dashboard's CSP allows exactly these (by hash) for its preview. */
const BODY_STYLE = "font-family:Segoe UI,Arial,sans-serif";
const WARNING_STYLE = "border-left:4px solid #d83b01;padding:4px 12px";
export const EMAIL_INLINE_STYLES = [BODY_STYLE, WARNING_STYLE] as const;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function anchor(url: string, label: string): string {
  return `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
}

export function layoutToHtml(layout: DigestLayout): string {
  const parts = [`<h2>${escapeHtml(layout.title)}</h2>`, `<p>${escapeHtml(layout.headline)}</p>`];
  if (layout.warnings.length > 0) {
    parts.push(
      `<div style="${WARNING_STYLE}"><strong>Data missing: this digest may not show everything.</strong><ul>${layout.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul></div>`,
    );
  }
  for (const section of layout.sections) {
    const items = section.items.map((item) => {
      const steps = item.steps?.length ? `<ol>${item.steps.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ol>` : "";
      return `<li><strong>${escapeHtml(item.head)}</strong>: ${escapeHtml(item.detail)}${item.link ? ` ${anchor(item.link.url, item.link.label)}` : ""}${steps}</li>`;
    });
    if (section.more)
      items.push(`<li><em>… and ${section.more.count.toLocaleString("en-US")} more:</em> ${anchor(section.more.link.url, section.more.link.label)}</li>`);
    parts.push(`<h3>${escapeHtml(section.title)}</h3><ul>${items.join("")}</ul>`);
  }
  parts.push(`<p>${anchor(layout.link.url, layout.link.label)}</p>`);
  return `<!DOCTYPE html><html><body style="${BODY_STYLE}">${parts.join("\n")}</body></html>`;
}

export function emailSubject(digest: Digest, layout: DigestLayout): string {
  const day = digest.window.to.slice(0, 10);
  return `${layout.warnings.length > 0 ? "[data missing] " : ""}Fleet health ${day}: ${layout.headline.replace(/\.$/, "")}`;
}

export function renderEmail(digest: Digest, options: { apiBaseUrl: string; maxItems?: number }): EmailContent {
  const layout = layoutDigest(digest, { apiBaseUrl: options.apiBaseUrl, maxItems: options.maxItems ?? 20 });
  return { subject: emailSubject(digest, layout), plainText: layoutToText(layout), html: layoutToHtml(layout) };
}
