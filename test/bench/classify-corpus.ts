/**
 * The classify benchmark's corpus: every catalog example wrapped the ways Azure wraps it, with other
 * cluster names and correlation ids; failures the catalog does not know; healthy noise. Deterministic,
 * so every run (and the normal-form equivalence test) sees the same messages.
 */
import { catalog } from "../../shared/catalog";
import type { CatalogEntry, ClassifyContext } from "../../shared/catalog/types";
import { WRAPPERS, clusterName } from "../catalog/wrappers";

export interface Sample {
  message: string;
  context?: ClassifyContext;
  /** The entry the message was built from; null for unknown failures and noise. */
  expected: string | null;
  kind: "catalog" | "unknown" | "noise";
}

/** A small deterministic generator so every run measures the same corpus. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

const hex = (rnd: () => number, n: number) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(rnd() * 16)]).join("");
const guid = (rnd: () => number) => `${hex(rnd, 8)}-${hex(rnd, 4)}-${hex(rnd, 4)}-${hex(rnd, 4)}-${hex(rnd, 12)}`;
const ip = (rnd: () => number) => `10.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}`;

const UNKNOWN: Array<(rnd: () => number, name: string) => string> = [
  (r, n) =>
    `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${hex(r, 64)}": plugin type="azure-vnet" failed (add): IPAM Invalid request on ${n}`,
  (r) =>
    `0/${3 + Math.floor(r() * 20)} nodes are available: ${1 + Math.floor(r() * 5)} Insufficient cpu, ${Math.floor(r() * 4)} node(s) didn't match Pod's node affinity/selector. preemption: 0/7 nodes are available: 7 No preemption victims found for incoming pod.`,
  (r, n) =>
    `Readiness probe failed: Get "http://${ip(r)}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers) on pod orders-api-${hex(r, 9)}-${hex(r, 5)} in ${n}`,
  (r) =>
    `persistentvolumeclaim "data-postgres-${Math.floor(r() * 3)}" not found; waiting for a volume to be created, either by external provisioner "disk.csi.azure.com" or manually created by system administrator`,
  (r, n) =>
    `Operation returned an invalid status code 'InternalServerError'. Correlation id ${guid(r)}, cluster ${n}, at ${new Date(1.7e12 + r() * 1e10).toISOString()}`,
  (r) => `etcdserver: request timed out, possibly due to previous leader failure; retrying in ${Math.floor(r() * 30)}s (attempt ${Math.floor(r() * 9)})`,
];

const NOISE: Array<(rnd: () => number, name: string) => string> = [
  () => "Extension is installed successfully.",
  (r) => `Applied revision: main@sha1:${hex(r, 40)}`,
  (r) => `Reconciliation finished in ${(r() * 9).toFixed(1)}s, next run in 10m0s`,
  (r, n) => `{"status":"Succeeded","name":"${guid(r)}","properties":{"provisioningState":"Succeeded","message":"Configuration ${n} is compliant"}}`,
  (r) => `stored artifact for revision 'main@sha1:${hex(r, 40)}'`,
  (r) => `Helm install succeeded for release flux-system/podinfo.v${Math.floor(r() * 40)} with chart podinfo@6.${Math.floor(r() * 9)}.${Math.floor(r() * 9)}`,
];

/** The entries whose examples the corpus wraps: the catalog, or a frozen copy (the fingerprint golden test's). */
export type CorpusEntry = Pick<CatalogEntry, "id" | "examples" | "context">;

export function corpus(size: number, entries: readonly CorpusEntry[] = catalog): Sample[] {
  const rnd = random(20_240_502);
  const examples = entries.flatMap((entry) => entry.examples.map((example) => ({ entry, example })));
  const wrappers = Object.values(WRAPPERS);
  const samples: Sample[] = [];
  for (let i = 0; i < size; i++) {
    const name = clusterName(Math.floor(rnd() * 5000));
    const roll = rnd();
    if (roll < 0.5) {
      const { entry, example } = examples[Math.floor(rnd() * examples.length)];
      const wrapped = wrappers[Math.floor(rnd() * wrappers.length)](example, name);
      // Half carry the context the collector would attach; the other half are pasted text.
      const context =
        rnd() < 0.5
          ? { component: entry.context?.components?.[0], extensionType: entry.context?.extensionTypes?.[0], clusterKind: entry.context?.clusterKinds?.[0] }
          : undefined;
      samples.push({ message: `${wrapped} (correlation id ${guid(rnd)})`, context, expected: entry.id, kind: "catalog" });
    } else if (roll < 0.75) {
      samples.push({ message: UNKNOWN[Math.floor(rnd() * UNKNOWN.length)](rnd, name), expected: null, kind: "unknown" });
    } else {
      samples.push({ message: NOISE[Math.floor(rnd() * NOISE.length)](rnd, name), expected: null, kind: "noise" });
    }
  }
  return samples;
}
