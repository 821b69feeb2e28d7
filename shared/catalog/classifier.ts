/**
 * Matching a failure message to the catalog entry that documents it.
 *
 * 1. The message is normalized once (normalize.ts): ARM JSON unwrapped, lower case, whitespace collapsed.
 * 2. A prefilter finds the candidate signatures: every signature's required literals (literals.ts: text
 *    every match must contain) are indexed by their rarest bigram (bigrams.ts); one pass over the message's
 *    bigrams compares only the literals anchored at a bigram it contains, and names the few signatures worth running.
 * 3. Only those signatures run; entries whose context excludes the message's context are skipped.
 *    When no signature matches, entries' anchors (whole sentences) are tried within a small edit
 *    distance (anchors.ts): their pieces sit in the same prefilter as the literals.
 * 4. When several entries match, the most specific wins (ranking.ts).
 */
import type { Classification } from "../core/model";
import { anchorEdits, anchorPieces, substringEditDistance } from "./anchors";
import { anchorOf, BIGRAM_CHARS as TABLE_CHARS, bigramCounts, bigramKey as tableKey } from "./bigrams";
import { catalogEntries } from "./entries";
import { type Commonness, signatureLiterals } from "./literals";
import { fingerprintOf } from "./fingerprint";
import { AnswerMemo } from "./memo";
import { normalizeMessage } from "./normalize";
import { type Best, confidenceOf, contextFit as fitOf, offer as offerTo } from "./ranking";
import type { CatalogEntry, ClassifyContext } from "./types";

// Module-local bindings for the per-message loops: in esbuild's CommonJS output (as tsx runs it) an
// imported binding is read through a getter on every use, which halved the classifier's throughput.
const BIGRAM_CHARS = TABLE_CHARS;
const bigramKey = tableKey;
const contextFit = fitOf;
const offer = offerTo;

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

/**
 * A literal is as common as the number of texts of `sample` (the catalog's wrapped, real-shaped examples)
 * that contain it: counted over the texts joined by line breaks, which normal forms and literals never
 * hold, with one native search per occurrence rather than one per text.
 */
function commonnessIn(sample: readonly string[]): Commonness {
  const joined = sample.join("\n");
  const counted = new Map<string, number>();
  return (literal) => {
    let n = counted.get(literal);
    if (n !== undefined) return n;
    n = 0;
    let at = literal.includes("\n") ? -1 : joined.indexOf(literal);
    while (at >= 0) {
      n++;
      const next = joined.indexOf("\n", at); // a text counts once: on to the next text
      at = next < 0 ? -1 : joined.indexOf(literal, next + 1);
    }
    counted.set(literal, n);
    return n;
  };
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
  private readonly memo = new AnswerMemo<Classification>((message, context) => this.classifyFresh(message, context));
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
    const commonness = commonnessIn(sample);
    entries.forEach((entry, e) => {
      for (const source of entry.signatures) {
        const { literals: required, weight } = signatureLiterals(source, commonness);
        const index = this.signatures.push({ entry: e, regex: new RegExp(source, "i"), weight }) - 1;
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
   * status text again at every sweep (memo.ts). Answers are frozen, so a caller cannot change the next
   * one (and no copy is made per call).
   */
  classify(message: string, context: ClassifyContext = {}): Readonly<Classification> {
    return this.memo.answer(message, context);
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
      offer(this.best, sentence.entry, entry, fit, sentence.text.length, window.trim(), context);
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
    if (m) offer(this.best, signature.entry, entry, fit, signature.weight, m[0], context);
  }

  private nextStamp(): number {
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }
}

let defaultClassifier: Classifier | undefined;

/** The classifier over the whole catalog, built on first use. */
export function catalogClassifier(): Classifier {
  return (defaultClassifier ??= new Classifier(catalogEntries));
}

/** Classifies one failure message against the catalog. */
export function classify(message: string, context?: ClassifyContext): Readonly<Classification> {
  return catalogClassifier().classify(message, context);
}
