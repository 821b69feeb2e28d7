/**
 * Subscription display names for people reading the fleet (the dashboard, the API), one Resource
 * Graph query per scope batch. Names never decide health: a batch whose names cannot be read leaves
 * its ids without names, and the sweep is not partial for it.
 */
import { SUBSCRIPTIONS_QUERY, type ResourceGraphReader } from "../azure/resource-graph";
import type { GraphScope } from "../azure/scopes";

/** Adds the names of the subscriptions in `scope` to `names` (by lower-case id); returns the error that stopped it, if any. */
export async function readSubscriptionNames(
  graph: ResourceGraphReader,
  scope: GraphScope,
  names: Record<string, string>,
  signal?: AbortSignal,
): Promise<Error | undefined> {
  try {
    for await (const page of graph.pages(SUBSCRIPTIONS_QUERY, scope, { abortSignal: signal })) {
      for (const row of page.rows) {
        const { subscriptionId, name } = row as { subscriptionId?: unknown; name?: unknown };
        if (typeof subscriptionId === "string" && typeof name === "string" && name.trim()) names[subscriptionId.toLowerCase()] = name;
      }
    }
    return undefined;
  } catch (err) {
    // The run's deadline too: the reads beside this one make the sweep partial; names alone must not fail it.
    return err as Error;
  }
}
