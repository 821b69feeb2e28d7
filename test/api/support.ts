/** A small fleet in Azurite, and calls into the API through the host's own routing. */
import { openApiServices, type ApiServices } from "../../shared/api/services";
import { openFleetHistory } from "../../shared/store";
import type { FleetHistory } from "../../shared/store/types";
import { cluster, FLUX_FAIL, HELM_FAIL, snapshot, SUB_B } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";

export { FLUX_FAIL, HELM_FAIL } from "../store/fixtures";

/**
 * Two sweeps 15 minutes apart:
 * - alpha: healthy, then its flux extension fails;
 * - bravo: flux fails in both sweeps;
 * - charlie (AKS, other subscription): monitoring fails, then recovers (one 15-minute episode);
 * - delta: healthy throughout.
 */
export async function seedFleet(history: FleetHistory) {
  const first = snapshot(
    [cluster("alpha"), cluster("bravo", { flux: FLUX_FAIL }), cluster("charlie", { monitor: HELM_FAIL }, { sub: SUB_B, kind: "aks" }), cluster("delta")],
    { minute: 0, sweepId: "sweep-1" },
  );
  const second = snapshot(
    [cluster("alpha", { flux: FLUX_FAIL }), cluster("bravo", { flux: FLUX_FAIL }), cluster("charlie", {}, { sub: SUB_B, kind: "aks" }), cluster("delta")],
    { minute: 15, sweepId: "sweep-2" },
  );
  await history.recordSweep(first);
  await history.recordSweep(second);
  return { first, second };
}

export async function openSeeded(label: string): Promise<{ services: ApiServices; history: FleetHistory; prefix: string }> {
  const prefix = uniquePrefix(label);
  const options = { connectionString: tablesConnection(), tablePrefix: prefix };
  const history = await openFleetHistory(options);
  await seedFleet(history);
  return { services: await openApiServices(options, { refreshMs: 0 }), history, prefix };
}

export { apiClient, type Answer } from "./client";
