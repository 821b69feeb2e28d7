/**
 * Resource Graph lags the resource providers (95% of changes within 30 s, no upper bound), so a
 * component whose state changed since the last sweep is read again from ARM before the change is
 * reported; the fresh read replaces the Resource Graph judgement.
 */
import type { ConfigurationReader } from "../azure/kubernetes-configuration";
import type { FleetAssembler } from "../health/assembler";
import { normalizeId } from "../core/model";
import type { ComponentChange } from "../store/types";

export interface ConfirmResult {
  /** Resources read again from ARM. */
  read: number;
  /** Reads whose fresh judgement differed from Resource Graph's (including resources ARM no longer has). */
  corrected: number;
  /** Reads that failed: Resource Graph's judgement stands for them. */
  failed: number;
  /** Changes left unconfirmed because the per-sweep limit was reached. */
  skipped: number;
}

interface Target {
  kind: "cluster" | "configuration";
  id: string;
}

/** The resources to read again: one per changed component (a Flux object is confirmed through its configuration). */
export function confirmationTargets(changes: ComponentChange[]): Target[] {
  const targets = new Map<string, Target>();
  for (const change of changes) {
    const { previous, next } = change;
    // New components have nothing to confirm against, and a gone one is re-read by the next sweep's Resource Graph query.
    if (!previous || !next || previous.state === next.state) continue;
    const target: Target =
      next.kind === "cluster"
        ? { kind: "cluster", id: next.id }
        : { kind: "configuration", id: next.kind === "fluxObject" && next.parentId ? next.parentId : next.id };
    targets.set(normalizeId(target.id), target);
  }
  return [...targets.values()];
}

/** With `abortSignal` aborted (the run's deadline), reads stop and the rest keep Resource Graph's judgement. */
export async function confirmChanges(
  changes: ComponentChange[],
  options: { configurations: ConfigurationReader; assembler: FleetAssembler; max: number; abortSignal?: AbortSignal },
): Promise<ConfirmResult> {
  const all = confirmationTargets(changes);
  const targets = all.slice(0, options.max);
  const result: ConfirmResult = { read: 0, corrected: 0, failed: 0, skipped: all.length - targets.length };
  const { assembler, configurations } = options;
  const read = { abortSignal: options.abortSignal };
  await Promise.all(
    targets.map(async ({ kind, id }) => {
      const resource =
        kind === "cluster"
          ? {
              state: () => assembler.clusterState(id),
              read: () => configurations.getCluster(id, read),
              remove: () => assembler.removeCluster(id),
              add: (body: unknown) => assembler.addCluster(body),
            }
          : {
              state: () => assembler.configuration(id)?.[0]?.state,
              read: () => configurations.getConfiguration(id, read),
              remove: () => assembler.removeConfiguration(id),
              add: (body: unknown) => assembler.addConfiguration(body),
            };
      try {
        const before = resource.state();
        const body = await resource.read();
        result.read++;
        if (body === undefined) resource.remove();
        else resource.add(body);
        if (resource.state() !== before) result.corrected++;
      } catch {
        result.failed++;
      }
    }),
  );
  return result;
}
