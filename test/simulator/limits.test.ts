import { describe, expect, it } from "vitest";
import { hhmmss, QuotaWindows, TokenBuckets } from "../../dev/simulator/limits";

describe("Resource Graph quota windows", () => {
  it("allows perWindow queries per key in a window that starts with the first query", () => {
    const quota = new QuotaWindows(2, 5000);
    expect(quota.take("a", 1000)).toEqual({ allowed: true, remaining: 1, resetsInMs: 5000 });
    expect(quota.take("a", 2000)).toEqual({ allowed: true, remaining: 0, resetsInMs: 4000 });
    expect(quota.take("a", 3000)).toEqual({ allowed: false, remaining: 0, resetsInMs: 3000 });
    expect(quota.take("b", 3000).allowed).toBe(true);
    expect(quota.take("a", 6000)).toEqual({ allowed: true, remaining: 1, resetsInMs: 5000 });
  });

  it("formats resets-after as hh:mm:ss rounded up", () => {
    expect(hhmmss(0)).toBe("00:00:00");
    expect(hhmmss(2001)).toBe("00:00:03");
    expect(hhmmss(3_723_000)).toBe("01:02:03");
  });

  it("rounds resets-after down or to the nearest second when told to", () => {
    expect([hhmmss(2999, "down"), hhmmss(2499, "nearest"), hhmmss(2500, "nearest"), hhmmss(2001, "up")]).toEqual([
      "00:00:02",
      "00:00:02",
      "00:00:03",
      "00:00:03",
    ]);
  });
});

describe("ARM read token buckets", () => {
  it("starts full, refills at the given rate and says when to retry", () => {
    const bucket = new TokenBuckets(2, 4);
    expect(bucket.take("s", 0)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(bucket.take("s", 0)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect(bucket.take("s", 0)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    expect(bucket.take("s", 250).allowed).toBe(true);
    expect(bucket.take("other", 250).remaining).toBe(1);
    const slow = new TokenBuckets(1, 0.25);
    slow.take("x", 0);
    expect(slow.take("x", 0).retryAfterSeconds).toBe(4);
  });

  it("never holds more than its size", () => {
    const bucket = new TokenBuckets(3, 100);
    bucket.take("s", 0);
    expect(bucket.take("s", 60_000).remaining).toBe(2);
  });
});
