/**
 * Turning an Azure error text into the one form every signature is written against.
 *
 * Azure wraps the same failure many ways: ARM error bodies (`{"error":{"code","message","details":[...]}}`,
 * sometimes escaped inside another message), the extension manager's "The extension operation failed
 * with the following error: ...", portal notifications, line breaks and curly quotes. `normalizeMessage`
 * unwraps all of that once; signatures never have to.
 */
import { unwrapText } from "./unwrap";

/** Typographic quotes as Azure's portal and translated docs ship them, mapped to ASCII. */
const QUOTES: Record<string, string> = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201a": "'",
  "`": "'",
  "\u00b4": "'",
  "\u201c": '"',
  "\u201d": '"',
  "\u201e": '"',
  "\u00ab": '"',
  "\u00bb": '"',
};

/**
 * Runs of whitespace other than a single space (line breaks, tabs, runs): each becomes one space. The
 * first class is `\s` without the space, spelled out: measured faster than `[^\S ]\s*|\s{2,}`.
 */
const WHITESPACE_RUN = /[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]\s*| \s+/g;
/** Typographic quotes; most messages have none, so the pass that maps them runs only after a test. */
const QUOTE = /[\u2018\u2019\u201a`\u00b4\u201c\u201d\u201e\u00ab\u00bb]/;
const QUOTES_ALL = new RegExp(QUOTE.source, "g");
const quoteOf = (quote: string) => QUOTES[quote];

/**
 * The normalized form signatures match: ARM JSON unwrapped, escapes removed, lower case, ASCII quotes,
 * whitespace collapsed to single spaces. Braces and brackets are kept (signatures may rely on them).
 * A replacement with a plain string (no callback) and a quote pass only when needed keep this cheap.
 */
export function normalizeMessage(message: string): string {
  const lower = unwrapText(message, 0).toLowerCase().replace(WHITESPACE_RUN, " ");
  return (QUOTE.test(lower) ? lower.replace(QUOTES_ALL, quoteOf) : lower).trim();
}
