/**
 * Reads that outlast a short storage outage (an Azurite restart, a storage failover): when the store
 * cannot be reached (after the Table SDK's own retries), a GET answers the last good answer to the
 * same request, marked stale with `x-fleet-stale-since` (when it was read) and `Age`, never as if it
 * were current. Only answers up to `maxStaleMs` old are served; past that, or with none kept, the
 * 503 StorageUnavailable with Retry-After stands. Writes are never touched: they fail with that 503.
 * While storage is known to be down, a read that has a stale answer waits for the store at most
 * `waitWhileDownMs`; the fresh read goes on and refreshes the kept answer when it succeeds.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { ErrorBody } from "./errors";
import type { HttpHandler } from "./http";

export interface StaleReadOptions {
  /** The oldest kept answer served while storage is down (ms); default 60 s. */
  maxStaleMs?: number;
  /** While storage is known to be down, how long a read waits for it before the stale answer (ms); default 1 s. */
  waitWhileDownMs?: number;
  /** Characters of answers kept, least recently used dropped first; default 8 Mi. */
  maxChars?: number;
  now?: () => number;
}

export const STALE_SINCE_HEADER = "x-fleet-stale-since";

interface Kept {
  body: string;
  headers: Record<string, string>;
  at: number;
}

/** One per process (shared by every route), so the memory bound holds for the whole API. */
export class StaleReads {
  private readonly kept = new Map<string, Kept>();
  private chars = 0;
  /** When a read last found storage down with no success since. */
  private downSince?: number;
  private readonly maxStaleMs: number;
  private readonly waitWhileDownMs: number;
  private readonly maxChars: number;
  private readonly now: () => number;

  constructor(options: StaleReadOptions = {}) {
    this.maxStaleMs = options.maxStaleMs ?? 60_000;
    this.waitWhileDownMs = options.waitWhileDownMs ?? 1_000;
    this.maxChars = options.maxChars ?? 8 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  wrap(handler: HttpHandler): HttpHandler {
    return async (req, ctx) => {
      if (!["GET", "HEAD"].includes(req.method.toUpperCase())) return handler(req, ctx);
      const key = requestKey(req);
      const fresh = handler(req, ctx).then((res) => this.observe(key, res));
      const waited = this.downSince !== undefined && this.usable(key) ? await within(fresh, this.waitWhileDownMs) : await fresh;
      if (waited && !storageUnavailable(waited)) return waited;
      const kept = this.usable(key);
      if (!kept) return waited ?? fresh;
      ctx.warn(`storage unavailable: answering ${new URL(req.url).pathname} as read at ${new Date(kept.at).toISOString()}, marked stale`);
      return this.staleAnswer(kept);
    };
  }

  /** Records what the store's answer says about the store, and keeps a good answer. */
  private observe(key: string, res: HttpResponseInit): HttpResponseInit {
    if (storageUnavailable(res)) {
      this.downSince ??= this.now();
      return res;
    }
    this.downSince = undefined;
    const headers = (res.headers ?? {}) as Record<string, string>;
    const kept = this.kept.get(key);
    if (res.status === 304 && kept && kept.headers.etag === headers.etag) kept.at = this.now();
    else if ((res.status ?? 200) === 200 && typeof res.body === "string" && !/no-store/.test(headers["cache-control"] ?? "")) this.keep(key, res.body, headers);
    return res;
  }

  private keep(key: string, body: string, headers: Record<string, string>): void {
    this.forget(key);
    if (body.length > this.maxChars) return;
    this.kept.set(key, { body, headers, at: this.now() });
    this.chars += body.length;
    // Map order is insertion order: the first entries are the least recently refreshed.
    for (const [oldest] of this.kept) {
      if (this.chars <= this.maxChars) break;
      this.forget(oldest);
    }
  }

  private forget(key: string): void {
    const kept = this.kept.get(key);
    if (!kept) return;
    this.chars -= kept.body.length;
    this.kept.delete(key);
  }

  private usable(key: string): Kept | undefined {
    const kept = this.kept.get(key);
    return kept && this.now() - kept.at <= this.maxStaleMs ? kept : undefined;
  }

  private staleAnswer(kept: Kept): HttpResponseInit {
    const age = Math.max(0, Math.floor((this.now() - kept.at) / 1000));
    return {
      status: 200,
      body: kept.body,
      // no-store: a cache must not keep the stale answer as if it were the fresh one.
      headers: { ...kept.headers, "cache-control": "no-store", age: String(age), [STALE_SINCE_HEADER]: new Date(kept.at).toISOString() },
    };
  }
}

/** The request as the answer depends on it: path and query, without a function key passed as `code`. */
function requestKey(req: HttpRequest): string {
  const url = new URL(req.url);
  url.searchParams.delete("code");
  return `${url.pathname}?${url.searchParams.toString()}`;
}

function storageUnavailable(res: HttpResponseInit): boolean {
  return res.status === 503 && (res.jsonBody as ErrorBody | undefined)?.error?.code === "StorageUnavailable";
}

/** The promise's value if it settles within `ms`, else undefined (it goes on). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
