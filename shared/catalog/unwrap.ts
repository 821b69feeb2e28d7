/**
 * Unwrapping ARM error bodies (`{"error":{"code","message","details":[...]}}`, sometimes escaped inside
 * another message) into their plain text, in the order the keys say most about the failure.
 */

/** Keys of an ARM error object (any case: older APIs write `Code`, `Message`), in the order their text is kept. */
const ERROR_TEXT_KEYS = ["code", "message", "details", "innererror", "error", "additionalinfo", "info"];
/** Rank of an error key, -1 for other keys; the lower-case spelling ARM uses needs no lower-casing. */
function errorKeyRank(key: string): number {
  const rank = ERROR_TEXT_KEYS.indexOf(key);
  return rank >= 0 ? rank : ERROR_TEXT_KEYS.indexOf(key.toLowerCase());
}

/**
 * How many times text found inside JSON is itself parsed as JSON again (Azure serializes one body into
 * another's message, then the portal serializes the whole thing once more: real messages use 2-4).
 * Only re-parses count, not the object and array levels of one body, so an ARM body nested in another
 * body's `details[].message` keeps its innermost message.
 */
const MAX_REPARSE = 8;

/**
 * Object and array levels followed inside one parsed document. ARM bodies use a handful; the bound only
 * keeps a pathological document (thousands of nested arrays) from costing time or stack.
 */
const MAX_NESTING = 64;

/** JSON is only attempted when the text contains an object opening with a quoted key (escaped or not). */
const JSON_START = /\{\s*\\*"/;

/**
 * The readable text of an ARM error body: `code: message` pieces in order, nested details after their
 * parent. Strings inside are unwrapped again, because Azure embeds escaped JSON in messages.
 */
function flattenJson(value: unknown, reparses: number, nesting: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return unwrapText(value, reparses);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (nesting >= MAX_NESTING) return "";
  let out = "";
  if (Array.isArray(value)) {
    for (const item of value) out = joined(out, flattenJson(item, reparses, nesting + 1));
    return out;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  const ranks = keys.map(errorKeyRank);
  // Known keys in rank order (ties keep their order); a body with none keeps every key in order.
  const known = ranks.some((rank) => rank >= 0);
  for (let rank = known ? 0 : -1; rank < (known ? ERROR_TEXT_KEYS.length : 0); rank++) {
    for (let k = 0; k < keys.length; k++) {
      if (ranks[k] !== rank) continue;
      const item = obj[keys[k]];
      const text = flattenJson(item, reparses, nesting + 1);
      // A code reads as a prefix of its message: "ExtensionOperationFailed: the extension ...".
      if (text) out = joined(out, rank === 0 && typeof item === "string" ? `${text}:` : text);
    }
  }
  return out;
}

/** `text` appended to `out` with a space between, skipping empty pieces. */
const joined = (out: string, text: string) => (!text ? out : out ? `${out} ${text}` : text);

/** `text` parsed as JSON, or undefined; a failed parse skips the stack trace (most of its cost) since the error is dropped. */
function tryParse(text: string): unknown {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** JSON string escapes left in a message that was itself cut out of JSON. */
function unescape(text: string): string {
  return text.includes("\\") ? text.replace(/\\+(["'nrt/])/g, (_, c: string) => (c === "n" || c === "r" || c === "t" ? " " : c)) : text;
}

/** `text` with JSON inside it read out, after `reparses` JSON parses already made on the way here. */
export function unwrapText(text: string, reparses: number): string {
  // No JSON inside (the common case, one scan), or parsed often enough: pathological nesting stays text.
  if (!text.includes("{") || reparses >= MAX_REPARSE) return unescape(text);
  // A whole message that is one serialized JSON string (a body serialized twice).
  const trimmed = text.trim();
  if (trimmed.length > 1 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    const inner = tryParse(trimmed);
    if (typeof inner === "string") return unwrapText(inner, reparses + 1);
  }
  const match = JSON_START.exec(text);
  if (match) {
    const start = match.index;
    const end = text.lastIndexOf("}");
    if (end > start) {
      const body = text.slice(start, end + 1);
      // `{\"code\"...` was cut out of another JSON string: unescape first rather than fail a parse.
      const parsed = tryParse(match[0].includes("\\") ? unescape(body) : body);
      if (parsed !== undefined && typeof parsed === "object") {
        return `${unescape(text.slice(0, start))} ${flattenJson(parsed, reparses + 1, 0)} ${unescape(text.slice(end + 1))}`;
      }
    }
  }
  return unescape(text);
}
