/**
 * The operator resources' shapes (silences, acknowledgements, notes, the audit trail), re-exported by
 * ./schemas.ts: routes name them, the document serves them, handlers' views are typed by them. The
 * bodies' rules (ids, patterns, expiry) are checked in shared/operate, which names the field at fault.
 */
import { Type, type Static, type TSchema } from "@sinclair/typebox";
import { count, dateTime, itemsOf, named, nullable, oneOf, opt, page, str } from "./schema-kit";

const etag = str("The version; send it back in If-Match to change or delete");

const scopeFields = {
  extensionType: opt(str("Extension type, e.g. microsoft.flux")),
  subscriptionId: opt(str("Subscription id (GUID)")),
  resourceGroup: opt(str("Resource group name (case-insensitive)")),
  clusterId: opt(str("Cluster ARM id")),
};
const scopeDescription = "Every scope given must hold; none: the whole fleet";
const SilenceScopeInput = Type.Object(
  { ...scopeFields, tag: opt(str("A cluster tag as key=value (key case-insensitive, value exact)")) },
  { additionalProperties: false, description: scopeDescription },
);
/** As stored and shown: the tag split into its key and value. */
const SilenceScope = Type.Object({ ...scopeFields, tag: opt(Type.Object({ key: str(), value: str() })) }, { description: scopeDescription });

const problem = {
  catalogId: opt(str("A catalog entry id (GET /api/catalog)")),
  fingerprint: opt(str("The fingerprint of an unclassified failure (GET /api/incidents)")),
};

export const SilenceCreate = named(
  "SilenceCreate",
  Type.Object(
    {
      ...problem,
      scope: opt(SilenceScopeInput),
      reason: Type.String({ description: "Why; shown wherever the failure is", maxLength: 1000 }),
      expiresAt: dateTime("In force until (exclusive); at most 90 days ahead"),
    },
    { additionalProperties: false, description: "Exactly one of catalogId and fingerprint" },
  ),
);
export const SilenceChange = named(
  "SilenceChange",
  Type.Object(
    { ...problem, scope: opt(SilenceScopeInput), reason: opt(Type.String({ maxLength: 1000 })), expiresAt: opt(dateTime("At most 90 days from the change")) },
    { additionalProperties: false, description: "The fields given replace the stored ones (scope as a whole)" },
  ),
);

const FailureRef = Type.Object({ componentId: str(), clusterId: str(), clusterName: opt(str()), since: dateTime() });

export const Silence = named(
  "Silence",
  Type.Object({
    id: str(),
    ...problem,
    scope: SilenceScope,
    reason: str(),
    createdBy: str(),
    createdAt: dateTime(),
    updatedBy: opt(str()),
    updatedAt: opt(dateTime()),
    expiresAt: dateTime(),
    status: oneOf(["active", "expired"] as const),
    matchingFailures: count("Open failures it keeps out of headlines now"),
    recentMatches: Type.Array(FailureRef, { description: "Failures in its scope that began in its last day in force: look for regressions here" }),
    etag,
  }),
);

const AckTarget = Type.Union([
  Type.Object({ kind: Type.Literal("failure"), clusterId: str(), componentId: str() }),
  Type.Object({ kind: Type.Literal("incident"), key: str("catalog:<id> or fingerprint:<fp>, as GET /api/incidents keys it") }),
]);

export const AckCreate = named(
  "AckCreate",
  Type.Object(
    {
      clusterId: opt(str("With componentId: one open failure")),
      componentId: opt(str("ARM id of the failing component (the cluster, an extension, a Flux configuration ...)")),
      incidentKey: opt(str("Instead: a fleet-wide incident, catalog:<id> or fingerprint:<fp>")),
      note: opt(Type.String({ maxLength: 2000 })),
      ticketUrl: opt(Type.String({ description: "A link to the ticket", format: "uri" })),
    },
    { additionalProperties: false },
  ),
);
export const AckChange = named(
  "AckChange",
  Type.Object(
    { note: opt(nullable(Type.String({ maxLength: 2000 }))), ticketUrl: opt(nullable(Type.String({ format: "uri" }))) },
    { additionalProperties: false, description: "null clears a field" },
  ),
);
export const Acknowledgement = named(
  "Acknowledgement",
  Type.Object({
    id: str(),
    target: AckTarget,
    by: str(),
    at: dateTime(),
    note: opt(str()),
    ticketUrl: opt(str()),
    updatedBy: opt(str()),
    updatedAt: opt(dateTime()),
    status: Type.Union([Type.Literal("active"), Type.Literal("ended")], { description: "ended: what it covered resolved" }),
    etag,
  }),
);

export const NoteCreate = named(
  "NoteCreate",
  Type.Object({ clusterId: str(), componentId: opt(str()), text: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
);
export const Note = named("Note", Type.Object({ id: str(), clusterId: str(), componentId: opt(str()), by: str(), at: dateTime(), text: str(), etag }));

const AuditEntry = Type.Object({
  id: str(),
  at: dateTime(),
  actor: str(),
  action: oneOf(["create", "update", "delete"] as const),
  kind: oneOf(["silence", "ack", "note"] as const),
  targetId: str(),
  before: opt(Type.Unknown({ type: "object", description: "The record before the change" })),
  after: opt(Type.Unknown({ type: "object", description: "The record after the change" })),
});
export const AuditPage = page(AuditEntry);

/** What an item route answers: the item (GET, PATCH), or the record as it was stored (DELETE). */
const itemOrDeleted = <T extends TSchema>(item: T) =>
  Type.Union([item, Type.Object({ deleted: Type.Unknown({ type: "object", description: "The record as it was stored" }) })]);
export const SilenceList = itemsOf(Silence);
export const SilenceAnswer = itemOrDeleted(Silence);
export const AcknowledgementList = itemsOf(Acknowledgement);
export const AcknowledgementAnswer = itemOrDeleted(Acknowledgement);
export const NoteList = itemsOf(Note);
export const NoteAnswer = itemOrDeleted(Note);

export type SilenceBody = Static<typeof Silence>;
export type AcknowledgementBody = Static<typeof Acknowledgement>;
export type NoteBody = Static<typeof Note>;
