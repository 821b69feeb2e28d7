/**
 * Pacing of reads so the collector stays inside Azure's limits instead of tripping them:
 * `QuotaPacer` follows Resource Graph's per-principal query quota from its response headers, and
 * `TokenBucket` keeps targeted ARM reads inside the per-subscription read bucket (250, 25/s).
 */
import { HeaderSource, parseRetryAfter, sleep } from "../core/retry";
import { ClientEstimate, shareLeft } from "./quota-share";

export interface Clock {
  now(): number;
  /** Rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep };

/** `x-ms-user-quota-resets-after` is `hh:mm:ss` (fractions of a second allowed); milliseconds, or undefined. */
export function parseResetsAfter(value: string | undefined | null): number | undefined {
  const m = /^\s*(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)\s*$/.exec(value ?? "");
  if (!m) return undefined;
  return Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000);
}

export interface QuotaPacerOptions {
  clock?: Clock;
  /** Window assumed when a 429 says nothing about when to retry (Resource Graph's documented 5 s). */
  defaultWindowMs?: number;
  /**
   * Extra random wait after a window resets, as a fraction of the window (default 0.2), once other
   * clients of the principal are seen: they then spread out instead of all firing when the window opens.
   */
  jitter?: number;
  random?: () => number;
  /**
   * Clients assumed to share the quota until our own answers have measured it (default 4). A lone
   * client learns it is alone within its first window; a worker that joins running ones would
   * otherwise spend the whole remaining quota it first sees.
   */
  assumedClients?: number;
  /** Where the rounding allowance is learned (default: `processRounding`, shared by the process's pacers). */
  rounding?: RoundingAllowance;
}

/** How long parallel queries wait for a probe's answer before one of them probes again (a lost or slow probe). */
const PROBE_WAIT_MS = 2000;

/**
 * `resets-after` is whole seconds and the documentation does not say how it is rounded, so the reset
 * may come as late as `resets-after` (rounded up), half a second later (to the nearest) or a whole
 * second later (rounded down). The pacer starts with the first and moves one step stricter on each
 * 429: at most two 429s teach it a server that rounds down (docs/reliability.md has the figures).
 */
export const ROUNDING_ALLOWANCES_MS = [0, 500, 1000] as const;

/** What 429s have taught about the server's rounding of `resets-after` (a step of ROUNDING_ALLOWANCES_MS). */
export class RoundingAllowance {
  private step = 0;
  get ms(): number {
    return ROUNDING_ALLOWANCES_MS[this.step];
  }
  stricter(): void {
    this.step = Math.min(this.step + 1, ROUNDING_ALLOWANCES_MS.length - 1);
  }
}

/**
 * One per process: every pacer of a process talks to the same Resource Graph, so a shard worker that
 * sweeps shard after shard (or several at once) learns the rounding once, not once per sweep.
 */
export const processRounding = new RoundingAllowance();

/** The freshest answer of the current window: `remaining` after the query with ticket `ticket` (own queries are numbered as sent). */
interface WindowState {
  remaining: number;
  ticket: number;
  /** Over the window so far: how far `remaining` fell between own answers, and how many own queries were sent meanwhile. */
  drop: number;
  own: number;
}

/**
 * Resource Graph's quota: `x-ms-user-quota-remaining` queries left until `x-ms-user-quota-resets-after`,
 * per principal, so shard workers of one identity share it and each sees the others' spending only in
 * the headers of its own answers. `acquire()` before each query lets a query go while our share of
 * the remaining quota (remaining ÷ estimated clients, less our queries sent since) is at least one,
 * otherwise waits for a fresher answer or the reset; `observe()` every response; `throttled()` on a
 * 429, which real ARG often sends without Retry-After.
 */
export class QuotaPacer {
  private window: WindowState | undefined;
  private readonly estimate: ClientEstimate;
  private issued = 0;
  private probe: { startedAt: number; answered: Promise<void>; answer: () => void } | undefined;
  private answered: { promise: Promise<void>; resolve: () => void } = settledLater();
  private unmetered = false;
  /** When the query whose answer opened the current window was sent. */
  private windowOpenedBy = -Infinity;
  private resetAt = 0;
  private readonly rounding: RoundingAllowance;
  private readonly clock: Clock;
  private readonly defaultWindowMs: number;
  /** Total time spent waiting for the quota (ms), for reporting. */
  waitedMs = 0;

  constructor(private readonly options: QuotaPacerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.defaultWindowMs = options.defaultWindowMs ?? 5000;
    this.estimate = new ClientEstimate(options.assumedClients);
    this.rounding = options.rounding ?? processRounding;
  }

  /** Clients estimated to share the quota, ourselves included (see ClientEstimate). */
  get clients(): number {
    return this.estimate.clients(this.window);
  }

