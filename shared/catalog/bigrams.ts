/**
 * The prefilter's table: literals are looked up by their rarest bigram (pair of characters), so one
 * pass over a message's bigrams stops only where a literal may start.
 */

/** Bigrams of characters below this code are table slots; a literal needs one to be anchored. */
export const BIGRAM_CHARS = 256;
export const bigramKey = (a: number, b: number) => (a << 8) | b;

/**
 * How often each bigram occurs in a sample of normalized text (the catalog's own examples): a literal
 * is looked up by its rarest bigram, so the scan stops at few places ("k8s" rather than "th").
 */
export function bigramCounts(sample: readonly string[]): Uint32Array {
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
