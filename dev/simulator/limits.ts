/**
 * The two throttles Azure applies to a fleet reader: Resource Graph's per-principal query quota
 * (a fixed window, "15 queries within every 5-second window") and ARM's per-subscription read
 * token bucket (250 tokens, refilled 25 per second).
 */

export interface QuotaDecision {
  allowed: boolean;
  /** Queries left in the window after this one. */
  remaining: number;
  /** Until the window resets, in ms. */
  resetsInMs: number;
}

/** A fixed window per key that starts with the key's first query. */
export class QuotaWindows {
  private readonly windows = new Map<string, { start: number; used: number }>();
  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
  ) {}

  take(key: string, now: number): QuotaDecision {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    const resetsInMs = w.start + this.windowMs - now;
    if (w.used >= this.perWindow) return { allowed: false, remaining: 0, resetsInMs };
    w.used++;
    return { allowed: true, remaining: this.perWindow - w.used, resetsInMs };
  }
}

/**
 * How `x-ms-user-quota-resets-after` is rounded to whole seconds. The documentation does not say, so
 * the simulator can do each: a client must stay under the quota whichever a server picks.
 */
export type ResetRounding = "up" | "down" | "nearest";
export const RESET_ROUNDINGS: readonly ResetRounding[] = ["up", "down", "nearest"];

const ROUND: Record<ResetRounding, (x: number) => number> = { up: Math.ceil, down: Math.floor, nearest: Math.round };

/** `hh:mm:ss` in whole seconds, as in `x-ms-user-quota-resets-after` (rounded up unless told otherwise). */
export function hhmmss(ms: number, rounding: ResetRounding = "up"): string {
  const total = Math.max(0, ROUND[rounding](ms / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

export interface BucketDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** When refused: seconds until a token is available (at least 1). */
  retryAfterSeconds: number;
}

/** A token bucket per key. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly size: number,
    private readonly refillPerSecond: number,
  ) {}

  take(key: string, now: number): BucketDecision {
    const b = this.buckets.get(key) ?? { tokens: this.size, at: now };
    b.tokens = Math.min(this.size, b.tokens + ((now - b.at) / 1000) * this.refillPerSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.refillPerSecond)) };
    b.tokens -= 1;
    return { allowed: true, remaining: Math.floor(b.tokens), retryAfterSeconds: 0 };
  }
}
