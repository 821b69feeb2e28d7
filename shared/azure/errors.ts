import { isRestError } from "@azure/core-rest-pipeline";
import { abortReason, backoffMs, HeaderSource, isPermanentNetworkError, isRetryableStatus } from "../core/retry";

/** A read from Azure that failed after the retries it deserved; `code` is Azure's error code when it gave one. */
export class ArmReadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ArmReadError";
  }
}

/** Resource Graph puts the useful text in error.details[] ("Access is denied ... Subscriptions: ..."); the top message is a support stamp. */
function innerMessages(details: unknown, top: string): string[] {
  const list = (details as { error?: { details?: Array<{ message?: unknown }> } } | undefined)?.error?.details ?? [];
  return list.map((d) => d?.message).filter((m): m is string => typeof m === "string" && m !== top);
}

export interface ErrorInfo {
  code: string;
  message: string;
  statusCode?: number;
  retryable: boolean;
  throttled: boolean;
}

/** What a failed SDK call tells us (`RestError` from either SDK core, or a network error before any answer). */
export function describeError(err: unknown): ErrorInfo {
  if (err instanceof ArmReadError) return { code: err.code, message: err.message, statusCode: err.statusCode, retryable: false, throttled: false };
  if (isRestError(err) && err.statusCode !== undefined) {
    const statusCode = err.statusCode;
    const message = [err.message, ...innerMessages(err.details, err.message)].join(" ").slice(0, 2000);
    if (statusCode === 429) return { code: err.code || "RateLimiting", message, statusCode, retryable: true, throttled: true };
    return { code: err.code || `Http${statusCode}`, message, statusCode, retryable: isRetryableStatus(statusCode), throttled: false };
  }
  const e: Error & { code?: string } = err instanceof Error ? err : new Error(String(err));
  if (e.name === "AbortError") return { code: "Timeout", message: "the request timed out", retryable: true, throttled: false };
  return { code: e.code || "NetworkError", message: e.message.slice(0, 2000), retryable: !isPermanentNetworkError(e.code), throttled: false };
}

export interface RetryPolicy {
  /** Attempts for a transient failure (5xx, timeout, network) before the read fails. */
  maxAttempts: number;
  /** First backoff after a transient failure; doubles per attempt (with jitter). */
  retryDelayMs: number;
  /** 429s tolerated for one read (each waits as told) before it fails. */
  maxThrottles: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, retryDelayMs: 1000, maxThrottles: 20 };

export interface RetryHooks {
  /** Waits for permission to send (quota pacer, token bucket). */
  before(): Promise<void>;
  /** A 429 arrived: make `before()` wait as the response says. */
  throttled(headers: HeaderSource | undefined): void;
  /** An attempt failed (before any retry decision). */
  failed?(): void;
  sleep(ms: number): Promise<void>;
  /** The run's deadline: once aborted, nothing more is sent and the abort reason is thrown. */
  signal?: AbortSignal;
}

/**
 * One read under our own retry rules (the SDK's are switched off): 429 waits for the window and
 * retries, transient failures back off and retry, anything else fails at once as `ArmReadError`
 * with the SDK's error as its cause.
 */
export async function readWithRetries<T>(send: () => Promise<T>, hooks: RetryHooks, policy: RetryPolicy): Promise<T> {
  let attempts = 0;
  let throttles = 0;
  for (;;) {
    if (hooks.signal?.aborted) throw abortReason(hooks.signal);
    await hooks.before();
    if (hooks.signal?.aborted) throw abortReason(hooks.signal);
    try {
      return await send();
    } catch (err) {
      hooks.failed?.();
      if (hooks.signal?.aborted) throw abortReason(hooks.signal);
      const info = describeError(err);
      if (info.throttled && ++throttles <= policy.maxThrottles) {
        hooks.throttled(isRestError(err) ? err.response?.headers : undefined);
        continue;
      }
      if (info.retryable && !info.throttled && ++attempts < policy.maxAttempts) {
        await hooks.sleep(backoffMs(attempts, policy.retryDelayMs));
        continue;
      }
      throw new ArmReadError(info.code, info.message, info.statusCode, { cause: err });
    }
  }
}
