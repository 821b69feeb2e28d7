/** Reads what a digest needs from the history and composes it. */
import { getEntry } from "../catalog";
import { collect } from "../store";
import type { FleetHistory, SweepRecord } from "../store/types";
import { type CatalogLookup, composeDigest, type Digest, type DigestInput, type DigestLimits, DEFAULT_LIMITS } from "./model";
import { composeWithOperations, type DigestOperations } from "./operations";
import { type DigestWindow, windowSince } from "./window";

export interface BuildDigestOptions {
  history: FleetHistory;
  /** The window; or `since` (ms before `now`). One of the two. */
  window?: DigestWindow;
  since?: number;
  now?: Date;
  lookup?: CatalogLookup;
  limits?: Partial<DigestLimits>;
  /** Silences and acknowledgements to apply; without them every failure is news. */
  operations?: DigestOperations;
}

/** Sweeps come newest first, so reading stops at the first one that finished before the window. */
async function sweepsIn(history: FleetHistory, window: DigestWindow): Promise<{ inWindow: SweepRecord[]; latest?: SweepRecord }> {
  const inWindow: SweepRecord[] = [];
  let latest: SweepRecord | undefined;
  for await (const page of history.listSweeps().byPage({ maxPageSize: 100 })) {
    for (const sweep of page) {
      latest ??= sweep;
      if (sweep.finishedAt < window.from) return { inWindow, latest };
      if (sweep.finishedAt < window.to) inWindow.push(sweep);
    }
  }
  return { inWindow, ...(latest ? { latest } : {}) };
}

export async function collectDigestInput(history: FleetHistory, window: DigestWindow, now: Date): Promise<DigestInput> {
  const [transitions, failing, degraded, unknownComponents, clusters, sweeps, lastCompleteSweep] = await Promise.all([
    collect(history.listTransitions({ from: new Date(window.from), to: new Date(window.to) })),
    collect(history.listComponents({ state: "failing" })),
    collect(history.listComponents({ state: "degraded" })),
    collect(history.listComponents({ state: "unknown" })),
    collect(history.listComponents({ kind: "cluster" })),
    sweepsIn(history, window),
    history.lastCompleteSweep(),
  ]);
  return {
    window,
    now,
    transitions,
    openFailures: [...failing, ...degraded],
    clusters,
    unknownComponents,
    sweeps: sweeps.inWindow,
    ...(sweeps.latest ? { latestSweep: sweeps.latest } : {}),
    ...(lastCompleteSweep ? { lastCompleteSweep } : {}),
  };
}

/** The digest of a window (or of the `since` ms before `now`), from what the history holds now. */
export async function buildDigest(options: BuildDigestOptions): Promise<Digest> {
  const now = options.now ?? new Date();
  const window = options.window ?? windowSince(options.since ?? 86_400_000, now);
  const input = await collectDigestInput(options.history, window, now);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const lookup = options.lookup ?? getEntry;
  return options.operations ? composeWithOperations(input, options.operations, lookup, limits) : composeDigest(input, lookup, limits);
}
