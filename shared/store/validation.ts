/** Input checks: a snapshot that cannot be recorded faithfully is refused before anything is written. */
import { COMPONENT_KINDS, FleetSnapshot, HEALTH_STATES, normalizeId } from "../core/model";
import { FleetHistoryError } from "./errors";

/** The snapshot with its times in the one ISO form keys sort by; rejects one that cannot be recorded faithfully. */
export function checkedSnapshot(snapshot: FleetSnapshot): FleetSnapshot {
  validateSnapshot(snapshot);
  return { ...snapshot, startedAt: new Date(snapshot.startedAt).toISOString(), finishedAt: new Date(snapshot.finishedAt).toISOString() };
}

/** Rejects a snapshot that cannot be recorded faithfully, before anything is written. */
export function validateSnapshot(snapshot: FleetSnapshot): void {
  const problems: string[] = [];
  if (typeof snapshot?.sweepId !== "string" || !snapshot.sweepId.trim()) problems.push("sweepId is empty");
  for (const field of ["startedAt", "finishedAt"] as const) {
    if (typeof snapshot?.[field] !== "string" || Number.isNaN(Date.parse(snapshot[field])))
      problems.push(`${field} is not a date: ${JSON.stringify(snapshot?.[field])}`);
  }
  if (!Array.isArray(snapshot?.clusters)) problems.push("clusters is not a list");
  if (!Array.isArray(snapshot?.partialScopes) || !Array.isArray(snapshot?.scopes)) problems.push("scopes and partialScopes must be lists");
  const clusterIds = new Set<string>();
  for (const cluster of Array.isArray(snapshot?.clusters) ? snapshot.clusters : []) {
    const where = `cluster ${JSON.stringify(cluster?.id)}`;
    if (typeof cluster?.id !== "string" || !cluster.id.trim()) problems.push("a cluster has no id");
    else if (clusterIds.has(normalizeId(cluster.id))) problems.push(`${where} appears twice`);
    else clusterIds.add(normalizeId(cluster.id));
    if (!Array.isArray(cluster?.components) || cluster.components.length === 0) {
      problems.push(`${where} has no components (the cluster's own component comes first)`);
      continue;
    }
    const componentIds = new Set<string>();
    for (const c of cluster.components) {
      if (typeof c?.id !== "string" || !c.id.trim()) problems.push(`${where}: a component has no id`);
      else if (componentIds.has(normalizeId(c.id))) problems.push(`${where}: component ${c.id} appears twice`);
      else componentIds.add(normalizeId(c.id));
      if (!HEALTH_STATES.includes(c?.state)) problems.push(`${where}: component ${c?.id} has state ${JSON.stringify(c?.state)}`);
      if (!COMPONENT_KINDS.includes(c?.kind)) problems.push(`${where}: component ${c?.id} has kind ${JSON.stringify(c?.kind)}`);
      if (!Array.isArray(c?.evidence)) problems.push(`${where}: component ${c?.id} has no evidence list`);
    }
  }
  if (problems.length) {
    throw new FleetHistoryError(
      "InvalidSnapshot",
      `snapshot cannot be recorded (nothing was written): ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? `; and ${problems.length - 5} more` : ""}`,
    );
  }
}
