import { catalog } from "../../shared/catalog";
import { type CliIo, parseArgs } from "../io";

/** `catalog [--json]`: the whole catalog as one JSON array, or a readable list grouped by category. */
export async function run(args: string[], io: CliIo): Promise<number> {
  const { options } = parseArgs(args, { switches: ["json"] });
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
