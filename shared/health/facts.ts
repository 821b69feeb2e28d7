import { intern, internShared } from "./intern";
import type { Prop } from "./properties";

const FACT_LIMIT = 500;
/** Facts that differ on every resource (times, commits): sharing them would only fill the intern table. */
const UNIQUE = new Set(["lastConnectivityTime", "managedIdentityCertificateExpirationTime", "sourceSyncedCommitId", "sourceUpdatedAt", "statusUpdatedAt"]);

/**
 * Selected raw values for display, keyed by their canonical camelCase path. Only values Azure
 * actually sent are kept (never SDK defaults); long values are cut, since facts are not evidence.
 */
export function factsOf(props: Prop, paths: string[]): Record<string, string> | undefined {
  const facts: Record<string, string> = {};
  for (const path of paths) {
    const text = props.at(path).nonEmpty();
    if (text !== undefined) facts[path] = text.length > FACT_LIMIT ? `${text.slice(0, FACT_LIMIT - 1)}…` : UNIQUE.has(path) ? text : intern(text);
  }
  const keys = Object.keys(facts);
  if (!keys.length) return undefined;
  // Facts without per-resource values (versions, states, types) repeat across the fleet: share them.
  return keys.some((k) => UNIQUE.has(k)) ? facts : internShared(`f\u0000${keys.map((k) => `${k}\u0000${facts[k]}`).join("\u0001")}`, () => facts);
}

/** Cluster tags travel as facts `tag:<name>`: the history keeps facts, and tag-scoped silences need the tags. */
export const TAG_FACT_PREFIX = "tag:";

export function withTagFacts(facts: Record<string, string> | undefined, tags: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!tags || !Object.keys(tags).length) return facts;
  const tagged = { ...facts };
  for (const [name, value] of Object.entries(tags)) tagged[`${TAG_FACT_PREFIX}${name}`] = value.length > FACT_LIMIT ? value.slice(0, FACT_LIMIT) : value;
  return tagged;
}

/** The tags a cluster component's facts carry; undefined when none were recorded. */
export function tagsOfFacts(facts: Record<string, string> | undefined): Record<string, string> | undefined {
  const tags = Object.entries(facts ?? {}).filter(([k]) => k.startsWith(TAG_FACT_PREFIX));
  return tags.length ? Object.fromEntries(tags.map(([k, v]) => [k.slice(TAG_FACT_PREFIX.length), v])) : undefined;
}
