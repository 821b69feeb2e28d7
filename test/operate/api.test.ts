import { beforeAll, describe, expect, it } from "vitest";
import { openApiServices, type ApiServices, type OperatorAuth } from "../../shared/api/services";
import { openFleetHistory } from "../../shared/store";
import { firstItem } from "../../shared/store/paging";
import { apiClient, seedFleet, type Answer } from "../api/support";
import { clusterId } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";

const KEY = "operator-secret";
const OPERATOR = { "x-fleet-operator-key": KEY, "x-fleet-operator": "ann", "content-type": "application/json" };
const fluxOf = (name: string) => `${clusterId(name)}/providers/microsoft.kubernetesconfiguration/extensions/flux`;
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const principal = (claims: Array<{ typ: string; val: string }>) =>
  Buffer.from(JSON.stringify({ auth_typ: "aad", name_typ: "preferred_username", role_typ: "roles", claims })).toString("base64");

async function servicesWith(auth: OperatorAuth, prefix = uniquePrefix("opapi")): Promise<ApiServices> {
  const options = { connectionString: tablesConnection(), tablePrefix: prefix };
  const history = await openFleetHistory(options);
  if (!(await firstItem(history.listSweeps()))) await seedFleet(history);
  return openApiServices(options, { refreshMs: 0, auth });
}

function expectError(res: Answer, status: number, parameter?: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json.error.message).toEqual(expect.any(String));
  if (parameter) expect(res.json.error.parameter).toBe(parameter);
}

