import { describe, expect, it } from "vitest";
import { parseScopes } from "../../shared/core/config";
import { parseClusterId, parseConfigId } from "../../shared/core/ids";
import { Clock, parseResetsAfter, QuotaPacer, RoundingAllowance, TokenBucket } from "../../shared/azure/pacing";
import { ClientEstimate, shareLeft } from "../../shared/azure/quota-share";
import { parseRetryAfter } from "../../shared/core/retry";
import { batchScopes, scopeNames, splitScope } from "../../shared/azure/scopes";
import { CLUSTERS_QUERY, CONFIGURATION_QUERIES, rowsOf } from "../../shared/azure/resource-graph";
import { readWithRetries } from "../../shared/azure/errors";

/** A clock that only moves when someone sleeps: pacing is tested without waiting. */
function fakeClock(start = 1_000_000): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return { now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)), slept };
}
const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] });

describe("ids", () => {
  it("parses cluster ids case-insensitively and keeps the SDK spelling of the provider", () => {
    const ref = parseClusterId("/SUBSCRIPTIONS/ABC/resourcegroups/RG/providers/microsoft.kubernetes/CONNECTEDCLUSTERS/c1/");
    expect(ref).toEqual({
      id: "/subscriptions/abc/resourcegroups/rg/providers/microsoft.kubernetes/connectedclusters/c1",
      subscriptionId: "abc",
      resourceGroup: "RG",
      name: "c1",
      provider: "Microsoft.Kubernetes",
      resourceType: "connectedClusters",
      kind: "arc",
    });
  });

  it("finds the parent cluster of a configuration id whatever its casing", () => {
    const ref = parseConfigId(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks/providers/MICROSOFT.KUBERNETESCONFIGURATION/FluxConfigurations/cfg",
    );
    expect(ref).toMatchObject({
      type: "fluxConfigurations",
      name: "cfg",
      cluster: { kind: "aks", name: "aks", id: "/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks" },
    });
  });

  it("rejects ids that are not clusters or configurations", () => {
    expect(() => parseClusterId("/subscriptions/s/resourceGroups/rg")).toThrow(/not a cluster resource id/);
    expect(() =>
      parseConfigId(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c/providers/Microsoft.KubernetesConfiguration/widgets/w",
      ),
    ).toThrow(/InvalidResourceId|not an extension/);
  });
});

describe("scopes", () => {
  const subs = Array.from({ length: 650 }, (_, i) => `/subscriptions/${i.toString(16).padStart(8, "0")}-0000-0000-0000-000000000000`).join(",");

  it("batches subscriptions under 300 per query and keeps management groups apart", () => {
    const batches = batchScopes(parseScopes(`${subs},/providers/Microsoft.Management/managementGroups/mg1`), 250);
    expect(batches.map((b) => b.subscriptions?.length ?? b.managementGroups)).toEqual([250, 250, 150, ["mg1"]]);
    expect(() => batchScopes([], 300)).toThrow(RangeError);
  });

  it("no scope means the whole tenant", () => {
    expect(batchScopes([])).toEqual([{}]);
    expect(scopeNames({})).toEqual(["/"]);
  });

  it("splits a batch in halves to isolate a failing subscription", () => {
    expect(splitScope({ subscriptions: ["a", "b", "c"] })).toEqual([{ subscriptions: ["a", "b"] }, { subscriptions: ["c"] }]);
    expect(splitScope({ subscriptions: ["a"] })).toBeUndefined();
    expect(scopeNames({ managementGroups: ["g"] })).toEqual(["/providers/Microsoft.Management/managementGroups/g"]);
  });
});

describe("Resource Graph queries", () => {
  it("select by table and type, project source columns only, order by id, no joins", () => {
    for (const q of [CLUSTERS_QUERY, ...CONFIGURATION_QUERIES]) {
      expect(q).toMatch(/\| project id, name, type, kind, location, subscriptionId, resourceGroup, tags, properties \| order by id asc$/);
      expect(q).not.toMatch(/\b(join|extend|summarize|union)\b/);
    }
    expect(CLUSTERS_QUERY).toMatch(/^resources \| where type in~ \('microsoft.kubernetes\/connectedclusters', 'microsoft.containerservice\/managedclusters'\)/);
    expect(CONFIGURATION_QUERIES.map((q) => /in~ \('([^']+)'\)/.exec(q)?.[1])).toEqual([
      "microsoft.kubernetesconfiguration/extensions",
      "microsoft.kubernetesconfiguration/fluxconfigurations",
      "microsoft.kubernetesconfiguration/sourcecontrolconfigurations",
    ]);
    for (const q of CONFIGURATION_QUERIES) expect(q).toMatch(/^kubernetesconfigurationresources \| where type in~/);
  });

  it("accepts table-format data and rejects a response without data", () => {
    expect(rowsOf({ columns: [{ name: "id" }, { name: "extra" }], rows: [["a", 1]] })).toEqual([{ id: "a", extra: 1 }]);
    expect(() => rowsOf(undefined)).toThrow(/without a data array/);
  });
});

