import { describe, expect, it } from "vitest";
import { cycles, importGraph, type ImportEdge } from "./imports";

/**
 * The layers of docs/architecture.md, top to bottom. A file may import its own layer's folder and any
 * layer below; never above. Dev tools (cli/, dev/) sit on top and are never imported by what ships.
 */
const LAYERS: ReadonlyArray<{ name: string; folders: readonly string[] }> = [
  { name: "dev tools", folders: ["cli", "dev"] },
  { name: "dashboard (browser)", folders: ["web"] },
  { name: "trigger adapters", folders: ["functions"] },
  { name: "use cases", folders: ["shared/sweep", "shared/digest", "shared/api"] },
  { name: "domain", folders: ["shared/health", "shared/catalog", "shared/operate"] },
  { name: "Azure and storage adapters", folders: ["shared/azure", "shared/store", "shared/telemetry"] },
  { name: "core", folders: ["shared/core"] },
];

function folderOf(file: string): string | undefined {
  return LAYERS.flatMap((l) => l.folders).find((f) => file === f || file.startsWith(f + "/"));
}

function rank(file: string): number {
  const folder = folderOf(file);
  return LAYERS.findIndex((l) => folder !== undefined && l.folders.includes(folder));
}

const EDGES = importGraph(["functions", "shared", "cli", "dev", "web"]);

/** Imports that break the layering, as `from -> to`. */
function upwardImports(edges: readonly ImportEdge[]): string[] {
  return edges.filter((e) => e.to && rank(e.to) < rank(e.from)).map((e) => `${e.from} -> ${e.to}`);
}

describe("layers", () => {
  it("every source file belongs to a layer, and every relative import resolves", () => {
    expect(EDGES.length).toBeGreaterThan(100);
    expect([...new Set(EDGES.flatMap((e) => [e.from, e.to]).filter((f) => f && rank(f) < 0))]).toEqual([]);
    expect(EDGES.filter((e) => !e.to).map((e) => e.from)).toEqual([]);
  });

  it("imports only go down: trigger adapters -> use cases -> domain -> adapters -> core", () => {
    expect(upwardImports(EDGES)).toEqual([]);
  });

  it("no import cycles between files", () => {
    expect(cycles(EDGES)).toEqual([]);
  });

  it("no cycles between folders (a folder's files may import each other)", () => {
    const folderEdges = EDGES.filter((e) => e.to && folderOf(e.from) !== folderOf(e.to)).map((e) => ({
      from: folderOf(e.from)!,
      to: folderOf(e.to)!,
      typeOnly: e.typeOnly,
    }));
    expect(cycles(folderEdges)).toEqual([]);
  });

  it("the dashboard (web/) takes only types from the service: its bundle runs in the browser", () => {
    expect(EDGES.filter((e) => e.from.startsWith("web/") && !e.to.startsWith("web/") && !e.typeOnly).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
    expect(EDGES.filter((e) => !e.from.startsWith("web/") && e.to.startsWith("web/"))).toEqual([]);
  });

  it("core/ids.ts (ARM id parsing) imports nothing of ours", () => {
    expect(EDGES.filter((e) => e.from === "shared/core/ids.ts")).toEqual([]);
  });

  it("the check fails on an upward import and on a cycle", () => {
    const planted: ImportEdge[] = [
      { from: "shared/store/a.ts", to: "shared/sweep/b.ts", typeOnly: false },
      { from: "shared/sweep/b.ts", to: "shared/store/a.ts", typeOnly: false },
    ];
    expect(upwardImports(planted)).toEqual(["shared/store/a.ts -> shared/sweep/b.ts"]);
    expect(cycles(planted)).toEqual([["shared/store/a.ts", "shared/sweep/b.ts"]]);
  });
});
