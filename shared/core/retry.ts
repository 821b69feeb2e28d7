/**
 * The retry rules every remote call shares (Azure reads in shared/azure, digest deliveries in
 * shared/digest/deliver): which answers a retry can fix, how long `Retry-After` asks for, backoff
 * with jitter, and a sleep that an AbortSignal ends. Callers keep their own budgets and error types.
 */

/** Response headers as both SDK cores and `fetch` expose them. */
export interface HeaderSource {
  get(name: string): string | undefined | null;
}

/** 408, 429 and 5xx except 501/505 (not implemented, version not supported): a later attempt may succeed. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * A connection that failed for a reason a retry cannot fix: the server's certificate is not trusted
 * or does not match (fix NODE_EXTRA_CA_CERTS or the endpoint instead).
 */
export function isPermanentNetworkError(code: string | undefined): boolean {
  return !!code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}

/** `Retry-After` in seconds or as an HTTP date, or `retry-after-ms` / `x-ms-retry-after-ms`; milliseconds, or undefined. */
export function parseRetryAfter(headers: HeaderSource | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = Number(headers.get(name));
    if (headers.get(name) && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const raw = headers.get("retry-after")?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff for attempt 1, 2, ... (base, 2×base, ...), capped, with jitter over its upper half so callers spread out. */
export function backoffMs(attempt: number, baseMs: number, maxMs = Number.POSITIVE_INFINITY, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return exp / 2 + random() * (exp / 2);
}

/** The reason an aborted signal carries, as an Error (an AbortError when it gave none). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return Object.assign(new Error(typeof reason === "string" ? reason : "the operation was aborted"), { name: "AbortError" });
}

/** Waits `ms`; rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
