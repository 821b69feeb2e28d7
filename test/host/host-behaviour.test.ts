/** The local host's own behaviour, with a small app registered through @azure/functions. */
import { app, HttpResponse } from "@azure/functions";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ScheduleError } from "../../shared/core/schedule";
import { captureRegistrations, type AppRegistrations } from "../../dev/host/registrations";
import { startLocalHost, type RunningHost } from "../../dev/host/server";
import { resolveSchedule, startTimers } from "../../dev/host/timers";

let registrations: AppRegistrations;
let host: RunningHost;

beforeAll(async () => {
  registrations = await captureRegistrations(() => {
    app.get("echo", async (req) => ({ jsonBody: { query: Object.fromEntries(req.query), header: req.headers.get("x-test"), method: req.method } }));
    app.http("files", {
      route: "files/{kind:alpha}/{*rest}",
      methods: ["GET"],
      authLevel: "function",
      handler: async (req) => new HttpResponse({ status: 207, headers: { "x-custom": "yes" }, jsonBody: req.params }),
    });
    app.http("defaults", { handler: async (req) => ({ body: `${req.method} ${await req.text()}` }) });
    app.post("boom", { handler: async () => Promise.reject(new Error("kaboom")) });
    app.timer("tick", { schedule: "%FLEET_SWEEP_SCHEDULE%", handler: async () => undefined });
    app.storageQueue("queued", { queueName: "q", connection: "c", handler: async () => undefined });
    app.storageBlob("blobbed", { path: "c/{name}", connection: "c", handler: async () => undefined });
  });
  host = await startLocalHost({ registrations, routePrefix: "api", apiKey: "k", timers: false, maxBodyBytes: 1024 });
});

afterAll(() => host?.stop());

const call = (p: string, init: RequestInit = {}) =>
  fetch(`${host.url}${p}`, { ...init, headers: { "x-functions-key": "k", ...(init.headers as Record<string, string>) } });

describe("registration capture", () => {
  it("records http shorthands, the library's defaults, timers and skipped triggers", () => {
    const byName = Object.fromEntries(registrations.http.map((r) => [r.name, r]));
    expect(byName.echo).toMatchObject({ route: "echo", methods: ["GET"], authLevel: "anonymous" });
    expect(byName.defaults).toMatchObject({ route: "defaults", methods: ["GET", "POST"], authLevel: "anonymous" });
    expect(byName.files).toMatchObject({ route: "files/{kind:alpha}/{*rest}", authLevel: "function" });
    expect(registrations.timers).toEqual([expect.objectContaining({ name: "tick", schedule: "%FLEET_SWEEP_SCHEDULE%", runOnStartup: false })]);
    expect(registrations.queues).toEqual([expect.objectContaining({ name: "queued", queueName: "q", connection: "c" })]);
    expect(registrations.skipped).toEqual(["blobbed"]);
  });

  it("puts app.http back afterwards", () => {
    expect(app.http.name).toBe("http");
  });
});

describe("HTTP mapping", () => {
  it("passes query strings, headers and the method", async () => {
    const res = await call("/api/echo?a=1&b=two%20words", { headers: { "x-test": "hello" } });
    expect(await res.json()).toEqual({ query: { a: "1", b: "two words" }, header: "hello", method: "GET" });
  });

  it("maps constrained and catch-all parameters and returns status and headers exactly", async () => {
    const res = await call("/api/files/docs/a/b/c.txt");
    expect(res.status).toBe(207);
    expect(res.headers.get("x-custom")).toBe("yes");
    expect(res.headers.get("content-length")).toBe(String(JSON.stringify({ kind: "docs", rest: "a/b/c.txt" }).length));
    expect(await res.json()).toEqual({ kind: "docs", rest: "a/b/c.txt" });
    expect((await call("/api/files/d0cs/a")).status).toBe(404);
  });

  it("answers a method the function does not list with a bare 404, as the host does", async () => {
    const res = await call("/api/echo", { method: "POST", body: "x" });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("");
    expect(await (await call("/api/defaults", { method: "POST", body: "payload" })).text()).toBe("POST payload");
  });

  it("turns a throwing handler into a bare 500 and an oversized body into 413", async () => {
    const res = await call("/api/boom", { method: "POST" });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("");
    expect((await call("/api/defaults", { method: "POST", body: "x".repeat(2000) })).status).toBe(413);
  });

  it("asks for the key only on non-anonymous functions", async () => {
    expect((await fetch(`${host.url}/api/echo`)).status).toBe(200);
    expect((await fetch(`${host.url}/api/files/docs/x`)).status).toBe(401);
    expect((await fetch(`${host.url}/api/files/docs/x?code=k`)).status).toBe(207);
  });
});

describe("timers", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("resolves %Setting% schedules through the config defaults and the environment", () => {
    expect(resolveSchedule("%FLEET_SWEEP_SCHEDULE%", {})).toBe("0 */15 * * * *");
    expect(resolveSchedule("%FLEET_DIGEST_SCHEDULE%", { FLEET_DIGEST_SCHEDULE: "0 30 6 * * 1-5" })).toBe("0 30 6 * * 1-5");
    expect(resolveSchedule("%OTHER%", { OTHER: "0 0 * * * *" })).toBe("0 0 * * * *");
    expect(() => resolveSchedule("%MISSING%", {})).toThrow(/MISSING is not set/);
  });

  it("refuses to start with an invalid schedule, naming the timer", () => {
    const reg = { name: "sweep", schedule: "%FLEET_SWEEP_SCHEDULE%", runOnStartup: false, handler: async () => undefined };
    expect(() => startTimers([reg], { env: { FLEET_SWEEP_SCHEDULE: "*/15 * * * *" } })).toThrow(ScheduleError);
    expect(() => startTimers([reg], { env: { FLEET_SWEEP_SCHEDULE: "*/15 * * * *" } })).toThrow(/timer sweep: .*six fields/);
  });

  it("fires on the schedule in UTC and plans the next run after each", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-11-22T00:07:00Z"));
    const fired: Array<{ at: string; isPastDue: boolean }> = [];
    const runner = startTimers(
      [
        {
          name: "sweep",
          schedule: "%FLEET_SWEEP_SCHEDULE%",
          runOnStartup: false,
          handler: async (timer) => void fired.push({ at: new Date().toISOString(), isPastDue: timer.isPastDue }),
        },
      ],
      { env: {} },
    );
    const [timer] = runner.timers;
    expect(timer.next()?.toISOString()).toBe("2026-11-22T00:15:00.000Z");
    await vi.advanceTimersByTimeAsync(8 * 60_000);
    expect(fired).toEqual([{ at: "2026-11-22T00:15:00.000Z", isPastDue: false }]);
    expect(timer.next()?.toISOString()).toBe("2026-11-22T00:30:00.000Z");
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(timer.runs()).toBe(3);
    await runner.stop();
    expect(timer.next()).toBeUndefined();
  });

  it("runs once at startup when asked", async () => {
    let runs = 0;
    const runner = startTimers([{ name: "t", schedule: "0 0 0 1 1 *", runOnStartup: true, handler: async () => void runs++ }]);
    await runner.stop();
    expect(runs).toBe(1);
  });
});
