/**
 * Composes what a digest says (shapes in ./types.ts) from the history: new, still-failing and recovered
 * failures, fleet-wide incidents, the top catalog entries with their fix, unclassified failures by
 * fingerprint, and the coverage that tells a quiet digest from a blind one. Pure: the store reads live
 * in ./build.ts.
 */
import type { Severity } from "../catalog/types";
import type { ComponentRecord, TransitionRecord } from "../store/types";
import { digestId } from "./window";
import {
  type CatalogLookup,
  DEFAULT_LIMITS,
  type Digest,
  type DigestCoverage,
  type DigestInput,
  type DigestLimits,
  type FailureItem,
  type DigestList,
  type DigestTotals,
  type ProblemGroup,
  type RecoveryItem,
} from "./types";

export * from "./types";

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const FAILURE_STATES: ReadonlySet<string> = new Set(["failing", "degraded"]);

export function isFailureState(state: string): boolean {
  return FAILURE_STATES.has(state);
}

/** Cuts text to `max` characters with a visible marker, on one line. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

function problemKey(catalogId: string | null, fingerprint: string | undefined, reason: string): string {
  if (catalogId) return `catalog:${catalogId}`;
  return `fingerprint:${fingerprint || reason}`;
}

function severityRank(severity: Severity | undefined): number {
  return severity ? SEVERITY_RANK[severity] : 4;
}

export function toFailureItem(c: ComponentRecord, now: Date, lookup: CatalogLookup, limits: DigestLimits): FailureItem {
  const since = c.firstSeenFailingAt ?? c.lastTransitionAt;
  const entry = c.catalogId ? lookup(c.catalogId) : undefined;
  return {
    componentId: c.id,
    componentName: c.name,
    kind: c.kind,
    ...(c.extensionType ? { extensionType: c.extensionType } : {}),
    clusterId: c.clusterId,
    clusterName: c.clusterName,
    subscriptionId: c.subscriptionId,
    state: c.state,
    reason: c.reason,
    message: clip(c.message, limits.maxMessageChars),
    catalogId: c.catalogId,
    title: entry?.title ?? c.catalogId ?? c.reason,
    ...(entry?.severity ? { severity: entry.severity } : {}),
    ...(c.fingerprint ? { fingerprint: c.fingerprint } : {}),
    since,
    ageMs: Math.max(0, now.getTime() - Date.parse(since)),
  };
}

/** Most severe first, then the oldest, then by name so output is stable. */
function byImportance(a: FailureItem, b: FailureItem): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    b.ageMs - a.ageMs ||
    a.clusterName.localeCompare(b.clusterName) ||
    a.componentId.localeCompare(b.componentId)
  );
}

function groupProblems(items: FailureItem[], windowFrom: number): ProblemGroup[] {
  const groups = new Map<string, { items: FailureItem[]; clusters: Set<string> }>();
  for (const item of items) {
    const key = problemKey(item.catalogId, item.fingerprint, item.reason);
    const group = groups.get(key) ?? { items: [], clusters: new Set<string>() };
    group.items.push(item);
    group.clusters.add(item.clusterId);
    groups.set(key, group);
  }
  return [...groups.entries()].map(([key, { items: members, clusters }]) => {
    const sorted = [...members].sort(byImportance);
    const first = sorted.reduce((a, b) => (a.since <= b.since ? a : b));
    return {
      key,
      catalogId: first.catalogId,
      ...(first.catalogId ? {} : { fingerprint: first.fingerprint ?? first.reason }),
      // An unclassified problem is known by its fingerprint: the reason alone would name several apart.
      title: first.catalogId ? first.title : (first.fingerprint ?? first.reason),
      ...(first.severity ? { severity: first.severity } : {}),
      clusters: clusters.size,
      components: members.length,
      newComponents: members.filter((m) => Date.parse(m.since) >= windowFrom).length,
      firstSeenAt: first.since,
      sampleMessage: sorted[0].message,
      sampleClusters: [...new Set(sorted.map((m) => m.clusterName))].sort().slice(0, 5),
    };
  });
}

/** Most clusters first: the widest breakage is the most urgent. */
function byReach(a: ProblemGroup, b: ProblemGroup): number {
  return b.clusters - a.clusters || severityRank(a.severity) - severityRank(b.severity) || b.components - a.components || a.key.localeCompare(b.key);
}

function recoveries(transitions: TransitionRecord[], lookup: CatalogLookup): RecoveryItem[] {
  return transitions
    .filter((t) => t.event === "recovered")
    .map((t) => {
      const catalogId = t.endedCatalogId ?? t.catalogId ?? null;
      return {
        componentId: t.componentId,
        componentName: t.componentName,
        kind: t.componentKind,
        clusterId: t.clusterId,
        clusterName: t.clusterName,
        catalogId,
        title: (catalogId ? (lookup(catalogId)?.title ?? catalogId) : undefined) ?? t.reason,
        recoveredAt: t.at,
        // The whole episode when the store knows it (failing → degraded → healthy is one failure).
        ...((t.failureDurationMs ?? t.previousDurationMs) !== undefined ? { timeToRecoverMs: t.failureDurationMs ?? t.previousDurationMs } : {}),
      };
    })
    .sort((a, b) => b.recoveredAt.localeCompare(a.recoveredAt) || a.componentId.localeCompare(b.componentId));
}

