/**
 * Joins judged rows into clusters, in TypeScript rather than KQL: configuration rows attach to the
 * cluster whose id prefixes theirs (case-insensitively). Rows arrive page by page and may arrive
 * twice (a scope re-read after a failure), so everything is keyed by canonical id.
 */
import { parseClusterId, parseConfigId } from "../core/ids";
import type { ClassifyContext, ContextComponent } from "../catalog/types";
import { judgeCluster, JudgeOptions } from "./cluster";
import { component } from "./component";
import { judgeConfiguration } from "./configuration";
import type { Classification, ClusterHealth, ComponentHealth, ComponentKind, ScopeError } from "../core/model";
import { normalizeId, worstState } from "../core/model";

export type ClassifyFn = (message: string, context?: ClassifyContext) => Classification;

export interface RejectedRow {
  id: string;
  reason: string;
}

/** Messages longer than this are classified on their first part; evidence keeps the whole text. */
const CLASSIFY_LIMIT = 16 * 1024;

const CONTEXT_COMPONENT: Record<ComponentKind, ContextComponent> = {
  cluster: "cluster",
  extension: "extension",
  flux: "flux",
  fluxObject: "flux",
  sourceControl: "flux",
};

export class FleetAssembler {
  private readonly clusterRows = new Map<string, ClusterHealth>();
  /** clusterId → configuration id → the configuration's components (a Flux configuration and its objects). */
  private readonly configs = new Map<string, Map<string, ComponentHealth[]>>();
  private readonly unread = new Map<string, ScopeError>();
  readonly rejected: RejectedRow[] = [];

  constructor(private readonly options: JudgeOptions & { classify: ClassifyFn }) {}

  /** A cluster row; a row that cannot be judged is kept in `rejected`, never dropped silently. */
  addCluster(row: unknown): ClusterHealth | undefined {
    try {
      const cluster = judgeCluster(row, this.options);
      this.clusterRows.set(cluster.id, cluster);
      return cluster;
    } catch (err) {
      this.reject(row, err);
      return undefined;
    }
  }

  /** A configuration row (or an ARM GET body), replacing any earlier judgement of the same resource. */
  addConfiguration(row: unknown): ComponentHealth[] | undefined {
    try {
      const components = judgeConfiguration(row);
      const [main] = components;
      let byId = this.configs.get(main.clusterId);
      if (!byId) this.configs.set(main.clusterId, (byId = new Map()));
      byId.set(normalizeId(main.id), components);
      return components;
    } catch (err) {
      this.reject(row, err);
      return undefined;
    }
  }

  /** The judged components of one configuration, by its id. */
  configuration(id: string): ComponentHealth[] | undefined {
    return this.configs.get(parseConfigId(id).cluster.id)?.get(normalizeId(id));
  }

  /** Removes a configuration that a fresh ARM read found deleted. */
  removeConfiguration(id: string): void {
    this.configs.get(parseConfigId(id).cluster.id)?.delete(normalizeId(id));
  }

  /** The state of a cluster resource's own component, when it was read. */
  clusterState(id: string): ComponentHealth["state"] | undefined {
    return this.clusterRows.get(normalizeId(id))?.components[0].state;
  }

  /** A cluster a fresh ARM read found deleted, with everything under it. */
  removeCluster(id: string): void {
    this.clusterRows.delete(normalizeId(id));
    this.configs.delete(normalizeId(id));
  }

  /** Flux configurations that are not healthy and whose row carried no per-object statuses. */
  fluxWithoutStatuses(): string[] {
    const ids: string[] = [];
    for (const byId of this.configs.values()) {
      for (const [main, ...objects] of byId.values())
        if (main.kind === "flux" && main.state !== "healthy" && main.state !== "pending" && !objects.length) ids.push(main.id);
    }
    return ids;
  }

  /** Clusters whose configuration could not be read: their state is `unknown`, whatever was read. */
  markUnread(match: (cluster: { id: string; subscriptionId: string }) => boolean, error: ScopeError): number {
    let count = 0;
    for (const cluster of this.clusterRows.values()) {
      if (match(cluster)) {
        this.unread.set(cluster.id, error);
        count++;
      }
    }
    return count;
  }

  /** Every cluster with its components, classified and rolled up; configuration rows without a cluster row get a placeholder. */
  clusters(): ClusterHealth[] {
    const ids = new Set([...this.clusterRows.keys(), ...this.configs.keys()]);
    return [...ids].sort().map((id) => this.build(id));
  }

  private build(id: string): ClusterHealth {
    const base = this.clusterRows.get(id) ?? placeholder(id);
    const components = [base.components[0], ...[...(this.configs.get(id)?.values() ?? [])].flat()].map((c) => this.classified(c, base));
    const unread = this.unread.get(id);
    const state = unread ? "unknown" : worstState(components.map((c) => c.state));
    return { ...base, state, components, ...(unread ? { unread } : {}) };
  }

  private classified(c: ComponentHealth, cluster: ClusterHealth): ComponentHealth {
    if (c.state === "healthy" || c.classification) return c;
    const context: ClassifyContext = {
      component: CONTEXT_COMPONENT[c.kind],
      clusterKind: cluster.kind,
      ...(c.extensionType ? { extensionType: c.extensionType } : {}),
      ...(c.facts?.provisioningState ? { provisioningState: c.facts.provisioningState } : {}),
    };
    const code = c.evidence.find((e) => e.code)?.code;
    // Azure spreads one failure over several fields (errorInfo says "terminal provisioning state
    // 'Failed'", statuses[] carries the cause), so every distinct message is tried; the longest one
    // gives the fingerprint when none is documented.
    const texts = [...new Set([c.message, ...c.evidence.map((e) => e.value)].map((t) => t.slice(0, CLASSIFY_LIMIT)))].sort((x, y) => y.length - x.length);
    const results = texts.map((text) => this.options.classify(text, code ? { ...context, code } : context));
    const best = results.reduce((top, r) => (r.catalogId && (!top.catalogId || r.confidence > top.confidence) ? r : top), results[0]);
    return component(c, c, best);
  }

  private reject(row: unknown, err: unknown): void {
    const id = typeof row === "object" && row !== null && "id" in row ? String((row as { id: unknown }).id) : "(no id)";
    this.rejected.push({ id: id.slice(0, 500), reason: (err as Error).message ?? String(err) });
  }
}

/** A cluster known only from its configuration rows: its own resource was not read, so it is `unknown`. */
function placeholder(id: string): ClusterHealth {
  const ref = parseClusterId(id);
  const own = component(
    { id, clusterId: id, kind: "cluster", name: ref.name },
    {
      state: "unknown",
      reason: "ClusterNotRead",
      message: "configuration resources were read for this cluster, but not the cluster resource itself",
      evidence: [{ field: "id", value: id }],
    },
  );
  return { id, name: ref.name, kind: ref.kind, subscriptionId: ref.subscriptionId, resourceGroup: ref.resourceGroup, state: "unknown", components: [own] };
}
