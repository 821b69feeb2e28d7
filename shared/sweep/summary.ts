/**
 * Stores the fleet summary once a sweep is recorded (an inline sweep, or the merge of a sharded one),
 * so an API process that starts afterwards answers `/summary` from one row instead of building the
 * read model first (docs/dashboard.md). Built by the domain's `summarizeFleet`, as the API builds it.
 */
import { readFleetRecords, summarizeFleet, SUMMARY_READ_MODEL } from "../health/fleet-summary";
import { firstItem } from "../store/paging";
import type { FleetHistory } from "../store/types";
import { recordReadModel } from "../telemetry";

export interface StoredSummary {
  /** False when a newer sweep was recorded meanwhile (its own writer stores its summary) or the write failed. */
  stored: boolean;
  ms: number;
  error?: unknown;
}

/**
 * Reads the fleet's current state once (the records a shard or a sweep held are not all of it: dark
 * clusters and partial scopes keep earlier records) and stores its summary for `sweepId`. Never
 * throws: a summary not stored costs the next API process a build, never the sweep; it is logged
 * through `onError` and counted (`fleet.read_models`, outcome `failed`).
 */
export async function storeSweepSummary(
  history: FleetHistory,
  sweepId: string,
  options: { abortSignal?: AbortSignal; onError?: (err: unknown) => void } = {},
): Promise<StoredSummary> {
  const started = performance.now();
  const { abortSignal } = options;
  try {
    const latest = await firstItem(history.listSweeps({ abortSignal }));
    if (latest?.sweepId !== sweepId) return { stored: false, ms: performance.now() - started };
    const { lastComplete, records } = await readFleetRecords(history, abortSignal);
    await history.saveReadModel(SUMMARY_READ_MODEL, sweepId, summarizeFleet(records, latest, lastComplete).summary, { abortSignal });
    recordReadModel(SUMMARY_READ_MODEL, "stored");
    return { stored: true, ms: performance.now() - started };
  } catch (error) {
    recordReadModel(SUMMARY_READ_MODEL, "failed");
    options.onError?.(error);
    return { stored: false, ms: performance.now() - started, error };
  }
}
