/**
 * The digest as a person reads it, independent of the channel: a title, a headline, the coverage
 * warnings first (so a quiet digest is never mistaken for a healthy fleet), then sections ordered by
 * importance. Each section shows at most `maxItems` items and links to the API for the rest; the
 * renderers shrink `maxItems` until their channel's limits hold.
 */
import type { AckMark, Digest, DigestList, DigestOperationLists, FailureItem, ProblemGroup, RecoveryItem, TopEntry } from "./model";
import { clip } from "./model";

export interface Link {
  label: string;
  url: string;
}

export interface LayoutItem {
  /** The subject: cluster and component, or the problem. */
  head: string;
  detail: string;
  link?: Link;
  /** Fix steps, in order (top catalog entries only). */
  steps?: string[];
}

export type SectionId = DigestList | keyof DigestOperationLists | "topEntries" | "coverage";

export interface LayoutSection {
  id: SectionId;
  title: string;
  items: LayoutItem[];
  /** Items not shown here, and where to read them. */
  more?: { count: number; link: Link };
}

export interface DigestLayout {
  title: string;
  headline: string;
  /** Coverage problems, shown before anything else. */
  warnings: string[];
  sections: LayoutSection[];
  /** The stored digest in the API. */
  link: Link;
}

export interface LayoutOptions {
  apiBaseUrl: string;
  /** Items per section; 0 keeps only the counts and links. */
  maxItems: number;
  /** Fix steps shown per catalog entry. */
  maxSteps?: number;
  /** Characters of one item's detail. */
  maxDetailChars?: number;
}

/** `3d 4h`, `2h 10m`, `45m`, `30s`: the two largest units, for ages and times to recover. */
export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ];
  const total = Math.max(0, Math.round(ms));
  const first = units.findIndex(([, size]) => total >= size);
  if (first < 0) return "0s";
  const [bigUnit, bigSize] = units[first];
  const big = Math.floor(total / bigSize);
  const next = units[first + 1];
  const small = next ? Math.floor((total - big * bigSize) / next[1]) : 0;
  return small > 0 && next ? `${big}${bigUnit} ${small}${next[0]}` : `${big}${bigUnit}`;
}

/** `2026-11-21 07:00 UTC` */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/**
 * A dashboard page (web/router.ts reads the same paths): people open digests in a browser, so links
 * go to pages, not to JSON. The dashboard is at the app's base URL, the public API base without `/api`.
 */
