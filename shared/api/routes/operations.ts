/**
 * Operators act on what they see: `/api/silences`, `/api/acknowledgements`, `/api/notes` (create,
 * list, change, delete; changes need the operator role) and `/api/audit` (every change: who, what,
 * when, before and after). See docs/operations.md.
 */
import {
  changedAcknowledgement,
  changedSilence,
  incidentKeyOf,
  inScope,
  isActive,
  isAckActive,
  newAcknowledgement,
  newNote,
  newSilence,
  recentUnderSilence,
  silenceStatus,
} from "../../operate";
import { normalizeId } from "../../core/model";
import { OPERATION_KINDS, type AckTarget } from "../../store/operations";
import { badParameter } from "../errors";
import { defineRoute } from "../http";
import { crudRoutes, httpEtag } from "../operations-crud";
import { openSubjects } from "../operations-view";
import type { AcknowledgementBody, NoteBody, SilenceBody } from "../schemas";
import { storePage } from "../paging";
import type { QuerySpec } from "../params";
import { TOKEN_PARAMETER } from "../token";

const CLUSTER_FILTER = { type: "string", maxLength: 512, description: "A cluster's ARM id" } as const;

export const silenceRoutes = crudRoutes({
  kind: "silence",
  collection: "silences",
  name: "silence",
  tag: "operations",
  summary: {
    collection: "Silences (GET: list; POST: create, operator role)",
    item: "One silence (GET; PATCH: change; DELETE: remove; operator role and If-Match)",
  },
  query: {
    status: { type: "enum", values: ["active", "expired"], description: "Only silences in force now, or only expired ones; default both" },
    catalogId: { type: "string", description: "Catalog entry id" },
  } satisfies QuerySpec,
  body: {
    create: { description: "What to silence, where, why and until when", schema: "SilenceCreate" },
    change: { description: "The fields to change", schema: "SilenceChange" },
  },
  schemas: { item: "Silence", list: "SilenceList", answer: "SilenceAnswer" },
  async list(records, { query }) {
    const now = new Date();
    return records
      .filter((s) => (!query.status || silenceStatus(s, now) === query.status) && (!query.catalogId || s.catalogId === query.catalogId))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
  },
  async create(body, who) {
    return newSilence(body, who);
  },
  change: changedSilence,
  async view(s, svc): Promise<SilenceBody> {
    const now = new Date();
    const open = openSubjects(await svc.view());
    const { etag: _e, ...silence } = s;
    const active = isActive(s, now);
    return {
      ...silence,
      status: silenceStatus(s, now),
      matchingFailures: active ? open.filter((f) => inScope(s, f)).length : 0,
      recentMatches: recentUnderSilence([s], open, now).map(({ failure: f }) => ({
        componentId: f.componentId,
        clusterId: f.clusterId,
        clusterName: f.clusterName,
        since: f.since,
      })),
      etag: httpEtag(s.etag),
    };
  },
});

export const acknowledgementRoutes = crudRoutes({
  kind: "ack",
  collection: "acknowledgements",
  name: "acknowledgement",
  tag: "operations",
  summary: {
    collection: "Acknowledgements of open failures and incidents (GET: list; POST: acknowledge, operator role)",
    item: "One acknowledgement (GET; PATCH: note and ticket link; DELETE; operator role and If-Match)",
  },
  query: {
    status: { type: "enum", values: ["active", "ended"], description: "active: what it covers is still open; ended: it resolved; default both" },
    clusterId: CLUSTER_FILTER,
  } satisfies QuerySpec,
  body: {
    create: { description: "The failure (clusterId and componentId) or incident (incidentKey), and an optional note and ticket link", schema: "AckCreate" },
    change: { description: "A new note or ticket link", schema: "AckChange" },
  },
  schemas: { item: "Acknowledgement", list: "AcknowledgementList", answer: "AcknowledgementAnswer" },
  async list(records, { query }, svc) {
    const open = openSubjects(await svc.view());
    const cluster = query.clusterId ? normalizeId(query.clusterId) : undefined;
    return records
      .filter((a) => !query.status || (isAckActive(a, open) ? "active" : "ended") === query.status)
      .filter(
        (a) =>
          !cluster ||
          (a.target.kind === "failure"
            ? a.target.clusterId === cluster
            : open.some((f) => f.clusterId === cluster && incidentKeyOf(f) === (a.target as { key: string }).key)),
      )
      .sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id));
  },
  async create(body, who, svc) {
    const open = openSubjects(await svc.view());
    const isOpen = (t: AckTarget) =>
      open.some((f) => (t.kind === "failure" ? f.componentId === t.componentId && f.clusterId === t.clusterId : incidentKeyOf(f) === t.key));
    return newAcknowledgement(body, who, isOpen);
  },
  change: changedAcknowledgement,
  async view(a, svc): Promise<AcknowledgementBody> {
    const { etag: _e, ...ack } = a;
    return { ...ack, status: isAckActive(a, openSubjects(await svc.view())) ? "active" : "ended", etag: httpEtag(a.etag) };
  },
});

export const noteRoutes = crudRoutes({
  kind: "note",
  collection: "notes",
  name: "note",
  tag: "operations",
  summary: {
    collection: "Notes on a cluster's timeline (GET: list, newest first; POST: add, operator role)",
    item: "One note (GET; DELETE: operator role and If-Match)",
  },
  query: { clusterId: CLUSTER_FILTER } satisfies QuerySpec,
  body: { create: { description: "The cluster, optionally the component, and the text", schema: "NoteCreate" } },
  schemas: { item: "Note", list: "NoteList", answer: "NoteAnswer" },
  async list(records, { query }) {
    const cluster = query.clusterId ? normalizeId(query.clusterId) : undefined;
    return records.filter((n) => !cluster || n.clusterId === cluster).sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id));
  },
  async create(body, who) {
    return newNote(body, who);
  },
  async view(n): Promise<NoteBody> {
    const { etag: _e, ...note } = n;
    return { ...note, etag: httpEtag(n.etag) };
  },
});

export const listAudit = defineRoute({
  name: "listAudit",
  route: "audit",
  tag: "operations",
  summary: "The audit trail: every change to silences, acknowledgements and notes (who, what, when, before and after), newest first",
  query: {
    kind: { type: "enum", values: OPERATION_KINDS, description: "silence, ack or note" },
    targetId: { type: "string", maxLength: 64, description: "The id of one silence, acknowledgement or note" },
    since: { type: "date", description: "Entries at or after: ISO 8601 or a duration back from now (7d)" },
    limit: { type: "integer", min: 1, max: 1000, default: 100, description: "Page size" },
    [TOKEN_PARAMETER]: { type: "string", maxLength: 2048, description: "From the previous page" },
  } satisfies QuerySpec,
  response: "AuditPage",
  async handle({ query, services }) {
    const { operations } = await services();
    if (query.targetId && !/^[0-9a-f-]{1,64}$/.test(query.targetId)) throw badParameter("targetId", "is not an id this API issued");
    const route = `audit:${query.kind ?? ""}:${query.targetId ?? ""}:${query.since?.toISOString() ?? ""}:${query.limit}`;
    const page = await storePage(
      route,
      query[TOKEN_PARAMETER],
      query.limit ?? 100,
      operations.listAudit({
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.targetId ? { targetId: query.targetId } : {}),
        ...(query.since ? { from: query.since } : {}),
      }),
    );
    return { body: page, headers: { "cache-control": "no-store" } };
  },
});

export const OPERATION_ROUTES = [...silenceRoutes, ...acknowledgementRoutes, ...noteRoutes, listAudit];
