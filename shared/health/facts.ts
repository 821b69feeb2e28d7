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
