/**
 * Matching a failure message to the catalog entry that documents it.
 *
 * 1. The message is normalized once (normalize.ts): ARM JSON unwrapped, lower case, whitespace collapsed.
 * 2. A prefilter finds the candidate signatures: every signature's required literals (text every match
 *    must contain) go into one combined regular expression, so one scan of the message names the few
 *    signatures worth running.
 * 3. Only those signatures run; entries whose context excludes the message's context are skipped.
 * 4. When several entries match, the most specific wins, in this order:
 *    a. the entry with the higher `priority` (default 0; catch-all entries for generic causes set -1);
 *    b. the entry whose context the caller's context positively matches in more dimensions
 *       (extension type counts 2, component 1, cluster kind 1) beats a generic entry;
 *    c. the signature with more literal text beats the one with less (`signatureWeight`: a signature
 *       that spells out a whole error sentence says more than one with wildcards, however long the
 *       wildcard's match);
 *    d. the longer matched text beats the shorter;
 *    e. the entry earlier in the catalog wins (documented entries come before field entries).
 */
import type { Classification } from "../health/model";
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
 * plain characters and each required group (through the union of its alternatives' sets); the set whose
 * shortest literal is longest wins, because the prefilter is only as selective as its shortest literal.
 */
function sequenceLiterals(source: string): { set: string[]; weight: number } {
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
      const inner = alternativesLiterals(group);
      if (inner.set.length) candidates.push(inner.set);
      weight += inner.weight;
    }
    i = next;
  }
  flush();
  const shortest = (set: string[]) => Math.min(...set.map((l) => l.trim().length));
  const best = candidates.reduce<string[]>((a, b) => (shortest(b) > (a.length ? shortest(a) : -1) ? b : a), []);
  return { set: best, weight };
}

/** Literal set and weight of a pattern with alternatives: every alternative must contribute. */
function alternativesLiterals(source: string): { set: string[]; weight: number } {
  const parts = topLevelAlternatives(source).map(sequenceLiterals);
  if (parts.some((p) => !p.set.length)) return { set: [], weight: Math.min(...parts.map((p) => p.weight)) };
  return { set: [...new Set(parts.flatMap((p) => p.set))], weight: Math.min(...parts.map((p) => p.weight)) };
}

/**
 * The literals a prefilter may look for (every match contains one of them), or `null` when no set of
 * literals of useful length exists (that signature then runs on every message).
 */
export function requiredLiterals(source: string): string[] | null {
  const { set } = alternativesLiterals(source);
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

interface Match {
  entry: number;
  matched: string;
  contextScore: number;
  priority: number;
  weight: number;
}

/** Whether match `a` is more specific than `b` (see the ranking rule at the top of this file). */
function moreSpecific(a: Match, b: Match): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.contextScore !== b.contextScore) return a.contextScore > b.contextScore;
  if (a.weight !== b.weight) return a.weight > b.weight;
  if (a.matched.length !== b.matched.length) return a.matched.length > b.matched.length;
  return a.entry < b.entry;
}

/** The classifier over one set of entries; `classify` below uses the whole catalog. */
export class Classifier {
  private readonly signatures: CompiledSignature[] = [];
  /** Signatures that have no usable literal and always run. */
  private readonly unfiltered: number[] = [];
  private readonly prefilter: RegExp | undefined;
  /** For each literal of the prefilter: the signatures to run when it (or a longer literal it prefixes) is found. */
  private readonly byLiteral = new Map<string, number[]>();
  /** Per-call marks of which signatures already ran, reused to avoid a Set per message. */
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(readonly entries: readonly CatalogEntry[]) {
    const literalSignatures = new Map<string, number[]>();
    entries.forEach((entry, e) => {
      for (const source of entry.signatures) {
        const index = this.signatures.push({ entry: e, regex: new RegExp(source, "i"), weight: signatureWeight(source) }) - 1;
        const literals = requiredLiterals(source);
        if (!literals) this.unfiltered.push(index);
        else for (const literal of literals) literalSignatures.set(literal, [...(literalSignatures.get(literal) ?? []), index]);
      }
    });
    // A match at one position hides the shorter literals that start there: each literal also carries
    // the signatures of every literal that is its prefix.
    const literals = [...literalSignatures.keys()].sort((a, b) => b.length - a.length);
    for (const literal of literals) {
      const run = literals.filter((other) => literal.startsWith(other)).flatMap((other) => literalSignatures.get(other)!);
      this.byLiteral.set(literal, [...new Set(run)]);
    }
    if (literals.length) this.prefilter = new RegExp(trieSource(literals), "g");
    this.seen = new Uint32Array(this.signatures.length);
  }

  classify(message: string, context: ClassifyContext = {}): Classification {
    const normalized = normalizeMessage(message);
    const text = context.code ? `${context.code.toLowerCase()}: ${normalized}` : normalized;
    const best = this.bestMatch(text, context);
    const fingerprint = fingerprintOf(normalized);
    if (!best) return { catalogId: null, confidence: 0, fingerprint };
    return { catalogId: this.entries[best.entry].id, confidence: confidenceOf(best.matched, best.contextScore), fingerprint, matched: best.matched };
  }

  private bestMatch(text: string, context: ClassifyContext): Match | undefined {
    const stamp = this.nextStamp();
    let best: Match | undefined;
    const consider = (index: number) => {
      if (this.seen[index] === stamp) return;
      this.seen[index] = stamp;
      const signature = this.signatures[index];
      const contextScore = contextFit(this.entries[signature.entry], context);
      if (contextScore < 0) return;
      const m = signature.regex.exec(text);
      if (!m) return;
      const candidate = { entry: signature.entry, matched: m[0], contextScore, priority: this.entries[signature.entry].priority ?? 0, weight: signature.weight };
      if (!best || moreSpecific(candidate, best)) best = candidate;
    };
    for (const index of this.unfiltered) consider(index);
    const prefilter = this.prefilter;
    if (prefilter) {
      prefilter.lastIndex = 0;
      for (let m = prefilter.exec(text); m; m = prefilter.exec(text)) {
        for (const index of this.byLiteral.get(m[0])!) consider(index);
        prefilter.lastIndex = m.index + 1; // overlapping literals starting inside this one
      }
    }
    return best;
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

/**
 * One expression matching any of the literals, factored as a trie (`c(?:annot (?:connect|load)|lust...)`)
 * so the engine decides on one character at a time instead of trying every literal at every position.
 * At a position it matches the longest literal there, which is what the prefix bookkeeping expects.
 */
export function trieSource(literals: readonly string[]): string {
  interface Node {
    end: boolean;
    children: Map<string, Node>;
  }
  const root: Node = { end: false, children: new Map() };
  for (const literal of literals) {
    let node = root;
    for (const c of literal) {
      let next = node.children.get(c);
      if (!next) node.children.set(c, (next = { end: false, children: new Map() }));
      node = next;
    }
    node.end = true;
  }
  const emit = (node: Node): string => {
    const branches = [...node.children].map(([c, child]) => escapeRegExp(c) + emit(child));
    if (!branches.length) return "";
    if (node.end) return `(?:${branches.join("|")})?`; // a literal ends here; longer ones go on
    return branches.length === 1 ? branches[0] : `(?:${branches.join("|")})`;
  };
  return emit(root);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&");
}

let defaultClassifier: Classifier | undefined;

/** The classifier over the whole catalog, built on first use. */
function catalogClassifier(): Classifier {
  return (defaultClassifier ??= new Classifier(catalogEntries));
}

/** Classifies one failure message against the catalog. */
export function classify(message: string, context?: ClassifyContext): Classification {
  return catalogClassifier().classify(message, context);
}
