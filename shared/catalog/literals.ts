/**
 * The literal text every match of a signature must contain, read from the regex source: what the
 * classifier's prefilter looks for, and how specific a signature is (its literal characters).
 */

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
  for (let i = 0; i < source.length;) {
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
export type Commonness = (literal: string) => number;

/** Literal set and weight of a pattern with alternatives: every alternative must contribute. */
function alternativesLiterals(source: string, commonness?: Commonness): { set: string[]; weight: number } {
  const parts = topLevelAlternatives(source).map((part) => sequenceLiterals(part, commonness));
  if (parts.some((p) => !p.set.length)) return { set: [], weight: Math.min(...parts.map((p) => p.weight)) };
  return { set: [...new Set(parts.flatMap((p) => p.set))], weight: Math.min(...parts.map((p) => p.weight)) };
}

/**
 * A signature's prefilter literals (every match contains one of them), or `null` when no set of literals
 * of useful length exists (that signature then runs on every message), and its weight: one read of the source.
 */
export function signatureLiterals(source: string, commonness?: Commonness): { literals: string[] | null; weight: number } {
  const { set, weight } = alternativesLiterals(source, commonness);
  return { literals: set.length && set.every((l) => l.trim().length >= MIN_LITERAL) ? set : null, weight };
}
