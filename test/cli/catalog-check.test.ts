/**
 * `fleet-health catalog --check` (run by `npm run build`) is what stops a broken entry now that loading
 * the catalog no longer validates it: here the catalog carries one broken entry, which must fail the check.
 */
import { describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import type { CatalogEntry } from "../../shared/catalog/types";
import { captureIo } from "../support/cli";

vi.mock("../../shared/catalog/entries", async (importOriginal) => {
  const { catalogEntries } = await importOriginal<typeof import("../../shared/catalog/entries")>();
  // A copy of a real entry whose example no signature matches: complete, compiling, and still wrong.
  const broken: CatalogEntry = { ...catalogEntries[0], id: "broken-entry", examples: ["nothing any signature of this entry matches"] };
  return { catalogEntries: [...catalogEntries, broken] };
});

describe("catalog --check", () => {
  it("fails on a broken entry, naming it and the problem, and still loads and classifies", async () => {
    const io = captureIo();
    expect(await main(["catalog", "--check"], io)).toBe(1);
    expect(io.err).toEqual([
      expect.stringMatching(
        /^fleet-health catalog: \[InvalidCatalog\] the error catalog is invalid:\n {2}broken-entry: example classifies as nothing: nothing any signature/,
      ),
    ]);
    expect(io.out).toEqual([]);
    // Loading the catalog does not validate it: classify still answers.
    const classified = captureIo();
    expect(await main(["classify", "Unable to get a response from the Agent in time"], classified)).toBe(0);
    expect(classified.out.join("\n")).toContain("Catalog id: ext-agent-no-response");
  });
});
