/**
 * The shape every operator resource shares (silences, acknowledgements, notes): a collection route
 * (GET lists, POST creates) and an item route (GET, PATCH, DELETE). Changes need the operator role
 * (roles.ts) and, for PATCH and DELETE, the version the caller read in `If-Match`: a stale one gets
 * 412 and nothing changes, a missing one 428. The version is the store's ETag, opaque to clients.
 */
import { randomUUID } from "node:crypto";
import type { HttpRequest } from "@azure/functions";
import { OperateInputError } from "../operate";
import { OperationsError, type OperationKind, type OperationKinds, type Versioned } from "../store/operations";
import { collect } from "../store/paging";
import { ApiError, badParameter, notFound } from "./errors";
import { defineRoute, type ApiCall, type ApiResult, type BodySpec, type RouteDef, type SchemaName, type SchemaRef } from "./http";
import type { QuerySpec } from "./params";
import { requireOperator } from "./roles";
import type { ApiServices } from "./services";

/** The HTTP ETag of a stored version: the store's own ETag, wrapped so clients treat it as opaque. */
export function httpEtag(storeEtag: string): string {
  return `"${Buffer.from(storeEtag).toString("base64url")}"`;
}

/** The store's ETag from `If-Match`; `*` means whatever is stored now. */
export function storeEtagFrom(req: HttpRequest, current: string): string {
  const header = req.headers.get("if-match")?.trim();
  if (!header)
    throw new ApiError(428, "PreconditionRequired", "If-Match: send the etag of the version you read (or * to overwrite whatever is stored)", "If-Match");
  if (header === "*") return current;
  const m = /^"([A-Za-z0-9_-]+)"$/.exec(header);
  // A tag we did not issue (or a weak one, which If-Match never matches) cannot be the current version.
  if (!m) throw preconditionFailed();
  return Buffer.from(m[1], "base64url").toString("utf8");
}

const preconditionFailed = () =>
  new ApiError(412, "PreconditionFailed", "the resource was changed since you read it; read it again (GET) and retry with its new etag", "If-Match");

/** Store and input errors as the API's 4xx. */
export function apiErrorOf(err: unknown): unknown {
  if (err instanceof OperateInputError) return badParameter(err.field, err.message.slice(err.field.length + 2), "InvalidBody");
  if (err instanceof OperationsError) {
    if (err.code === "PreconditionFailed") return preconditionFailed();
    if (err.code === "NotFound") return notFound(err.message, "id");
    return new ApiError(409, "Conflict", err.message);
  }
  return err;
}

