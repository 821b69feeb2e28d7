import { CatalogError, catalog, validateCatalog } from "../../shared/catalog";
import requiredIds from "../../shared/catalog/required-ids.json";
import { type CliIo, parseArgs } from "../io";

/**
 * `catalog --check`: the whole validation (every required id, every entry complete, every example and
 * anchor classifying to its entry, no near miss doing so); a CatalogError (exit code 1) names each problem.
 * `npm run build` runs it, so a broken entry fails the build (loading the catalog does not validate it).
 */
function check(io: CliIo): number {
  const problems = validateCatalog(catalog, requiredIds);
  if (problems.length) throw new CatalogError(problems);
  io.stdout(`${catalog.length} entries valid (${requiredIds.length} required ids present)`);
  return 0;
}

/** `catalog [--json] [--check]`: the whole catalog as one JSON array, or a readable list grouped by category. */
export async function run(args: string[], io: CliIo): Promise<number> {
  const { options } = parseArgs(args, { switches: ["json", "check"] });
  if (options.check) return check(io);
  if (options.json) {
    io.stdout(JSON.stringify(catalog));
    return 0;
  }
  const idWidth = Math.max(...catalog.map((e) => e.id.length));
  const categories = [...new Set(catalog.map((e) => e.category))];
  for (const category of categories) {
    io.stdout(`${category}:`);
    for (const entry of catalog.filter((e) => e.category === category)) {
      io.stdout(`  ${entry.id.padEnd(idWidth)}  ${entry.severity.padEnd(8)}  ${entry.title}`);
    }
  }
  io.stdout("");
  io.stdout(
    `${catalog.length} entries (${catalog.filter((e) => e.origin === "documented").length} documented, ${catalog.filter((e) => e.origin === "field").length} field-known). Details: fleet-health catalog --json`,
  );
  return 0;
}
