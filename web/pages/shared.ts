/** Shapes and look-ups several pages share. */
import type { IncidentBody as ApiIncident } from "../../shared/api/schemas";
import type { Remedy as ApiRemedy } from "../../shared/api/routes/remedy";
import { api } from "../api";

export interface CatalogSummary {
  id: string;
  title: string;
  category: string;
  severity: string;
  observable: string[];
  origin: string;
  docUrl: string;
}

export type Incident = ApiIncident;

export type Remedy = ApiRemedy;

let catalogCache: Promise<Map<string, CatalogSummary>> | undefined;

/** The catalog (static per deployment), read once per page load. */
export function catalogIndex(): Promise<Map<string, CatalogSummary>> {
  catalogCache ??= api<{ items: CatalogSummary[] }>("catalog").then((d) => new Map(d.items.map((e) => [e.id, e])));
  catalogCache.catch(() => (catalogCache = undefined));
  return catalogCache;
}

/** Subscription and resource group of an ARM id. */
export function scopeOf(id: string): { subscriptionId: string; resourceGroup: string } {
  const m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)/i.exec(id);
  return { subscriptionId: m?.[1] ?? "", resourceGroup: m?.[2] ?? "" };
}
