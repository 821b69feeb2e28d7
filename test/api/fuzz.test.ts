/** Random query strings, paths and bodies against every route: never a 5xx, always the error shape. */
import { beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES } from "../../shared/api/routes";
import { allowedMethods } from "../../shared/api/http";
import { clusterId } from "../store/fixtures";
import { apiClient, openSeeded } from "./support";

/** Deterministic, so a failure reproduces: mulberry32. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  "",
  " ",
  "'",
  "' or '1' eq '1",
  "x' or PartitionKey ne '",
  "%",
  "%zz",
  "%2F",
  "../../etc",
  "\u0000",
  "é∂ƒ漢字",
  "😀",
  "-1",
  "0",
  "1e309",
  "NaN",
  "9007199254740993",
  "2026-02-30",
  "2026-11-21T25:61:00Z",
  "24h",
  "999999d",
  "true",
  "null",
  "[]",
  "{}",
  "failing",
  "failing,,healthy",
  "arc",
  "microsoft.flux",
  "flux-extension-install",
  "eyJ2IjoxLCJxIjoiIiwicCI6MH0",
  "x".repeat(3000),
];
const NAMES = [
  "state",
  "status",
  "since",
  "from",
  "to",
  "limit",
  "continuationToken",
  "catalogId",
  "category",
  "extensionType",
  "kind",
  "subscription",
  "resourceGroup",
  "search",
  "sort",
  "minClusters",
  "observable",
  "code",
  "$filter",
  "__proto__",
  "constructor",
  "x",
];

let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  api = apiClient((await openSeeded("apifuzz")).services);
});

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function concretePath(route: string, random: () => number): string {
  const realCluster = clusterId("alpha").slice(1);
  if (route.startsWith("clusters/subscriptions") && random() < 0.4) return `/api/clusters/${realCluster}${route.endsWith("/history") ? "/history" : ""}`;
  return `/api/${route.replace(/\{[^}]+\}/g, () => encodeURIComponent(pick(random, NASTY) || "x"))}`;
}

describe("fuzz", () => {
  it("answers every random query with a non-5xx status and a well-formed error", async () => {
    const random = rng(20261122);
    const failures: string[] = [];
    for (let i = 0; i < 600; i++) {
      const def = pick(random, API_ROUTES);
      const params = new URLSearchParams();
      const count = Math.floor(random() * 4);
      for (let j = 0; j < count; j++)
        params.append(random() < 0.8 ? pick(random, Object.keys(def.query ?? {}).concat(NAMES)) : pick(random, NASTY), pick(random, NASTY));
      const method = random() < 0.85 ? pick(random, allowedMethods(def)) : pick(random, ["PUT", "PATCH", "DELETE", "OPTIONS", "POST", "GET"]);
      const path = `${concretePath(def.route, random)}${params.size ? `?${params}` : ""}`;
      const res = await api(method, path);
      if (res.status >= 500 || (res.status >= 400 && res.status !== 404 && !(res.json?.error?.code && res.json?.error?.message)))
        failures.push(`${method} ${path.slice(0, 200)} -> ${res.status} ${JSON.stringify(res.json)?.slice(0, 200)}`);
      if (res.status === 404 && res.json) expect(res.json.error.code).toBe("NotFound");
    }
    expect(failures).toEqual([]);
  });

  it("answers every random classify body with a non-5xx status", async () => {
    const random = rng(7);
    const bodies = [
      ...NASTY,
      "{",
      '{"message": null}',
      '{"message": ["a"]}',
      '{"message": "x", "context": []}',
      '{"message": "x", "context": {"component": 1}}',
      '{"message": "x", "context": {"__proto__": {"a": 1}}}',
      '{"__proto__": {"message": "x"}}',
      '{"message": "x", "context": null}',
      '"just a string"',
      "[1,2,3]",
      '\ufeff{"message": "x"}',
    ];
    const contentTypes = [undefined, "application/json", "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "image/png"];
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      const body =
        random() < 0.3
          ? JSON.stringify({
              message: pick(random, NASTY),
              context: { component: pick(random, ["extension", "flux", "cluster", "x"]), extensionType: pick(random, NASTY) },
            })
          : pick(random, bodies);
      const contentType = pick(random, contentTypes);
      const res = await api("POST", "/api/classify", { body, headers: contentType ? { "content-type": contentType } : {} });
      if (res.status >= 500 || (res.status !== 200 && !res.json?.error?.code)) failures.push(`${contentType} ${body.slice(0, 80)} -> ${res.status}`);
    }
    expect(failures).toEqual([]);
  });
});
