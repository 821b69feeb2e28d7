/**
 * Resource Graph scopes: subscriptions go in batches under 300 per request (Microsoft's guidance;
 * the hard limit is about 1000), management groups one per request, and no scope at all means
 * everything the identity can read.
 */
import type { FleetScope } from "../core/config";

export interface GraphScope {
  subscriptions?: string[];
  managementGroups?: string[];
}

export const MAX_SUBSCRIPTIONS_PER_QUERY = 299;
export const DEFAULT_SUBSCRIPTIONS_PER_QUERY = 200;
/** How a tenant-wide read is named in partial-scope reports. */
export const TENANT_SCOPE = "/";

export function batchScopes(scopes: FleetScope[], batchSize = DEFAULT_SUBSCRIPTIONS_PER_QUERY): GraphScope[] {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_SUBSCRIPTIONS_PER_QUERY) {
    throw new RangeError(`subscriptions per query must be 1..${MAX_SUBSCRIPTIONS_PER_QUERY}, got ${batchSize}`);
  }
  if (!scopes.length) return [{}];
  const subscriptions = [...new Set(scopes.filter((s) => s.kind === "subscription").map((s) => s.id.toLowerCase()))];
  const groups = [...new Set(scopes.filter((s) => s.kind === "managementGroup").map((s) => s.id))];
  const batches: GraphScope[] = [];
  for (let i = 0; i < subscriptions.length; i += batchSize) batches.push({ subscriptions: subscriptions.slice(i, i + batchSize) });
  for (const group of groups) batches.push({ managementGroups: [group] });
  return batches;
}

/** The scope strings a batch stands for, as FLEET_SCOPE spells them: what partial reports name. */
export function scopeNames(scope: GraphScope): string[] {
  if (scope.subscriptions) return scope.subscriptions.map((s) => `/subscriptions/${s}`);
  if (scope.managementGroups) return scope.managementGroups.map((g) => `/providers/Microsoft.Management/managementGroups/${g}`);
  return [TENANT_SCOPE];
}

/** Halves of a subscription batch, to isolate the subscription that fails it; undefined when it cannot be split. */
export function splitScope(scope: GraphScope): [GraphScope, GraphScope] | undefined {
  const subs = scope.subscriptions;
  if (!subs || subs.length < 2) return undefined;
  const half = Math.ceil(subs.length / 2);
  return [{ subscriptions: subs.slice(0, half) }, { subscriptions: subs.slice(half) }];
}
