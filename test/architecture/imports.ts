/**
 * The import graph of our own code, read from the sources: what the layer check walks. Relative
 * imports only (static, `import()` and `require()`), resolved to files; packages are not our layers.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export const ROOT = resolve(__dirname, "../..");

export interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
}

const IMPORT =
  /(?:^|[;\s])(import\s+type\s[^"']*?from\s*|import\s[^"']*?from\s*|export\s[^"']*?from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']*)["']/g;

function sourceFiles(dir: string): string[] {
  const base = join(ROOT, dir);
  if (!existsSync(base)) return [];
  return readdirSync(base, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => relative(ROOT, join(base, f)).split("\\").join("/"));
}

function resolveImport(from: string, spec: string): string | undefined {
  const target = resolve(ROOT, dirname(from), spec);
  for (const candidate of [target + ".ts", join(target, "index.ts"), target]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(ROOT, candidate).split("\\").join("/");
  }
  return undefined;
}

/** Every relative import in the given top-level folders; unresolved ones come back with `to: ""`. */
export function importGraph(dirs: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of dirs.flatMap(sourceFiles)) {
    // Comments may name paths (`see ../x`): strip them before matching.
    const source = readFileSync(join(ROOT, file), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
    for (const match of source.matchAll(IMPORT)) {
      edges.push({ from: file, to: resolveImport(file, match[2]) ?? "", typeOnly: /^import\s+type\s/.test(match[1].trim()) });
    }
  }
  return edges;
}

/** Strongly connected components with more than one file (Tarjan), each sorted. */
export function cycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.to) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found;
}
