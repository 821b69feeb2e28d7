/**
 * The documented error catalog and its classifier: the one import the rest of the service needs.
 */
import { catalogClassifier } from "./classifier";
import { catalogEntries } from "./entries";
import { CatalogError, validateCatalog } from "./validate";
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

// Outside production a broken entry fails at load, so a bad edit cannot ship unnoticed; the required-id
// coverage is the catalog test's job (see test/catalog), not a load-time failure.
if (process.env.NODE_ENV !== "production") {
  const problems = validateCatalog(catalog, [], catalogClassifier);
  if (problems.length) throw new CatalogError(problems);
}
