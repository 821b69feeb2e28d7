import { randomBytes } from "node:crypto";
import { inject } from "vitest";

/** The Azurite connection string from the global setup. */
export function tablesConnection(): string {
  return inject("tablesConnection");
}

/** A fresh table prefix (letters and digits only, as table names require) so tests never share tables. */
export function uniquePrefix(label = "t"): string {
  return `${label.replace(/[^a-z0-9]/gi, "").slice(0, 10)}${randomBytes(4).toString("hex")}`;
}
