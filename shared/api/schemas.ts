/** JSON Schemas (OpenAPI 3.1 dialect) of the API's bodies, shared by the route table and the document. */
import { CATEGORIES } from "../catalog/types";
import { COMPONENT_KINDS, HEALTH_STATES } from "../core/model";
import { TRANSITION_EVENTS } from "../store/types";

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: "string" };
const dateTime: Schema = { type: "string", format: "date-time" };
const int: Schema = { type: "integer", minimum: 0 };
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: "null" }] });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({ type: "object", properties, required });
const map = (value: Schema): Schema => ({ type: "object", additionalProperties: value });
const list = (items: Schema): Schema => ({ type: "array", items });
const state: Schema = { type: "string", enum: [...HEALTH_STATES] };
const stateCounts = obj(Object.fromEntries(HEALTH_STATES.map((s) => [s, int])));
const counted = obj({ total: int, byState: ref("StateCounts") });

/** A page of items: `continuationToken` is absent on the last page. */
export const page = (item: string): Schema => obj({ items: list(ref(item)), continuationToken: str }, ["items"]);

export { ref, list };

export const SCHEMAS: Record<string, Schema> = {
  Error: obj({ error: obj({ code: str, message: str, parameter: str }, ["code", "message"]) }),
  StateCounts: stateCounts,
  SweepBrief: obj({ sweepId: str, startedAt: dateTime, finishedAt: dateTime, partial: { type: "boolean" } }),
  ScopeError: obj({ scope: str, code: str, message: str }),
  Summary: obj({
    latestSweep: nullable(ref("SweepBrief")),
    lastCompleteSweep: nullable(ref("SweepBrief")),
    partial: { type: "boolean" },
    partialScopes: list(ref("ScopeError")),
    clusters: obj({ total: int, byState: ref("StateCounts"), byKind: obj({ arc: counted, aks: counted }), bySubscription: map(counted), dark: int }),
    components: obj({ total: int, byState: ref("StateCounts") }),
    failures: obj({ open: int, byCatalogId: map(int), byCategory: map(int), unclassified: int }),
    extensions: map(counted),
  }),
  ClusterRow: obj(
    {
      id: str,
      name: str,
      kind: { type: "string", enum: ["arc", "aks"] },
      subscriptionId: str,
      resourceGroup: str,
      state,
      components: int,
      openFailures: int,
      extensionTypes: list(str),
      catalogIds: list(str),
      failingSince: dateTime,
      lastSeenAt: dateTime,
      dark: { type: "boolean" },
      href: str,
    },
    ["id", "name", "kind", "subscriptionId", "resourceGroup", "state", "components", "openFailures", "extensionTypes", "catalogIds", "lastSeenAt", "dark", "href"],
  ),
  Evidence: obj({ field: str, value: str, code: str }, ["field", "value"]),
  Component: obj(
    {
      id: str,
      kind: { type: "string", enum: [...COMPONENT_KINDS] },
      name: str,
      extensionType: str,
      parentId: str,
      state,
      reason: str,
      message: str,
      evidence: list(ref("Evidence")),
      catalogId: nullable(str),
      confidence: { type: "number" },
      fingerprint: str,
      firstSeenFailingAt: dateTime,
      lastTransitionAt: dateTime,
      lastSeenAt: dateTime,
      dark: { type: "boolean" },
      facts: map(str),
    },
    ["id", "kind", "name", "state", "reason", "message", "evidence", "catalogId", "lastTransitionAt", "lastSeenAt"],
  ),
  Remedy: obj({ id: str, title: str, category: str, severity: str, cause: str, steps: list(obj({ text: str, command: str }, ["text"])), docUrl: str }),
  OpenFailure: obj(
    { componentId: str, componentName: str, componentKind: str, clusterId: str, clusterName: str, subscriptionId: str, extensionType: str, state, reason: str, message: str, since: dateTime, catalogId: nullable(str), fingerprint: str, entry: nullable(ref("Remedy")) },
    ["componentId", "componentName", "componentKind", "clusterId", "clusterName", "subscriptionId", "state", "reason", "message", "catalogId", "entry"],
  ),
  ClusterDetail: obj({ id: str, name: str, kind: str, subscriptionId: str, resourceGroup: str, state, lastSeenAt: dateTime, dark: { type: "boolean" }, components: list(ref("Component")), openFailures: list(ref("OpenFailure")) }),
  Transition: obj(
    { id: str, at: dateTime, sweepId: str, event: { type: "string", enum: [...TRANSITION_EVENTS] }, componentId: str, componentKind: str, componentName: str, clusterId: str, from: nullable(state), to: str, reason: str, message: str, catalogId: nullable(str), previousDurationMs: int, endedCatalogId: nullable(str) },
    ["id", "at", "event", "componentId", "from", "to", "reason", "catalogId"],
  ),
  Episode: obj(
    { componentId: str, componentName: str, catalogId: nullable(str), startedAt: nullable(dateTime), startedBeforeWindow: { type: "boolean" }, endedAt: nullable(dateTime), timeToRecoverMs: nullable(int) },
    ["componentId", "componentName", "catalogId", "startedAt", "endedAt", "timeToRecoverMs"],
  ),
  ClusterHistory: obj({ clusterId: str, from: nullable(dateTime), to: nullable(dateTime), transitions: list(ref("Transition")), episodes: list(ref("Episode")) }),
  ResolvedFailure: obj(
    { componentId: str, componentName: str, componentKind: str, clusterId: str, clusterName: str, subscriptionId: str, extensionType: str, recoveredAt: dateTime, catalogId: nullable(str), timeToRecoverMs: int },
    ["componentId", "componentName", "componentKind", "clusterId", "clusterName", "subscriptionId", "recoveredAt", "catalogId"],
  ),
  Incident: obj(
    { key: str, catalogId: nullable(str), fingerprint: str, title: str, category: str, severity: str, clusterCount: int, componentCount: int, firstSeenAt: dateTime, extensionTypes: list(str), sampleMessage: str, sampleClusters: list(str) },
    ["key", "catalogId", "title", "clusterCount", "componentCount", "firstSeenAt", "extensionTypes", "sampleMessage", "sampleClusters"],
  ),
  CatalogEntrySummary: obj({ id: str, title: str, category: { type: "string", enum: [...CATEGORIES] }, severity: str, observable: list(str), origin: str, docUrl: str }),
  CatalogEntry: { type: "object", description: "The full entry: signatures, context, cause, steps with commands, doc link, sources, examples.", required: ["id", "title", "category", "severity", "cause", "steps", "docUrl"] },
  ClassifyRequest: obj(
    {
      message: { type: "string", minLength: 1, maxLength: 32768 },
      context: {
        type: "object",
        additionalProperties: false,
        properties: { component: { type: "string", enum: ["extension", "flux", "cluster"] }, extensionType: str, code: str, provisioningState: str, clusterKind: { type: "string", enum: ["arc", "aks"] } },
      },
    },
    ["message"],
  ),
  ClassifyResult: obj({ catalogId: nullable(str), confidence: { type: "number" }, fingerprint: str, matched: str, entry: nullable(ref("Remedy")) }, ["catalogId", "confidence", "fingerprint", "entry"]),
  Sweep: { type: "object", description: "One sweep's bookkeeping: times, scopes, partial scopes, counts by state, ARM requests and table operations.", required: ["sweepId", "startedAt", "finishedAt", "partial"] },
  Digest: { type: "object", description: "A stored digest." },
  Health: obj({ status: { type: "string", enum: ["ok"] }, time: dateTime }),
  OpenApi: { type: "object", description: "This document." },
};
