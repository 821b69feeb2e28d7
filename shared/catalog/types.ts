/**
 * The shape of a catalog entry: one documented (or field-known) problem with the signatures that
 * identify it in Azure's messages, the context it applies in, its cause, the fix and the link.
 * Entries are data; they live in shared/catalog/entries/ and are reviewed by people who know Azure.
 */

export const CATEGORIES = [
  "arc-agent",
  "connectivity",
  "identity",
  "permissions",
  "helm",
  "extension",
  "flux",
  "osm",
  "monitoring",
  "service-connector",
  "cli",
  "provider",
] as const;
export type Category = (typeof CATEGORIES)[number];

export type Severity = "critical" | "high" | "medium" | "low";

/** Where the service can see the failure (see ../shared/catalog-ids.json `observable`). */
export type Observable = "extension" | "flux" | "cluster" | "client";

/** The component kinds a classify request can name (CONTRACT: `context.component`). */
export type ContextComponent = "extension" | "flux" | "cluster";

/** Every ContextComponent, for validating requests. */
export const CONTEXT_COMPONENTS: readonly ContextComponent[] = ["extension", "flux", "cluster"];

export interface RemediationStep {
  /** What to do, in one or two sentences. */
  text: string;
  /** The exact command(s) from the source document, one per line, placeholders in <angle brackets>. */
  command?: string;
  /**
   * The cluster kinds the step is for, when its text says so ("On AKS, ..."); absent, the command tells
   * (see stepClusterKinds in fix.ts) or it applies to both.
   */
  clusterKinds?: Array<"arc" | "aks">;
}

export interface CatalogEntry {
  /** Stable id; the ids in ../shared/catalog-ids.json must never be renamed. */
  id: string;
  title: string;
  category: Category;
  severity: Severity;
  observable: Observable[];
  /**
   * Regular expression sources (case-insensitive, matched against the normalized message: lower
   * case, whitespace collapsed, wrappers removed). Each one alone identifies the problem.
   */
  signatures: string[];
  /** Restricts where the entry applies; absent fields mean "any". */
  context?: {
    components?: ContextComponent[];
    /** Lower-case extension types, e.g. `microsoft.flux`, `microsoft.openservicemesh`, `microsoft.servicelinker` sc-extension. */
    extensionTypes?: string[];
    clusterKinds?: Array<"arc" | "aks">;
  };
  cause: string;
  steps: RemediationStep[];
  /** Microsoft Learn troubleshooting article the entry comes from (or the best public guidance). */
  docUrl: string;
  /** `documented`: written from a seed document; `field`: a failure real fleets hit that the documents do not cover. */
  origin: "documented" | "field";
  /** Seed files (e.g. `000_a421b814d94b038a.txt`) and section headings it was written from. */
  sources?: Array<{ seed: string; section: string }>;
  /** Example messages the entry must classify: the seeds' own text first, then realistic variants. */
  examples: string[];
  /** Messages that share words with the entry but must NOT be classified as it. */
  nearMisses?: string[];
  /**
   * Sentences (normalized: lower case, single spaces, at least 16 characters) that identify the entry even
   * when Azure's text has a typo or a dropped word: when no signature matches, an anchor within a small edit
   * distance (1 from 16 characters, 2 from 32) classifies the message. Signatures always win over anchors.
   */
  anchors?: string[];
  /**
   * Tie-breaker when several entries match one message (default 0). A catch-all entry for a generic
   * cause (a DNS lookup or TCP timeout to any Azure endpoint) sets -1, so that an entry naming the
   * symptom in the same message (the MSI certificate could not be fetched) wins.
   */
  priority?: number;
}

/** What the classifier is told about where a message came from. All optional. */
export interface ClassifyContext {
  component?: ContextComponent;
  extensionType?: string;
  /** A status or error code next to the message, e.g. `InstallationFailed`. */
  code?: string;
  provisioningState?: string;
  clusterKind?: "arc" | "aks";
}
