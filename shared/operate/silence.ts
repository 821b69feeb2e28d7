/**
 * Silences: "we know, this is expected until ...". A silence names one problem (a catalog entry, or
 * the fingerprint of an unclassified failure), optionally narrowed by scope, and is in force from its
 * creation until `expiresAt` (exclusive). A silenced failure is still recorded and shown, marked; it
 * only leaves digest headlines. Everything here is pure.
 */
import { getEntry } from "../catalog";
import type { Silence, SilenceScope } from "../store/operations";
import { clusterIdField, instant, objectOf, OperateInputError, subscriptionField, text, type Json } from "./input";

/** The longest a silence may last: a forgotten silence must come back on its own. */
export const MAX_SILENCE_MS = 90 * 86_400_000;
/** How far back `recentUnderSilence` looks: a silence's last day in force. */
export const LAST_DAY_MS = 86_400_000;

/** What a silence is matched against: one failing component, with where it lives. */
export interface FailureSubject {
  componentId: string;
  clusterId: string;
  subscriptionId: string;
  resourceGroup: string;
  extensionType?: string;
  catalogId: string | null;
  fingerprint?: string;
  /** When the failure episode began. */
  since: string;
  /** The cluster's tags, when known; a tag-scoped silence never matches a failure whose tags are unknown. */
  tags?: Record<string, string>;
}

const SILENCE_FIELDS = ["catalogId", "fingerprint", "scope", "reason", "expiresAt"] as const;
const SCOPE_FIELDS = ["extensionType", "subscriptionId", "resourceGroup", "clusterId", "tag"];
const TAG = /^([^=]{1,512})=(.{0,256})$/s;

export const REASON_MAX = 1000;

function scopeOf(value: unknown): SilenceScope {
  if (value === undefined || value === null) return {};
  const body = objectOf(value, SCOPE_FIELDS, "scope");
  const extensionType = text(body, "extensionType", 200, { label: "scope.extensionType", pattern: /^[A-Za-z0-9.\-_]+$/ })?.toLowerCase();
  const subscriptionId = subscriptionField(body, "subscriptionId", "scope.subscriptionId");
  const resourceGroup = text(body, "resourceGroup", 90, { label: "scope.resourceGroup", pattern: /^[-\w._()]+$/ });
  const clusterId = clusterIdField(body, "clusterId", { label: "scope.clusterId" });
  const rawTag = text(body, "tag", 770, { label: "scope.tag" });
  let tag: SilenceScope["tag"];
  if (rawTag !== undefined) {
    const m = TAG.exec(rawTag);
    if (!m) throw new OperateInputError("scope.tag", "expected key=value");
    tag = { key: m[1].trim(), value: m[2].trim() };
  }
  if (clusterId && subscriptionId && !clusterId.startsWith(`/subscriptions/${subscriptionId}/`))
    throw new OperateInputError("scope.clusterId", "is not in scope.subscriptionId");
  return {
    ...(extensionType ? { extensionType } : {}),
    ...(subscriptionId ? { subscriptionId } : {}),
    ...(resourceGroup ? { resourceGroup } : {}),
    ...(clusterId ? { clusterId } : {}),
    ...(tag ? { tag } : {}),
  };
}

function expiryOf(body: Json, now: Date): string {
  const expiresAt = instant(body, "expiresAt", { required: true })!;
  if (expiresAt.getTime() <= now.getTime()) throw new OperateInputError("expiresAt", "is not in the future");
  if (expiresAt.getTime() - now.getTime() > MAX_SILENCE_MS)
    throw new OperateInputError("expiresAt", `is more than 90 days ahead (at most ${new Date(now.getTime() + MAX_SILENCE_MS).toISOString()})`);
  return expiresAt.toISOString();
}

function problemOf(body: Json): Pick<Silence, "catalogId" | "fingerprint"> {
  const catalogId = text(body, "catalogId", 100);
  const fingerprint = text(body, "fingerprint", 300);
  if (!catalogId === !fingerprint)
    throw new OperateInputError(
      catalogId ? "fingerprint" : "catalogId",
      "give exactly one of catalogId (a catalog entry) and fingerprint (an unclassified failure)",
    );
  if (catalogId && !getEntry(catalogId))
    throw new OperateInputError("catalogId", `"${catalogId}" is not an entry of the catalog (GET /api/catalog lists them)`);
  return catalogId ? { catalogId } : { fingerprint: fingerprint! };
}

