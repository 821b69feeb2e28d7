/** A read from Azure that failed after the retries it deserved; `code` is Azure's error code when it gave one. */
export class ArmReadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = "ArmReadError";
  }
}

interface RestErrorLike {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  response?: { headers?: { get(name: string): string | undefined | null } };
  details?: { error?: { details?: Array<{ message?: unknown }> } };
}

/** What a failed SDK call tells us, whichever SDK core threw it. */
export function describeError(err: unknown): { code: string; message: string; statusCode?: number; retryable: boolean; throttled: boolean } {
  if (err instanceof ArmReadError) return { code: err.code, message: err.message, statusCode: err.statusCode, retryable: false, throttled: false };
  const e = (err ?? {}) as RestErrorLike;
  const statusCode = typeof e.statusCode === "number" ? e.statusCode : undefined;
  // Resource Graph puts the useful text in error.details[] ("Access is denied ... Subscriptions: ..."), the top message is a support stamp.
  const inner = (e.details?.error?.details ?? []).map((d) => d?.message).filter((m): m is string => typeof m === "string" && m !== e.message);
  const message = [e.message ?? String(err), ...inner].join(" ").slice(0, 2000);
  if (statusCode === 429) return { code: e.code || "RateLimiting", message, statusCode, retryable: true, throttled: true };
  if (statusCode !== undefined) {
    const retryable = statusCode === 408 || (statusCode >= 500 && statusCode !== 501 && statusCode !== 505);
    return { code: e.code || `Http${statusCode}`, message, statusCode, retryable, throttled: false };
  }
  if (e.name === "AbortError") return { code: "Timeout", message: "the request timed out", retryable: true, throttled: false };
  return { code: e.code || "NetworkError", message, retryable: true, throttled: false };
}

export interface RetryPolicy {
  /** Attempts for a transient failure (5xx, timeout, network) before the read fails. */
  maxAttempts: number;
  /** First backoff after a transient failure; doubles per attempt. */
  retryDelayMs: number;
  /** 429s tolerated for one read (each waits as told) before it fails. */
  maxThrottles: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, retryDelayMs: 1000, maxThrottles: 20 };

export interface RetryHooks {
  /** Waits for permission to send (quota pacer, token bucket). */
  before(): Promise<void>;
  /** A 429 arrived: make `before()` wait as the response says. */
  throttled(headers: { get(name: string): string | undefined | null } | undefined): void;
  /** An attempt failed (before any retry decision). */
  failed?(): void;
  sleep(ms: number): Promise<void>;
}

/**
 * One read under our own retry rules (the SDK's are switched off): 429 waits for the window and
 * retries, transient failures back off and retry, anything else fails at once as `ArmReadError`.
 */
export async function readWithRetries<T>(send: () => Promise<T>, hooks: RetryHooks, policy: RetryPolicy): Promise<T> {
  let attempts = 0;
  let throttles = 0;
  for (;;) {
    await hooks.before();
    try {
      return await send();
    } catch (err) {
      hooks.failed?.();
      const info = describeError(err);
      if (info.throttled && ++throttles <= policy.maxThrottles) {
        hooks.throttled((err as RestErrorLike).response?.headers);
        continue;
      }
      if (info.retryable && !info.throttled && ++attempts < policy.maxAttempts) {
        await hooks.sleep(policy.retryDelayMs * 2 ** (attempts - 1));
        continue;
      }
      throw new ArmReadError(info.code, info.message, info.statusCode);
    }
  }
}
