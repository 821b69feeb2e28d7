/**
 * Reads the fleet: paged Resource Graph queries per scope batch (clusters, their configuration
 * resources, and the subscriptions' display names), judged row by row as pages arrive so memory holds judgements, not raw
 * rows. A batch that fails is split to isolate the subscription that fails it; what cannot be read
 * becomes a partial scope with its error, and the rest of the fleet continues.
 */
import type { FleetScope } from "../core/config";
import type { ConfigurationReader } from "../azure/kubernetes-configuration";
import { ArmReadError } from "../azure/errors";
import { CLUSTERS_QUERY, CONFIGURATION_QUERIES, ResourceGraphReader } from "../azure/resource-graph";
import { CONFIG_TYPES } from "../core/ids";
import { batchScopes, GraphScope, scopeNames, splitScope, TENANT_SCOPE } from "../azure/scopes";
import type { FleetAssembler } from "../health/assembler";
import type { ScopeError } from "../core/model";
import { readSubscriptionNames } from "./subscription-names";

export interface SweepProgress {
  phase: "clusters" | "configurations" | "statuses" | "confirm" | "persist" | "done";
  message: string;
  armRequests: number;
}

export interface CollectOptions {
  graph: ResourceGraphReader;
  configurations: ConfigurationReader;
  assembler: FleetAssembler;
  scopes: FleetScope[];
  /** Subscriptions per Resource Graph request (under 300; default 200). */
  subscriptionsPerQuery?: number;
  /** Extra queries allowed for splitting failed batches (default 64), so an outage does not multiply queries. */
  maxIsolationQueries?: number;
  /** Targeted reads allowed for Flux statuses missing from Resource Graph rows (default 500). */
  maxStatusFetches?: number;
  onProgress?: (progress: SweepProgress) => void;
  /** ARM requests sent so far by both readers (they share one counter). */
  requestCount: () => number;
  /** The run's deadline: reads stop and what is unread becomes a partial scope (DeadlineExceeded). */
  signal?: AbortSignal;
}

const LIMIT_HIT = "TenantSubscriptionLimitHit";

export interface CollectResult {
  partialScopes: ScopeError[];
  /** Resource Graph pages read; 0 means nothing could be read at all. */
  pages: number;
  /** Display names by lower-case subscription id, for the subscriptions whose names could be read. */
  subscriptionNames: Record<string, string>;
  /** Time spent judging rows as pages arrived (ms), part of the read's wall time. */
  judgeMs: number;
}

