/**
 * What every route shares: the method check (405), the body limit (413), query validation, JSON
 * responses with ETags and `If-None-Match` (304), and the mapping of errors to the one error shape.
 * Routes are registered for every method so the 405 comes from us: the Functions host itself answers
 * a method a function does not list with a bare 404.
 */
import { createHash } from "node:crypto";
import type { HttpMethod, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Static, TSchema } from "@sinclair/typebox";
import type * as Schemas from "./schemas";
import { ApiError } from "./errors";
import { parseQuery, type ParsedQuery, type QuerySpec } from "./params";
import type { ApiServices } from "./services";

/** Every method a function is registered for; the allowed ones are the route's `methods`. */
export const ALL_METHODS: HttpMethod[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Default request body limit; a pasted error message is a few KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface PathParamSpec {
  description: string;
  /** The form the handler checks (a regular expression source), for the document. */
  pattern?: string;
}

export interface BodySpec {
  description: string;
  /** The body's schema in ./schemas.ts: the handler validates against it, the document shows it. */
  schema: SchemaRef;
}

/** A handler's answer before serialization: JSON with 200 unless told otherwise. */
export interface ApiResult<B = unknown> {
  status?: number;
  body: B;
  headers?: Record<string, string>;
}

export interface ApiCall<Q extends QuerySpec = QuerySpec> {
  req: HttpRequest;
  ctx: InvocationContext;
  query: ParsedQuery<Q>;
  params: Record<string, string>;
  /** Raw body text (POST and PATCH only), already within the size limit. */
  body?: string;
  /** The store and read model, opened on first use. */
  services: () => Promise<ApiServices>;
}

export type RouteMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** Methods whose request carries a body. */
export const BODY_METHODS: readonly string[] = ["POST", "PATCH"];

/** The name of a schema exported by ./schemas.ts. */
export type SchemaName = { [K in keyof typeof Schemas]: (typeof Schemas)[K] extends TSchema ? K : never }[keyof typeof Schemas];
/** A named schema, or a plain JSON Schema written inline. */
export type SchemaRef = SchemaName | { readonly [keyword: string]: unknown };
/** The TypeScript type of the body a named schema describes (`unknown` for an inline one). */
export type BodyOf<N extends SchemaRef> = N extends SchemaName ? Named<N> : unknown;
type Named<N extends SchemaName> = Static<(typeof Schemas)[N]>;

export interface RouteDef<Q extends QuerySpec = QuerySpec, R extends SchemaRef = SchemaRef> {
  /** Function name in Azure. */
  name: string;
  /** Route template below the `api` prefix, in Functions syntax. */
  route: string;
  /** Allowed methods; HEAD is allowed wherever GET is. A route with several dispatches on `req.method`. */
  methods: RouteMethod[];
  authLevel: "anonymous" | "function";
  summary: string;
  description?: string;
  tag: string;
  path?: Record<string, PathParamSpec>;
  query?: Q;
  body?: BodySpec;
  /** Schema of the 200 response, by its name in ./schemas.ts: it types what `handle` returns. */
  response: R;
  /** A POST that creates answers 201 with this body. */
  created?: SchemaRef;
  /** Media type of the 200 response when it is not JSON; the handler's body is then sent as the text it is. */
  contentType?: string;
  /** Statuses besides 200 this route answers on purpose (404 for a missing cluster ...). */
  errors?: number[];
  handle(call: ApiCall<Q>): Promise<ApiResult<BodyOf<R>>>;
}

export type HttpHandler = (req: HttpRequest, ctx: InvocationContext) => Promise<HttpResponseInit>;

/** Defines a route with its query and response types inferred; GET and function keys unless it says otherwise. */
export function defineRoute<Q extends QuerySpec, R extends SchemaRef>(
  def: Omit<RouteDef<Q, R>, "methods" | "authLevel"> & Partial<Pick<RouteDef<Q, R>, "methods" | "authLevel">>,
): RouteDef {
  return { methods: ["GET"], authLevel: "function", ...def } as unknown as RouteDef;
}

export function allowedMethods(def: Pick<RouteDef, "methods">): string[] {
  return def.methods.includes("GET") ? [...def.methods, "HEAD"] : [...def.methods];
}

/** A strong ETag over the exact bytes sent. */
export function etagOf(body: string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

/** RFC 9110 weak comparison, as caches send it: a list of tags, `*`, or W/ prefixes. */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === opaque);
}

function errorResponse(err: ApiError): HttpResponseInit {
  return { status: err.status, jsonBody: err.toBody(), headers: { "cache-control": "no-store", ...err.headers } };
}

function jsonResponse(req: HttpRequest, result: ApiResult, contentType?: string): HttpResponseInit {
  const status = result.status ?? 200;
  const text = contentType ? String(result.body) : JSON.stringify(result.body);
  const etag = etagOf(text);
  const headers = { "content-type": contentType ?? "application/json; charset=utf-8", etag, "cache-control": "no-cache", ...result.headers };
  if (status === 200 && etagMatches(req.headers.get("if-none-match"), etag)) return { status: 304, headers: { etag, "cache-control": "no-cache" } };
  return { status, body: text, headers };
}

async function readBody(req: HttpRequest, limit: number): Promise<string> {
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.byteLength > limit) throw tooLarge(limit);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, "InvalidBody", "body: not valid UTF-8 text", "body");
  }
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, "PayloadTooLarge", `body: larger than ${limit} bytes`, "body");
}

/** Errors that are not the caller's: storage unreachable or throttled gets a 503 the client may retry. */
function unexpected(err: unknown, ctx: InvocationContext): ApiError {
  const e = err as { statusCode?: number; code?: string; message?: string };
  const transient =
    e.statusCode === 503 || e.statusCode === 429 || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "REQUEST_SEND_ERROR"].includes(e.code ?? "");
  ctx.error(`request failed: ${e.code ? `[${e.code}] ` : ""}${e.message ?? String(err)}`);
  if (["StoreNotConfigured", "InvalidConfiguration"].includes(e.code ?? ""))
    return new ApiError(503, "StorageNotConfigured", "Table storage is not configured: set FLEET_TABLES_CONNECTION or FLEET_TABLES_ENDPOINT");
  return transient
    ? new ApiError(503, "StorageUnavailable", "the history store could not be reached; retry shortly", undefined, { "retry-after": "5" })
    : new ApiError(500, "InternalError", `unexpected error; invocation ${ctx.invocationId}`);
}

/** The Azure Functions handler of one route. */
export function toHttpHandler(def: RouteDef, services: () => Promise<ApiServices>, options: { maxBodyBytes?: number } = {}): HttpHandler {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const allowed = allowedMethods(def);
  return async (req, ctx) => {
    try {
      if (!allowed.includes(req.method.toUpperCase())) {
        throw new ApiError(405, "MethodNotAllowed", `method ${req.method} is not allowed on /api/${def.route}; use ${allowed.join(" or ")}`, "method", {
          allow: allowed.join(", "),
        });
      }
      const declared = Number(req.headers.get("content-length") ?? 0);
      if (declared > limit) throw tooLarge(limit);
      const query = parseQuery(req.query, def.query ?? {});
      const body = BODY_METHODS.includes(req.method.toUpperCase()) ? await readBody(req, limit) : undefined;
      return jsonResponse(req, await def.handle({ req, ctx, query, params: req.params, body, services }), def.contentType);
    } catch (err) {
      return errorResponse(err instanceof ApiError ? err : unexpected(err, ctx));
    }
  };
}
