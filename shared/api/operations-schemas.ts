/**
 * JSON Schemas (OpenAPI 3.1) of the operator resources: silences, acknowledgements, notes, and the audit
 * trail. Inline schemas, so the route table documents them without
 * touching the shared component list.
 */
type Schema = Record<string, unknown>;

const str = (description?: string, extra: Schema = {}): Schema => ({ type: "string", ...(description ? { description } : {}), ...extra });
const dateTime = (description?: string): Schema => str(description, { format: "date-time" });
const obj = (properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema => ({ type: "object", properties, required, ...extra });
const etag = str("The version; send it back in If-Match to change or delete");

const scope = obj(
  {
    extensionType: str("Extension type, e.g. microsoft.flux"),
    subscriptionId: str("Subscription id (GUID)"),
    resourceGroup: str("Resource group name (case-insensitive)"),
    clusterId: str("Cluster ARM id"),
    tag: str("A cluster tag as key=value (key case-insensitive, value exact)"),
  },
  [],
  { additionalProperties: false, description: "Every scope given must hold; none: the whole fleet" },
);

const problem = { catalogId: str("A catalog entry id (GET /api/catalog)"), fingerprint: str("The fingerprint of an unclassified failure (GET /api/incidents)") };

export const SILENCE_CREATE: Schema = obj(
  { ...problem, scope, reason: str("Why; shown wherever the failure is", { maxLength: 1000 }), expiresAt: dateTime("In force until (exclusive); at most 90 days ahead") },
  ["reason", "expiresAt"],
  { additionalProperties: false, description: "Exactly one of catalogId and fingerprint" },
);
export const SILENCE_CHANGE: Schema = obj({ ...problem, scope, reason: str(undefined, { maxLength: 1000 }), expiresAt: dateTime("At most 90 days from the change") }, [], { additionalProperties: false, description: "The fields given replace the stored ones (scope as a whole)" });

const failureRef = obj({ componentId: str(), clusterId: str(), clusterName: str(), since: dateTime() }, ["componentId", "clusterId", "since"]);

export const SILENCE: Schema = obj(
  {
    id: str(),
    ...problem,
    scope,
    reason: str(),
    createdBy: str(),
    createdAt: dateTime(),
    updatedBy: str(),
    updatedAt: dateTime(),
    expiresAt: dateTime(),
    status: { type: "string", enum: ["active", "expired"] },
    matchingFailures: { type: "integer", minimum: 0, description: "Open failures it keeps out of headlines now" },
    recentMatches: { type: "array", items: failureRef, description: "Failures in its scope that began in its last day in force: look for regressions here" },
    etag,
  },
  ["id", "scope", "reason", "createdBy", "createdAt", "expiresAt", "status", "matchingFailures", "recentMatches", "etag"],
);

const target = {
  oneOf: [
    obj({ kind: { const: "failure" }, clusterId: str(), componentId: str() }, ["kind", "clusterId", "componentId"]),
    obj({ kind: { const: "incident" }, key: str("catalog:<id> or fingerprint:<fp>, as GET /api/incidents keys it") }, ["kind", "key"]),
  ],
};

export const ACK_CREATE: Schema = obj(
  {
    clusterId: str("With componentId: one open failure"),
    componentId: str("ARM id of the failing component (the cluster, an extension, a Flux configuration ...)"),
    incidentKey: str("Instead: a fleet-wide incident, catalog:<id> or fingerprint:<fp>"),
    note: str(undefined, { maxLength: 2000 }),
    ticketUrl: str("A link to the ticket", { format: "uri" }),
  },
  [],
  { additionalProperties: false },
);
export const ACK_CHANGE: Schema = obj({ note: { type: ["string", "null"], maxLength: 2000 }, ticketUrl: { type: ["string", "null"], format: "uri" } }, [], { additionalProperties: false, description: "null clears a field" });
export const ACK: Schema = obj(
  { id: str(), target, by: str(), at: dateTime(), note: str(), ticketUrl: str(), updatedBy: str(), updatedAt: dateTime(), status: { type: "string", enum: ["active", "ended"], description: "ended: what it covered resolved" }, etag },
  ["id", "target", "by", "at", "status", "etag"],
);

export const NOTE_CREATE: Schema = obj({ clusterId: str(), componentId: str(), text: str(undefined, { maxLength: 2000 }) }, ["clusterId", "text"], { additionalProperties: false });
export const NOTE: Schema = obj({ id: str(), clusterId: str(), componentId: str(), by: str(), at: dateTime(), text: str(), etag }, ["id", "clusterId", "by", "at", "text", "etag"]);

export const AUDIT_PAGE: Schema = obj(
  {
    items: {
      type: "array",
      items: obj(
        { id: str(), at: dateTime(), actor: str(), action: { type: "string", enum: ["create", "update", "delete"] }, kind: { type: "string", enum: ["silence", "ack", "note"] }, targetId: str(), before: { type: "object" }, after: { type: "object" } },
        ["id", "at", "actor", "action", "kind", "targetId"],
      ),
    },
    continuationToken: str(),
  },
  ["items"],
);
