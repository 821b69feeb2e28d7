/**
 * The classifier's memo: a fleet shows the same status text again at every sweep, so recent answers are
 * kept, bounded (emptied when full; long messages, rarely repeated logs, never kept). Most messages that
 * carry an id or a time are seen once: a first sighting costs only a sketch of the message, no hash of
 * the whole string and no memo entry; a message enters the memo on its second sighting.
 */
import type { ClassifyContext } from "./types";

/** Recent answers kept, and the longest message worth keeping. */
const MEMO_SIZE = 4096;
const MEMO_MAX_MESSAGE = 2048;
/**
 * Slots for sketches of recent messages (a power of two, 8× the memo), in buckets of SKETCH_WAYS: a
 * message's sketch is forgotten only when that many others of its bucket came since, so a fleet's
 * repeats stay known (buckets of two never remembered 18 of 2,000 repeating messages).
 */
const SKETCH_SLOTS = 32768;
const SKETCH_WAYS = 4;
/** Characters of a message that its sketch reads, from the end (where ids and times usually are) back. */
const SKETCH_SAMPLES = 24;

/**
 * A 32-bit sketch of a message and its context: its length and a few characters spread over it (ids
 * and times differ there), much cheaper than hashing the whole string. Two messages may share a sketch.
 */
function sketchOf(message: string, context: ClassifyContext): number {
  const { component, extensionType, clusterKind, code, provisioningState } = context;
  let h = Math.imul(message.length, 0x9e3779b1);
  const step = Math.floor(message.length / SKETCH_SAMPLES) + 1;
  for (let i = message.length - 1; i >= 0; i -= step) h = Math.imul(h ^ message.charCodeAt(i), 0x01000193);
  for (const field of [component, extensionType, clusterKind, code, provisioningState]) {
    h = Math.imul(h ^ (field ? field.length * 0x10001 + field.charCodeAt(field.length - 1) : 0), 0x01000193);
  }
  // The multiplications leave the low bits (the bucket) depending on few inputs: mix (MurmurHash3's finalizer).
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** The memo key: the message alone when no context was given (the common case costs no concatenation). */
function memoKey(message: string, context: ClassifyContext): string {
  const { component, extensionType, clusterKind, code, provisioningState } = context;
  if (!component && !extensionType && !clusterKind && !code && !provisioningState) return message;
  return `${message}\u0000${component ?? ""}\u0000${extensionType ?? ""}\u0000${clusterKind ?? ""}\u0000${code ?? ""}\u0000${provisioningState ?? ""}`;
}

/** Answers computed by `fresh`, remembered from a message's second sighting on, and frozen. */
export class AnswerMemo<T extends object> {
  private readonly answers = new Map<string, Readonly<T>>();
  /** Sketches of messages seen recently (see `sketchOf`), in buckets of SKETCH_WAYS. */
  private readonly recent = new Int32Array(SKETCH_SLOTS);

  constructor(private readonly fresh: (message: string, context: ClassifyContext) => T) {}

  answer(message: string, context: ClassifyContext): Readonly<T> {
    if (message.length > MEMO_MAX_MESSAGE) return Object.freeze(this.fresh(message, context));
    // A sketch collision costs one lookup, never a wrong answer: the memo is keyed by the whole message.
    if (!this.sawRecently(sketchOf(message, context))) return Object.freeze(this.fresh(message, context));
    const key = memoKey(message, context);
    const known = this.answers.get(key);
    if (known) return known;
    const result = Object.freeze(this.fresh(message, context));
    if (this.answers.size >= MEMO_SIZE) this.answers.clear();
    this.answers.set(key, result);
    return result;
  }

  /** Whether the sketch is in its bucket; if not, it goes in first and the bucket's oldest goes out. */
  private sawRecently(sketch: number): boolean {
    const recent = this.recent;
    const bucket = sketch & (SKETCH_SLOTS - SKETCH_WAYS);
    for (let way = bucket; way < bucket + SKETCH_WAYS; way++) if (recent[way] === sketch) return true;
    for (let way = bucket + SKETCH_WAYS - 1; way > bucket; way--) recent[way] = recent[way - 1];
    recent[bucket] = sketch;
    return false;
  }
}
