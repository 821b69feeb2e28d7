/**
 * Records <-> table entities. Every field is mapped by name both ways, so the SDK's `etag`,
 * `timestamp` and `odata.*` keys never reach a caller, Int64 values come back as numbers (not
 * bigint, which JSON.stringify refuses) and dates as ISO strings.
 */
import { createHash } from "node:crypto";
import type { TableEntity } from "@azure/data-tables";
import type { Evidence } from "../core/model";
import type { ComponentRecord, SweepRecord, TransitionRecord } from "./types";

export type Entity = TableEntity<Record<string, unknown>>;

/** A string property holds at most 32K UTF-16 code units (64 KiB); stay a little under. */
export const PROPERTY_CHARS = 32_000;
/** Evidence of one row is kept whole up to this, well inside the 1 MiB entity and 4 MiB batch limits. */
export const EVIDENCE_CHARS = 300_000;
/** A message is one line for people; its full text stays in the evidence. */
export const MESSAGE_CHARS = 8_000;

/** Cuts `text` to at most `max` characters, ending with a marker naming the full length and its SHA-256. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = `…[truncated from ${text.length} chars; sha256:${createHash("sha256").update(text).digest("hex")}]`;
  return cutAt(text, Math.max(0, max - marker.length)) + marker;
}

/** A prefix of at most `length` code units that never splits a surrogate pair. */
function cutAt(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

/** Stores `text` under `name`, `name_1`, `name_2` ... so no property exceeds the Table limit. */
export function putText(entity: Entity, name: string, text: string): void {
  let rest = text;
  for (let part = 0; part === 0 || rest.length > 0; part++) {
    const chunk = cutAt(rest, Math.min(PROPERTY_CHARS, rest.length));
    entity[part === 0 ? name : `${name}_${part}`] = chunk;
    rest = rest.slice(chunk.length);
  }
}

export function getText(entity: Record<string, unknown>, name: string): string | undefined {
  if (typeof entity[name] !== "string") return undefined;
  let text = entity[name] as string;
  for (let part = 1; typeof entity[`${name}_${part}`] === "string"; part++) text += entity[`${name}_${part}`] as string;
  return text;
}

/**
 * Evidence that fits the row budget is kept whole; otherwise the longest values are truncated (with
 * the marker and hash) until it fits. Never throws, so a huge message can never fail a write.
 */
export function fitEvidence(evidence: Evidence[], budget = EVIDENCE_CHARS): Evidence[] {
  let fitted = evidence.map((e) => ({ ...e }));
  let size = JSON.stringify(fitted).length;
  while (size > budget) {
    const longest = fitted.reduce((a, b) => (b.value.length > a.value.length ? b : a));
    const excess = size - budget;
    // A marker is ~110 characters; cut deeper so one pass is enough.
    const target = Math.max(200, Math.floor(longest.value.length - excess - 200));
    if (longest.value.length <= target) {
      fitted = fitted.slice(0, -1); // only possible with thousands of tiny items: drop the last
    } else longest.value = truncateText(longest.value, target);
    size = JSON.stringify(fitted).length;
  }
  return fitted;
}

export function int64(value: number): { value: string; type: "Int64" } {
  return { value: String(Math.round(value)), type: "Int64" };
}

function num(value: unknown): number | undefined {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

function date(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return undefined;
}

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const json = <T>(entity: Record<string, unknown>, name: string, fallback: T): T => {
  const text = getText(entity, name);
  return text === undefined ? fallback : (JSON.parse(text) as T);
};

/** Adds only the defined values, so `undefined` never turns into a stored property. */
function defined(target: Record<string, unknown>, values: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null) target[k] = v;
}

/** The stored part of a component record; `lastSeen*` come from the manifest at read time. */
export type StoredComponent = Omit<ComponentRecord, "lastSeenAt" | "lastSeenSweepId">;

/**
 * Components and transitions are stored as one JSON document (`doc`, split over `doc_1` ... when
 * long) plus the few columns queries filter on. Azurite and Azure both serve one string property
 * much faster than twenty typed ones (3,000 rows: 160 ms instead of 490 ms on Azurite), and timelines
 * and fleet views read many rows.
 */
const DOC = "doc";

function document(entity: Entity, value: object): Entity {
  putText(entity, DOC, JSON.stringify(value));
  return entity;
}

function fromDocument<T>(entity: Record<string, unknown>): T {
  const text = getText(entity, DOC);
  if (text === undefined) throw new Error(`row ${String(entity.partitionKey)}/${String(entity.rowKey)} has no ${DOC} property`);
  return JSON.parse(text) as T;
}

/** Known fields only, in a fixed order: whatever else a row holds never reaches a caller. */
function pick<T extends object>(value: Record<string, unknown>, fields: ReadonlyArray<keyof T>): T {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (value[f as string] !== undefined) out[f as string] = value[f as string];
  return out as T;
}

const COMPONENT_FIELDS: ReadonlyArray<keyof StoredComponent> = [
  "id",
  "clusterId",
  "clusterName",
  "clusterKind",
  "subscriptionId",
  "resourceGroup",
  "kind",
  "name",
  "extensionType",
  "parentId",
  "state",
  "reason",
  "message",
  "evidence",
  "catalogId",
  "confidence",
  "fingerprint",
  "firstSeenFailingAt",
  "lastTransitionAt",
  "dark",
  "darkSince",
  "facts",
  "armId",
  "location",
  "tags",
];

const TRANSITION_FIELDS: ReadonlyArray<keyof TransitionRecord> = [
  "id",
  "at",
  "sweepId",
  "event",
  "componentId",
  "componentKind",
  "componentName",
  "clusterId",
  "clusterName",
  "subscriptionId",
  "extensionType",
  "from",
  "to",
  "reason",
  "message",
  "catalogId",
  "fingerprint",
  "previousDurationMs",
  "endedCatalogId",
  "failureDurationMs",
];

export function componentEntity(partitionKey: string, rowKey: string, record: StoredComponent): Entity {
  const entity: Entity = { partitionKey, rowKey };
  // The columns listComponents filters on and retention selects.
  defined(entity, {
    state: record.state,
    kind: record.kind,
    catalogId: record.catalogId,
    extensionType: record.extensionType,
    subscriptionId: record.subscriptionId,
    firstSeenFailingAt: record.firstSeenFailingAt ? new Date(record.firstSeenFailingAt) : undefined,
  });
  return document(entity, {
    ...pick<StoredComponent>(record as unknown as Record<string, unknown>, COMPONENT_FIELDS),
    message: truncateText(record.message, MESSAGE_CHARS),
    evidence: fitEvidence(record.evidence),
  });
}

export function componentFromEntity(entity: Record<string, unknown>): StoredComponent {
  const record = pick<StoredComponent>(fromDocument(entity), COMPONENT_FIELDS);
  return { ...record, catalogId: record.catalogId ?? null, evidence: record.evidence ?? [] };
}

export function transitionEntity(partitionKey: string, rowKey: string, t: TransitionRecord): Entity {
  const entity: Entity = { partitionKey, rowKey };
  defined(entity, { extensionType: t.extensionType });
  return document(entity, {
    ...pick<TransitionRecord>(t as unknown as Record<string, unknown>, TRANSITION_FIELDS),
    message: truncateText(t.message, MESSAGE_CHARS),
  });
}

export function transitionFromEntity(entity: Record<string, unknown>): TransitionRecord {
  return transitionFromDocument(transitionDocument(entity));
}

/** A transition row's stored document, as packs keep it (see packs.ts). */
export function transitionDocument(entity: Record<string, unknown>): Record<string, unknown> {
  return fromDocument(entity);
}

export function transitionFromDocument(document: Record<string, unknown>): TransitionRecord {
  const record = pick<TransitionRecord>(document, TRANSITION_FIELDS);
  return { ...record, from: record.from ?? null, catalogId: record.catalogId ?? null };
}

export function sweepEntity(partitionKey: string, rowKey: string, s: SweepRecord): Entity {
  const entity: Entity = {
    partitionKey,
    rowKey,
    sweepId: s.sweepId,
    startedAt: new Date(s.startedAt),
    finishedAt: new Date(s.finishedAt),
    durationMs: int64(s.durationMs),
    partial: s.partial,
    clusters: s.clusters,
    components: s.components,
    armRequests: s.armRequests,
    tableOperations: s.tableOperations,
    transitions: s.transitions,
    byState: JSON.stringify(s.byState),
  };
  putText(entity, "scopes", JSON.stringify(s.scopes));
  putText(entity, "partialScopes", JSON.stringify(s.partialScopes.map((e) => ({ ...e, message: truncateText(e.message, MESSAGE_CHARS) }))));
  if (s.subscriptionNames) putText(entity, "subscriptionNames", JSON.stringify(s.subscriptionNames));
  return entity;
}

export function sweepFromEntity(entity: Record<string, unknown>): SweepRecord {
  return {
    sweepId: str(entity.sweepId) ?? "",
    startedAt: date(entity.startedAt) ?? "",
    finishedAt: date(entity.finishedAt) ?? "",
    durationMs: num(entity.durationMs) ?? 0,
    scopes: json<string[]>(entity, "scopes", []),
    partial: entity.partial === true,
    partialScopes: json(entity, "partialScopes", []),
    clusters: num(entity.clusters) ?? 0,
    components: num(entity.components) ?? 0,
    byState: json(entity, "byState", { healthy: 0, pending: 0, degraded: 0, unknown: 0, failing: 0 }),
    armRequests: num(entity.armRequests) ?? 0,
    tableOperations: num(entity.tableOperations) ?? 0,
    transitions: num(entity.transitions) ?? 0,
    ...(getText(entity, "subscriptionNames") !== undefined ? { subscriptionNames: json<Record<string, string>>(entity, "subscriptionNames", {}) } : {}),
  };
}
