/**
 * The fingerprint of a failure: its normalized message with wrappers dropped and everything that varies
 * between clusters replaced by placeholders, so one failure on many clusters groups together.
 * Fingerprints are stored in the history: their bytes are pinned (test/catalog/fingerprint-golden.test.ts).
 */

/**
 * Wrappers that say nothing about the failure itself (dropped, so that the same failure reported
 * through the extension manager, the portal or the CLI groups together) and names after a key
 * (`namespace: team-a`, `cluster=edge-7`, which may span a space), in one pass.
 * No two alternatives can match at one position (their first words differ), so their order is free:
 * the ones that start at a word boundary share one `\b`, which the expression engine tests faster.
 */
const WRAPPERS_AND_KEYED_NAMES = new RegExp(
  [
    // (Azure's own text misspells "following" at times: any one word stands there)
    String.raw`the extension operation failed with the [a-z]+ error:?`,
    // A Flux object's name before its condition message (`HelmRelease podinfo: Helm install failed ...`), as the
    // configuration's own status repeats it: the same failure with and without it is one group.
    String.raw`^(?:helmrelease|kustomization|gitrepository|helmrepository|helmchart|ocirepository|bucket|imagerepository|imagepolicy|imageupdateautomation|object) [^\s:]+: `,
    String.raw`(?:deployment|operation|long running operation) failed(?: with status '?failed'?)?\.?(?: additional info:)?`,
    String.raw`\b(?:` +
      [
        // The older extension manager's wrapper around the error: `Error: {...} occurred while doing the operation : {Installing the extension} on the config`.
        String.raw`occurred while doing the operation ?: ?[\[{][^\]}]*[\]}](?: on the config)?\.?`,
        String.raw`(?:inner ?error|error details?|error|exception|status|code|message|details?) ?[:=] ?`,
        String.raw`failed to (?:create|update|delete) (?:the )?(?:extension|configuration|resource) '[^']*'\.?`,
        // A value ends at a terminator, never at a colon: `release: error: ...` names no release.
        String.raw`((?:namespace|cluster|release|name|resource group|resourcegroup)[=:] ?)[^\s'",;:)}\]]+(?![^\s'",;)}\]])`,
      ].join("|") +
      ")",
  ].join("|"),
  "g",
);

/**
 * The text with wrappers replaced by a space and keyed names by `<name>`. An `exec` loop, measured
 * faster here than a replacement with a callback (no arguments list per match); no alternative
 * matches the empty string, so each search starts where the last match ended, as `replace`'s does.
 */
