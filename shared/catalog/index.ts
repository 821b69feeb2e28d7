/**
 * The documented error catalog and its classifier: the one import the rest of the service needs.
 *
 * Loading it does no validation: `validateCatalog` classifies every example and near miss, which cost
 * the CLI ~0.11 s CPU at every start. The catalog is checked where it is built instead, so a broken
 * entry cannot ship unnoticed: `npm run build` runs `fleet-health catalog --check`, and the catalog
 * tests (test/catalog) run the same validation (docs/catalog.md).
 */
import { catalogEntries } from "./entries";
import type { CatalogEntry } from "./types";

export { classify, Classifier } from "./classifier";
export { ClassifyContextError, parseClassifyContext } from "./context";
export { fingerprintOf } from "./fingerprint";
export { normalizeMessage } from "./normalize";
export { CatalogError, validateCatalog, type CatalogProblem } from "./validate";
export type { CatalogEntry, ClassifyContext, Category, RemediationStep } from "./types";

/** Every entry, documented ones first. */
export const catalog: readonly CatalogEntry[] = catalogEntries;

const byId = new Map(catalog.map((entry) => [entry.id, entry]));

/** The entry with this id, or `undefined`. */
export function getEntry(id: string): CatalogEntry | undefined {
  return byId.get(id);
}
