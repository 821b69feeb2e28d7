/**
 * `POST /providers/Microsoft.ResourceGraph/resources`: scoping, the per-token quota, the query
 * subset of ./kql.ts, and $top/$skip/$skipToken paging in stable id order.
 */
import { createHash } from "node:crypto";
import type { ComponentRef, SimulatedFleet } from "./fleet";
import { componentId } from "./fleet";
import { API_VERSION_PATTERN, argError, base64urlJson, fromBase64urlJson, missingApiVersion, ok, type SimResponse } from "./http";
import { KqlError, matches, parseQuery, type ParsedQuery } from "./kql";
import { hhmmss, type QuotaWindows, type ResetRounding } from "./limits";
import { argRow, argType, subscriptionRow, type Json, type JsonObject, type RenderContext } from "./render";
import type { FaultSpec, SimulatorStats } from "./types";

export interface ArgContext {
  fleet: SimulatedFleet;
  render(): RenderContext;
  faults(): FaultSpec;
  tenantSubscriptionLimit: number;
  quota?: QuotaWindows;
  quotaRounding?: ResetRounding;
  stats: SimulatorStats;
}

const MAX_TOP = 1000;
const INVALID_QUERY = "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.";
const DEFAULT_TOP = 100;

interface QueryBody {
  subscriptions?: unknown;
  managementGroups?: unknown;
  query?: unknown;
  options?: { $top?: unknown; $skip?: unknown; $skipToken?: unknown; resultFormat?: unknown };
}

function invalid(code: string, message: string): SimResponse {
  return argError(400, "BadRequest", [{ code, message }]);
}

function stringList(value: unknown): string[] | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) return null;
  return value as string[];
}

/** The subscriptions a request covers, or the error that stops it. */
function resolveScope(ctx: ArgContext, body: QueryBody): { subscriptions: string[]; limitHit: boolean } | SimResponse {
  const forbidden = new Set((ctx.faults().forbiddenSubscriptions ?? []).map((s) => s.toLowerCase()));
  const known = new Set(ctx.fleet.subscriptions.map((s) => s.toLowerCase()));
  const subscriptions = stringList(body.subscriptions);
  const groups = stringList(body.managementGroups);
  if (subscriptions === null || groups === null) return invalid("InvalidRequestContent", "subscriptions and managementGroups must be arrays of strings.");
  if (subscriptions?.length) {
    // Real ARG refuses the whole query when one named subscription cannot be read.
    const denied = subscriptions.filter((s) => forbidden.has(s.toLowerCase()) || !known.has(s.toLowerCase()));
    if (denied.length)
      return argError(403, "AccessDenied", [
        {
          code: "AccessDenied",
          message: `Access is denied to the requested resource. The user might not have enough permission. Subscriptions: ${denied.join(", ")}`,
        },
      ]);
    return { subscriptions: [...new Set(subscriptions.map((s) => s.toLowerCase()))], limitHit: false };
  }
  let candidates: string[];
  if (groups?.length) {
    const byName = new Map(Object.entries(ctx.fleet.managementGroups).map(([name, subs]) => [name.toLowerCase(), subs]));
    const unknown = groups.filter((g) => !byName.has(g.toLowerCase()));
    if (unknown.length)
      return argError(403, "AccessDenied", [
        {
          code: "AccessDenied",
          message: `Access is denied to the requested resource. The user might not have enough permission. Management groups: ${unknown.join(", ")}`,
        },
      ]);
    candidates = [...new Set(groups.flatMap((g) => byName.get(g.toLowerCase()) ?? []).map((s) => s.toLowerCase()))];
  } else candidates = ctx.fleet.subscriptions.map((s) => s.toLowerCase());
  // Tenant and management-group scopes silently leave out what the caller cannot read.
  candidates = candidates.filter((s) => !forbidden.has(s));
  const limitHit = candidates.length > ctx.tenantSubscriptionLimit;
  return { subscriptions: limitHit ? candidates.slice(0, ctx.tenantSubscriptionLimit) : candidates, limitHit };
}

/** A resource row, or a `resourcecontainers` row rendered up front. */
type RowRef = ComponentRef | { id: string; container: JsonObject };

const rowCache = new WeakMap<SimulatedFleet, Map<string, { version: number; rows: RowRef[] }>>();

