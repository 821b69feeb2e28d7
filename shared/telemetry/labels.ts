/** Bounded attribute values shared by the recorders and the pipeline policies (no OpenTelemetry import). */

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "MERGE"]);

/** An HTTP method as a bounded attribute (OpenTelemetry's `_OTHER` for anything else). */
export const methodLabel = (method: string) => (METHODS.has(method.toUpperCase()) ? method.toUpperCase() : "_OTHER");

/** `429` apart (throttling), else the status class; `error` when no response came. */
export function statusLabel(status: number | undefined): string {
  return status === undefined ? "error" : status === 429 ? "429" : `${Math.floor(status / 100)}xx`;
}
