import type { Classification, ComponentHealth, Condition } from "../core/model";

export type ComponentFields = Pick<ComponentHealth, "id" | "clusterId" | "kind" | "name" | "extensionType" | "parentId" | "facts">;

/**
 * A component built with every field in one fixed order (absent ones `undefined`), so the ~140,000
 * components of a large fleet share one object shape; spreads would give each a growing property store.
 */
export function component(f: ComponentFields, c: Condition, classification?: Classification): ComponentHealth {
  return {
    id: f.id,
    clusterId: f.clusterId,
    kind: f.kind,
    name: f.name,
    extensionType: f.extensionType,
    parentId: f.parentId,
    state: c.state,
    reason: c.reason,
    message: c.message,
    evidence: c.evidence,
    classification,
    facts: f.facts,
  };
}