export function parseJsonBody(body: string | undefined): unknown {
  if (!body?.trim()) throw badParameter("body", "a JSON object is required", "InvalidBody");
  try {
    return JSON.parse(body);
  } catch {
    throw badParameter("body", "not valid JSON", "InvalidJson");
  }
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface Who {
  id: string;
  by: string;
  now: Date;
}

export interface CrudSpec<K extends OperationKind, Q extends QuerySpec> {
  kind: K;
  /** Route of the collection, e.g. `silences`; the item is `<collection>/{id}`. */
  collection: string;
  /** Function names: `<name>s` for the collection, `<name>` for an item. */
  name: string;
  tag: string;
  summary: { collection: string; item: string };
  query: Q;
  body: { create: BodySpec; change?: BodySpec };
  /** Names in ./schemas.ts: one item as the API shows it, the list of them, and what an item route answers. */
  schemas: { item: SchemaName; list: SchemaName; answer: SchemaName };
  /** The records the query selects, in the order shown. */
  list(records: Array<Versioned<OperationKinds[K]>>, call: ApiCall<Q>, services: ApiServices): Promise<Array<Versioned<OperationKinds[K]>>>;
  create(body: unknown, who: Who, services: ApiServices): Promise<OperationKinds[K]>;
  /** Absent: items cannot be changed, only deleted. */
  change?(stored: OperationKinds[K], body: unknown, who: Omit<Who, "id">): OperationKinds[K];
  view(record: Versioned<OperationKinds[K]>, services: ApiServices): Promise<unknown>;
}

export function crudRoutes<K extends OperationKind, Q extends QuerySpec>(spec: CrudSpec<K, Q>): RouteDef[] {
  const { kind } = spec;
  const shown = async (record: Versioned<OperationKinds[K]>, svc: ApiServices, status = 200): Promise<ApiResult> => ({
    status,
    body: await spec.view(record, svc),
    headers: { etag: httpEtag(record.etag), "cache-control": "no-store", ...(status === 201 ? { location: `/api/${spec.collection}/${record.id}` } : {}) },
  });
  const guarded = async (call: () => Promise<ApiResult>): Promise<ApiResult> => {
    try {
      return await call();
    } catch (err) {
      throw apiErrorOf(err);
    }
  };

  const collection = defineRoute({
    name: `${spec.name}s`,
    route: spec.collection,
    methods: ["GET", "POST"],
    tag: spec.tag,
    summary: spec.summary.collection,
    query: spec.query,
    body: spec.body.create,
    // Widened: each route types its `view` by the item's schema (e.g. `Promise<SilenceBody>`).
    response: spec.schemas.list as SchemaRef,
    created: spec.schemas.item,
    errors: [403, 409],
    async handle(call) {
      const svc = await call.services();
      if (call.req.method.toUpperCase() !== "POST") {
        const records = await spec.list(await collect(svc.operations.list(kind)), call as ApiCall<Q>, svc);
        return { body: { items: await Promise.all(records.map((r) => spec.view(r, svc))) }, headers: { "cache-control": "no-store" } };
      }
      const by = requireOperator(call.req, svc.auth);
      return guarded(async () => {
        const now = new Date();
        const record = await spec.create(parseJsonBody(call.body), { id: randomUUID(), by, now }, svc);
        const stored = await svc.operations.create(kind, record, by, now);
        svc.operationsChanged();
        return shown(stored, svc, 201);
      });
    },
  });

  const item = defineRoute({
    name: spec.name,
    route: `${spec.collection}/{id}`,
    methods: spec.change ? ["GET", "PATCH", "DELETE"] : ["GET", "DELETE"],
    tag: spec.tag,
    summary: spec.summary.item,
    path: { id: { description: "The id the POST returned" } },
    ...(spec.body.change ? { body: spec.body.change } : {}),
    response: spec.schemas.answer as SchemaRef,
    errors: [403, 404, 412, 428],
    async handle(call) {
      const id = call.params.id ?? "";
      if (!ID.test(id)) throw badParameter("id", `"${id.slice(0, 40)}" is not an id this API issued`, "InvalidId");
      const svc = await call.services();
      const method = call.req.method.toUpperCase();
      const stored = await svc.operations.get(kind, id);
      // The role is checked before anything about the item is told, so a caller without it learns nothing.
      const by = method === "GET" || method === "HEAD" ? undefined : requireOperator(call.req, svc.auth);
      if (!stored) throw notFound(`no ${spec.collection.replace(/s$/, "")} ${id}`, "id");
      if (!by) return shown(stored, svc);
      const etag = storeEtagFrom(call.req, stored.etag);
      return guarded(async () => {
        const now = new Date();
        if (method === "DELETE") {
          const removed = await svc.operations.remove(kind, id, etag, by, now);
          svc.operationsChanged();
          return { body: { deleted: removed }, headers: { "cache-control": "no-store" } };
        }
        const { etag: _e, ...record } = stored;
        const changed = await svc.operations.update(
          kind,
          spec.change!(record as unknown as OperationKinds[K], parseJsonBody(call.body), { by, now }),
          etag,
          by,
          now,
        );
        svc.operationsChanged();
        return shown(changed, svc);
      });
    },
  });
  return [collection, item];
}