/** A new silence from a request body; `id`, who and when come from the caller, not the body. */
export function newSilence(body: unknown, who: { id: string; by: string; now: Date }): Silence {
  const input = objectOf(body, SILENCE_FIELDS);
  return {
    id: who.id,
    ...problemOf(input),
    scope: scopeOf(input.scope),
    reason: text(input, "reason", REASON_MAX, { required: true })!,
    createdBy: who.by,
    createdAt: who.now.toISOString(),
    expiresAt: expiryOf(input, who.now),
  };
}

/**
 * A changed silence: the fields given replace the stored ones (`scope` as a whole). A new expiry is
 * again at most 90 days from now, so a silence is extended on purpose, never forever.
 */
export function changedSilence(stored: Silence, body: unknown, who: { by: string; now: Date }): Silence {
  const input = objectOf(body, SILENCE_FIELDS);
  const problem =
    input.catalogId !== undefined || input.fingerprint !== undefined
      ? problemOf(input)
      : { ...(stored.catalogId ? { catalogId: stored.catalogId } : { fingerprint: stored.fingerprint }) };
  const { catalogId: _c, fingerprint: _f, ...rest } = stored;
  return {
    ...rest,
    ...problem,
    ...(input.scope !== undefined ? { scope: scopeOf(input.scope) } : {}),
    ...(input.reason !== undefined ? { reason: text(input, "reason", REASON_MAX, { required: true })! } : {}),
    ...(input.expiresAt !== undefined ? { expiresAt: expiryOf(input, who.now) } : {}),
    updatedBy: who.by,
    updatedAt: who.now.toISOString(),
  };
}

/** In force at `now`: from its creation (inclusive) to its expiry (exclusive). */
export function isActive(silence: Pick<Silence, "createdAt" | "expiresAt">, now: Date): boolean {
  const t = now.toISOString();
  return silence.createdAt <= t && t < silence.expiresAt;
}

/** The failure is the silence's problem and inside every scope the silence names. */
export function inScope(silence: Silence, failure: FailureSubject): boolean {
  if (silence.catalogId ? failure.catalogId !== silence.catalogId : !failure.fingerprint || failure.fingerprint !== silence.fingerprint) return false;
  const s = silence.scope;
  if (s.extensionType && failure.extensionType?.toLowerCase() !== s.extensionType) return false;
  if (s.subscriptionId && failure.subscriptionId.toLowerCase() !== s.subscriptionId) return false;
  if (s.resourceGroup && failure.resourceGroup.toLowerCase() !== s.resourceGroup.toLowerCase()) return false;
  if (s.clusterId && failure.clusterId.toLowerCase() !== s.clusterId) return false;
  if (s.tag) {
    const key = s.tag.key.toLowerCase();
    const found = Object.entries(failure.tags ?? {}).find(([k]) => k.toLowerCase() === key);
    if (!found || found[1] !== s.tag.value) return false;
  }
  return true;
}

/** The silence that keeps this failure out of the headlines now: the one in force longest (stable). */
export function silenceFor(silences: readonly Silence[], failure: FailureSubject, now: Date): Silence | undefined {
  let best: Silence | undefined;
  for (const s of silences) {
    if (!isActive(s, now) || !inScope(s, failure)) continue;
    if (!best || s.expiresAt > best.expiresAt || (s.expiresAt === best.expiresAt && s.id < best.id)) best = s;
  }
  return best;
}

/** `active` until the expiry, `expired` from it on. */
export function silenceStatus(silence: Silence, now: Date): "active" | "expired" {
  return now.toISOString() < silence.expiresAt ? "active" : "expired";
}

/**
 * New failures a silence matched in its last day in force, so a silence does not hide regressions:
 * for each silence, the failures in its scope whose episode began in the day before it ended (or
 * before now, while it is in force) and after it was created. Sorted newest first.
 */
export function recentUnderSilence<F extends FailureSubject>(
  silences: readonly Silence[],
  failures: readonly F[],
  now: Date,
  dayMs = LAST_DAY_MS,
): Array<{ silence: Silence; failure: F }> {
  const out: Array<{ silence: Silence; failure: F }> = [];
  for (const silence of silences) {
    const end = Math.min(now.getTime(), Date.parse(silence.expiresAt));
    const start = Math.max(Date.parse(silence.createdAt), end - dayMs);
    if (end <= start) continue;
    for (const failure of failures) {
      const began = Date.parse(failure.since);
      if (began >= start && began < end && inScope(silence, failure)) out.push({ silence, failure });
    }
  }
  return out.sort((a, b) => b.failure.since.localeCompare(a.failure.since) || a.failure.componentId.localeCompare(b.failure.componentId));
}

/** A silence that expired before `cutoff` is history the retention run removes. */
export function silenceExpiredBefore(silence: Silence, cutoff: Date): boolean {
  return silence.expiresAt < cutoff.toISOString();
}