/** The rows a query matches in its scope, sorted by id (ordinal), cached per fleet version. */
function matchingRows(fleet: SimulatedFleet, query: ParsedQuery, key: string, subscriptions: string[]): RowRef[] {
  let cache = rowCache.get(fleet);
  if (!cache) rowCache.set(fleet, (cache = new Map()));
  const hit = cache.get(key);
  if (hit && hit.version === fleet.version) return hit.rows;
  const inScope = new Set(subscriptions);
  const rows: RowRef[] = [];
  const consider = (ref: ComponentRef) => {
    if (
      matches(query, {
        type: argType(ref),
        subscriptionId: ref.cluster.subscriptionId,
        resourceGroup: ref.cluster.resourceGroup.toLowerCase(),
        name: ref.component?.name ?? ref.cluster.name,
        id: ref.id,
      })
    )
      rows.push(ref);
  };
  if (query.table === "resourcecontainers") {
    fleet.subscriptions.forEach((subscriptionId, index) => {
      const container = subscriptionRow(subscriptionId, index);
      const fields = { type: String(container.type), subscriptionId, resourceGroup: "", name: String(container.name), id: String(container.id) };
      if (inScope.has(subscriptionId.toLowerCase()) && matches(query, fields)) rows.push({ id: fields.id, container });
    });
  }
  for (const cluster of query.table === "resourcecontainers" ? [] : fleet.clusters) {
    if (!inScope.has(cluster.subscriptionId.toLowerCase())) continue;
    if (query.table === "resources") consider({ id: cluster.id, cluster });
    else for (const component of cluster.components) consider({ id: componentId(cluster, component), cluster, component });
  }
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (query.descending) rows.reverse();
  if (cache.size > 16) cache.clear();
  cache.set(key, { version: fleet.version, rows });
  return rows;
}

/** Index of the first row after `id` in the query's order. */
function after(rows: RowRef[], id: string, descending: boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const beyond = descending ? rows[mid].id < id : rows[mid].id > id;
    if (beyond) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function integerOption(value: unknown, name: string, min: number, max: number): number | undefined | SimResponse {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    return invalid("InvalidQueryOptions", `The value of ${name} must be an integer between ${min} and ${max}; got ${JSON.stringify(value)}.`);
  }
  return value;
}

const isResponse = (v: unknown): v is SimResponse => typeof v === "object" && v !== null && "status" in v;

function project(row: JsonObject, columns: string[] | undefined): JsonObject {
  if (!columns) return row;
  const out: JsonObject = {};
  for (const c of columns) if (row[c] !== undefined) out[c] = row[c];
  // Real ARG may hand back columns beyond the projection; collectors must ignore them.
  if (!("tenantId" in out)) out.tenantId = row.tenantId;
  return out;
}

function columnType(values: Json[]): string {
  const sample = values.find((v) => v !== null && v !== undefined);
  if (typeof sample === "string") return "string";
  if (typeof sample === "number") return Number.isInteger(sample) ? "integer" : "number";
  if (typeof sample === "boolean") return "boolean";
  return "object";
}

function asTable(rows: JsonObject[], columns: string[]): { columns: Array<{ name: string; type: string }>; rows: Json[][] } {
  return {
    columns: columns.map((name) => ({ name, type: columnType(rows.map((r) => r[name])) })),
    rows: rows.map((r) => columns.map((c) => r[c] ?? null)),
  };
}

/**
 * `summarize count() by subscriptionId`: one row per subscription, in subscription order, paged like
 * any result (at most `$top` rows, 1000 by default, then a `$skipToken` naming the last subscription).
 */
function summarized(rows: RowRef[], format: string, page: { size: number; after?: string; scopeKey: string }): Record<string, Json> {
  const counts = new Map<string, number>();
  for (const ref of rows) {
    const subscriptionId = "cluster" in ref ? ref.cluster.subscriptionId : String(ref.container.subscriptionId);
    counts.set(subscriptionId, (counts.get(subscriptionId) ?? 0) + 1);
  }
  const all = [...counts].sort(([a], [b]) => a.localeCompare(b)).filter(([s]) => page.after === undefined || s.localeCompare(page.after) > 0);
  const data = all.slice(0, page.size).map(([subscriptionId, count]) => ({ subscriptionId, count_: count }));
  return {
    totalRecords: counts.size,
    count: data.length,
    resultTruncated: "false",
    facets: [],
    ...(all.length > data.length ? { $skipToken: base64urlJson({ h: page.scopeKey, a: data[data.length - 1].subscriptionId }) } : {}),
    data: format === "table" ? asTable(data, ["subscriptionId", "count_"]) : data,
  };
}

