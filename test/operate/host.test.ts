/** Silences over real HTTP through the local host and the app entry point: keys from the environment, as in a local run. */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadApp } from "../../dev/host/registrations";
import { startLocalHost, type RunningHost } from "../../dev/host/server";
import { openFleetHistory } from "../../shared/store";
import { seedFleet } from "../api/support";
import { tablesConnection, uniquePrefix } from "../support/tables";

const KEY = "host-key";
const OPERATOR_KEY = "host-operator-key";
const NAMES = ["FLEET_TABLES_CONNECTION", "FLEET_TABLE_PREFIX", "FLEET_OPERATOR_KEY"] as const;
const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
let host: RunningHost;

beforeAll(async () => {
  const prefix = uniquePrefix("ophost");
  await seedFleet(await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: prefix }));
  Object.assign(process.env, { FLEET_TABLES_CONNECTION: tablesConnection(), FLEET_TABLE_PREFIX: prefix, FLEET_OPERATOR_KEY: OPERATOR_KEY });
  const registrations = await loadApp(path.resolve("functions/index.ts"), () => import("../../functions/index"));
  host = await startLocalHost({ registrations, apiKey: KEY, timers: false });
});

afterAll(async () => {
  await host?.stop();
  for (const n of NAMES)
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
});

const call = (method: string, route: string, headers: Record<string, string> = {}, body?: unknown) =>
  fetch(`${host.url}/api/${route}`, {
    method,
    headers: { "x-functions-key": KEY, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe("operator changes through the local host", () => {
  it("need FLEET_OPERATOR_KEY; a forged Easy Auth principal is ignored locally; PATCH carries its body and If-Match", async () => {
    const silence = { catalogId: "flux-extension-install", reason: "window", expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
    const forged = Buffer.from(JSON.stringify({ auth_typ: "aad", role_typ: "roles", claims: [{ typ: "roles", val: "FleetHealth.Operate" }] })).toString(
      "base64",
    );
    expect((await call("POST", "silences", { "x-ms-client-principal": forged }, silence)).status).toBe(403);
    expect((await call("POST", "silences", {}, silence)).status).toBe(403);
    expect(((await (await call("GET", "silences")).json()) as { items: unknown[] }).items).toEqual([]);

    const created = await call("POST", "silences", { "x-fleet-operator-key": OPERATOR_KEY, "x-fleet-operator": "ann" }, silence);
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; createdBy: string };
    expect(body.createdBy).toBe("ann (operator key)");
    const patched = await call(
      "PATCH",
      `silences/${body.id}`,
      { "x-fleet-operator-key": OPERATOR_KEY, "if-match": created.headers.get("etag")! },
      { reason: "longer window" },
    );
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { reason: string }).reason).toBe("longer window");
    const stale = await call("DELETE", `silences/${body.id}`, { "x-fleet-operator-key": OPERATOR_KEY, "if-match": created.headers.get("etag")! });
    expect(stale.status).toBe(412);
    expect((await call("GET", "silences", { "x-functions-key": "wrong" })).status).toBe(401);
  });
});
