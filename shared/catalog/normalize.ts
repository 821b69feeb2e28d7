/**
 * Turning an Azure error text into the one form every signature is written against, and into a
 * fingerprint that groups the same failure across clusters.
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
 * What normalization rewrites, in one pass: whitespace other than a single space (line breaks, tabs,
 * runs) and typographic quotes. A plain single space is already normal and costs nothing.
 */
const REWRITE = /[^\S ]\s*|\s{2,}|[\u2018\u2019\u201a`\u00b4\u201c\u201d\u201e\u00ab\u00bb]/g;
const rewrite = (match: string) => QUOTES[match] ?? " ";

/**
 * The normalized form signatures match: ARM JSON unwrapped, escapes removed, lower case, ASCII quotes,
 * whitespace collapsed to single spaces. Braces and brackets are kept (signatures may rely on them).
 */
export function normalizeMessage(message: string): string {
  return unwrapText(message, 0).toLowerCase().replace(REWRITE, rewrite).trim();
}

/**
 * Wrappers that say nothing about the failure itself (dropped, so that the same failure reported
 * through the extension manager, the portal or the CLI groups together) and names after a key
 * (`namespace: team-a`, `cluster=edge-7`, which may span a space), in one pass.
 */
const WRAPPERS_AND_KEYED_NAMES = new RegExp(
  [
    // (Azure's own text misspells "following" at times: any one word stands there)
    String.raw`the extension operation failed with the [a-z]+ error:?`,
    // The older extension manager's wrapper around the error: `Error: {...} occurred while doing the operation : {Installing the extension} on the config`.
    String.raw`\boccurred while doing the operation ?: ?[\[{][^\]}]*[\]}](?: on the config)?\.?`,
    // A Flux object's name before its condition message (`HelmRelease podinfo: Helm install failed ...`), as the
    // configuration's own status repeats it: the same failure with and without it is one group.
    String.raw`^(?:helmrelease|kustomization|gitrepository|helmrepository|helmchart|ocirepository|bucket|imagerepository|imagepolicy|imageupdateautomation|object) [^\s:]+: `,
    String.raw`(?:deployment|operation|long running operation) failed(?: with status '?failed'?)?\.?(?: additional info:)?`,
    String.raw`\b(?:inner ?error|error details?|error|exception|status|code|message|details?) ?[:=] ?`,
    String.raw`\bfailed to (?:create|update|delete) (?:the )?(?:extension|configuration|resource) '[^']*'\.?`,
    // A value ends at a terminator, never at a colon: `release: error: ...` names no release.
    String.raw`\b((?:namespace|cluster|release|name|resource group|resourcegroup)[=:] ?)[^\s'",;:)}\]]+(?![^\s'",;)}\]])`,
  ].join("|"),
  "g",
);
const dropWrapperOrName = (_: string, key: string | undefined) => (key === undefined ? " " : `${key}<name>`);

/** Every wrapper and keyed name contains "failed", ":" or "=": text without them (a fifth of a fleet's) skips that pass. */
const mayHoldWrapper = (text: string) => text.includes(":") || text.includes("=") || text.includes("failed");

/*
 * Cheap tests a word must pass before a rule's expression runs on it (necessary conditions of each
 * expression, checked on character codes): most words a fleet produces are new (ids, hashes), so the
 * rules run on every one of them and an expression that cannot match is the cost to avoid.
 */
const isDigitAt = (w: string, i: number) => {
  const c = w.charCodeAt(i);
  return c >= 48 && c <= 57;
};
const isWordAt = (w: string, i: number) => {
  const c = w.charCodeAt(i);
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
};

function hasDigit(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (isDigitAt(w, i)) return true;
  return false;
}

/** `1-02-` or `1:02:`, which every date (`2024-05-02`) and clock time (`9:14:11`) contains (one regex scan beats a loop). */
const TIME_SHAPE = /\d(?:-\d\d-|:\d\d:)/;

/** A digit, a dot and a digit, which every IP address and version contains. */
function hasDottedNumber(w: string): boolean {
  for (let i = w.indexOf("."); i > 0; i = w.indexOf(".", i + 1)) if (isDigitAt(w, i - 1) && isDigitAt(w, i + 1)) return true;
  return false;
}

const POD_HASH_CHAR = /[bcdfghjklmnpqrstvwxz2-9]/;

/** A dash followed by a five-character pod hash with a digit, at the end of the word's word characters. */
function hasPodSuffix(w: string): boolean {
  for (let dash = w.indexOf("-"); dash >= 0; dash = w.indexOf("-", dash + 1)) {
    const end = dash + 6;
    if (end > w.length || (end < w.length && isWordAt(w, end))) continue;
    let digit = false;
    let i = dash + 1;
    for (; i < end && POD_HASH_CHAR.test(w[i]); i++) digit ||= isDigitAt(w, i);
    if (i === end && digit) return true;
  }
  return false;
}

/**
 * Variable parts of one word and their placeholders, in order (an ARM id contains names, GUIDs and
 * numbers; a pod name contains a hex hash). Each rule runs only on words it can apply to (a rule
 * without `applies` runs on every word): the rules are plain replacements on short strings, which
 * keeps fingerprints cheap.
 */
