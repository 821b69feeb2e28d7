/**
 * POSTing JSON with retries. Retried: 408, 429 and 5xx answers, network errors and timeouts, with
 * exponential backoff and jitter, honouring `Retry-After` (seconds or an HTTP date; Teams and Slack
 * both send 429 with it when a webhook posts too fast). Not retried: other 4xx, which a retry cannot fix.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  maxAttempts?: number;
  /** First backoff (default 1000 ms); doubles per attempt. */
  baseDelayMs?: number;
  /** Cap of one wait, Retry-After included (default 30 s). */
  maxDelayMs?: number;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
}

export type DeliveryErrorCode = "HttpError" | "NetworkError" | "Timeout" | "EmailFailed" | "InvalidTarget";

export class DeliveryError extends Error {
  constructor(
    readonly code: DeliveryErrorCode,
    message: string,
    readonly httpStatus?: number,
    readonly attempts = 1,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

export interface PostResult {
  httpStatus: number;
  attempts: number;
  body: string;
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Milliseconds a `Retry-After` header asks for, or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function backoffMs(attempt: number, base: number, max: number): number {
  const exp = Math.min(max, base * 2 ** (attempt - 1));
  return exp / 2 + Math.random() * (exp / 2);
}

/** Where a URL points, without the secret path or query a webhook URL carries. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return "(not a URL)";
  }
}

export async function postJson(url: string, body: string, headers: Record<string, string>, options: RetryOptions = {}): Promise<PostResult> {
  const maxAttempts = options.maxAttempts ?? 4;
  const base = options.baseDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    let failure: DeliveryError;
    let wait: number | undefined;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", ...headers },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      const text = await response.text();
      if (response.ok) return { httpStatus: response.status, attempts: attempt, body: text };
      failure = new DeliveryError("HttpError", `${redactUrl(url)} answered ${response.status}${text ? `: ${text.slice(0, 300)}` : ""}`, response.status, attempt);
      if (!isRetryableStatus(response.status)) throw failure;
      wait = retryAfterMs(response.headers.get("retry-after"));
    } catch (err) {
      if (err instanceof DeliveryError) throw err;
      const e = err as Error;
      const timeout = e.name === "TimeoutError" || e.name === "AbortError";
      failure = new DeliveryError(timeout ? "Timeout" : "NetworkError", `${redactUrl(url)}: ${timeout ? "no answer in time" : (e.cause as Error | undefined)?.message ?? e.message}`, undefined, attempt);
    }
    if (attempt >= maxAttempts) throw failure;
    await sleep(Math.min(max, wait ?? backoffMs(attempt, base, max)));
  }
}
