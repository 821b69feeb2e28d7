export type FleetHistoryErrorCode =
  /** Neither a connection string nor an endpoint was given. */
  | "StoreNotConfigured"
  | "InvalidConfiguration"
  /** An argument is out of range (a page size). */
  | "InvalidArgument"
  /** A continuation token this store did not issue. */
  | "InvalidContinuationToken"
  /** The snapshot cannot be recorded as given (nothing was written). */
  | "InvalidSnapshot"
  /** Another sweep holds the write lease; nothing was written. */
  | "SweepInProgress"
  /** A newer sweep was already recorded; an older snapshot would undo its observations. */
  | "SnapshotSuperseded"
  /** Stored data changed under this sweep (an ETag check failed); the next sweep converges. */
  | "ConcurrentWrite"
  /** A sharded sweep that was never planned. */
  | "NotFound";

/** A typed store error; `code` is stable, `message` is for people. */
export class FleetHistoryError extends Error {
  constructor(
    readonly code: FleetHistoryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "FleetHistoryError";
  }
}

/** The HTTP status of a failed table call, when it has one. */
export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === "number" ? status : undefined;
}