export function handleArg(ctx: ArgContext, token: string, url: URL, rawBody: string): SimResponse {
  const apiVersion = url.searchParams.get("api-version");
  if (!apiVersion) return missingApiVersion();
  if (!API_VERSION_PATTERN.test(apiVersion)) return invalid("InvalidApiVersionParameter", `The api-version '${apiVersion}' is invalid.`);

  const now = Date.now();
  const quota = ctx.quota?.take(token, now);
  const quotaHeaders: Record<string, string> = quota
    ? { "x-ms-user-quota-remaining": String(quota.remaining), "x-ms-user-quota-resets-after": hhmmss(quota.resetsInMs, ctx.quotaRounding) }
    : {};
  if (quota && !quota.allowed) {
    ctx.stats.argThrottled++;
    const headers = ctx.faults().argRetryAfter ? { ...quotaHeaders, "retry-after": String(Math.max(1, Math.ceil(quota.resetsInMs / 1000))) } : quotaHeaders;
    return argError(
      429,
      "RateLimiting",
      [
        {
          code: "RateLimiting",
          message:
            "Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.",
        },
      ],
      headers,
    );
  }
  ctx.stats.argQueries++;
  const withQuota = (r: SimResponse): SimResponse => ({ ...r, headers: { ...quotaHeaders, ...r.headers } });

  let body: QueryBody;
  try {
    body = JSON.parse(rawBody) as QueryBody;
    if (typeof body !== "object" || body === null) throw new Error("not an object");
  } catch {
    return withQuota(invalid("InvalidRequestContent", "The request content was invalid and could not be deserialized."));
  }
  if (typeof body.query !== "string" || !body.query.trim()) return withQuota(invalid("InvalidQuery", INVALID_QUERY));

  let query: ParsedQuery;
  try {
    query = parseQuery(body.query);
  } catch (e) {
    if (!(e instanceof KqlError)) throw e;
    return withQuota(
      argError(400, "BadRequest", [
        { code: "InvalidQuery", message: INVALID_QUERY },
        { code: "ParserFailure", message: e.message, line: 1, characterPositionInLine: e.position, token: e.token },
      ]),
    );
  }

  const options = body.options ?? {};
  const top = integerOption(options.$top, "$top", 1, MAX_TOP);
  if (isResponse(top)) return withQuota(top);
  const skip = integerOption(options.$skip, "$skip", 0, 2 ** 31 - 1);
  if (isResponse(skip)) return withQuota(skip);
  const format = options.resultFormat ?? "objectArray";
  if (format !== "objectArray" && format !== "table")
    return withQuota(invalid("InvalidQueryOptions", `resultFormat must be objectArray or table; got ${JSON.stringify(format)}.`));

  const scope = resolveScope(ctx, body);
  if (isResponse(scope)) return withQuota(scope);

  const scopeKey = createHash("sha256")
    .update(JSON.stringify([body.query.trim(), [...scope.subscriptions].sort(), scope.limitHit]))
    .digest("base64url")
    .slice(0, 22);
  const rows = matchingRows(ctx.fleet, query, scopeKey, scope.subscriptions);

  let start = skip ?? 0;
  let tokenAfter: string | undefined;
  if (options.$skipToken !== undefined && options.$skipToken !== null) {
    const decoded = typeof options.$skipToken === "string" ? (fromBase64urlJson(options.$skipToken) as { h?: string; a?: string } | undefined) : undefined;
    if (!decoded || typeof decoded.a !== "string") return withQuota(invalid("InvalidSkipToken", "The $skipToken is malformed."));
    if (decoded.h !== scopeKey)
      return withQuota(
        invalid("InvalidSkipToken", "The $skipToken does not belong to this query and scope; pass it back with the same query and scopes that returned it."),
      );
    tokenAfter = decoded.a;
    // $skip, when given, overrides the position the token carries.
    if (skip === undefined && !query.summarize) start = after(rows, decoded.a, query.descending);
  }

  if (query.summarize) return withQuota(ok(summarized(rows, format, { size: top ?? DEFAULT_TOP, after: tokenAfter, scopeKey })));
  const pageable = !query.project || query.project.includes("id");
  const size = top ?? DEFAULT_TOP;
  const page = rows.slice(start, start + size);
  const render = ctx.render();
  const lag = ctx.faults().argLagMs;
  const data = page.map((ref) =>
    project("container" in ref ? ref.container : argRow(lag ? ctx.fleet.asOf(ref, render.now - lag) : ref, render), query.project),
  );
  const more = start + page.length < rows.length;
  ctx.stats.argRowsServed += data.length;
  ctx.stats.pagesServed++;

  const columns = query.project ? [...query.project, ...(query.project.includes("tenantId") ? [] : ["tenantId"])] : Object.keys(data[0] ?? {});
  const response: Record<string, Json> = {
    totalRecords: rows.length,
    count: data.length,
    resultTruncated: pageable ? "false" : more ? "true" : "false",
    facets: [],
  };
  if (pageable && more && page.length) response.$skipToken = base64urlJson({ h: scopeKey, a: page[page.length - 1].id });
  response.data = format === "table" ? asTable(data, columns) : data;
  const headers: Record<string, string> = scope.limitHit ? { "x-ms-tenant-subscription-limit-hit": "true" } : {};
  return withQuota(ok(response, headers));
}