describe("QuotaPacer", () => {
  it("parses the quota headers", () => {
    expect(parseResetsAfter("00:00:03")).toBe(3000);
    expect(parseResetsAfter("01:02:03.5")).toBe(3723500);
    expect(parseResetsAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "2" }))).toBe(2000);
    expect(parseRetryAfter(headers({ "retry-after-ms": "150" }))).toBe(150);
    expect(parseRetryAfter(headers({}))).toBeUndefined();
  });

  it("waits for the window once the remaining quota is used up", async () => {
    const clock = fakeClock();
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock, assumedClients: 1 });
    await pacer.acquire(); // nothing known yet: go
    pacer.observe(headers({ "x-ms-user-quota-remaining": "2", "x-ms-user-quota-resets-after": "00:00:04" }));
    await pacer.acquire();
    await pacer.acquire();
    expect(clock.slept).toEqual([]);
    await pacer.acquire();
    expect(clock.slept).toEqual([4000]);
  });

  it("keeps the tightest reset bound of a window: whole-second headers do not cost a second per window", async () => {
    const clock = fakeClock(0);
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock, assumedClients: 1 });
    await pacer.acquire();
    pacer.observe(headers({ "x-ms-user-quota-remaining": "1", "x-ms-user-quota-resets-after": "00:00:05" }), 0); // window opened now: resets at 5000
    await clock.sleep(1500);
    await pacer.acquire();
    pacer.observe(headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:04" }), 1500); // bound 5500: looser, ignored
    await pacer.acquire();
    expect(clock.now()).toBe(5000);
    pacer.observe(headers({ "x-ms-user-quota-remaining": "1", "x-ms-user-quota-resets-after": "00:00:05" }), 5000); // a new window
    await pacer.acquire();
    await pacer.acquire();
    expect(clock.now()).toBe(10000);
  });

  it("a 429 without Retry-After waits for the quota reset, or the default window", async () => {
    const clock = fakeClock();
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock, defaultWindowMs: 5000, assumedClients: 1 });
    // Each 429 makes the pacer expect resets-after to be rounded one step coarser (0.5 s, then 1 s later).
    expect(pacer.throttled(headers({ "x-ms-user-quota-resets-after": "00:00:02" }))).toBe(2500);
    await pacer.acquire();
    expect(pacer.throttled(undefined)).toBe(5000);
    await pacer.acquire();
    expect(pacer.throttled(headers({ "retry-after": "1" }))).toBe(1000);
    await pacer.acquire();
    expect(pacer.throttled(headers({ "retry-after": "1", "x-ms-user-quota-resets-after": "00:00:02" }))).toBe(3000);
    await pacer.acquire();
    expect(clock.slept).toEqual([2500, 5000, 1000, 3000]);
  });

  it("after a 429, expects every later reset up to a second after resets-after says", async () => {
    const clock = fakeClock();
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock, assumedClients: 1 });
    expect(pacer.roundingAllowanceMs).toBe(0);
    pacer.throttled(headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:01" }));
    pacer.throttled(headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:01" }));
    pacer.throttled(headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:01" }));
    expect(pacer.roundingAllowanceMs).toBe(1000);
    await pacer.acquire(); // the probe after the 429s
    const sentAt = clock.now();
    pacer.observe(headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:04" }), sentAt);
    const before = clock.now();
    await pacer.acquire();
    expect(clock.now() - before).toBe(5000);
  });

  it("adds jitter after a 429 once other clients share the quota, none when alone", async () => {
    const clock = fakeClock();
    const alone = new QuotaPacer({ rounding: new RoundingAllowance(), clock, assumedClients: 1, jitter: 1, random: () => 0.5, defaultWindowMs: 5000 });
    alone.throttled(headers({ "retry-after": "1" }));
    await alone.acquire();
    expect(clock.slept).toEqual([1000]);
    const shared = new QuotaPacer({ rounding: new RoundingAllowance(), clock, jitter: 1, random: () => 0.5, defaultWindowMs: 5000 });
    for (const remaining of [14, 9, 4]) {
      const ticket = await shared.acquire();
      shared.observe(quota(remaining, 5), clock.now(), ticket); // five spent per query of ours: five clients
    }
    shared.throttled(headers({ "retry-after": "1" }));
    await shared.acquire();
    expect(clock.slept).toEqual([1000, 3500]);
  });
});

