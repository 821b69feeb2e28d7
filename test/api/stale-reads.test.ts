/**
 * The API through a storage outage, against a real Azurite this file starts, stops and restarts on the
 * same port and data folder (not the shared one): reads answer the last good answer marked stale,
 * until it is too old (then 503 with Retry-After), and writes fail clearly with nothing half-written.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type RunningAzurite } from "../../dev/azurite";
import { openApiServices } from "../../shared/api/services";
import { STALE_SINCE_HEADER, StaleReads } from "../../shared/api/stale-reads";
import { openFleetHistory } from "../../shared/store";
import { uniquePrefix } from "../support/tables";
import { apiClient, seedFleet } from "./support";

const OPERATOR_KEY = "stale-reads-operator-key";
const operator = { "x-fleet-operator-key": OPERATOR_KEY, "x-fleet-operator": "outage test", "content-type": "application/json" };

describe("reads and writes while storage is down", () => {
  let dir: string;
  let azurite: RunningAzurite;
  let clock = Date.parse("2026-01-01T12:00:00Z");
  let call: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fh-stale-"));
    azurite = await startAzurite({ location: dir });
    const options = { connectionString: azurite.connectionString, tablePrefix: uniquePrefix("stale") };
    await seedFleet(await openFleetHistory(options));
    const services = await openApiServices(options, { refreshMs: 0, auth: { easyAuth: false, operatorKey: OPERATOR_KEY } });
    call = apiClient(services, { staleReads: { now: () => clock, maxStaleMs: 60_000, waitWhileDownMs: 50 } });
  });
  afterAll(async () => {
    await azurite?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers a short outage stale-marked, a long one 503 with Retry-After, and refuses writes whole", async () => {
    const fresh = await call("GET", "/api/summary");
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get(STALE_SINCE_HEADER)).toBeNull();
    const failures = await call("GET", "/api/failures?limit=5");
    expect(failures.status).toBe(200);

    await azurite.stop();
    clock += 20_000;
    const stale = await call("GET", "/api/summary");
    expect(stale.status).toBe(200);
    expect(stale.json).toEqual(fresh.json);
    expect(stale.headers.get(STALE_SINCE_HEADER)).toBe("2026-01-01T12:00:00.000Z");
    expect(stale.headers.get("age")).toBe("20");
    expect(stale.headers.get("cache-control")).toBe("no-store");
    // Known down now: the next read has its stale answer without waiting out the store's retries.
    expect((await call("GET", "/api/failures?limit=5")).headers.get(STALE_SINCE_HEADER)).toBe("2026-01-01T12:00:00.000Z");
    // A request never answered before has nothing to fall back on.
    const unseen = await call("GET", "/api/incidents");
    expect(unseen.status).toBe(503);
    expect(unseen.json.error.code).toBe("StorageUnavailable");

    // An operator action during the outage fails clearly.
    const write = await call("POST", "/api/silences", {
      body: JSON.stringify({
        catalogId: Object.keys(fresh.json.failures.byCatalogId)[0],
        reason: "outage",
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
      headers: operator,
    });
    expect(write.status).toBe(503);
    expect(write.json.error.code).toBe("StorageUnavailable");
    expect(write.headers.get("retry-after")).toBe("5");

    // Past maxStaleMs the outage is a long one: 503 with Retry-After, no old answer.
    clock += 45_000;
    const long = await call("GET", "/api/summary");
    expect(long.status).toBe(503);
    expect(long.headers.get("retry-after")).toBe("5");
    expect(long.headers.get(STALE_SINCE_HEADER)).toBeNull();

    azurite = await startAzurite({ location: dir, port: azurite.port, queuePort: azurite.queuePort });
    const back = await call("GET", "/api/summary");
    expect(back.status).toBe(200);
    expect(back.headers.get(STALE_SINCE_HEADER)).toBeNull();
    // Nothing of the refused write was stored: no silence, no audit entry.
    expect((await call("GET", "/api/silences")).json.items).toEqual([]);
    expect((await call("GET", "/api/audit")).json.items).toEqual([]);
  }, 120_000);
});

describe("the kept answers", () => {
  const ctx = () => new InvocationContext({ functionName: "t", logHandler: () => undefined });
  const down = { status: 503, jsonBody: { error: { code: "StorageUnavailable", message: "down" } }, headers: { "retry-after": "5" } };
  const get = (url: string, method = "GET") => new HttpRequest({ method, url: `http://localhost/api/${url}` });

  it("keeps at most maxChars (least recently read dropped first), never no-store answers nor other methods", async () => {
    let storage = true;
    const handler = async (req: HttpRequest) => {
      if (!storage) return down;
      const noStore = req.url.includes("live");
      return { status: 200, body: req.url.padEnd(40, "."), headers: { "cache-control": noStore ? "no-store" : "no-cache" } };
    };
    const wrapped = new StaleReads({ maxChars: 100, waitWhileDownMs: 10 }).wrap(handler);
    for (const url of ["a", "b", "c", "live", "b?code=secret"]) await wrapped(get(url), ctx());
    storage = false;
    // a was dropped for c; b was read again (with a function key, which is not part of the request's identity).
    expect((await wrapped(get("a"), ctx())).status).toBe(503);
    expect((await wrapped(get("b"), ctx())).status).toBe(200);
    expect((await wrapped(get("c"), ctx())).status).toBe(200);
    expect((await wrapped(get("live"), ctx())).status).toBe(503);
    expect((await wrapped(get("c", "POST"), ctx())).status).toBe(503);
  });
});
