/**
 * Lists the Azure SDK way (@azure/core-paging): a `PagedAsyncIterableIterator` iterates items, and
 * `byPage({ continuationToken, maxPageSize })` pages, each page an array carrying the token of the
 * next one (absent on the last page).
 */
import type { PagedAsyncIterableIterator, PageSettings } from "@azure/core-paging";
import type { TableEntityResult, TableEntityResultPage } from "@azure/data-tables";
import { FleetHistoryError } from "./errors";

/** One page: its items, and the token that resumes after them (absent on the last page). */
export type ContinuablePage<T> = T[] & { continuationToken?: string };

export type PagedList<T> = PagedAsyncIterableIterator<T, ContinuablePage<T>, PageSettings>;

/** Page size when the caller names none (Table storage's own page size). */
const DEFAULT_PAGE_SIZE = 1000;

/** A list from the function that reads its pages; iterating items reads page after page. */
export function pagedList<T>(pages: (settings: PageSettings) => AsyncIterableIterator<ContinuablePage<T>>): PagedList<T> {
  let items: AsyncIterator<T> | undefined;
  return {
    next() {
      items ??= (async function* () {
        for await (const page of pages({})) yield* page;
      })();
      return items.next();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    byPage: (settings: PageSettings = {}) => pages(settings),
  };
}

/** A table query's pages (the table's own continuation tokens) mapped to records, skipping entities `keep` refuses. */
export async function* tablePages<E extends object, T>(
  entityPages: AsyncIterableIterator<TableEntityResultPage<E>>,
  map: (entity: TableEntityResult<E>) => T,
  keep?: (entity: TableEntityResult<E>) => boolean,
): AsyncIterableIterator<ContinuablePage<T>> {
  for await (const page of entityPages) yield withToken((keep ? page.filter(keep) : page).map(map), page.continuationToken);
}

/**
 * Pages of items the store reads in key order but merges or sorts itself (a table token would point
 * into the middle of the merge): the token is the key of the last item sent, and `read(after)`
 * resumes with the items whose keys sort after it. `read` yields keyed items in chunks (a table page,
 * a day, a sorted timeline), so a 10,000-item list costs a few awaits, not one per item.
 */
export async function* keysetPages<T>(
  settings: PageSettings,
  read: (after: string | undefined) => AsyncIterable<Array<[string, T]>>,
): AsyncIterableIterator<ContinuablePage<T>> {
  const size = settings.maxPageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new FleetHistoryError("InvalidArgument", `maxPageSize must be a positive whole number, got ${size}`);
  let page: T[] = [];
  let last = "";
  let sent = false;
  for await (const chunk of read(settings.continuationToken === undefined ? undefined : decodeKey(settings.continuationToken))) {
    for (const [key, item] of chunk) {
      if (page.length === size) {
        yield withToken(page, encodeKey(last));
        [page, sent] = [[], true];
      }
      page.push(item);
      last = key;
    }
  }
  if (page.length > 0 || !sent) yield withToken(page, undefined);
}

/** The first item of a list, reading one item's page. */
export async function firstItem<T>(list: PagedList<T>): Promise<T | undefined> {
  const { value } = await list.byPage({ maxPageSize: 1 }).next();
  return value?.[0];
}

/** Every item of a list (for lists the caller knows to be bounded), a page at a time when it pages. */
export async function collect<T>(items: AsyncIterable<T> | PagedList<T>): Promise<T[]> {
  const out: T[] = [];
  if ("byPage" in items) for await (const page of items.byPage()) out.push(...page);
  else for await (const item of items) out.push(item);
  return out;
}

function withToken<T>(items: T[], continuationToken: string | undefined): ContinuablePage<T> {
  return continuationToken ? Object.assign(items, { continuationToken }) : items;
}

const encodeKey = (key: string): string => Buffer.from(JSON.stringify({ after: key }), "utf8").toString("base64url");

function decodeKey(token: string): string {
  try {
    const after = (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown }).after;
    if (typeof after === "string" && after) return after;
  } catch {
    // the typed error below
  }
  throw invalidContinuationToken();
}

export const invalidContinuationToken = (): FleetHistoryError =>
  new FleetHistoryError("InvalidContinuationToken", "continuationToken is not one this list returned");
