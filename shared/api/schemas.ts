/**
 * Every request and response shape of the API, defined once with TypeBox: each definition is a JSON
 * Schema (OpenAPI 3.1 dialect) at run time, so the document serves it as is, and a TypeScript type
 * through `Static`, so the handlers that build the bodies are checked against it. Request bodies are
 * validated against the same definitions (see ./body.ts). The catalog's, the digests' and the operator
 * resources' shapes live in ./schemas-*.ts and are re-exported here, so routes name any of them alike.
 *
 * Routes name their schemas (`response: "ClusterPage"`) and import this module only as a type, so
 * TypeBox is loaded by the first request that needs it (the document, a classify body), not by the
 * Functions entry point that every cold start imports.
 */
import { Type, type Static } from "@sinclair/typebox";
import { COMPONENT_KINDS, HEALTH_STATES } from "../core/model";
import { TRANSITION_EVENTS } from "../store/types";
import { clusterKind, count, dateTime, itemsOf, map, named, nullable, oneOf, opt, page, str } from "./schema-kit";
import { Remedy } from "./schemas-catalog";
import { Episode, TimelineNote } from "./schemas-timeline";

export { SCHEMAS } from "./schema-kit";
export * from "./schemas-catalog";
export * from "./schemas-digest";
export * from "./schemas-operations";
export * from "./schemas-timeline";

export const ErrorBody = named(
  "Error",
  Type.Object({ error: Type.Object({ code: str(), message: str(), parameter: opt(str("The query or path parameter, header or body field at fault")) }) }),
);

const state = oneOf(HEALTH_STATES);
export const StateCounts = named(
  "StateCounts",
  Type.Object(Object.fromEntries(HEALTH_STATES.map((s) => [s, count()])) as Record<(typeof HEALTH_STATES)[number], ReturnType<typeof count>>),
);
const Counted = named("Counted", Type.Object({ total: count(), byState: StateCounts }));

export const SweepBrief = named("SweepBrief", Type.Object({ sweepId: str(), startedAt: dateTime(), finishedAt: dateTime(), partial: Type.Boolean() }));
export const ScopeError = named("ScopeError", Type.Object({ scope: str(), code: str(), message: str() }));

/** Links to the same data elsewhere: this API, the Azure portal and Resource Graph Explorer. */
export const Links = named(
  "Links",
  Type.Object({
    portalUrl: str("The resource in the Azure portal"),
    resourceGraphUrl: str("Resource Graph Explorer with the query that returns the same Azure data"),
  }),
);

export const Summary = named(
  "Summary",
  Type.Object({
    latestSweep: nullable(SweepBrief),
    lastCompleteSweep: nullable(SweepBrief),
    partial: Type.Boolean(),
    partialScopes: Type.Array(ScopeError),
    clusters: Type.Object({
      total: count(),
      byState: StateCounts,
      byKind: Type.Object({ arc: Counted, aks: Counted }),
      bySubscription: map(
        Type.Object({ total: count(), byState: StateCounts, name: opt(str("Display name, from Resource Graph's resourcecontainers table")) }),
        "By subscription id (lower case)",
      ),
      dark: count("Arc clusters not read in the latest sweeps (offline or expired); their state is the last one known"),
    }),
    components: Type.Object({ total: count(), byState: StateCounts }),
    failures: Type.Object({ open: count(), byCatalogId: map(count()), byCategory: map(count()), unclassified: count() }),
    extensions: map(Counted, "By extension type (lower case)"),
  }),
);

const clusterFields = {
  id: str("Canonical (lower-case) ARM id; the store's key"),
  armId: str("The ARM id in Azure's own casing"),
  name: str(),
  kind: clusterKind,
  subscriptionId: str("Lower case"),
  subscriptionName: opt(str("Display name, from Resource Graph's resourcecontainers table")),
  resourceGroup: str(),
  location: opt(str("Azure region")),
  tags: opt(map(Type.String(), "Azure resource tags")),
  state,
  lastSeenAt: dateTime(),
  dark: Type.Boolean(),
  links: Links,
};

export const ClusterRow = named(
  "ClusterRow",
  Type.Object({
    ...clusterFields,
    components: count(),
    openFailures: count("Components failing or degraded"),
    extensionTypes: Type.Array(Type.String()),
    catalogIds: Type.Array(Type.String(), { description: "Catalog entries of the open failures" }),
    failingSince: opt(dateTime("Earliest start of a failure episode still open on the cluster")),
    href: str("This cluster in the API"),
  }),
);

export const Evidence = named("Evidence", Type.Object({ field: str(), value: str(), code: opt(str()) }));

export const FluxDetail = named(
  "FluxDetail",
  Type.Object({
    sourceKind: opt(str("GitRepository, Bucket, AzureBlob or OCIRepository")),
    sourceUrl: opt(str("The source's URL (gitRepository.url, bucket.url, azureBlob.url or ociRepository.url), without user information")),
    revisionApplied: opt(str("sourceSyncedCommitId: branch and/or SHA of the source commit synced with the cluster")),
    sourceUpdatedAt: opt(dateTime()),
    suspended: Type.Boolean(),
  }),
);

/** A judgement in Flux's condition style: state, reason code, one readable line. */
const condition = { state, reason: str("A stable reason code in PascalCase"), message: str() };

