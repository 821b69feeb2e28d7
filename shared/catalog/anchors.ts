/**
 * Anchors: whole sentences of an entry matched within a small edit distance when no signature matched.
 * Each anchor is cut into one more piece than the edits it tolerates, so one piece always appears
 * exactly and the classifier's prefilter finds it like a literal.
 */

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