  /** Waits until a query may be sent; resolves to its ticket, for `observe()`. */
  async acquire(signal?: AbortSignal): Promise<number> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      if (this.window && now >= this.resetAt) this.closeWindow();
      const w = this.window;
      if (!w) {
        // Nothing known (first query, or a new window): one query probes, the others wait for its
        // quota headers, so parallel readers cannot overrun a window they know nothing about.
        if (this.unmetered) return ++this.issued;
        if (this.probe && now - this.probe.startedAt < PROBE_WAIT_MS) {
          await Promise.race([this.probe.answered, this.clock.sleep(PROBE_WAIT_MS - (now - this.probe.startedAt), signal)]);
          continue;
        }
        let answer = () => {};
        this.probe = { startedAt: now, answered: new Promise<void>((resolve) => (answer = resolve)), answer };
        return ++this.issued;
      }
      if (shareLeft(w.remaining, this.clients, this.issued - w.ticket) >= 1) return ++this.issued;
      // Our share is spent: a fresher answer (other clients may have stopped) or the reset decides.
      const jitter = this.clients >= 1.5 ? Math.round((this.options.jitter ?? 0.2) * (this.options.random ?? Math.random)() * this.defaultWindowMs) : 0;
      const wait = this.resetAt - now + jitter;
      const waited = this.clock.now();
      await Promise.race([this.answered.promise, this.clock.sleep(wait, signal)]);
      this.waitedMs += this.clock.now() - waited;
    }
  }

  /** How much later than `resets-after` says the pacer currently expects a reset (see ROUNDING_ALLOWANCES_MS). */
  get roundingAllowanceMs(): number {
    return this.rounding.ms;
  }

  /**
   * Reads the quota headers of a response to the query with `ticket` (default: the latest), sent at
   * `sentAt`. Each response bounds the reset from above (`now + resetsAfter + allowance`); the
   * tightest bound in a window is kept, and the answer to the latest own query gives `remaining`.
   */
  observe(headers: HeaderSource, sentAt?: number, ticket = this.issued): void {
    const remaining = Number(headers.get("x-ms-user-quota-remaining") ?? NaN);
    const resetsAfter = parseResetsAfter(headers.get("x-ms-user-quota-resets-after"));
    // A service that sends no quota headers is not metered this way: nothing to wait for.
    if (!Number.isFinite(remaining) || resetsAfter === undefined) {
      this.unmetered = true;
      return this.answerProbe();
    }
    this.unmetered = false;
    const now = this.clock.now();
    const sent = sentAt ?? now;
    // A late answer to a query sent before the current window opened describes the old window.
    if (sent < this.windowOpenedBy) return;
    const upper = now + resetsAfter + this.roundingAllowanceMs;
    const w = this.window;
    // A query sent after the known window ended opens a new one; so does a count higher than that of
    // an older own query (within a window it only falls): the reset came before our bound said.
    if (!w || now >= this.resetAt || sent >= this.resetAt || (ticket > w.ticket && remaining > w.remaining)) {
      if (w) this.closeWindow();
      this.windowOpenedBy = sent;
      this.window = { remaining, ticket, drop: 0, own: 0 };
      this.resetAt = upper;
    } else {
      this.resetAt = Math.min(this.resetAt, upper);
      // An answer to an older query than the freshest one says nothing newer (a higher count is our own queries in flight).
      if (ticket > w.ticket) {
        w.drop += Math.max(0, w.remaining - remaining);
        w.own += ticket - w.ticket;
        w.remaining = remaining;
        w.ticket = ticket;
      }
    }
    this.answerProbe();
  }

  /** A query failed: if it was the probe, it will bring no quota headers, so the next query probes. */
  failed(): void {
    this.answerProbe();
  }

  private answerProbe(): void {
    this.probe?.answer();
    this.probe = undefined;
    this.answered.resolve();
    this.answered = settledLater();
  }

  private closeWindow(): void {
    if (this.window) this.estimate.fold(this.window);
    this.window = undefined;
  }

  /**
   * A 429: the window reset later than expected, so expect resets one rounding step later from now on,
   * and send nothing until the later of Retry-After and the quota headers says (else the default
   * window), plus jitter when other clients share the quota, so they do not retry in lock-step.
   */
  throttled(headers?: HeaderSource): number {
    this.rounding.stricter();
    const retryAfter = parseRetryAfter(headers, this.clock.now());
    const resetsAfter = parseResetsAfter(headers?.get("x-ms-user-quota-resets-after"));
    const waitMs =
      retryAfter === undefined && resetsAfter === undefined
        ? this.defaultWindowMs
        : Math.max(retryAfter ?? 0, resetsAfter === undefined ? 0 : resetsAfter + this.roundingAllowanceMs);
    const w = this.window;
    this.window = { remaining: 0, ticket: this.issued, drop: w?.drop ?? 0, own: w?.own ?? 0 };
    this.resetAt = this.clock.now() + Math.max(waitMs, 1);
    this.answerProbe();
    return waitMs;
  }
}

function settledLater(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export interface TokenBucketOptions {
  size: number;
  refillPerSecond: number;
  clock?: Clock;
}

/**
 * A token bucket that never lets a caller exceed the rate: `take()` reserves a token, going into
 * debt when empty, and waits until the debt is repaid, so concurrent callers queue fairly.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private pausedUntil = 0;
  private readonly clock: Clock;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.size >= 1) || !(options.refillPerSecond > 0)) throw new RangeError("a token bucket needs size >= 1 and refillPerSecond > 0");
    this.clock = options.clock ?? systemClock;
    this.tokens = options.size;
    this.updatedAt = this.clock.now();
  }

  async take(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    this.tokens = Math.min(this.options.size, this.tokens + (Math.max(0, now - this.updatedAt) / 1000) * this.options.refillPerSecond);
    this.updatedAt = now;
    this.tokens -= 1;
    const debtMs = this.tokens < 0 ? (-this.tokens / this.options.refillPerSecond) * 1000 : 0;
    const wait = Math.max(debtMs, this.pausedUntil - now);
    if (wait > 0) await this.clock.sleep(wait, signal);
  }

  /** A 429 with Retry-After: no request leaves before it has passed, and the bucket starts empty. */
  pause(ms: number): void {
    const now = this.clock.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
    this.tokens = Math.min(this.tokens, 0);
    this.updatedAt = Math.max(this.updatedAt, this.pausedUntil);
  }
}

/** One bucket per subscription: ARM counts reads per subscription and principal. */
export class SubscriptionBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(private readonly options: TokenBucketOptions) {}

  for(subscriptionId: string): TokenBucket {
    const key = subscriptionId.toLowerCase();
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(this.options)));
    return bucket;
  }
}
