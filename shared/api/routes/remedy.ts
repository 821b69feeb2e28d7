/** The part of a catalog entry a person needs next to a failure: what it is and how to fix it. */
import { getEntry } from "../../catalog";

export interface Remedy {
  id: string;
  title: string;
  category: string;
  severity: string;
  cause: string;
  steps: Array<{ text: string; command?: string }>;
  docUrl: string;
}

export function remedyFor(catalogId: string | null | undefined): Remedy | null {
  const entry = catalogId ? getEntry(catalogId) : undefined;
  return entry ? { id: entry.id, title: entry.title, category: entry.category, severity: entry.severity, cause: entry.cause, steps: entry.steps, docUrl: entry.docUrl } : null;
}