describe("operator API, locally (operator key)", () => {
  let api: ReturnType<typeof apiClient>;
  let services: ApiServices;
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = OPERATOR) =>
    api(method, path, { headers, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) });

  beforeAll(async () => {
    services = await servicesWith({ easyAuth: false, operatorKey: KEY });
    api = apiClient(services);
  });

  it("creates a silence: 201 with its etag; listed with the failures it keeps out of headlines; failures carry the marker", async () => {
    const res = await send("POST", "/api/silences", {
      catalogId: "flux-extension-install",
      scope: { clusterId: clusterId("bravo") },
      reason: "flux upgrade window",
      expiresAt: inDays(2),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("etag")).toBe(res.json.etag);
    expect(res.headers.get("location")).toBe(`/api/silences/${res.json.id}`);
    expect(res.json).toMatchObject({
      catalogId: "flux-extension-install",
      reason: "flux upgrade window",
      createdBy: "ann (operator key)",
      status: "active",
      matchingFailures: 1,
    });

    const listed = await api("GET", "/api/silences?status=active");
    expect(listed.json.items.map((s: { id: string }) => s.id)).toContain(res.json.id);

    const failures = (await api("GET", "/api/failures")).json.items as Array<{ clusterName: string; silenced?: unknown }>;
    expect(failures.find((f) => f.clusterName === "bravo")?.silenced).toEqual({
      id: res.json.id,
      reason: "flux upgrade window",
      by: "ann (operator key)",
      until: res.json.expiresAt,
    });
    expect(failures.find((f) => f.clusterName === "alpha")?.silenced).toBeUndefined();
    const cluster = (await api("GET", `/api/clusters${clusterId("bravo")}`)).json;
    expect(cluster.openFailures[0].silenced.id).toBe(res.json.id);
  });

  it("refuses bad input with a 4xx naming the field, and stores nothing", async () => {
    const before = (await api("GET", "/api/silences")).json.items.length;
    expectError(await send("POST", "/api/silences", { catalogId: "flux-extension-install", reason: "r", expiresAt: inDays(91) }), 400, "expiresAt");
    expectError(await send("POST", "/api/silences", { catalogId: "flux-extension-install", reason: "r" }), 400, "expiresAt");
    expectError(await send("POST", "/api/silences", { catalogId: "nope", reason: "r", expiresAt: inDays(1) }), 400, "catalogId");
    expectError(await send("POST", "/api/silences", "{not json"), 400, "body");
    expectError(await send("POST", "/api/silences", ""), 400, "body");
    expectError(await send("POST", "/api/acknowledgements", { clusterId: clusterId("delta"), componentId: fluxOf("delta") }), 400, "componentId");
    expectError(await send("POST", "/api/acknowledgements", { clusterId: clusterId("alpha"), componentId: fluxOf("bravo") }), 400, "componentId");
    expectError(await send("POST", "/api/acknowledgements", { incidentKey: "catalog:helm-timeout-ready" }), 400, "incidentKey");
    expectError(await send("POST", "/api/notes", { clusterId: clusterId("alpha"), text: "x", ticket: "y" }), 400, "ticket");
    expectError(await api("GET", "/api/silences/not-an-id"), 400, "id");
    expectError(await api("GET", "/api/silences/00000000-0000-4000-8000-000000000000"), 404, "id");
    expectError(await api("PUT", "/api/silences"), 405, "method");
    expect((await api("GET", "/api/silences")).json.items.length).toBe(before);
  });

  it("two operators change the same silence: the first wins, the second gets 412 and can retry; If-Match is required", async () => {
    const created = (await send("POST", "/api/silences", { catalogId: "helm-timeout-ready", reason: "first", expiresAt: inDays(1) })).json;
    const path = `/api/silences/${created.id}`;
    const [one, two] = await Promise.all([
      send("PATCH", path, { reason: "from ann" }, { ...OPERATOR, "if-match": created.etag }),
      send("PATCH", path, { reason: "from bob" }, { ...OPERATOR, "x-fleet-operator": "bob", "if-match": created.etag }),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 412]);
    const loser = one.status === 412 ? one : two;
    expectError(loser, 412, "If-Match");
    const current = await api("GET", path);
    expect(current.json.reason).toBe(one.status === 200 ? "from ann" : "from bob");
    const retried = await send("PATCH", path, { reason: "retried", expiresAt: inDays(3) }, { ...OPERATOR, "if-match": current.headers.get("etag")! });
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ reason: "retried", updatedBy: "ann (operator key)" });
    expectError(await send("PATCH", path, { reason: "no precondition" }), 428, "If-Match");
    expectError(await send("DELETE", path, undefined, { ...OPERATOR, "if-match": created.etag }), 412, "If-Match");
    expectError(await send("DELETE", path, undefined, { ...OPERATOR, "if-match": 'W/"x"' }), 412, "If-Match");
    expect((await send("DELETE", path, undefined, { ...OPERATOR, "if-match": retried.json.etag })).status).toBe(200);
    expectError(await api("GET", path), 404);

    const audit = (await api("GET", `/api/audit?targetId=${created.id}`)).json.items as Array<{
      action: string;
      actor: string;
      before?: { reason: string };
      after?: { reason: string };
    }>;
    expect(audit.map((e) => e.action)).toEqual(["delete", "update", "update", "create"]);
    expect(audit[1]).toMatchObject({ before: { reason: expect.stringMatching(/^from /) }, after: { reason: "retried" } });
    expect(audit.every((e) => e.actor.endsWith("(operator key)"))).toBe(true);
  });

  it("acknowledges a failure and an incident; failures show who and since; notes stay on the cluster", async () => {
    const ack = await send("POST", "/api/acknowledgements", {
      clusterId: clusterId("alpha").toUpperCase(),
      componentId: fluxOf("alpha"),
      note: "on it",
      ticketUrl: "https://tickets.example/INC-1",
    });
    expect(ack.status).toBe(201);
    expect(ack.json).toMatchObject({
      target: { kind: "failure", clusterId: clusterId("alpha"), componentId: fluxOf("alpha") },
      by: "ann (operator key)",
      status: "active",
      note: "on it",
    });
    const incident = await send("POST", "/api/acknowledgements", { incidentKey: "catalog:flux-extension-install" });
    expect(incident.status).toBe(201);
    const failures = (await api("GET", "/api/failures")).json.items as Array<{ clusterName: string; acknowledged?: { id: string; since: string } }>;
    expect(failures.find((f) => f.clusterName === "alpha")?.acknowledged).toMatchObject({
      id: ack.json.id,
      by: "ann (operator key)",
      since: ack.json.at,
      note: "on it",
      ticketUrl: "https://tickets.example/INC-1",
    });
    expect(failures.find((f) => f.clusterName === "bravo")?.acknowledged?.id).toBe(incident.json.id);
    const incidents = (await api("GET", "/api/incidents")).json.items as Array<{ key: string; acknowledged?: { id: string } }>;
    expect(incidents.find((i) => i.key === "catalog:flux-extension-install")?.acknowledged?.id).toBe(incident.json.id);
    expect(
      (await api("GET", `/api/acknowledgements?clusterId=${clusterId("alpha")}&status=active`)).json.items.map((a: { id: string }) => a.id).sort(),
    ).toEqual([ack.json.id, incident.json.id].sort());

    const changed = await send("PATCH", `/api/acknowledgements/${ack.json.id}`, { note: null }, { ...OPERATOR, "if-match": ack.json.etag });
    expect(changed.json.note).toBeUndefined();
    expect(changed.json.ticketUrl).toBe("https://tickets.example/INC-1");

    const note = await send("POST", "/api/notes", { clusterId: clusterId("alpha"), text: "restarted the flux pods" });
    expect(note.status).toBe(201);
    const notes = (await api("GET", `/api/notes?clusterId=${clusterId("alpha")}`)).json.items;
    expect(notes).toEqual([expect.objectContaining({ id: note.json.id, text: "restarted the flux pods", by: "ann (operator key)" })]);
    expect((await api("GET", `/api/notes?clusterId=${clusterId("bravo")}`)).json.items).toEqual([]);
    const timeline = (await api("GET", `/api/clusters${clusterId("alpha")}/history`)).json;
    expect(timeline.notes).toEqual([expect.objectContaining({ id: note.json.id, text: "restarted the flux pods" })]);
    expect((await api("GET", `/api/clusters${clusterId("alpha")}/history?to=2026-11-02`)).json.notes).toEqual([]);
  });

  it("without the operator key: 403 and nothing changes, reading still works", async () => {
    const before = await api("GET", "/api/audit?limit=1000");
    const listed = (await api("GET", "/api/silences")).json.items[0];
    const noKey = { "content-type": "application/json" };
    const forged = { ...noKey, "x-ms-client-principal": principal([{ typ: "roles", val: "FleetHealth.Operate" }]), "x-ms-client-principal-name": "mallory" };
    for (const headers of [noKey, forged, { ...noKey, "x-fleet-operator-key": "wrong" }]) {
      expectError(await send("POST", "/api/silences", { catalogId: "flux-extension-install", reason: "r", expiresAt: inDays(1) }, headers), 403);
      expectError(await send("PATCH", `/api/silences/${listed.id}`, { reason: "x" }, { ...headers, "if-match": listed.etag }), 403);
      expectError(await send("DELETE", `/api/silences/${listed.id}`, undefined, { ...headers, "if-match": "*" }), 403);
      expectError(await send("POST", "/api/notes", { clusterId: clusterId("alpha"), text: "x" }, headers), 403);
    }
    expect((await api("GET", "/api/audit?limit=1000")).json.items).toEqual(before.json.items);
    expect((await api("GET", `/api/silences/${listed.id}`)).json.etag).toBe(listed.etag);
  });
});

