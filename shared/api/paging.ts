/**
 * Keyset paging over a sorted list: the token carries the sort key of the last item sent, so a page
 * boundary survives clusters appearing or disappearing between requests (an offset would skip or
 * repeat rows after every sweep). Filtering happens while walking from the token's position, so a
 * page costs its own length over the filter's selectivity, not a pass over the whole list.
 */
import type { PagedList } from "../store";
import { badParameter } from "./errors";
import { decodeToken, encodeToken, TOKEN_PARAMETER } from "./token";

/** A page as the API sends it. */
export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  continuationToken?: string;
}

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

/** A page as the API sends it: `continuationToken` only when there is more. */
export function pageBody<T>(page: Page<T>): { items: T[]; continuationToken?: string };
export function pageBody<T, U>(page: Page<T>, map: (item: T) => U): { items: U[]; continuationToken?: string };
export function pageBody<T, U>(page: Page<T>, map?: (item: T) => U): { items: Array<T | U>; continuationToken?: string } {
  return { items: map ? page.items.map(map) : page.items, ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) };
}

/**
 * Pages a store that pages itself (sweeps, digests): its token travels inside ours, so it is bound to
 * the route, and a token the store refuses (4xx or its own typed error) is the caller's 400, not a 500.
 */
export async function storePage<T>(route: string, token: string | undefined, limit: number, list: PagedList<T>): Promise<Page<T>> {
  const query = queryOf(route);
  const storeToken = token === undefined ? undefined : decodeToken(token, query);
  if (typeof storeToken === "number") throw invalidToken();
  const { value: page = [] } = await list
    .byPage({ continuationToken: storeToken, maxPageSize: limit })
    .next()
    .catch((err: { statusCode?: number }) => {
      if (storeToken !== undefined && !(Number(err.statusCode) >= 500)) throw invalidToken();
      throw err;
    });
  return { items: [...page], ...(page.continuationToken ? { continuationToken: encodeToken(query, page.continuationToken) } : {}) };
}

const queryOf = (route: string) => `store:${route}`;
const invalidToken = () => badParameter(TOKEN_PARAMETER, "not a token this API issued", "InvalidContinuationToken");
