/**
 * Matching a failure message to the catalog entry that documents it.
 *
 * 1. The message is normalized once (normalize.ts): ARM JSON unwrapped, lower case, whitespace collapsed.
 * 2. A prefilter finds the candidate signatures: every signature's required literals (text every match
 *    must contain) are indexed by their rarest bigram; one pass over the message's bigrams compares only
 *    the literals anchored at a bigram it contains, and names the few signatures worth running.
 * 3. Only those signatures run; entries whose context excludes the message's context are skipped.
 *    When no signature matches, entries' anchors (whole sentences) are tried within a small edit
 *    distance: each anchor is cut into one more piece than the edits it tolerates, so one piece
 *    always appears exactly, and the pieces sit in the same prefilter as the literals.
 * 4. When several entries match, the most specific wins, in this order:
 *    a. the entry with the higher `priority` (default 0; catch-all entries for generic causes set -1);
 *    b. the entry for the caller's extension type beats one that names none (an extension type picks out
 *       one product's failure; a component or cluster kind only says where the text came from);
 *    c. the signature with more literal text beats the one with less (`signatureWeight`: a signature
 *       that spells out a whole error sentence says more than one with wildcards, however long the
 *       wildcard's match);
 *    d. the entry whose components / cluster kinds the caller named beats one that lists none (a
 *       tie-breaker only: a vaguer signature restricted to "extension" must not beat a precise one);
 *    e. the longer matched text beats the shorter;
 *    f. the entry earlier in the catalog wins (documented entries come before field entries).
 */
import type { Classification } from "../core/model";
import { catalogEntries } from "./entries";
import { fingerprintOf, normalizeMessage } from "./normalize";
import type { CatalogEntry, ClassifyContext } from "./types";

/** A literal shorter than this matches too much text to be worth a prefilter slot. */
const MIN_LITERAL = 4;

/** Characters after which a single-character escape (`\d`, `\s`, `\b` ...) is not a literal. */
const CLASS_ESCAPES = new Set("dDwWsSbBpPuxck0123456789".split(""));

/** Index just past the group or class that opens at `i` (the source has already compiled). */
function skipBalanced(source: string, i: number): number {
  let depth = 0;
  let inClass = false;
  for (; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) {
      inClass = c !== "]";
      if (!inClass && depth === 0) return i + 1; // a class on its own ends here
    } else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  return i;
}

/** Index just past a quantifier at `i`, and whether it allows zero repetitions. */
function quantifierAt(source: string, i: number): { end: number; optional: boolean } | undefined {
  const c = source[i];
  let end: number;
  let optional: boolean;
  if (c === "?" || c === "*") {
    end = i + 1;
    optional = true;
  } else if (c === "+") {
    end = i + 1;
    optional = false;
  } else if (c === "{" && /^\{\d+(,\d*)?\}/.test(source.slice(i))) {
    end = source.indexOf("}", i) + 1;
    optional = /^\{0[,}]/.test(source.slice(i));
  } else return undefined;
  if (source[end] === "?") end++; // lazy
  return { end, optional };
}

