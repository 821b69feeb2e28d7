/** The OpenAPI 3.1 document, generated from the route table so it cannot drift from the routes. */
import { allowedMethods, BODY_METHODS, MAX_BODY_BYTES, type RouteDef, type RouteMethod, type SchemaRef } from "./http";
import type { ParamSpec } from "./params";
import * as schemas from "./schemas";

/** `clusters/{id:int}` or `files/{*rest}` in Functions syntax to an OpenAPI path `/clusters/{id}`. */
export function openApiPath(route: string): string {
  return `/${route.replace(/\{\*{0,2}([A-Za-z_][A-Za-z0-9_]*)[^}]*\}/g, "{$1}")}`;
}

function paramSchema(spec: ParamSpec): Record<string, unknown> {
  switch (spec.type) {
    case "enum":
      return spec.list ? { type: "string", pattern: `^(${spec.values.join("|")})(,(${spec.values.join("|")}))*$` } : { type: "string", enum: [...spec.values] };
    case "string":
      return { type: "string", minLength: 1, maxLength: spec.maxLength ?? 256, ...(spec.pattern ? { pattern: spec.pattern.source } : {}) };
    case "date":
      return { type: "string", description: "ISO 8601 date or date-time, or a duration back from now: 30m, 24h, 7d" };
    case "integer":
      return { type: "integer", minimum: spec.min, maximum: spec.max, ...(spec.default !== undefined ? { default: spec.default } : {}) };
  }
}

/** A named schema from ./schemas.ts, or an inline one as given. */
const schemaOf = (ref: SchemaRef) => (typeof ref === "string" ? schemas[ref] : ref);

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: schemas.ErrorBody } } });

function operation(def: RouteDef, method: RouteMethod) {
  const parameters = [
    ...Object.entries(def.path ?? {}).map(([name, p]) => ({
      name,
      in: "path",
      required: true,
      description: p.description,
      schema: { type: "string", ...(p.pattern ? { pattern: p.pattern } : {}) },
    })),
    ...Object.entries(def.query ?? {}).map(([name, p]) => ({ name, in: "query", required: false, description: p.description, schema: paramSchema(p) })),
  ];
  const responses: Record<string, unknown> = {
    200: {
      description: "OK",
      headers: { ETag: { schema: { type: "string" } } },
      content: { [def.contentType ?? "application/json"]: { schema: schemaOf(def.response) } },
    },
    ...(def.created && method === "POST"
      ? { 201: { description: "Created; the Location header names it", content: { "application/json": { schema: schemaOf(def.created) } } } }
      : {}),
    ...(def.methods.includes("GET") ? { 304: { description: "Not modified: the ETag in If-None-Match still matches" } } : {}),
    400: errorResponse("A parameter or the body is invalid; `error.parameter` names it"),
    ...(def.authLevel === "anonymous" ? {} : { 401: { description: "Missing or wrong function key" } }),
    ...Object.fromEntries((def.errors ?? []).map((status) => [status, errorResponse(status === 404 ? "Not found" : "Error")])),
    405: errorResponse(`Method not allowed; the Allow header lists ${allowedMethods(def).join(", ")}`),
    413: errorResponse(`Body larger than ${MAX_BODY_BYTES} bytes`),
    503: errorResponse("The history store could not be reached; retry"),
  };
  return {
    // Unique per operation: a route serving several methods gets the method appended.
    operationId: def.methods.length > 1 ? `${def.name}${method[0]}${method.slice(1).toLowerCase()}` : def.name,
    summary: def.summary,
    ...(def.description ? { description: def.description } : {}),
    tags: [def.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(def.body && BODY_METHODS.includes(method)
      ? {
          requestBody: {
            required: true,
            description: def.body.description,
            content: { "application/json": { schema: schemaOf(def.body.schema) }, "text/plain": { schema: { type: "string" } } },
          },
        }
      : {}),
    responses,
    ...(def.authLevel === "anonymous" ? { security: [] } : {}),
  };
}

export function openApiDocument(routes: readonly RouteDef[], options: { version?: string; serverUrl?: string } = {}) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of routes) {
    const item = (paths[openApiPath(def.route)] ??= {});
    for (const method of def.methods) item[method.toLowerCase()] = operation(def, method);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "fleet-health API",
      version: options.version ?? "0.1.0",
      description:
        "Health of Azure Arc and AKS clusters, their extensions and Flux configurations, classified against the documented error catalog. " +
        "A cluster is addressed by its ARM id as the path after /api/clusters.",
    },
    servers: [{ url: options.serverUrl ?? "/api" }],
    security: [{ functionKey: [] }, { functionKeyQuery: [] }],
    paths,
    components: {
      schemas: schemas.SCHEMAS,
      securitySchemes: {
        functionKey: { type: "apiKey", in: "header", name: "x-functions-key" },
        functionKeyQuery: { type: "apiKey", in: "query", name: "code" },
      },
    },
  };
}
