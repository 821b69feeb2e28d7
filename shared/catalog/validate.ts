import { anchorEdits } from "./anchors";
import { Classifier } from "./classifier";
import { normalizeMessage } from "./normalize";
import { SOURCE_DOCUMENTS } from "./sources";
import { CATEGORIES, type CatalogEntry } from "./types";

/** One thing wrong with the catalog, named by entry so a reviewer can find it. */
export interface CatalogProblem {
  entryId: string;
  problem: string;
}

export class CatalogError extends Error {
  readonly code = "InvalidCatalog";
  constructor(readonly problems: CatalogProblem[]) {
    super(`the error catalog is invalid:\n${problems.map((p) => `  ${p.entryId}: ${p.problem}`).join("\n")}`);
    this.name = "CatalogError";
  }
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function compiles(source: string): string | undefined {
  try {
    new RegExp(source, "i");
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Problems of the entries one by one: ids, required fields, signatures that compile. */
function entryProblems(entry: CatalogEntry): string[] {
  const problems: string[] = [];
  if (!ID.test(entry.id)) problems.push("id must be lower-case words joined by hyphens");
  if (!entry.title?.trim()) problems.push("no title");
  if (!CATEGORIES.includes(entry.category)) problems.push(`unknown category "${entry.category}"`);
  if (!entry.cause?.trim()) problems.push("no cause");
  if (!entry.steps?.length || entry.steps.some((s) => !s.text?.trim())) problems.push("no steps, or a step without text");
  if (!/^https:\/\/\S+$/.test(entry.docUrl ?? "")) problems.push("no https docUrl");
  if (!entry.observable?.length) problems.push("no observable");
  if (!entry.signatures?.length) problems.push("no signatures");
  for (const source of entry.signatures ?? []) {
    const error = compiles(source);
    if (error) problems.push(`signature /${source}/ does not compile: ${error}`);
    else if (new RegExp(source, "i").test("")) problems.push(`signature /${source}/ matches the empty message`);
  }
  for (const anchor of entry.anchors ?? []) {
    if (anchorEdits(anchor.length) === 0) problems.push(`anchor "${anchor}" is shorter than 16 characters: too short to tolerate an edit`);
    if (normalizeMessage(anchor) !== anchor) problems.push(`anchor "${anchor}" is not normalized (lower case, single spaces)`);
  }
  if (!entry.examples?.length) problems.push("no examples");
  if (entry.origin === "documented" && !entry.sources?.length) problems.push("documented entry without sources");
  for (const { seed } of entry.sources ?? []) if (!SOURCE_DOCUMENTS[seed]) problems.push(`source ${seed} is not a known document (sources.ts)`);
  return problems;
}

/**
 * Everything that must hold for the catalog to be trusted: unique ids, every required id present,
 * every entry complete with compiling signatures and normalized anchors, every example and anchor
 * classifying to its own entry, no near miss classifying to it, and no example claimed by two entries.
 */
export function validateCatalog(entries: readonly CatalogEntry[], requiredIds: readonly string[] = []): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const add = (entryId: string, problem: string) => problems.push({ entryId, problem });
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) add(entry.id, "duplicate id");
    seen.add(entry.id);
    for (const problem of entryProblems(entry)) add(entry.id, problem);
  }
  for (const id of requiredIds) if (!seen.has(id)) add(id, "required id (catalog-ids.json) missing from the catalog");
  if (problems.length) return problems; // examples cannot be judged with broken signatures

  const classifier = new Classifier(entries);
  const owners = new Map<string, string>();
  for (const entry of entries) {
    for (const example of entry.examples) {
      const owner = owners.get(example);
      if (owner && owner !== entry.id) add(entry.id, `example also claimed by ${owner}: ${example.slice(0, 80)}`);
      owners.set(example, entry.id);
      const got = classifier.classify(example).catalogId;
      if (got !== entry.id) add(entry.id, `example classifies as ${got ?? "nothing"}: ${example.slice(0, 120)}`);
    }
    // An anchor is judged in the entry's own context: a product's entry may share a sentence with a generic one.
    const own = { component: entry.context?.components?.[0], extensionType: entry.context?.extensionTypes?.[0], clusterKind: entry.context?.clusterKinds?.[0] };
    for (const anchor of entry.anchors ?? []) {
      const got = classifier.classify(anchor, own).catalogId;
      if (got !== entry.id) add(entry.id, `anchor classifies as ${got ?? "nothing"}: ${anchor}`);
    }
    for (const nearMiss of entry.nearMisses ?? []) {
      if (classifier.classify(nearMiss).catalogId === entry.id) add(entry.id, `near miss classifies as the entry: ${nearMiss.slice(0, 120)}`);
    }
  }
  return problems;
}