function coverageOf(input: DigestInput): DigestCoverage {
  const { sweeps, latestSweep, lastCompleteSweep, window } = input;
  const darkClusters = input.clusters.filter((c) => c.dark).length;
  const unknownComponents = input.unknownComponents.length;
  const partialScopes = latestSweep?.partial ? latestSweep.partialScopes : [];
  const gaps: string[] = [];
  if (!latestSweep) gaps.push("No sweep has ever been recorded: there is no data about the fleet.");
  else if (sweeps.length === 0) gaps.push(`No sweep finished in this window; the latest finished at ${latestSweep.finishedAt}.`);
  if (partialScopes.length > 0) {
    gaps.push(`The latest sweep could not read ${partialScopes.length} scope(s): ${partialScopes.map((s) => `${s.scope} (${s.code})`).join(", ")}.`);
  }
  if (latestSweep && (!lastCompleteSweep || lastCompleteSweep.finishedAt < window.from)) {
    gaps.push(
      lastCompleteSweep ? `The last complete sweep finished at ${lastCompleteSweep.finishedAt}, before this window.` : "No sweep has ever read every scope.",
    );
  }
  if (darkClusters > 0) gaps.push(`${darkClusters} cluster(s) were not seen in the latest sweeps; their state is the last one known.`);
  if (unknownComponents > 0) gaps.push(`${unknownComponents} component(s) are in state unknown: their health could not be read.`);
  return {
    sweepsInWindow: sweeps.length,
    partialSweepsInWindow: sweeps.filter((s) => s.partial).length,
    ...(latestSweep
      ? { latestSweep: { sweepId: latestSweep.sweepId, finishedAt: latestSweep.finishedAt, clusters: latestSweep.clusters, partial: latestSweep.partial } }
      : {}),
    ...(lastCompleteSweep ? { lastCompleteSweepAt: lastCompleteSweep.finishedAt } : {}),
    clustersSeen: latestSweep?.clusters ?? input.clusters.length,
    partialScopes,
    unknownComponents,
    darkClusters,
    gaps,
  };
}

/** Builds the digest of one window from what the history holds now. */
export function composeDigest(input: DigestInput, lookup: CatalogLookup, limits: DigestLimits = DEFAULT_LIMITS): Digest {
  const windowFrom = Date.parse(input.window.from);
  const failures = input.openFailures.filter((c) => isFailureState(c.state)).map((c) => toFailureItem(c, input.now, lookup, limits));
  const groups = groupProblems(failures, windowFrom).sort(byReach);
  const incidents = groups.filter((g) => g.clusters >= limits.incidentMinClusters);
  const incidentKeys = new Set(incidents.map((g) => g.key));
  const single = failures.filter((f) => !incidentKeys.has(problemKey(f.catalogId, f.fingerprint, f.reason))).sort(byImportance);
  const isNew = (f: FailureItem) => Date.parse(f.since) >= windowFrom;
  const newFailures = failures.filter(isNew);
  const recovered = recoveries(input.transitions, lookup);
  const unclassified = groups.filter((g) => g.catalogId === null);
  const topEntries = groups
    .filter((g): g is ProblemGroup & { catalogId: string } => g.catalogId !== null)
    .slice(0, limits.topEntries)
    .map((g) => {
      const entry = lookup(g.catalogId);
      return {
        catalogId: g.catalogId,
        title: g.title,
        ...(g.severity ? { severity: g.severity } : {}),
        clusters: g.clusters,
        components: g.components,
        steps: entry?.steps ?? [],
        ...(entry?.docUrl ? { docUrl: entry.docUrl } : {}),
      };
    });
  const coverage = coverageOf(input);
  const totals: DigestTotals = {
    newFailures: newFailures.length,
    stillFailing: failures.length - newFailures.length,
    recovered: recovered.length,
    failingClusters: new Set(failures.map((f) => f.clusterId)).size,
    incidents: incidents.length,
    unclassified: failures.filter((f) => f.catalogId === null).length,
    changes: input.transitions.length,
  };
  const lists = { incidents, newFailures: single.filter(isNew), stillFailing: single.filter((f) => !isNew(f)), recovered, unclassified };
  const kept = <T>(list: T[]) => list.slice(0, limits.maxItems);
  return {
    id: digestId(input.window),
    window: input.window,
    generatedAt: input.now.toISOString(),
    quiet: totals.newFailures === 0 && totals.recovered === 0 && totals.changes === 0 && coverage.gaps.length === 0,
    totals,
    coverage,
    incidents: kept(lists.incidents),
    newFailures: kept(lists.newFailures),
    stillFailing: kept(lists.stillFailing),
    recovered: kept(lists.recovered),
    topEntries,
    unclassified: kept(lists.unclassified),
    omitted: Object.fromEntries(Object.entries(lists).map(([name, list]) => [name, Math.max(0, list.length - limits.maxItems)])) as Record<DigestList, number>,
  };
}
