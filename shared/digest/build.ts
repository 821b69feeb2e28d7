/** Reads what a digest needs from the history and composes it. */
import { getEntry } from "../catalog";
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

async function toArray<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Sweeps come newest first, so reading stops at the first one that finished before the window. */
async function sweepsIn(history: FleetHistory, window: DigestWindow): Promise<{ inWindow: SweepRecord[]; latest?: SweepRecord }> {
  const inWindow: SweepRecord[] = [];
  let latest: SweepRecord | undefined;
  let continuationToken: string | undefined;
  do {
    const page = await history.listSweeps({ limit: 100, ...(continuationToken ? { continuationToken } : {}) });
    for (const sweep of page.items) {
      latest ??= sweep;
      if (sweep.finishedAt < window.from) return { inWindow, latest };
      if (sweep.finishedAt < window.to) inWindow.push(sweep);
    }
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return { inWindow, ...(latest ? { latest } : {}) };
}

export async function collectDigestInput(history: FleetHistory, window: DigestWindow, now: Date): Promise<DigestInput> {
  const [transitions, failing, degraded, unknownComponents, clusters, sweeps, lastCompleteSweep] = await Promise.all([
    toArray(history.listTransitions({ from: new Date(window.from), to: new Date(window.to) })),
    toArray(history.listComponents({ state: "failing" })),
    toArray(history.listComponents({ state: "degraded" })),
    toArray(history.listComponents({ state: "unknown" })),
    toArray(history.listComponents({ kind: "cluster" })),
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