describe("operator API behind Easy Auth (app role)", () => {
  let api: ReturnType<typeof apiClient>;
  const body = JSON.stringify({ catalogId: "flux-extension-install", reason: "r", expiresAt: inDays(1) });

  beforeAll(async () => {
    // A local operator key does not open the door in Azure: there the app role decides.
    api = apiClient(await servicesWith({ easyAuth: true, operatorKey: KEY }));
  });

  it("needs FleetHealth.Operate among the principal's role claims; the principal's name is the actor", async () => {
    const post = (headers: Record<string, string>) => api("POST", "/api/silences", { body, headers: { "content-type": "application/json", ...headers } });
    expectError(await post({}), 403);
    expectError(await post({ "x-fleet-operator-key": KEY }), 403);
    expectError(await post({ "x-ms-client-principal": principal([{ typ: "roles", val: "FleetHealth.Read" }]) }), 403);
    expectError(await post({ "x-ms-client-principal": "not base64 json" }), 403);
    expect((await api("GET", "/api/silences")).json.items).toEqual([]);
    const ok = await post({
      "x-ms-client-principal": principal([
        { typ: "preferred_username", val: "ann@contoso.com" },
        { typ: "roles", val: "FleetHealth.Read" },
        { typ: "roles", val: "FleetHealth.Operate" },
      ]),
    });
    expect(ok.status).toBe(201);
    expect(ok.json.createdBy).toBe("ann@contoso.com");
    const audit = (await api("GET", "/api/audit")).json.items;
    expect(audit).toEqual([expect.objectContaining({ action: "create", kind: "silence", actor: "ann@contoso.com", targetId: ok.json.id })]);
  });
});