export const Component = named(
  "Component",
  Type.Object({
    id: str("Canonical (lower-case) ARM id; a Flux object's id is its configuration's id with /statuses/<kind>/<namespace>/<name>"),
    armId: str("The id in Azure's own casing"),
    kind: oneOf(COMPONENT_KINDS),
    name: str(),
    extensionType: opt(str()),
    parentId: opt(str()),
    ...condition,
    evidence: Type.Array(Evidence),
    catalogId: nullable(Type.String()),
    confidence: opt(Type.Number()),
    fingerprint: opt(str()),
    firstSeenFailingAt: opt(dateTime()),
    lastTransitionAt: dateTime(),
    lastSeenAt: dateTime(),
    dark: opt(Type.Boolean()),
    darkSince: opt(dateTime()),
    facts: opt(map(Type.String(), "Selected raw values as Azure sent them, by property path")),
    flux: opt(FluxDetail),
    links: Links,
  }),
);

/** Markers of the operator records that cover a failure or incident (see docs/operations.md). */
export const SilenceMarker = named(
  "SilenceMarker",
  Type.Object({ id: str(), reason: str(), by: str(), until: dateTime() }, { description: "A silence in force covers it: listed, but kept out of headlines" }),
);
export const AckMarker = named(
  "AckMarker",
  Type.Object({ id: str(), by: str(), since: dateTime(), note: opt(str()), ticketUrl: opt(str()) }, { description: "Someone is on it" }),
);

export const OpenFailure = named(
  "OpenFailure",
  Type.Object({
    componentId: str(),
    componentArmId: str(),
    componentName: str(),
    componentKind: oneOf(COMPONENT_KINDS),
    clusterId: str(),
    clusterArmId: str(),
    clusterName: str(),
    subscriptionId: str(),
    subscriptionName: opt(str()),
    extensionType: opt(str()),
    ...condition,
    since: opt(dateTime()),
    catalogId: nullable(Type.String()),
    fingerprint: opt(str()),
    entry: nullable(Remedy),
    links: Links,
    silenced: opt(SilenceMarker),
    acknowledged: opt(AckMarker),
  }),
);

export const ClusterDetail = named(
  "ClusterDetail",
  Type.Object({ ...clusterFields, components: Type.Array(Component), openFailures: Type.Array(OpenFailure) }),
);

export const Transition = named(
  "Transition",
  Type.Object({
    id: str(),
    at: dateTime(),
    sweepId: str(),
    event: oneOf(TRANSITION_EVENTS),
    componentId: str(),
    componentKind: oneOf(COMPONENT_KINDS),
    componentName: str(),
    clusterId: str(),
    clusterName: str(),
    subscriptionId: str(),
    extensionType: opt(str()),
    from: nullable(state),
    to: Type.Union([state, Type.Literal("deleted")]),
    reason: str(),
    message: str(),
    catalogId: nullable(Type.String()),
    fingerprint: opt(str()),
    previousDurationMs: opt(count("How long the state this transition ends lasted")),
    endedCatalogId: opt(nullable(Type.String())),
    failureDurationMs: opt(count()),
  }),
);

export const ClusterHistory = named(
  "ClusterHistory",
  Type.Object({
    clusterId: str(),
    from: nullable(dateTime()),
    to: nullable(dateTime()),
    transitions: Type.Array(Transition),
    episodes: Type.Array(Episode),
    notes: Type.Array(TimelineNote),
  }),
);

export const ResolvedFailure = named(
  "ResolvedFailure",
  Type.Object({
    componentId: str(),
    componentName: str(),
    componentKind: oneOf(COMPONENT_KINDS),
    clusterId: str(),
    clusterName: str(),
    subscriptionId: str(),
    extensionType: opt(str()),
    recoveredAt: dateTime(),
    catalogId: nullable(Type.String()),
    timeToRecoverMs: opt(count()),
  }),
);

export const Incident = named(
  "Incident",
  Type.Object({
    key: str("`catalog:<id>`, `fingerprint:<fingerprint>` or `reason:<kind>:<reason>`"),
    catalogId: nullable(Type.String()),
    fingerprint: opt(str()),
    title: str(),
    category: opt(str()),
    severity: opt(str()),
    clusterCount: count(),
    componentCount: count(),
    firstSeenAt: dateTime(),
    extensionTypes: Type.Array(Type.String()),
    sampleMessage: str(),
    sampleClusters: Type.Array(Type.String()),
    acknowledged: opt(AckMarker),
  }),
);

export const Sweep = named(
  "Sweep",
  Type.Object({
    sweepId: str(),
    startedAt: dateTime(),
    finishedAt: dateTime(),
    durationMs: count(),
    scopes: Type.Array(Type.String(), { description: "The scopes asked for; empty means every scope the identity can read" }),
    partial: Type.Boolean(),
    partialScopes: Type.Array(ScopeError),
    clusters: count(),
    components: count(),
    byState: StateCounts,
    armRequests: count(),
    tableOperations: count(),
    transitions: count(),
    subscriptionNames: opt(map(Type.String(), "Display names of the subscriptions read, by lower-case id")),
  }),
);

export const Health = named("Health", Type.Object({ status: Type.Literal("ok"), time: dateTime() }));
export const OpenApi = named("OpenApi", Type.Object({}, { description: "This document" }));

/** Whole response bodies that are not components of their own, named so routes can refer to them. */
export const ClusterPage = page(ClusterRow);
export const FailurePage = Type.Union([page(OpenFailure), page(ResolvedFailure)]);
export const IncidentList = itemsOf(Incident);
export const SweepPage = page(Sweep);

export type ClusterRowBody = Static<typeof ClusterRow>;
export type ClusterDetailBody = Static<typeof ClusterDetail>;
export type ComponentBody = Static<typeof Component>;
export type OpenFailureBody = Static<typeof OpenFailure>;
export type LinksBody = Static<typeof Links>;
export type FluxDetailBody = Static<typeof FluxDetail>;
export type SummaryBody = Static<typeof Summary>;
export type IncidentBody = Static<typeof Incident>;
