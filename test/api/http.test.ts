import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../shared/api/errors";
import { defineRoute, etagMatches, toHttpHandler } from "../../shared/api/http";
import type { QuerySpec } from "../../shared/api/params";
import { parseDateParam, parseQuery } from "../../shared/api/params";
import { decodeToken, encodeToken } from "../../shared/api/token";

const noServices = () => Promise.reject(new Error("services must not be opened"));
const ctx = () => new InvocationContext({ functionName: "test", logHandler: () => undefined });

const echo = defineRoute({
  name: "echo",
  route: "echo",
  methods: ["GET", "POST"],
  authLevel: "function",
  tag: "test",
  summary: "echo",
  query: {
    n: { type: "integer", min: 1, max: 10, description: "n" },
    state: { type: "enum", values: ["a", "b"], list: true, description: "s" },
  } satisfies QuerySpec,
  response: {},
  async handle({ query, body }) {
    if (query.n === 9) throw new ApiError(409, "Conflict", "nine");
    if (query.n === 8) throw new Error("boom");
    return { body: { query, body: body ?? null } };
  },
});

async function call(init: { method?: string; url?: string; body?: string; headers?: Record<string, string> }): Promise<HttpResponseInit & { json?: any }> {
  const handler = toHttpHandler(echo, noServices, { maxBodyBytes: 100 });
  const res = await handler(
    new HttpRequest({
      method: init.method ?? "GET",
      url: init.url ?? "http://localhost/api/echo",
      headers: init.headers,
      body: init.body === undefined ? undefined : { string: init.body },
    }),
    ctx(),
  );
  const text = typeof res.body === "string" ? res.body : res.jsonBody !== undefined ? JSON.stringify(res.jsonBody) : undefined;
  return { ...res, json: text ? JSON.parse(text) : undefined };
}

describe("route wrapper", () => {
  it("answers JSON with a strong ETag and 304 for a matching If-None-Match", async () => {
    const first = await call({ url: "http://localhost/api/echo?n=2&state=a,b" });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ query: { n: 2, state: ["a", "b"] }, body: null });
    const etag = (first.headers as Record<string, string>).etag;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await call({ url: "http://localhost/api/echo?n=2&state=a,b", headers: { "if-none-match": `W/"x", ${etag}` } });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    const other = await call({ url: "http://localhost/api/echo?n=3", headers: { "if-none-match": etag } });
    expect(other.status).toBe(200);
  });

  it("405 with Allow for a method the route does not take", async () => {
    const res = await call({ method: "DELETE" });
    expect(res.status).toBe(405);
    expect((res.headers as Record<string, string>).allow).toBe("GET, POST, HEAD");
    expect(res.json.error).toMatchObject({ code: "MethodNotAllowed", parameter: "method" });
  });

  it("413 for a body over the limit, by header or by size", async () => {
    const big = await call({ method: "POST", body: "x".repeat(101) });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe("PayloadTooLarge");
    const declared = await call({ method: "GET", headers: { "content-length": "5000" } });
    expect(declared.status).toBe(413);
    const fits = await call({ method: "POST", body: "x".repeat(100) });
    expect(fits.json.body).toBe("x".repeat(100));
  });

  it("400 naming the parameter for unknown, repeated and malformed query parameters", async () => {
    const cases: Array<[string, string, string]> = [
      ["?bogus=1", "bogus", "UnknownParameter"],
      ["?n=1&n=2", "n", "DuplicateParameter"],
      ["?n=11", "n", "InvalidParameter"],
      ["?n=1.5", "n", "InvalidParameter"],
      ["?state=a,c", "state", "InvalidParameter"],
    ];
    for (const [qs, parameter, code] of cases) {
      const res = await call({ url: `http://localhost/api/echo${qs}` });
      expect(res.status, qs).toBe(400);
      expect(res.json.error, qs).toMatchObject({ code, parameter });
      expect(res.json.error.message, qs).toContain(parameter);
    }
  });

  it("accepts the function key in `code` without calling it a filter", async () => {
    expect((await call({ url: "http://localhost/api/echo?code=secret&n=1" })).status).toBe(200);
  });

  it("keeps the status of an ApiError and hides an unexpected error behind a 500 with the invocation", async () => {
    expect((await call({ url: "http://localhost/api/echo?n=9" })).status).toBe(409);
    const res = await call({ url: "http://localhost/api/echo?n=8" });
    expect(res.status).toBe(500);
    expect(res.json.error.code).toBe("InternalError");
    expect(res.json.error.message).not.toContain("boom");
  });
});

describe("query values", () => {
  it("reads dates as ISO 8601 or a duration back from now", () => {
    const now = new Date("2026-11-22T00:00:00Z");
    expect(parseDateParam("since", "24h", now).toISOString()).toBe("2026-11-21T00:00:00.000Z");
    expect(parseDateParam("since", "2026-11-21").toISOString()).toBe("2026-11-21T00:00:00.000Z");
    expect(parseDateParam("since", "2026-11-21T08:00:00+01:00").toISOString()).toBe("2026-11-21T07:00:00.000Z");
    for (const bad of ["yesterday", "2026-13-01", "2026-11-21T25:00:00Z", "1e3", "-1d", "2026-11-21T08:00"]) {
      expect(() => parseDateParam("since", bad), bad).toThrow(/since: .* is not a date/);
    }
  });

  it("fills integer defaults", () => {
    expect(parseQuery(new URLSearchParams(""), { limit: { type: "integer", min: 1, max: 5, default: 3, description: "" } })).toEqual({ limit: 3 });
  });

  it("rejects etag comparisons that do not match", () => {
    expect(etagMatches(null, '"a"')).toBe(false);
    expect(etagMatches("*", '"a"')).toBe(true);
    expect(etagMatches('"b", W/"a"', '"a"')).toBe(true);
    expect(etagMatches('"ab"', '"a"')).toBe(false);
  });
});

describe("continuation tokens", () => {
  it("round-trip and refuse edits, garbage and other queries", () => {
    const token = encodeToken("q1", "key-1");
    expect(decodeToken(token, "q1")).toBe("key-1");
    expect(() => decodeToken(token, "q2")).toThrow(/other filters/);
    expect(() => decodeToken("not a token!", "q1")).toThrow(/continuationToken/);
    expect(() => decodeToken(Buffer.from('{"v":1,"q":"q1","p":-3}').toString("base64url"), "q1")).toThrow(/continuationToken/);
    expect(() => decodeToken(Buffer.from("[]").toString("base64url"), "q1")).toThrow(/continuationToken/);
    expect(() => decodeToken(token.slice(0, -4), "q1")).toThrow(/continuationToken/);
  });
});

describe("names that exist on every object", () => {
  it("are unknown parameters, not inherited ones", () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      expect(() => parseQuery(new URLSearchParams(`${name}=1`), { limit: { type: "integer", min: 1, max: 5, description: "" } }), name).toThrow(
        /unknown query parameter/,
      );
    }
  });
});