export function dashboardUrl(apiBase: string, path: string, query: Record<string, string> = {}): string {
  const url = new URL(`${apiBase.replace(/\/+$/, "").replace(/\/api$/i, "")}/${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

function acknowledged(a: AckMark): string {
  return `acknowledged by ${a.by} since ${formatTime(a.since)}${a.note ? ` (${a.note})` : ""}${a.ticketUrl ? ` ${a.ticketUrl}` : ""}`;
}

function problemName(catalogId: string | null, title: string): string {
  return catalogId ? `[${catalogId}] ${title}` : `[unclassified] ${title}`;
}

function subject(item: { clusterName: string; componentName: string; kind: string }): string {
  return item.kind === "cluster" ? item.clusterName : `${item.clusterName} / ${item.componentName}`;
}

export function headline(digest: Digest): string {
  const t = digest.totals;
  if (digest.quiet) return "Quiet window: nothing failed, recovered or changed, and every scope was read.";
  const known = digest.operations;
  // Every count names what it counts (components or clusters) so the sections below add up to it.
  const parts = [
    `${plural(t.newFailures, "component")} started failing`,
    `${t.stillFailing.toLocaleString("en-US")} failing since before the window`,
    `${t.recovered.toLocaleString("en-US")} recovered`,
    ...(known?.acknowledged.length ? [`${known.acknowledged.length.toLocaleString("en-US")} acknowledged`] : []),
    ...(known?.silenced.length ? [`${known.silenced.length.toLocaleString("en-US")} silenced`] : []),
  ];
  const reach = t.failingClusters > 0 ? `, on ${plural(t.failingClusters, "cluster")} of ${digest.coverage.clustersSeen.toLocaleString("en-US")} seen` : "";
  const incidents = t.incidents > 0 ? `; ${plural(t.incidents, "fleet-wide incident")}` : "";
  return `${parts.join(", ")}${reach}${incidents}.`;
}

export function layoutDigest(digest: Digest, options: LayoutOptions): DigestLayout {
  const { apiBaseUrl, maxItems } = options;
  const maxSteps = options.maxSteps ?? 5;
  const maxDetail = options.maxDetailChars ?? 300;
  const from = digest.window.from;
  const since = (iso: string, ms: number) => `since ${formatTime(iso)} (${formatDuration(ms)})`;

  const incident = (g: ProblemGroup): LayoutItem => ({
    head: problemName(g.catalogId, clip(g.title, 120)),
    detail: clip(
      `${g.acknowledged ? `${acknowledged(g.acknowledged)}; ` : ""}${plural(g.clusters, "cluster")}, ${plural(g.components, "component")} (${g.newComponents} new), first seen ${formatTime(g.firstSeenAt)}; e.g. ${g.sampleClusters.join(", ")}: "${g.sampleMessage}"`,
      maxDetail,
    ),
    link: {
      label: "open failures",
      url: g.catalogId ? dashboardUrl(apiBaseUrl, "failures", { status: "open", catalogId: g.catalogId }) : dashboardUrl(apiBaseUrl, ""),
    },
  });
  const failure = (f: FailureItem, withAge: boolean): LayoutItem => ({
    head: subject(f),
    detail: clip(
      `${problemName(f.catalogId, f.title)}; ${f.state} (${f.reason}) ${withAge ? since(f.since, f.ageMs) : `since ${formatTime(f.since)}`}: "${f.message}"`,
      maxDetail,
    ),
    link: { label: "cluster", url: dashboardUrl(apiBaseUrl, `clusters${f.clusterId}`) },
  });
  const known = (f: FailureItem): LayoutItem => ({
    head: subject(f),
    detail: clip(
      `${problemName(f.catalogId, f.title)}; ${f.acknowledged ? acknowledged(f.acknowledged) : f.silenced ? `silenced by ${f.silenced.by} until ${formatTime(f.silenced.until)}: ${f.silenced.reason}` : ""}; failing ${since(f.since, f.ageMs)}`,
      maxDetail,
    ),
  });
  const recovery = (r: RecoveryItem): LayoutItem => ({
    head: subject(r),
    detail: `${problemName(r.catalogId, clip(r.title, 120))}; recovered ${formatTime(r.recoveredAt)}${r.timeToRecoverMs !== undefined ? ` after ${formatDuration(r.timeToRecoverMs)}` : ""}`,
  });
  const topEntry = (e: TopEntry): LayoutItem => ({
    head: problemName(e.catalogId, clip(e.title, 120)),
    detail: `${plural(e.clusters, "cluster")}, ${plural(e.components, "component")}${e.severity ? `, severity ${e.severity}` : ""}`,
    steps: e.steps.slice(0, maxSteps).map((s) => clip(s.command ? `${s.text} \`${s.command.split("\n")[0]}\`` : s.text, 240)),
    ...(e.docUrl ? { link: { label: "documentation", url: e.docUrl } } : {}),
  });
  const unclassified = (g: ProblemGroup): LayoutItem => ({
    head: clip(g.fingerprint ?? g.title, 120),
    detail: clip(
      `${plural(g.clusters, "cluster")}, ${plural(g.components, "component")}, first seen ${formatTime(g.firstSeenAt)}; e.g. ${g.sampleClusters.join(", ")}: "${g.sampleMessage}"`,
      maxDetail,
    ),
  });

  const section = <T>(
    id: DigestList | keyof DigestOperationLists,
    title: string,
    list: T[],
    render: (x: T) => LayoutItem,
    link: Link,
  ): LayoutSection | undefined => {
    const total = list.length + ((digest.omitted as Partial<Record<string, number>>)[id] ?? 0);
    if (total === 0) return undefined;
    const items = list.slice(0, maxItems).map(render);
    const inIncidents = id === "newFailures" ? digest.totals.newFailures - total : id === "stillFailing" ? digest.totals.stillFailing - total : 0;
    const counted = `${title} (${total.toLocaleString("en-US")}${inIncidents > 0 ? ` more besides the ${inIncidents.toLocaleString("en-US")} in the incidents above` : ""})`;
    return { id, title: counted, items, ...(total > items.length ? { more: { count: total - items.length, link } } : {}) };
  };

  const c = digest.coverage;
  const coverage: LayoutSection = {
    id: "coverage",
    title: "Coverage",
    items: [
      {
        head: "Clusters seen",
        detail: `${c.clustersSeen.toLocaleString("en-US")}${c.latestSweep ? ` in the latest sweep (${formatTime(c.latestSweep.finishedAt)})` : ""}`,
      },
      { head: "Sweeps in window", detail: `${c.sweepsInWindow}${c.partialSweepsInWindow > 0 ? ` (${c.partialSweepsInWindow} partial)` : ""}` },
      { head: "Last complete sweep", detail: c.lastCompleteSweepAt ? formatTime(c.lastCompleteSweepAt) : "none" },
      {
        head: "Scopes not read",
        detail: c.partialScopes.length > 0 ? c.partialScopes.map((s) => `${s.scope} (${s.code}: ${clip(s.message, 120)})`).join("; ") : "none",
      },
    ],
  };
  const digestLink = { label: "full digest", url: dashboardUrl(apiBaseUrl, `digests/${digest.id}`) };
  const sections = [
    section("incidents", "Fleet-wide incidents", digest.incidents, incident, { label: "all incidents", url: dashboardUrl(apiBaseUrl, "") }),
    section("newFailures", "New failures", digest.newFailures, (f) => failure(f, false), {
      label: "all new failures",
      url: dashboardUrl(apiBaseUrl, "failures", { status: "open", since: from }),
    }),
    section("stillFailing", "Still failing", digest.stillFailing, (f) => failure(f, true), {
      label: "all open failures",
      url: dashboardUrl(apiBaseUrl, "failures", { status: "open" }),
    }),
    section("recentUnderSilence", "New under a silence in its last day: check for regressions", digest.operations?.recentUnderSilence ?? [], known, digestLink),
    section("acknowledged", "Acknowledged", digest.operations?.acknowledged ?? [], known, digestLink),
    section("recovered", "Recovered", digest.recovered, recovery, {
      label: "all recoveries",
      url: dashboardUrl(apiBaseUrl, "failures", { status: "resolved", since: from }),
    }),
    digest.topEntries.length > 0 && maxItems > 0
      ? {
          id: "topEntries" as const,
          title: "Top catalog entries and their fix",
          items: digest.topEntries.slice(0, Math.max(1, Math.min(maxItems, digest.topEntries.length))).map(topEntry),
        }
      : undefined,
    section("unclassified", "Unclassified failures by fingerprint", digest.unclassified, unclassified, digestLink),
    section("silenced", "Silenced", digest.operations?.silenced ?? [], known, digestLink),
    coverage,
  ].filter((s): s is LayoutSection => s !== undefined);

  return {
    title: `Fleet health digest, ${formatTime(digest.window.from)} to ${formatTime(digest.window.to)}`,
    headline: headline(digest),
    warnings: c.gaps,
    sections,
    link: digestLink,
  };
}