/** Splits a pattern (or a group's content) at its top-level `|`. */
function topLevelAlternatives(source: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === "(" || c === "[") i = skipBalanced(source, i) - 1;
    else if (c === "|") {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

/** The content of a group that consumes text (`(...)`, `(?:...)`, `(?<name>...)`); undefined for lookarounds. */
function consumingGroupContent(group: string): string | undefined {
  const inner = group.slice(1, -1);
  if (!inner.startsWith("?")) return inner;
  if (inner.startsWith("?:")) return inner.slice(2);
  const named = /^\?<([A-Za-z_]\w*)>/.exec(inner);
  return named ? inner.slice(named[0].length) : undefined;
}

/**
 * A set of literals every match of a sequence (no top-level `|`) contains at least one of, and the
 * total literal characters the sequence requires (its specificity). Candidates are each required run of
 * plain characters and each required group (through the union of its alternatives' sets). Given how
 * common each literal is (`commonness`), the set whose most common literal is rarest wins: "deployment"
 * is in half a fleet's wrapped messages, "osm-controller" in few. Otherwise, and among equally rare sets,
 * the set whose shortest literal is longest wins: the prefilter is only as selective as its shortest literal.
 */
function sequenceLiterals(source: string, commonness?: Commonness): { set: string[]; weight: number } {
  const candidates: string[][] = [];
  let weight = 0;
  let run = "";
  const flush = () => {
    if (run) candidates.push([run]);
    weight += run.length;
    run = "";
  };
  for (let i = 0; i < source.length; ) {
    const c = source[i];
    let literal: string | undefined;
    let group: string | undefined;
    let next: number;
    if (c === "\\") {
      const e = source[i + 1];
      literal = CLASS_ESCAPES.has(e) ? undefined : e === "n" || e === "t" || e === "r" ? " " : e;
      next = i + 2;
    } else if (c === "(" || c === "[") {
      next = skipBalanced(source, i);
      if (c === "(") group = consumingGroupContent(source.slice(i, next));
    } else {
      literal = c === "." || c === "^" || c === "$" ? undefined : c;
      next = i + 1;
    }
    const q = quantifierAt(source, next);
    if (q) next = q.end;
    if (literal === undefined || q?.optional) flush();
    else {
      run += literal.toLowerCase();
      if (q) flush(); // `x+`: one x is required, what follows may be more x's
    }
    if (group !== undefined && !q?.optional) {
      const inner = alternativesLiterals(group, commonness);
      if (inner.set.length) candidates.push(inner.set);
      weight += inner.weight;
    }
    i = next;
  }
  flush();
  const shortest = (set: string[]) => Math.min(...set.map((l) => l.trim().length));
  const longest = candidates.reduce<string[]>((a, b) => (shortest(b) > (a.length ? shortest(a) : -1) ? b : a), []);
  const usable = candidates.filter((set) => shortest(set) >= MIN_LITERAL);
  if (!commonness || !usable.length) return { set: longest, weight };
  const common = (set: string[]) => Math.max(...set.map(commonness));
  const rarest = usable.reduce((a, b) => (common(b) < common(a) || (common(b) === common(a) && shortest(b) > shortest(a)) ? b : a));
  return { set: rarest, weight };
}

/** How common a literal is in typical text (higher: found in more messages). */
type Commonness = (literal: string) => number;

/** Literal set and weight of a pattern with alternatives: every alternative must contribute. */
function alternativesLiterals(source: string, commonness?: Commonness): { set: string[]; weight: number } {
  const parts = topLevelAlternatives(source).map((part) => sequenceLiterals(part, commonness));
  if (parts.some((p) => !p.set.length)) return { set: [], weight: Math.min(...parts.map((p) => p.weight)) };
  return { set: [...new Set(parts.flatMap((p) => p.set))], weight: Math.min(...parts.map((p) => p.weight)) };
}

/**
 * The literals a prefilter may look for (every match contains one of them), or `null` when no set of
 * literals of useful length exists (that signature then runs on every message).
 */
export function requiredLiterals(source: string, commonness?: Commonness): string[] | null {
  const { set } = alternativesLiterals(source, commonness);
  return set.length && set.every((l) => l.trim().length >= MIN_LITERAL) ? set : null;
}

/** How many literal characters every match of a signature contains: the more, the more specific. */
export function signatureWeight(source: string): number {
  return alternativesLiterals(source).weight;
}

interface CompiledSignature {
  entry: number;
  regex: RegExp;
  weight: number;
}

/** A prefilter literal, found by the bigram at `anchor` (the rarest pair of its characters). */
interface AnchoredLiteral {
  text: string;
  anchor: number;
  signatures: number[];
  /** Anchor sentences this literal is a piece of, with the piece's offset in the sentence. */
  pieces: AnchorPiece[];
}

/** An entry's anchor sentence, matched within `maxEdits` edits when no signature matched. */
interface AnchorSentence {
  entry: number;
  text: string;
  maxEdits: number;
}

interface AnchorPiece {
  sentence: number;
  offset: number;
}

/** Edits an anchor tolerates: one from 16 characters, two from 32 (shorter anchors are refused by validation). */
export function anchorEdits(length: number): number {
  return length >= 32 ? 2 : length >= 16 ? 1 : 0;
}

/** The anchor cut into `edits + 1` pieces of near-equal length: `edits` edits leave at least one piece intact. */
export function anchorPieces(text: string, edits: number): Array<{ text: string; offset: number }> {
  const count = edits + 1;
  return Array.from({ length: count }, (_, i) => {
    const from = Math.floor((i * text.length) / count);
    return { text: text.slice(from, Math.floor(((i + 1) * text.length) / count)), offset: from };
  });
}

/**
 * The fewest edits (insert, delete, substitute) that turn some substring of `text` into `pattern`
 * (Sellers' semi-global distance), or `limit + 1` once it cannot be `limit` or less.
 */
export function substringEditDistance(pattern: string, text: string, limit: number): number {
  let previous = new Array<number>(text.length + 1).fill(0);
  let current = new Array<number>(text.length + 1);
  for (let i = 1; i <= pattern.length; i++) {
    current[0] = i;
    let rowMin = i;
    const p = pattern.charCodeAt(i - 1);
    for (let j = 1; j <= text.length; j++) {
      const cost = p === text.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j - 1] + cost, previous[j] + 1, current[j - 1] + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return Math.min(...previous);
}

/** Bigrams of characters below this code are table slots; a literal needs one to be anchored. */
const BIGRAM_CHARS = 256;
const bigramKey = (a: number, b: number) => (a << 8) | b;

/**
 * How often each bigram occurs in a sample of normalized text (the catalog's own examples): a literal
 * is looked up by its rarest bigram, so the scan stops at few places ("k8s" rather than "th").
 */
function bigramCounts(sample: readonly string[]): Uint32Array {
  const counts = new Uint32Array(BIGRAM_CHARS * BIGRAM_CHARS);
  for (const text of sample) {
    for (let i = 1; i < text.length; i++) {
      const a = text.charCodeAt(i - 1);
      const b = text.charCodeAt(i);
      if (a < BIGRAM_CHARS && b < BIGRAM_CHARS) counts[bigramKey(a, b)]++;
    }
  }
  return counts;
}

/** Offset of the literal's rarest bigram by `counts`, or -1 when it has none in the table. */
export function anchorOf(literal: string, counts: Uint32Array): number {
  let best = -1;
  for (let i = 0; i + 1 < literal.length; i++) {
    const a = literal.charCodeAt(i);
    const b = literal.charCodeAt(i + 1);
    if (a >= BIGRAM_CHARS || b >= BIGRAM_CHARS) continue;
    if (best < 0 || counts[bigramKey(a, b)] < counts[bigramKey(literal.charCodeAt(best), literal.charCodeAt(best + 1))]) best = i;
  }
  return best;
}

/**
 * The specificity of a match, compared in this order (see the ranking rule at the top of this file).
 * One instance per classifier is reused for every call, so a message allocates no candidate objects.
 */
interface Best {
  found: boolean;
  entry: number;
  matched: string;
  priority: number;
  /** 2 when the caller's extension type is one the entry lists. */
  extensionFit: number;
  weight: number;
  /** Component and cluster kind the caller named and the entry lists: a tie-breaker only. */
  genericFit: number;
}

/** Recent answers kept per classifier, and the longest message worth keeping (longer ones are logs, rarely repeated). */
const MEMO_SIZE = 4096;
const MEMO_MAX_MESSAGE = 2048;

/** The memo key: the message alone when no context was given (the common case costs no concatenation). */
function memoKey(message: string, context: ClassifyContext): string {
  const { component, extensionType, clusterKind, code, provisioningState } = context;
  if (!component && !extensionType && !clusterKind && !code && !provisioningState) return message;
  return `${message}\u0000${component ?? ""}\u0000${extensionType ?? ""}\u0000${clusterKind ?? ""}\u0000${code ?? ""}\u0000${provisioningState ?? ""}`;
}

/** The classifier over one set of entries; `classify` below uses the whole catalog. */
export class Classifier {
  private readonly signatures: CompiledSignature[] = [];
  /** Signatures that have no usable literal and always run. */
  private readonly unfiltered: number[] = [];
  private readonly sentences: AnchorSentence[] = [];
  /** Per-call anchor pieces found, as (sentence, estimated start) pairs: reused, grown when full. */
  private pieceHits = new Int32Array(64);
  private pieceCount = 0;
  /** Per bigram key: the literals anchored there (undefined for most keys). */
  private readonly byBigram: Array<AnchoredLiteral[] | undefined> = new Array(BIGRAM_CHARS * BIGRAM_CHARS);
  /** 1 where `byBigram` holds literals: a typed-array load is the cheapest test in the scan's inner loop. */
  private readonly anchors = new Uint8Array(BIGRAM_CHARS * BIGRAM_CHARS);
  /** Per-call marks of which signatures already ran, reused to avoid a Set per message. */
  private readonly seen: Uint32Array;
  private stamp = 0;
  private readonly memo = new Map<string, Classification>();
  private readonly best: Best = { found: false, entry: 0, matched: "", priority: 0, extensionFit: 0, weight: 0, genericFit: 0 };

  constructor(readonly entries: readonly CatalogEntry[]) {
    const literals = new Map<string, { signatures: number[]; pieces: AnchorPiece[] }>();
    const literal = (text: string) => {
      let found = literals.get(text);
      if (!found) literals.set(text, (found = { signatures: [], pieces: [] }));
      return found;
    };
    const sample = entries.flatMap((entry) => entry.examples.map(normalizeMessage));
    const counts = bigramCounts(sample);
    // A literal is as common as the number of the catalog's (wrapped, real-shaped) examples that contain it.
    const seen = new Map<string, number>();
    const commonness = (literal: string) => {
      let n = seen.get(literal);
      if (n === undefined) seen.set(literal, (n = sample.reduce((count, text) => (text.includes(literal) ? count + 1 : count), 0)));
      return n;
    };
    entries.forEach((entry, e) => {
      for (const source of entry.signatures) {
        const index = this.signatures.push({ entry: e, regex: new RegExp(source, "i"), weight: signatureWeight(source) }) - 1;
        const required = requiredLiterals(source, commonness);
        if (!required) this.unfiltered.push(index);
        else for (const text of required) literal(text).signatures.push(index);
      }
      for (const text of entry.anchors ?? []) {
        const maxEdits = anchorEdits(text.length);
        if (maxEdits === 0) continue; // too short to tolerate an edit; validation reports it
        const sentence = this.sentences.push({ entry: e, text, maxEdits }) - 1;
        for (const piece of anchorPieces(text, maxEdits)) literal(piece.text).pieces.push({ sentence, offset: piece.offset });
      }
    });
    for (const [text, { signatures, pieces }] of literals) {
      const anchor = anchorOf(text, counts);
      if (anchor < 0) {
        this.unfiltered.push(...signatures); // no bigram of table characters: run it on every message
        continue; // (anchor pieces are lower-case text and always have one)
      }
      const key = bigramKey(text.charCodeAt(anchor), text.charCodeAt(anchor + 1));
      (this.byBigram[key] ??= []).push({ text, anchor, signatures, pieces });
      this.anchors[key] = 1;
    }
    this.seen = new Uint32Array(this.signatures.length);
  }

  /**
   * The classification of a message, remembered for messages seen recently: a fleet shows the same
   * status text again at every sweep. The memo is bounded (emptied when full, long messages never kept)
   * and hands out copies, so a caller changing an answer cannot change the next one.
   */
  classify(message: string, context: ClassifyContext = {}): Classification {
    if (message.length > MEMO_MAX_MESSAGE) return this.classifyFresh(message, context);
    const key = memoKey(message, context);
    const known = this.memo.get(key);
    if (known) return { ...known };
    const result = this.classifyFresh(message, context);
    if (this.memo.size >= MEMO_SIZE) this.memo.clear();
    this.memo.set(key, result);
    return { ...result };
  }

  private classifyFresh(message: string, context: ClassifyContext): Classification {
    const normalized = normalizeMessage(message);
    const text = context.code ? `${context.code.toLowerCase()}: ${normalized}` : normalized;
    const fingerprint = fingerprintOf(normalized);
    const best = this.bestMatch(text, context);
    if (!best.found) return { catalogId: null, confidence: 0, fingerprint };
    const contextScore = best.extensionFit + best.genericFit;
    return { catalogId: this.entries[best.entry].id, confidence: confidenceOf(best.matched, contextScore), fingerprint, matched: best.matched };
  }

  /**
   * The prefilter: one pass over the text's bigrams; where a bigram anchors literals, each literal is
   * compared in place and, when present, its signatures run. Every occurrence of every literal is
   * found (overlapping or nested ones too), so a signature is never skipped while its text is there.
   */
  private bestMatch(text: string, context: ClassifyContext): Best {
    const stamp = this.nextStamp();
    this.best.found = false;
    this.pieceCount = 0;
    for (const index of this.unfiltered) this.consider(index, text, context, stamp);
    const anchors = this.anchors;
    let previous = text.length ? text.charCodeAt(0) : 0;
    for (let i = 1; i < text.length; i++) {
      const current = text.charCodeAt(i);
      if (previous < BIGRAM_CHARS && current < BIGRAM_CHARS && anchors[bigramKey(previous, current)] === 1) {
        for (const literal of this.byBigram[bigramKey(previous, current)]!) {
          const start = i - 1 - literal.anchor;
          if (start >= 0 && text.startsWith(literal.text, start)) {
            for (const index of literal.signatures) this.consider(index, text, context, stamp);
            for (const piece of literal.pieces) this.notePiece(piece.sentence, start - piece.offset);
          }
        }
      }
      previous = current;
    }
    if (!this.best.found && this.pieceCount) this.considerAnchors(text, context);
    return this.best;
  }

  private notePiece(sentence: number, start: number): void {
    if (this.pieceCount + 2 > this.pieceHits.length) {
      const grown = new Int32Array(this.pieceHits.length * 2);
      grown.set(this.pieceHits);
      this.pieceHits = grown;
    }
    this.pieceHits[this.pieceCount++] = sentence;
    this.pieceHits[this.pieceCount++] = start;
  }

  /** The anchors whose pieces were seen, each compared around where its piece puts it (no signature matched). */
  private considerAnchors(text: string, context: ClassifyContext): void {
    const hits = this.pieceHits;
    for (let h = 0; h < this.pieceCount; h += 2) {
      const sentence = this.sentences[hits[h]];
      const entry = this.entries[sentence.entry];
      const fit = contextFit(entry, context);
      if (fit < 0) continue;
      const from = Math.max(0, hits[h + 1] - sentence.maxEdits);
      const window = text.slice(from, hits[h + 1] + sentence.text.length + sentence.maxEdits);
      if (substringEditDistance(sentence.text, window, sentence.maxEdits) > sentence.maxEdits) continue;
      // An approximate match is as specific as the anchor's text, and shows the text it stood for.
      this.offer(sentence.entry, entry, fit, sentence.text.length, window.trim(), context);
    }
  }

  /** Runs one signature (once per message) and keeps its match when it is more specific than the best so far. */
  private consider(index: number, text: string, context: ClassifyContext, stamp: number): void {
    if (this.seen[index] === stamp) return;
    this.seen[index] = stamp;
    const signature = this.signatures[index];
    const entry = this.entries[signature.entry];
    const fit = contextFit(entry, context);
    if (fit < 0) return;
    const m = signature.regex.exec(text);
    if (m) this.offer(signature.entry, entry, fit, signature.weight, m[0], context);
  }

  /** Keeps a match when it is more specific than the best so far (the ranking rule at the top of this file). */
  private offer(index: number, entry: CatalogEntry, fit: number, weight: number, matched: string, context: ClassifyContext): void {
    const best = this.best;
    const priority = entry.priority ?? 0;
    const extensionFit = entry.context?.extensionTypes && context.extensionType ? 2 : 0;
    const genericFit = fit - extensionFit;
    if (best.found) {
      // The ranking rule at the top of this file, field by field.
      const better =
        priority !== best.priority ? priority > best.priority
        : extensionFit !== best.extensionFit ? extensionFit > best.extensionFit
        : weight !== best.weight ? weight > best.weight
        : genericFit !== best.genericFit ? genericFit > best.genericFit
        : matched.length !== best.matched.length ? matched.length > best.matched.length
        : index < best.entry;
      if (!better) return;
    }
    best.found = true;
    best.entry = index;
    best.matched = matched;
    best.priority = priority;
    best.extensionFit = extensionFit;
    best.weight = weight;
    best.genericFit = genericFit;
  }

  private nextStamp(): number {
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }
}

/**
 * How well an entry's context fits the caller's: -1 excludes the entry; otherwise the number of
 * dimensions the caller named and the entry explicitly lists (extension type weighs 2). Dimensions the
 * caller did not name never exclude: a pasted message has no context and may match anything.
 */
export function contextFit(entry: CatalogEntry, context: ClassifyContext): number {
  const ctx = entry.context;
  if (!ctx) return 0;
  let score = 0;
  if (ctx.components && context.component) {
    if (!ctx.components.includes(context.component)) return -1;
    score += 1;
  }
  if (ctx.extensionTypes && context.extensionType) {
    if (!ctx.extensionTypes.includes(context.extensionType.toLowerCase())) return -1;
    score += 2;
  }
  if (ctx.clusterKinds && context.clusterKind) {
    if (!ctx.clusterKinds.includes(context.clusterKind)) return -1;
    score += 1;
  }
  return score;
}

/** Long signature matches are near-certain; short ones less so; a matching context adds to it. */
function confidenceOf(matched: string, contextScore: number): number {
  const base = matched.length >= 24 ? 0.9 : matched.length >= 12 ? 0.8 : 0.7;
  return Math.min(1, Math.round((base + 0.03 * contextScore) * 100) / 100);
}

let defaultClassifier: Classifier | undefined;

/** The classifier over the whole catalog, built on first use. */
export function catalogClassifier(): Classifier {
  return (defaultClassifier ??= new Classifier(catalogEntries));
}

/** Classifies one failure message against the catalog. */
export function classify(message: string, context?: ClassifyContext): Classification {
  return catalogClassifier().classify(message, context);
}
