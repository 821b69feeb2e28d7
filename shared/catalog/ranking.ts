/**
 * When several entries match a message, the most specific wins, in this order:
 *    a. the entry with the higher `priority` (default 0; catch-all entries for generic causes set -1);
 *    b. the entry for the caller's extension type beats one that names none (an extension type picks out
 *       one product's failure; a component or cluster kind only says where the text came from);
 *    c. the signature with more literal text beats the one with less (`signatureLiterals`' weight: a signature
 *       that spells out a whole error sentence says more than one with wildcards, however long the
 *       wildcard's match);
 *    d. the entry whose components / cluster kinds the caller named beats one that lists none (a
 *       tie-breaker only: a vaguer signature restricted to "extension" must not beat a precise one);
 *    e. the longer matched text beats the shorter;
 *    f. the entry earlier in the catalog wins (documented entries come before field entries).
 */
import type { CatalogEntry, ClassifyContext } from "./types";

/**
 * The specificity of a match, compared in the order above.
 * One instance per classifier is reused for every call, so a message allocates no candidate objects.
 */
export interface Best {
  found: boolean;
  entry: number;
  matched: string;
  priority: number;
  /** 2 when the caller's extension type is one the entry lists. */
  extensionFit: number;
  weight: number;
  /** Component and cluster kind the caller named and the entry lists: a tie-breaker only. */
  genericFit: number;
}

/** Keeps a match in `best` when it is more specific than the best so far (the ranking rule above). */
export function offer(best: Best, index: number, entry: CatalogEntry, fit: number, weight: number, matched: string, context: ClassifyContext): void {
  const priority = entry.priority ?? 0;
  const extensionFit = entry.context?.extensionTypes && context.extensionType ? 2 : 0;
  const genericFit = fit - extensionFit;
  if (best.found) {
    // The ranking rule above, field by field.
    const better =
      priority !== best.priority
        ? priority > best.priority
        : extensionFit !== best.extensionFit
          ? extensionFit > best.extensionFit
          : weight !== best.weight
            ? weight > best.weight
            : genericFit !== best.genericFit
              ? genericFit > best.genericFit
              : matched.length !== best.matched.length
                ? matched.length > best.matched.length
                : index < best.entry;
    if (!better) return;
  }
  best.found = true;
  best.entry = index;
  best.matched = matched;
  best.priority = priority;
  best.extensionFit = extensionFit;
  best.weight = weight;
  best.genericFit = genericFit;
}

/**
 * How well an entry's context fits the caller's: -1 excludes the entry; otherwise the number of
 * dimensions the caller named and the entry explicitly lists (extension type weighs 2). Dimensions the
 * caller did not name never exclude: a pasted message has no context and may match anything.
 */
export function contextFit(entry: CatalogEntry, context: ClassifyContext): number {
  const ctx = entry.context;
  if (!ctx) return 0;
  let score = 0;
  if (ctx.components && context.component) {
    if (!ctx.components.includes(context.component)) return -1;
    score += 1;
  }
  if (ctx.extensionTypes && context.extensionType) {
    if (!ctx.extensionTypes.includes(context.extensionType.toLowerCase())) return -1;
    score += 2;
  }
  if (ctx.clusterKinds && context.clusterKind) {
    if (!ctx.clusterKinds.includes(context.clusterKind)) return -1;
    score += 1;
  }
  return score;
}

/** Long signature matches are near-certain; short ones less so; a matching context adds to it. */
export function confidenceOf(matched: string, contextScore: number): number {
  const base = matched.length >= 24 ? 0.9 : matched.length >= 12 ? 0.8 : 0.7;
  return Math.min(1, Math.round((base + 0.03 * contextScore) * 100) / 100);
}