export async function collectFleet(options: CollectOptions): Promise<CollectResult> {
  const partial: ScopeError[] = [];
  const subscriptionNames: Record<string, string> = {};
  let pages = 0;
  let judgeMs = 0;
  const budget = { isolation: options.maxIsolationQueries ?? 64 };
  const requests = options.requestCount;
  const progress = (phase: SweepProgress["phase"], message: string) => options.onProgress?.({ phase, message, armRequests: requests() });

  /** Reads one query over a scope, splitting it on failure; returns the scopes that stayed unreadable. */
  async function read(
    query: string,
    scope: GraphScope,
    onRow: (row: unknown) => void,
    phase: SweepProgress["phase"],
    what: string,
  ): Promise<Array<{ scope: GraphScope; error: ArmReadError }>> {
    let rows = 0;
    try {
      for await (const page of options.graph.pages(query, scope, { abortSignal: options.signal })) {
        const judging = performance.now();
        for (const row of page.rows) onRow(row);
        judgeMs += performance.now() - judging;
        rows += page.rows.length;
        pages++;
        const names = scopeNames(scope);
        if (page.subscriptionLimitHit && !partial.some((p) => p.code === LIMIT_HIT && names.includes(p.scope))) {
          partial.push(
            ...names.map((name) => ({
              scope: name,
              code: LIMIT_HIT,
              message: "Resource Graph covered only the first 10,000 subscriptions of this scope (x-ms-tenant-subscription-limit-hit)",
            })),
          );
        }
        progress(phase, `${phase}: ${rows} ${what} from ${describe(scope)}`);
      }
      return [];
    } catch (err) {
      // The run's deadline: what was read stands, the rest of this scope is missing (no splitting).
      if (options.signal?.aborted)
        return [
          {
            scope,
            error: new ArmReadError(
              "DeadlineExceeded",
              `${what} of ${describe(scope)} not read in full: ${(options.signal.reason as Error)?.message ?? "the run was stopped"}`,
              undefined,
              { cause: err },
            ),
          },
        ];
      const error = err instanceof ArmReadError ? err : new ArmReadError("ReadFailed", (err as Error).message ?? String(err), undefined, { cause: err });
      const halves = splitScope(scope);
      if (halves && budget.isolation >= 2) {
        budget.isolation -= 2;
        progress(phase, `${phase}: ${what} of ${describe(scope)} failed (${error.code}); splitting the batch to isolate the failing subscription`);
        return [...(await read(query, halves[0], onRow, phase, what)), ...(await read(query, halves[1], onRow, phase, what))];
      }
      return [{ scope, error }];
    }
  }

  // The queries of a batch run at once (the pacer shares the quota between them); configuration
  // rows may arrive before their cluster's row, the assembler joins them at the end.
  for (const batch of batchScopes(options.scopes, options.subscriptionsPerQuery)) {
    const subscriptionsRead = new Set<string>();
    const names = readSubscriptionNames(options.graph, batch, subscriptionNames, options.signal).then((err) => {
      if (err)
        progress(
          "clusters",
          `subscription names of ${describe(batch)} could not be read (${(err as { code?: string }).code ?? err.message}); ids are shown without names`,
        );
    });
    const [, failedClusters, ...failedByType] = await Promise.all([
      names,
      read(
        CLUSTERS_QUERY,
        batch,
        (row) => {
          const cluster = options.assembler.addCluster(row);
          if (cluster) subscriptionsRead.add(cluster.subscriptionId);
        },
        "clusters",
        "clusters",
      ),
      ...CONFIGURATION_QUERIES.map((query, i) => read(query, batch, (row) => options.assembler.addConfiguration(row), "configurations", CONFIG_TYPES[i])),
    ]);
    const failedConfigurations = failedByType.flat();
    const reported = new Set<string>();
    for (const { scope, error } of [...failedClusters, ...failedConfigurations]) {
      const errors = scopeErrors(scope, error).filter((e) => !reported.has(e.scope));
      for (const e of errors) reported.add(e.scope);
      partial.push(...errors);
    }
    const marked = new Set<string>();
    for (const { scope, error } of failedConfigurations) {
      const key = scopeNames(scope).join(",");
      if (marked.has(key)) continue;
      marked.add(key);
      const subs = new Set(scope.subscriptions ?? subscriptionsRead);
      const unknown = options.assembler.markUnread((c) => subs.has(c.subscriptionId), scopeErrors(scope, error)[0]);
      progress("configurations", `configurations of ${describe(scope)} could not be read (${error.code}): ${unknown} clusters are unknown`);
    }
  }

  if (!options.signal?.aborted) await fetchMissingStatuses(options, progress);
  partial.push(...rejectedRows(options.assembler));
  return { partialScopes: partial, pages, subscriptionNames, judgeMs };
}

/** A failing Flux configuration whose Resource Graph row carries no per-object statuses: read it from ARM. */
async function fetchMissingStatuses(options: CollectOptions, progress: (phase: SweepProgress["phase"], message: string) => void): Promise<void> {
  const ids = options.assembler.fluxWithoutStatuses().slice(0, options.maxStatusFetches ?? 500);
  if (!ids.length) return;
  progress("statuses", `statuses: reading ${ids.length} failing Flux configurations whose rows carry no object statuses`);
  await Promise.all(
    ids.map(async (id) => {
      try {
        const body = await options.configurations.getConfiguration(id, { abortSignal: options.signal });
        if (body !== undefined) options.assembler.addConfiguration(body);
      } catch (err) {
        // The Resource Graph judgement stands; the objects stay unread.
        progress("statuses", `statuses of ${id} could not be read: ${(err as Error).message}`);
      }
    }),
  );
}

function scopeErrors(scope: GraphScope, error: ArmReadError): ScopeError[] {
  return scopeNames(scope).map((name) => ({ scope: name, code: error.code, message: error.message }));
}

function rejectedRows(assembler: FleetAssembler): ScopeError[] {
  const bySubscription = new Map<string, typeof assembler.rejected>();
  for (const row of assembler.rejected) {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(row.id)?.[1]?.toLowerCase();
    const scope = sub ? `/subscriptions/${sub}` : TENANT_SCOPE;
    bySubscription.set(scope, [...(bySubscription.get(scope) ?? []), row]);
  }
  return [...bySubscription].map(([scope, rows]) => ({
    scope,
    code: "MalformedRow",
    message: `${rows.length} row(s) could not be judged; first: ${rows[0].id}: ${rows[0].reason}`,
  }));
}

function describe(scope: GraphScope): string {
  const names = scopeNames(scope);
  return names.length === 1 ? names[0] : `${names.length} subscriptions`;
}
