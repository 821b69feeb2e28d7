/**
 * The fleet history: `openFleetHistory(options)` gives the `FleetHistory` the sweep writes and the API
 * and digest read. See writer.ts for how a sweep is written, queries.ts for reads and keys.ts for the tables.
 */
import { TableFleetHistory } from "./history";
import type { FleetHistoryOptions } from "./tables";
import type { FleetHistory } from "./types";

export * from "./types";
export { FleetHistoryError, type FleetHistoryErrorCode } from "./errors";
export { fleetHistoryOptionsFromEnv, openTable, countOperations, type FleetHistoryOptions } from "./tables";
export { DARK_REASONS, NOT_READ_REASON } from "./diff";
export { collect, firstItem, type ContinuablePage, type PagedList } from "./paging";

/** Opens (and on first use creates) the history tables `<prefix>clusters`, `<prefix>index` and `<prefix>sweeps`. */
export async function openFleetHistory(options: FleetHistoryOptions): Promise<FleetHistory> {
  return TableFleetHistory.open(options);
}
