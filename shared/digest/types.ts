/**
 * The shapes of a digest: what it says (new, still-failing and recovered failures, fleet-wide
 * incidents, top catalog entries, coverage), what composing one reads, and its limits.
 */
import type { CatalogEntry, RemediationStep, Severity } from "../catalog/types";
import type { ComponentKind, HealthState, ScopeError } from "../core/model";
import type { ComponentRecord, SweepRecord, TransitionRecord } from "../store/types";
import type { DigestWindow } from "./window";

export type CatalogLookup = (id: string) => Pick<CatalogEntry, "id" | "title" | "severity" | "steps" | "docUrl"> | undefined;

/** One failing component, as a person reads it. */
export interface FailureItem {
  componentId: string;
  componentName: string;
  kind: ComponentKind;
  extensionType?: string;
  clusterId: string;
  clusterName: string;
  subscriptionId: string;
  state: HealthState;
  reason: string;
  /** Azure's message, cut to a readable length. */
  message: string;
  catalogId: string | null;
  /** The catalog entry's title, or the reason when unclassified. */
  title: string;
  severity?: Severity;
  fingerprint?: string;
  /** When this failure episode began. */
  since: string;
  ageMs: number;
  /** Set by operations.ts: an operator acknowledged it, or a silence keeps it out of the headlines. */
  acknowledged?: AckMark;
  silenced?: { reason: string; by: string; until: string };
}

export interface AckMark {
  by: string;
  since: string;
  note?: string;
  ticketUrl?: string;
}

export interface RecoveryItem {
  componentId: string;
  componentName: string;
  kind: ComponentKind;
  clusterId: string;
  clusterName: string;
  /** The catalog entry of the failure that ended. */
  catalogId: string | null;
  title: string;
  recoveredAt: string;
  /** How long the failure lasted; absent when the store did not know when it began. */
  timeToRecoverMs?: number;
}

/** One problem (a catalog entry, or a fingerprint when unclassified) across the fleet. */
export interface ProblemGroup {
  /** `catalog:<id>` or `fingerprint:<fp>`. */
  key: string;
  catalogId: string | null;
  fingerprint?: string;
  title: string;
  severity?: Severity;
  clusters: number;
  components: number;
  /** Components whose failure began in the window. */
  newComponents: number;
  firstSeenAt: string;
  sampleMessage: string;
  /** A few cluster names, so a reader recognises the blast radius. */
  sampleClusters: string[];
  acknowledged?: AckMark;
}

export interface TopEntry {
  catalogId: string;
  title: string;
  severity?: Severity;
  clusters: number;
  components: number;
  steps: RemediationStep[];
  docUrl?: string;
}

export interface DigestCoverage {
  sweepsInWindow: number;
  partialSweepsInWindow: number;
  latestSweep?: { sweepId: string; finishedAt: string; clusters: number; partial: boolean };
  lastCompleteSweepAt?: string;
  clustersSeen: number;
  /** Scopes the latest sweep could not read. */
  partialScopes: ScopeError[];
  /** Components whose state is unknown (not read or not interpretable). */
  unknownComponents: number;
  /** Clusters not seen in the latest sweeps; their state is the last one known. */
  darkClusters: number;
  /** Every reason the digest may be blind to something; empty when the data was complete. */
  gaps: string[];
}

export interface DigestTotals {
  newFailures: number;
  stillFailing: number;
  recovered: number;
  failingClusters: number;
  incidents: number;
  unclassified: number;
  /** Every transition in the window, including changes that are neither failures nor recoveries. */
  changes: number;
}

export interface Digest {
  /** Derived from the window: the same window always has the same id. */
  id: string;
  window: DigestWindow;
  generatedAt: string;
  /** Nothing failed, recovered or changed in the window and no data was missing. */
  quiet: boolean;
  totals: DigestTotals;
  coverage: DigestCoverage;
  /** Problems on many clusters at once, each shown once; their components are not repeated below. */
  incidents: ProblemGroup[];
  newFailures: FailureItem[];
  stillFailing: FailureItem[];
  recovered: RecoveryItem[];
  topEntries: TopEntry[];
  /** Failures no catalog entry matched, grouped by fingerprint. */
  unclassified: ProblemGroup[];
  /** Items left out of each list above by `DigestLimits.maxItems`. */
  omitted: Record<DigestList, number>;
  /** Set when operator actions were applied (operations.ts); absent in a digest built without them. */
  operations?: DigestOperationLists;
}

/** Failures operators already know about, kept out of the lists above. */
export interface DigestOperationLists {
  /** Acknowledged: shown with who and since instead of as news. */
  acknowledged: FailureItem[];
  /** Silenced: out of the headlines, still listed with the reason and who. */
  silenced: FailureItem[];
  /** Silenced failures that began in their silence's last day in force: possible regressions. */
  recentUnderSilence: FailureItem[];
}

export type DigestList = "incidents" | "newFailures" | "stillFailing" | "recovered" | "unclassified";

export interface DigestInput {
  window: DigestWindow;
  now: Date;
  /** Transitions in the window, any order. */
  transitions: TransitionRecord[];
  /** Current components in state failing or degraded. */
  openFailures: ComponentRecord[];
  /** Current cluster components (for coverage: dark and unknown clusters). */
  clusters: ComponentRecord[];
  /** Current components in state unknown. */
  unknownComponents: ComponentRecord[];
  /** Sweeps that finished in the window. */
  sweeps: SweepRecord[];
  latestSweep?: SweepRecord;
  lastCompleteSweep?: SweepRecord;
}

export interface DigestLimits {
  /** Components in one problem group from which it counts as a fleet-wide incident. */
  incidentMinClusters: number;
  /** Items kept per list; the totals still count all of them. Keeps the stored digest bounded. */
  maxItems: number;
  topEntries: number;
  /** Messages are cut to this many characters. */
  maxMessageChars: number;
}

export const DEFAULT_LIMITS: DigestLimits = { incidentMinClusters: 3, maxItems: 100, topEntries: 5, maxMessageChars: 400 };