const quota = (remaining: number, resetsAfterS: number) =>
  headers({ "x-ms-user-quota-remaining": String(remaining), "x-ms-user-quota-resets-after": `00:00:0${resetsAfterS}` });

describe("QuotaPacer with other clients of the principal", () => {
  it("spends only its share of the remaining quota", () => {
    expect(shareLeft(14, 1, 0)).toBe(14);
    expect(shareLeft(14, 4, 0)).toBe(3);
    expect(shareLeft(14, 4, 3)).toBe(0);
    expect(shareLeft(3, 4, 0)).toBe(0); // less than one query each: nobody sends, nobody draws a 429
  });

  it("estimates the clients from how fast remaining falls between its own answers, and forgets those that stop", () => {
    const estimate = new ClientEstimate(4);
    expect(estimate.clients()).toBe(4); // assumed until measured
    expect(estimate.clients({ drop: 1, own: 1 })).toBe(4); // one answer says little
    estimate.fold({ drop: 12, own: 3 });
    expect(estimate.clients()).toBe(4);
    expect(estimate.clients({ drop: 2, own: 2 })).toBe(2.8);
    for (let i = 0; i < 4; i++) estimate.fold({ drop: 3, own: 3 });
    expect(estimate.clients()).toBeLessThan(1.25);
  });

  it("until measured assumes four clients; a lone client learns it is alone within its first window", async () => {
    const clock = fakeClock(0);
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock });
    pacer.observe(quota(14, 5), 0, await pacer.acquire());
    await pacer.acquire();
    await pacer.acquire();
    await pacer.acquire(); // a quarter of 14
    for (const [remaining, ticket] of [
      [13, 2],
      [12, 3],
      [11, 4],
    ])
      pacer.observe(quota(remaining, 5), 0, ticket);
    expect(pacer.clients).toBe(1);
    for (let i = 0; i < 11; i++) await pacer.acquire();
    expect(clock.slept).toEqual([]);
  });

  it("with four clients spending, sends a quarter of what remains and then waits for the reset", async () => {
    const clock = fakeClock(0);
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock, jitter: 0 });
    // Earlier windows: remaining fell by four per query of ours.
    for (const remaining of [14, 10, 6, 2]) pacer.observe(quota(remaining, 5), clock.now(), await pacer.acquire());
    await clock.sleep(5000);
    pacer.observe(quota(14, 5), clock.now(), await pacer.acquire()); // a new window
    expect(pacer.clients).toBe(4);
    const t0 = clock.now();
    await pacer.acquire();
    await pacer.acquire();
    await pacer.acquire(); // 14 / 4: three go at once
    expect(clock.now()).toBe(t0);
    await pacer.acquire(); // the fourth waits for the reset
    expect(clock.now()).toBe(t0 + 5000);
  });

  it("a count that rises between its own answers is a reset, not a slower spending by the others", async () => {
    const clock = fakeClock(0);
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock });
    for (const remaining of [14, 10, 6, 2]) pacer.observe(quota(remaining, 5), clock.now(), await pacer.acquire());
    await clock.sleep(4500); // before our bound of 5000, the server's window has already reset
    pacer.observe(quota(13, 5), clock.now(), await pacer.acquire());
    pacer.observe(quota(9, 5), clock.now(), await pacer.acquire());
    expect(pacer.clients).toBe(4); // had the rise counted as a pair with no drop, the estimate would have fallen
  });

  it("a waiting query goes before the reset when a fresher answer shows the others have slowed down", async () => {
    let now = 0;
    const clock: Clock = { now: () => now, sleep: () => new Promise(() => {}) }; // sleeps never end
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock });
    for (const remaining of [14, 10, 6, 2]) pacer.observe(quota(remaining, 5), now, await pacer.acquire());
    now = 5000;
    pacer.observe(quota(8, 5), now, await pacer.acquire()); // a new window, four clients assumed
    const [a] = [await pacer.acquire(), await pacer.acquire()]; // 8 / 4: our two
    let third = false;
    const waiting = pacer.acquire().then(() => (third = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(third).toBe(false);
    pacer.observe(quota(7, 5), now, a); // only our own query spent one: the estimate falls, our share grows
    await waiting;
    expect(third).toBe(true);
  });
});

