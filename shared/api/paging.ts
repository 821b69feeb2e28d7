/**
 * Keyset paging over a sorted list: the token carries the sort key of the last item sent, so a page
 * boundary survives clusters appearing or disappearing between requests (an offset would skip or
 * repeat rows after every sweep).
 */
import type { Page } from "../store/types";
import { decodeToken, encodeToken } from "./token";

export function pageByKey<T>(sorted: readonly T[], key: (item: T) => string, options: { limit: number; continuationToken?: string; query: string }): Page<T> {
  let start = 0;
  if (options.continuationToken) {
    const after = String(decodeToken(options.continuationToken, options.query));
    // First index whose key sorts after the last key sent.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (key(sorted[mid]) <= after) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const items = sorted.slice(start, start + options.limit);
  const more = start + options.limit < sorted.length;
  return { items, ...(more ? { continuationToken: encodeToken(options.query, key(items[items.length - 1])) } : {}) };
}