function dropWrappers(text: string): string {
  let out = "";
  let copied = 0;
  WRAPPERS_AND_KEYED_NAMES.lastIndex = 0;
  for (let m; (m = WRAPPERS_AND_KEYED_NAMES.exec(text)) !== null;) {
    out += text.slice(copied, m.index) + (m[1] === undefined ? " " : `${m[1]}<name>`);
    copied = WRAPPERS_AND_KEYED_NAMES.lastIndex;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/*
 * Cheap tests a word must pass before a rule's expression runs on it (necessary conditions of each
 * expression): most words a fleet produces are new (ids, hashes), so the rules run on every one of
 * them and an expression that cannot match is the cost to avoid. One scan of the word's character
 * codes finds its features, again after a replacement changed the word.
 */
const DIGIT = 1;
const SLASH = 2;
/** A digit, a dot and a digit, which every IP address and version contains. */
const DOTTED_NUMBER = 4;
const DASH = 8;
const SINGLE_QUOTE = 16;
const DOUBLE_QUOTE = 32;
/** Six or more of [0-9a-f] in a row, which every GUID and hash contains. */
const HEX_RUN = 64;
const COLON = 128;

const isDigit = (c: number) => c >= 48 && c <= 57;

function featuresOf(w: string): number {
  let features = 0;
  let hexRun = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (isDigit(c)) features |= DIGIT;
    else if (c < 97 || c > 102) {
      hexRun = 0;
      if (c === 47) features |= SLASH;
      else if (c === 45) features |= DASH;
      else if (c === 39) features |= SINGLE_QUOTE;
      else if (c === 34) features |= DOUBLE_QUOTE;
      else if (c === 58) features |= COLON;
      else if (c === 46 && i > 0 && isDigit(w.charCodeAt(i - 1)) && isDigit(w.charCodeAt(i + 1))) features |= DOTTED_NUMBER;
      continue;
    }
    if (++hexRun >= 6) features |= HEX_RUN;
  }
  return features;
}

/** `1-02-` or `1:02:`, which every date (`2024-05-02`) and clock time (`9:14:11`) contains (one regex scan beats a loop). */
const TIME_SHAPE = /\d(?:-\d\d-|:\d\d:)/;

const POD_HASH_CHAR = /[bcdfghjklmnpqrstvwxz2-9]/;
const isWordAt = (w: string, i: number) => {
  const c = w.charCodeAt(i);
  return isDigit(c) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
};

/** A dash followed by a five-character pod hash with a digit, at the end of the word's word characters. */
function hasPodSuffix(w: string): boolean {
  for (let dash = w.indexOf("-"); dash >= 0; dash = w.indexOf("-", dash + 1)) {
    const end = dash + 6;
    if (end > w.length || (end < w.length && isWordAt(w, end))) continue;
    let digit = false;
    let i = dash + 1;
    for (; i < end && POD_HASH_CHAR.test(w[i]); i++) digit ||= isDigit(w.charCodeAt(i));
    if (i === end && digit) return true;
  }
  return false;
}

/**
 * Variable parts of one word and their placeholders, in order (an ARM id contains names, GUIDs and
 * numbers; a pod name contains a hex hash). A rule runs only on words with all the features in `needs`
 * and, where it has one, passing `applies`: the rules are plain replacements on short strings, which
 * keeps fingerprints cheap.
 */
const WORD_RULES: Array<{ needs: number; applies?: (word: string) => boolean; pattern: RegExp; replacement: string }> = [
  { needs: SLASH, applies: (w) => w.includes("/subscriptions/"), pattern: /\/subscriptions\/[^'",;:)}\]]+/g, replacement: "<resource>" },
  { needs: SLASH | COLON, applies: (w) => w.includes("://"), pattern: /\bhttps?:\/\/[^'",;)}\]]+/g, replacement: "<url>" },
  {
    needs: HEX_RUN | DASH,
    applies: (w) => w.length >= 36,
    pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g,
    replacement: "<guid>",
  },
  {
    needs: DIGIT,
    applies: (w) => TIME_SHAPE.test(w),
    pattern: /\b\d{4}-\d{2}-\d{2}(?:t\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?|\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g,
    replacement: "<time>",
  },
  { needs: DOTTED_NUMBER, pattern: /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, replacement: "<ip>" },
  { needs: DOTTED_NUMBER, pattern: /\bv?\d+(?:\.\d+){1,3}(?:-[0-9a-z][0-9a-z.]*)?\b/g, replacement: "<version>" },
  // Pod names: <deployment>-<replicaset hash>-<pod hash>, or <daemonset>-<hash with a digit>.
  { needs: DASH, applies: (w) => w.length >= 16, pattern: /\b([a-z][a-z0-9-]*?)-[a-z0-9]{8,10}-[a-z0-9]{5}\b/g, replacement: "$1-<pod>" },
  {
    needs: DASH | DIGIT,
    applies: hasPodSuffix,
    pattern: /\b([a-z][a-z0-9-]*?)-(?=[bcdfghjklmnpqrstvwxz2-9]{0,4}\d)[bcdfghjklmnpqrstvwxz2-9]{5}\b/g,
    replacement: "$1-<pod>",
  },
  // Names in ARM paths.
  {
    needs: SLASH,
    applies: (w) => w.includes("s/"),
    pattern:
      /\b(connectedclusters|managedclusters|extensions|fluxconfigurations|sourcecontrolconfigurations|namespaces|resourcegroups|clusters|releases)\/[^/'",;)}\]]+/g,
    replacement: "$1/<name>",
  },
  // Quoted single tokens are almost always names (releases, namespaces, clusters, identities).
  { needs: SINGLE_QUOTE, pattern: /'[^']{1,120}'/g, replacement: "'<name>'" },
  { needs: DOUBLE_QUOTE, pattern: /"[^"]{1,120}"/g, replacement: '"<name>"' },
  // Hashes and digests: hex runs of six or more with both a digit and a letter; then any number.
  { needs: HEX_RUN | DIGIT, pattern: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b/g, replacement: "<hex>" },
  // Digits inside a word (`k8s`, `connectedk8s`) are part of a name that does not vary.
  { needs: DIGIT, pattern: /(?<![a-z])\d+|\d+(?![a-z])/g, replacement: "<n>" },
];

/**
 * Words repeat across a fleet (`'failed'.`, `0/2`, `"flux-system"`); their rewrites are kept in a
 * direct-mapped table of fixed size (a new word takes its slot), so memory never grows with the number
 * of messages. A slot is found from a few characters of the word where it stands in the text and
 * checked with `indexOf` (measured faster here than `startsWith` or a slice): no slice and no hash of
 * the whole word for a word seen before (a `Map` lookup was the hottest line of the fingerprint).
 */
const SLOTS = 4096;
const slotWords: string[] = new Array<string>(SLOTS).fill("");
const slotRewrites: string[] = new Array<string>(SLOTS).fill("");

function slotOf(text: string, start: number, end: number): number {
  // Length, first and middle character, and the last six, where names and versions differ (`podinfo@6.3.3`).
  let h = (Math.imul(end - start, 31) + text.charCodeAt(start)) | 0;
  h = (Math.imul(h, 31) + text.charCodeAt((start + end) >> 1)) | 0;
  for (let i = Math.max(start + 1, end - 6); i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return (h ^ (h >>> 13)) & (SLOTS - 1);
}

/**
 * The word's rewrite, kept in `slot`. Every word is kept: one seen once takes a single slot from a
 * word that repeats, which the next occurrence of that word takes back.
 */
function variableWord(word: string, slot: number): string {
  let features = featuresOf(word);
  let rewritten = word;
  for (const rule of WORD_RULES) {
    if ((features & rule.needs) !== rule.needs || (rule.applies && !rule.applies(rewritten))) continue;
    const replaced = rewritten.replace(rule.pattern, rule.replacement);
    // What a replacement removed, later rules need not look for (a GUID's digits are no number).
    if (replaced !== rewritten) features = featuresOf((rewritten = replaced));
  }
  slotWords[slot] = word;
  slotRewrites[slot] = rewritten;
  return rewritten;
}

/**
 * A word that is a GUID followed only by closing punctuation (`(correlation id <guid>)`, half of all
 * failures): the rules turn it into `<guid>` and that punctuation, as no earlier rule can match it
 * (no slash) and no later one what is left (no digit, dash, quote or slash).
 */
const GUID_WORD = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[),.;\]}]*(?= |$)/y;

/** A character only a variable word has: a digit, a quote or a slash. */
const VARIABLE_CHAR = /[0-9'"/]/g;

/**
 * `variableWord` applied to each space-separated word that can hold a variable part. The regular
 * expression engine finds the next variable character (`test` makes no match object; measured faster
 * than a loop over character codes in JavaScript, and than a replacement with a callback); plain English
 * words in between are copied untouched.
 */
function replaceVariableWords(text: string): string {
  let out = "";
  let copied = 0;
  VARIABLE_CHAR.lastIndex = 0;
  while (VARIABLE_CHAR.test(text)) {
    const i = VARIABLE_CHAR.lastIndex - 1;
    const start = text.lastIndexOf(" ", i) + 1;
    const space = text.indexOf(" ", i);
    const end = space < 0 ? text.length : space;
    out += text.slice(copied, start);
    if (end - start >= 36 && text.charCodeAt(start + 8) === 45 && ((GUID_WORD.lastIndex = start), GUID_WORD.test(text)))
      out += "<guid>" + text.slice(start + 36, end);
    else {
      const slot = slotOf(text, start, end);
      const known = slotWords[slot];
      out += known.length === end - start && text.indexOf(known, start) === start ? slotRewrites[slot] : variableWord(text.slice(start, end), slot);
    }
    copied = VARIABLE_CHAR.lastIndex = end;
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
/**
 * What the first two kinds of LEFTOVERS contain (few texts have either): without it only runs of
 * spaces can match, and a plain replacement of those does the same as the callback.
 */
const MAY_HOLD_RUN = /[nx]> ?<|\. ?\.|: ?:|, ?,|; ?;/;
const SPACES = /\s{2,}/g;

function dropLeftovers(text: string): string {
  if (MAY_HOLD_RUN.test(text)) return text.replace(LEFTOVERS, (run, punctuation: string | undefined) => punctuation ?? (run.trim() ? "<n>" : " "));
  return text.replace(SPACES, " ");
}

/** Fingerprints are display keys, not documents: long traces are cut. */
const MAX_FINGERPRINT = 300;

/**
 * The normalized message with wrappers dropped and everything that varies between clusters (ids, names,
 * versions, times, IPs, pod hashes, numbers) replaced by placeholders, so one failure on many clusters
 * has one fingerprint and different failures have different ones.
 */
export function fingerprintOf(normalized: string): string {
  const text = trimEdges(dropLeftovers(replaceVariableWords(dropWrappers(normalized))));
  return text.length > MAX_FINGERPRINT ? text.slice(0, MAX_FINGERPRINT) : text;
}