const WORD_RULES: Array<{ applies?: (word: string) => boolean; pattern: RegExp; replacement: string }> = [
  { applies: (w) => w.includes("/subscriptions/"), pattern: /\/subscriptions\/[^'",;:)}\]]+/g, replacement: "<resource>" },
  { applies: (w) => w.includes("://"), pattern: /\bhttps?:\/\/[^'",;)}\]]+/g, replacement: "<url>" },
  { applies: (w) => w.length >= 36, pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, replacement: "<guid>" },
  {
    applies: (w) => TIME_SHAPE.test(w),
    pattern: /\b\d{4}-\d{2}-\d{2}(?:t\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?|\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g,
    replacement: "<time>",
  },
  { applies: hasDottedNumber, pattern: /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, replacement: "<ip>" },
  { applies: hasDottedNumber, pattern: /\bv?\d+(?:\.\d+){1,3}(?:-[0-9a-z][0-9a-z.]*)?\b/g, replacement: "<version>" },
  // Pod names: <deployment>-<replicaset hash>-<pod hash>, or <daemonset>-<hash with a digit>.
  { applies: (w) => w.length >= 16 && w.includes("-"), pattern: /\b([a-z][a-z0-9-]*?)-[a-z0-9]{8,10}-[a-z0-9]{5}\b/g, replacement: "$1-<pod>" },
  { applies: hasPodSuffix, pattern: /\b([a-z][a-z0-9-]*?)-(?=[bcdfghjklmnpqrstvwxz2-9]{0,4}\d)[bcdfghjklmnpqrstvwxz2-9]{5}\b/g, replacement: "$1-<pod>" },
  // Names in ARM paths.
  {
    applies: (w) => w.includes("s/"),
    pattern:
      /\b(connectedclusters|managedclusters|extensions|fluxconfigurations|sourcecontrolconfigurations|namespaces|resourcegroups|clusters|releases)\/[^/'",;)}\]]+/g,
    replacement: "$1/<name>",
  },
  // Quoted single tokens are almost always names (releases, namespaces, clusters, identities).
  { applies: (w) => w.includes("'"), pattern: /'[^']{1,120}'/g, replacement: "'<name>'" },
  { applies: (w) => w.includes('"'), pattern: /"[^"]{1,120}"/g, replacement: '"<name>"' },
  // Hashes and digests: hex runs of six or more with both a digit and a letter (the expression's own
  // scan is its cheapest test); then any number.
  { pattern: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b/g, replacement: "<hex>" },
  // Digits inside a word (`k8s`, `connectedk8s`) are part of a name that does not vary.
  { applies: hasDigit, pattern: /(?<![a-z])\d+|\d+(?![a-z])/g, replacement: "<n>" },
];

/**
 * Words repeat across a fleet (`'failed'.`, `0/2`, `"flux-system"`); their rewrites are kept in a
 * bounded map, emptied when full, so memory never grows with the number of messages.
 */
const WORD_CACHE_SIZE = 4096;
const wordCache = new Map<string, string>();

/**
 * Placeholders of values that rarely repeat (a GUID, a digest, a time): a word holding one is not
 * cached, so it does not push the words that do repeat out of the map.
 */
const ONE_OFF = /<(?:guid|hex|resource|url|time|ip)>/;

function variableWord(word: string): string {
  const cached = wordCache.get(word);
  if (cached !== undefined) return cached;
  let rewritten = word;
  for (const rule of WORD_RULES) if (!rule.applies || rule.applies(rewritten)) rewritten = rewritten.replace(rule.pattern, rule.replacement);
  if (!ONE_OFF.test(rewritten)) {
    if (wordCache.size >= WORD_CACHE_SIZE) wordCache.clear();
    wordCache.set(word, rewritten);
  }
  return rewritten;
}

/** A character only a variable word has: a digit, a quote or a slash. */
const VARIABLE_CHAR = /[0-9'"/]/g;

/**
 * `variableWord` applied to each space-separated word that can hold a variable part. The scan jumps
 * from one such character to the next; plain English words in between are copied untouched.
 */
function replaceVariableWords(text: string): string {
  let out = "";
  let copied = 0;
  VARIABLE_CHAR.lastIndex = 0;
  for (let m = VARIABLE_CHAR.exec(text); m; m = VARIABLE_CHAR.exec(text)) {
    const start = text.lastIndexOf(" ", m.index) + 1;
    const space = text.indexOf(" ", m.index);
    const end = space < 0 ? text.length : space;
    out += text.slice(copied, start) + variableWord(text.slice(start, end));
    copied = end;
    VARIABLE_CHAR.lastIndex = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Punctuation and spaces a fingerprint does not start or end with; brackets too, so the older wrapper's
 * `{...}` and the newer `[ InnerError: [...] ]` chain around one error leave the same text.
 */
const EDGE = new Set(" .:;,-{}[]".split("").map((c) => c.charCodeAt(0)));

function trimEdges(text: string): string {
  let from = 0;
  let to = text.length;
  while (from < to && EDGE.has(text.charCodeAt(from))) from++;
  while (to > from && EDGE.has(text.charCodeAt(to - 1))) to--;
  return text.slice(from, to);
}

/** Runs of placeholders and repeated punctuation the replacements leave behind. */
const LEFTOVERS = /(?:<hex>|<n>)(?: ?(?:<hex>|<n>))+|([.:,;])(?: ?\1)+|\s{2,}/g;

/** Fingerprints are display keys, not documents: long traces are cut. */
const MAX_FINGERPRINT = 300;

/**
 * The normalized message with wrappers dropped and everything that varies between clusters (ids, names,
 * versions, times, IPs, pod hashes, numbers) replaced by placeholders, so one failure on many clusters
 * has one fingerprint and different failures have different ones.
 */
export function fingerprintOf(normalized: string): string {
  let text = replaceVariableWords(mayHoldWrapper(normalized) ? normalized.replace(WRAPPERS_AND_KEYED_NAMES, dropWrapperOrName) : normalized);
  text = trimEdges(text.replace(LEFTOVERS, (run, punctuation: string | undefined) => punctuation ?? (run.trim() ? "<n>" : " ")));
  return text.length > MAX_FINGERPRINT ? text.slice(0, MAX_FINGERPRINT) : text;
}
