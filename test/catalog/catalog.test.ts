/**
 * The catalog as a whole: it validates, it carries every required id, and the validator itself
 * catches each kind of broken entry (so a passing validation means something).
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalog, getEntry, validateCatalog } from "../../shared/catalog";
import requiredIds from "../../shared/catalog/required-ids.json";
import type { CatalogEntry } from "../../shared/catalog/types";

const CONTRACT_IDS = "/work/shared/catalog-ids.json";

function entry(overrides: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    id: "test-entry",
    title: "A test entry",
    category: "extension",
    severity: "low",
    observable: ["extension"],
    signatures: ["widget exploded at the frobnicator"],
    cause: "The widget was overloaded.",
    steps: [{ text: "Replace the widget.", command: "kubectl delete widget <name>" }],
    docUrl: "https://learn.microsoft.com/example",
    origin: "field",
    examples: ["Error: widget exploded at the frobnicator"],
    ...overrides,
  };
}

const problemsOf = (entries: CatalogEntry[], ids: string[] = []) => validateCatalog(entries, ids).map((p) => `${p.entryId}: ${p.problem}`);

describe("the catalog", () => {
  it("validates: unique ids, complete entries, compiling signatures, examples classify to their entry, near misses do not", () => {
    expect(problemsOf([...catalog], requiredIds)).toEqual([]);
  });

  it("carries every id of catalog-ids.json", () => {
    const ids = new Set(catalog.map((e) => e.id));
    expect(requiredIds.filter((id) => !ids.has(id))).toEqual([]);
    expect(requiredIds.length).toBeGreaterThanOrEqual(35);
  });

  it.skipIf(!existsSync(CONTRACT_IDS))("keeps its copy of the required ids equal to the contract's catalog-ids.json", () => {
    const contract = JSON.parse(readFileSync(CONTRACT_IDS, "utf8")) as { entries: Array<{ id: string }> };
    expect([...requiredIds].sort()).toEqual(contract.entries.map((e) => e.id).sort());
  });

  it("finds entries by id", () => {
    expect(getEntry("arc-cluster-permissions")?.category).toBe("permissions");
    expect(getEntry("no-such-entry")).toBeUndefined();
  });

  it("links every documented entry to Microsoft Learn and to the seed it was written from", () => {
    for (const e of catalog.filter((c) => c.origin === "documented")) {
      expect(e.docUrl, e.id).toMatch(/^https:\/\/learn\.microsoft\.com\//);
      for (const source of e.sources ?? []) expect(source.seed, e.id).toMatch(/^00\d_[0-9a-f]{16}\.txt$/);
    }
  });
});

describe("validateCatalog catches", () => {
  it("nothing in a good entry", () => {
    expect(problemsOf([entry()])).toEqual([]);
  });

  it("duplicate ids and missing required ids", () => {
    expect(problemsOf([entry(), entry({ examples: ["widget exploded at the frobnicator twice"] })], ["test-entry", "gone"])).toEqual([
      "test-entry: duplicate id",
      "gone: required id (catalog-ids.json) missing from the catalog",
    ]);
  });

  it("signatures that do not compile or match anything", () => {
    expect(problemsOf([entry({ signatures: ["widget (exploded"] })])[0]).toMatch(/^test-entry: signature \/widget \(exploded\/ does not compile/);
    expect(problemsOf([entry({ signatures: ["(?:widget)?"] })])).toEqual(["test-entry: signature /(?:widget)?/ matches the empty message"]);
  });

  it("incomplete entries", () => {
    expect(problemsOf([entry({ steps: [], docUrl: "learn.microsoft.com/x", title: " " })])).toEqual([
      "test-entry: no title",
      "test-entry: no steps, or a step without text",
      "test-entry: no https docUrl",
    ]);
    expect(problemsOf([entry({ origin: "documented" })])).toEqual(["test-entry: documented entry without sources"]);
    expect(problemsOf([entry({ id: "Test_Entry" })])).toEqual(["Test_Entry: id must be lower-case words joined by hyphens"]);
  });

  it("examples that do not classify to their entry, and near misses that do", () => {
    expect(problemsOf([entry({ examples: ["the frobnicator is fine"], nearMisses: ["widget exploded at the frobnicator again"] })])).toEqual([
      "test-entry: example classifies as nothing: the frobnicator is fine",
      "test-entry: near miss classifies as the entry: widget exploded at the frobnicator again",
    ]);
  });

  it("anchors too short to tolerate an edit, not normalized, or not classifying to their entry", () => {
    expect(problemsOf([entry({ anchors: ["widget exploded"] })])).toEqual([
      'test-entry: anchor "widget exploded" is shorter than 16 characters: too short to tolerate an edit',
    ]);
    expect(problemsOf([entry({ anchors: ["Widget  exploded at the frobnicator"] })])).toEqual([
      'test-entry: anchor "Widget  exploded at the frobnicator" is not normalized (lower case, single spaces)',
    ]);
    const other = entry({
      id: "other-entry",
      signatures: ["frobnicator melted"],
      examples: ["the frobnicator melted"],
      anchors: ["widget exploded at the frobnicator"],
    });
    expect(problemsOf([entry(), other])).toEqual(["other-entry: anchor classifies as test-entry: widget exploded at the frobnicator"]);
  });

  it("an example claimed by two entries", () => {
    const other = entry({ id: "other-entry", signatures: ["widget exploded"], examples: ["Error: widget exploded at the frobnicator"] });
    const problems = problemsOf([entry(), other]);
    expect(problems).toContain("other-entry: example also claimed by test-entry: Error: widget exploded at the frobnicator");
  });
});
