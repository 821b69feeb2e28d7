/**
 * Keyset paging over a sorted list: the token carries the sort key of the last item sent, so a page
 * boundary survives clusters appearing or disappearing between requests (an offset would skip or
 * repeat rows after every sweep). Filtering happens while walking from the token's position, so a
 * page costs its own length over the filter's selectivity, not a pass over the whole list.
 */
import type { Page } from "../store/types";
import { decodeToken, encodeToken } from "./token";

/** Items with their sort keys, ascending. */
export interface SortedList<T> {
  items: readonly T[];
  keys: readonly string[];
}

export function sortedBy<T>(items: readonly T[], key: (item: T) => string): SortedList<T> {
  const keyed = items.map((item) => ({ item, key: key(item) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { items: keyed.map((k) => k.item), keys: keyed.map((k) => k.key) };
}

export function pageByKey<T>(list: SortedList<T>, options: { limit: number; continuationToken?: string; query: string; keep?: (item: T) => boolean }): Page<T> {
  const { items, keys } = list;
  let start = 0;
  if (options.continuationToken) {
    const after = String(decodeToken(options.continuationToken, options.query));
    // First index whose key sorts after the last key sent.
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] <= after) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const page: T[] = [];
  let lastIndex = -1;
  for (let i = start; i < items.length; i++) {
    if (options.keep && !options.keep(items[i])) continue;
    if (page.length === options.limit) return { items: page, continuationToken: encodeToken(options.query, keys[lastIndex]) };
    page.push(items[i]);
    lastIndex = i;
  }
  return { items: page };
}
