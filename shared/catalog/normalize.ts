/**
 * Turning an Azure error text into the one form every signature is written against, and into a
 * fingerprint that groups the same failure across clusters.
 *
 * Azure wraps the same failure many ways: ARM error bodies (`{"error":{"code","message","details":[...]}}`,
 * sometimes escaped inside another message), the extension manager's "The extension operation failed
 * with the following error: ...", portal notifications, line breaks and curly quotes. `normalizeMessage`
 * unwraps all of that once; signatures never have to.
 */

/** Keys of an ARM error object, in the order their text is kept. */
const ERROR_TEXT_KEYS = ["code", "message", "details", "innererror", "innerError", "error", "additionalInfo", "info"];

/** Nesting levels of ARM bodies followed before giving up (real bodies use a handful). */
const MAX_JSON_DEPTH = 40;

/** JSON is only attempted when the text contains an object opening with a quoted key (escaped or not). */
const JSON_START = /\{\s*\\*"/;

/**
 * The readable text of an ARM error body: `code: message` pieces in order, nested details after their
 * parent. Strings inside are unwrapped again, because Azure embeds escaped JSON in messages.
 */
function flattenJson(value: unknown, depth: number): string {
  if (depth > MAX_JSON_DEPTH || value === null || value === undefined) return "";
  if (typeof value === "string") return unwrapText(value, depth + 1);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map((v) => flattenJson(v, depth + 1)).filter(Boolean).join(" ");
  const obj = value as Record<string, unknown>;
  const known = ERROR_TEXT_KEYS.filter((k) => k in obj);
  const keys = known.length ? known : Object.keys(obj);
  const parts: string[] = [];
  for (const key of keys) {
    const text = flattenJson(obj[key], depth + 1);
    if (!text) continue;
    // A code reads as a prefix of its message: "ExtensionOperationFailed: the extension ...".
    parts.push(key === "code" && typeof obj[key] === "string" ? `${text}:` : text);
  }
  return parts.join(" ");
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** JSON string escapes left in a message that was itself cut out of JSON. */
function unescape(text: string): string {
  return text.includes("\\") ? text.replace(/\\+(["'nrt\/])/g, (_, c: string) => (c === "n" || c === "r" || c === "t" ? " " : c)) : text;
}

function unwrapText(text: string, depth: number): string {
  // A whole message that is one serialized JSON string (a body serialized twice).
  const trimmed = text.trim();
  if (trimmed.length > 1 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    const inner = tryParse(trimmed);
    if (typeof inner === "string") return unwrapText(inner, depth + 1);
  }
  const match = JSON_START.exec(text);
  if (match) {
    const start = match.index;
    const end = text.lastIndexOf("}");
    if (end > start) {
      const body = text.slice(start, end + 1);
      const parsed = tryParse(body) ?? tryParse(unescape(body));
      if (parsed !== undefined && typeof parsed === "object") {
        return `${unescape(text.slice(0, start))} ${flattenJson(parsed, depth)} ${unescape(text.slice(end + 1))}`;
      }
    }
  }
  return unescape(text);
}

/** Typographic quotes as Azure's portal and translated docs ship them, mapped to ASCII. */
const QUOTES: Record<string, string> = { "\u2018": "'", "\u2019": "'", "\u201a": "'", "`": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"' };
const QUOTE_CHARS = /[\u2018\u2019\u201a`\u00b4\u201c\u201d\u201e\u00ab\u00bb]/g;
const WHITESPACE = /\s+/g;

/**
 * The normalized form signatures match: ARM JSON unwrapped, escapes removed, lower case, ASCII quotes,
 * whitespace collapsed to single spaces. Braces and brackets are kept (signatures may rely on them).
 */
export function normalizeMessage(message: string): string {
  return unwrapText(message, 0).toLowerCase().replace(QUOTE_CHARS, (q) => QUOTES[q]).replace(WHITESPACE, " ").trim();
}

/**
 * Wrappers that say nothing about the failure itself; dropped from the fingerprint so that the same
 * failure reported through the extension manager, the portal or the CLI groups together.
 */
const WRAPPERS: RegExp[] = [
  /the extension operation failed with the following error:?/g,
  /(?:deployment|operation|long running operation) failed(?: with status '?failed'?)?\.?(?: additional info:)?/g,
  /\b(?:inner ?error|error details?|error|exception|status|code|message|details?)\s*[:=]\s*/g,
  /\b(?:failed to (?:create|update|delete) (?:the )?(?:extension|configuration|resource)) '[^']*'\.?/g,
];

/** Variable parts of a message, most specific first: an ARM id contains names, GUIDs and numbers. */
const VARIABLE_PARTS: Array<[RegExp, string]> = [
  [/\/subscriptions\/[^\s'",;:)}\]]+/g, "<resource>"],
  [/\bhttps?:\/\/[^\s'",;)}\]]+/g, "<url>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<guid>"],
  [/\b\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?/g, "<time>"],
  [/\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g, "<time>"],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, "<ip>"],
  [/\bv?\d+(?:\.\d+){1,3}(?:-[0-9a-z][0-9a-z.]*)?\b/g, "<version>"],
  // Pod names: <deployment>-<replicaset hash>-<pod hash>, or <daemonset>-<hash with a digit>.
  [/\b([a-z][a-z0-9-]*?)-[a-z0-9]{8,10}-[a-z0-9]{5}\b/g, "$1-<pod>"],
  [/\b([a-z][a-z0-9-]*?)-(?=[bcdfghjklmnpqrstvwxz2-9]{0,4}\d)[bcdfghjklmnpqrstvwxz2-9]{5}\b/g, "$1-<pod>"],
  // Names in ARM paths and key=value pairs.
  [/\b(connectedclusters|managedclusters|extensions|fluxconfigurations|sourcecontrolconfigurations|namespaces|resourcegroups|clusters|releases)\/[^\s/'",;)}\]]+/g, "$1/<name>"],
  [/\b(namespace|cluster|release|name|resource group|resourcegroup)([=:]) ?[^\s'",;)}\]]+/g, "$1$2<name>"],
  // Quoted single tokens are almost always names (releases, namespaces, clusters, identities).
  [/'[^'\s]{1,120}'/g, "'<name>'"],
  [/"[^"\s]{1,120}"/g, '"<name>"'],
  // Hashes and digests: hex runs of six or more with both a digit and a letter.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b/g, "<hex>"],
  [/\d+/g, "<n>"],
];

/** Fingerprints are display keys, not documents: long traces are cut. */
const MAX_FINGERPRINT = 300;

/**
 * The normalized message with wrappers dropped and everything that varies between clusters (ids, names,
 * versions, times, IPs, pod hashes, numbers) replaced by placeholders, so one failure on many clusters
 * has one fingerprint and different failures have different ones.
 */
export function fingerprintOf(normalized: string): string {
  let text = normalized;
  for (const wrapper of WRAPPERS) text = text.replace(wrapper, " ");
  for (const [pattern, replacement] of VARIABLE_PARTS) text = text.replace(pattern, replacement);
  text = text.replace(/\s*(?:<hex>|<n>)(?:\s*(?:<hex>|<n>))+/g, " <n>").replace(/([.:,;])(?:\s*\1)+/g, "$1").replace(WHITESPACE, " ").trim();
  text = text.replace(/^[\s.:;,-]+|[\s.:;,-]+$/g, "");
  return text.length > MAX_FINGERPRINT ? text.slice(0, MAX_FINGERPRINT) : text;
}
