/**
 * A sweep's writes besides the cluster partitions: the index copies (open failures, events by day,
 * by catalog entry and by extension type), grouped by partition. Upserts and deletes only, with
 * deterministic keys, so a repair that writes them again changes nothing.
 */
import { componentEntity, StoredComponent, transitionEntity } from "./entities";
import type { Action } from "./batches";
import type { ClusterRows } from "./plan";
import type { ComponentPlan } from "./diff";
import * as keys from "./keys";
import type { TransitionRecord } from "./types";

/** A component's row and its transitions: one unit, never split across transactions. */
export function componentActions(clusterKey: string, plan: ComponentPlan, etag: string | undefined): Action[] {
  const actions: Action[] = plan.transitions.map((t) => [
    "upsert",
    transitionEntity(clusterKey, keys.transitionRowKey(t.at, plan.componentKey, t.event), t),
    "Replace",
  ]);
  const rowKey = keys.currentRowKey(plan.componentKey);
  if (!plan.next) actions.push(["delete", { partitionKey: clusterKey, rowKey }]);
  else if (etag) actions.push(["update", componentEntity(clusterKey, rowKey, plan.next), "Replace", { etag }]);
  else actions.push(["create", componentEntity(clusterKey, rowKey, plan.next)]);
  return actions;
}

/** Index copies, grouped by partition; upserts and deletes only, all idempotent. */
export class IndexWrites {
  private readonly partitions = new Map<string, Map<string, Action>>();

  private put(partitionKey: string, rowKey: string, action: Action): void {
    const rows = this.partitions.get(partitionKey) ?? new Map<string, Action>();
    rows.set(rowKey, action);
    this.partitions.set(partitionKey, rows);
  }

  addTransition(clusterKey: string, t: TransitionRecord): void {
    const componentKey = keys.componentKey(t.componentId);
    const rowKey = keys.eventRowKey(t.at, clusterKey, componentKey, t.event);
    const targets = new Set([keys.dayPartition(t.at, clusterKey)]);
    for (const catalogId of [t.catalogId, t.endedCatalogId]) if (catalogId) targets.add(keys.catalogPartition(catalogId));
    if (t.extensionType && failureRelated(t)) targets.add(keys.extensionPartition(t.extensionType));
    // A first sighting that is not a failure stays in its cluster's timeline: a first sweep would
    // otherwise copy the whole fleet into the day index.
    if (t.event === "appeared") targets.delete(keys.dayPartition(t.at, clusterKey));
    for (const pk of targets) this.put(pk, rowKey, ["upsert", transitionEntity(pk, rowKey, t), "Replace"]);
  }

  /** The open-failures copy of a component: present exactly when it is stored and not healthy. */
  private setOpen(clusterKey: string, componentKey: string, record: StoredComponent | undefined, wasOpen: boolean): void {
    const partitionKey = keys.openPartition(clusterKey);
    const rowKey = keys.openRowKey(clusterKey, componentKey);
    if (record && record.state !== "healthy") this.put(partitionKey, rowKey, ["upsert", componentEntity(partitionKey, rowKey, record), "Replace"]);
    else if (wasOpen) this.put(partitionKey, rowKey, ["delete", { partitionKey, rowKey }]);
  }

  addPlans(clusterKey: string, plans: ComponentPlan[], rows: ClusterRows): void {
    for (const plan of plans) {
      for (const t of plan.transitions) this.addTransition(clusterKey, t);
      const wasOpen = rows.open ? rows.open.has(plan.componentKey) : plan.previous !== undefined && plan.previous.state !== "healthy";
      this.setOpen(clusterKey, plan.componentKey, plan.next, wasOpen);
    }
    // A dirty cluster's open rows are rebuilt from its current rows, whatever the interrupted sweep left.
    if (rows.open) {
      const planned = new Set(plans.map((p) => p.componentKey));
      for (const componentKey of new Set([...rows.current.keys(), ...rows.open])) {
        if (!planned.has(componentKey)) this.setOpen(clusterKey, componentKey, rows.current.get(componentKey)?.record, rows.open.has(componentKey));
      }
    }
  }

  byPartition(): Array<[string, Action[][]]> {
    return [...this.partitions].map(([pk, rows]) => [pk, [...rows.values()].map((a) => [a])]);
  }
}

/** Catalog and extension indexes answer questions about failures: they keep only transitions that touch one. */
function failureRelated(t: TransitionRecord): boolean {
  const failure = (s: string | null) => s === "failing" || s === "degraded";
  return failure(t.from) || failure(t.to) || t.event === "recovered" || Boolean(t.catalogId) || Boolean(t.endedCatalogId);
}