describe("TokenBucket", () => {
  it("allows the burst, then paces at the refill rate", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ size: 3, refillPerSecond: 10, clock });
    for (let i = 0; i < 3; i++) await bucket.take();
    expect(clock.slept).toEqual([]);
    await bucket.take();
    await bucket.take();
    expect(clock.slept.map(Math.round)).toEqual([100, 100]);
  });

  it("a 429's Retry-After stops the bucket until it has passed", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ size: 250, refillPerSecond: 25, clock });
    bucket.pause(2000);
    await bucket.take();
    expect(clock.slept).toEqual([2000]);
    expect(() => new TokenBucket({ size: 0, refillPerSecond: 1 })).toThrow(RangeError);
  });
});

describe("readWithRetries", () => {
  const clock = fakeClock();
  const hooks = { before: async () => {}, throttled: () => {}, sleep: clock.sleep };
  const fail = (statusCode?: number, code?: string, name?: string) => Object.assign(new Error("x"), { statusCode, code, name: name ?? "RestError" });

  it("retries transient failures with backoff, then fails with the error code", async () => {
    let calls = 0;
    await expect(
      readWithRetries(
        async () => {
          calls++;
          throw fail(503, "ServiceUnavailable");
        },
        hooks,
        { maxAttempts: 3, retryDelayMs: 10, maxThrottles: 5 },
      ),
    ).rejects.toMatchObject({ code: "ServiceUnavailable", statusCode: 503 });
    expect(calls).toBe(3);
  });

  it("does not retry a 403", async () => {
    let calls = 0;
    await expect(
      readWithRetries(
        async () => {
          calls++;
          throw fail(403, "AccessDenied");
        },
        hooks,
        { maxAttempts: 3, retryDelayMs: 10, maxThrottles: 5 },
      ),
    ).rejects.toMatchObject({ code: "AccessDenied" });
    expect(calls).toBe(1);
  });

  it("429s do not use up attempts; a timeout is reported as Timeout", async () => {
    let calls = 0;
    const throttled: unknown[] = [];
    const result = await readWithRetries(
      async () => {
        if (++calls <= 4) throw fail(429, "RateLimiting");
        return "ok";
      },
      { ...hooks, throttled: (h) => throttled.push(h) },
      { maxAttempts: 1, retryDelayMs: 10, maxThrottles: 5 },
    );
    expect([result, throttled.length]).toEqual(["ok", 4]);
    await expect(
      readWithRetries(
        async () => {
          throw fail(undefined, undefined, "AbortError");
        },
        hooks,
        { maxAttempts: 2, retryDelayMs: 1, maxThrottles: 1 },
      ),
    ).rejects.toMatchObject({ code: "Timeout" });
  });
});

describe("QuotaPacer with parallel readers", () => {
  it("one query probes a window nothing is known about; the others wait for its headers", async () => {
    // A clock whose sleeps never end: the second query can only go when the probe is answered.
    const clock: Clock = { now: () => 0, sleep: () => new Promise(() => {}) };
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock });
    await pacer.acquire(); // the probe
    let second = false;
    const waiting = pacer.acquire().then(() => (second = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(second).toBe(false);
    pacer.observe(headers({ "x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05" }), 0);
    await waiting;
    expect(second).toBe(true);
  });

  it("a service without quota headers is not paced", async () => {
    const clock = fakeClock(0);
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock });
    await pacer.acquire();
    pacer.observe(headers({}));
    await Promise.all([pacer.acquire(), pacer.acquire(), pacer.acquire()]);
    expect(clock.slept).toEqual([]);
  });
});

describe("QuotaPacer and late answers", () => {
  it("ignores an answer from the previous window that arrives after the new one opened", async () => {
    const clock = fakeClock(0);
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock, assumedClients: 1 });
    await pacer.acquire();
    pacer.observe(headers({ "x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05" }), 0);
    await clock.sleep(5100);
    pacer.observe(headers({ "x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05" }), 5050); // new window
    pacer.observe(headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:01" }), 4990); // late, old window
    for (let i = 0; i < 14; i++) await pacer.acquire();
    expect(clock.slept).toEqual([5100]);
  });
});

describe("QuotaPacer and queries in flight", () => {
  it("answers carrying a higher count than ours (queries still in flight) do not open a new window", async () => {
    const clock = fakeClock(0);
    const pacer = new QuotaPacer({ rounding: new RoundingAllowance(), clock, assumedClients: 1 });
    await pacer.acquire();
    pacer.observe(headers({ "x-ms-user-quota-remaining": "4", "x-ms-user-quota-resets-after": "00:00:05" }), 0);
    for (let i = 0; i < 4; i++) await pacer.acquire(); // four in flight: we hold 0
    pacer.observe(headers({ "x-ms-user-quota-remaining": "3", "x-ms-user-quota-resets-after": "00:00:05" }), 10, 2); // the first of the four
    await pacer.acquire(); // must wait for the window, not trust the 3
    expect(clock.slept.length).toBe(1);
  });
});
