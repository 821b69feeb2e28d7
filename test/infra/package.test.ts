/**
 * The packaging script's parts: which packages ship, the deployed package.json, the dependency
 * check of the staged tree and the zip (fflate; checked by the system `unzip` when present).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";

const packaging = require("../../infra/package.js") as {
  productionPackages(lock: { packages?: Record<string, { dev?: boolean; link?: boolean }> }): string[];
  deployedPackageJson(pkg: Record<string, unknown>): Record<string, unknown>;
  unresolvedDependencies(stagingDir: string, packages: string[]): string[];
  entryLoadError(stagingDir: string): string | undefined;
  writeZip(sourceDir: string, zipPath: string): { files: number; bytes: number; uncompressedBytes: number };
};

const root = resolve(__dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "fleet-package-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeTree(base: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(base, rel)), { recursive: true });
    writeFileSync(join(base, rel), content);
  }
}

describe("production packages", () => {
  it("keeps runtime packages, drops dev-only ones, links and the root entry", () => {
    const lock = {
      packages: {
        "": {},
        "node_modules/a": {},
        "node_modules/a/node_modules/b": {},
        "node_modules/vitest": { dev: true },
        "node_modules/linked": { link: true },
        "packages/local": {},
      },
    };
    expect(packaging.productionPackages(lock)).toEqual(["node_modules/a", "node_modules/a/node_modules/b"]);
    expect(() => packaging.productionPackages({})).toThrow(/lockfileVersion 2/);
  });

  it("from the real lockfile: every dependency ships and no devDependency does", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const shipped = packaging.productionPackages(JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")));
    for (const name of Object.keys(pkg.dependencies)) expect(shipped).toContain(`node_modules/${name}`);
    for (const name of Object.keys(pkg.devDependencies)) expect(shipped).not.toContain(`node_modules/${name}`);
  });

  it("the deployed package.json keeps the entry point and dependencies, without scripts or devDependencies", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;
    const deployed = packaging.deployedPackageJson(pkg);
    expect(deployed.main).toBe("dist/functions/index.js");
    expect(deployed.dependencies).toEqual(pkg.dependencies);
    expect(deployed).not.toHaveProperty("scripts");
    expect(deployed).not.toHaveProperty("devDependencies");
  });
});

describe("staged tree", () => {
  it("resolves dependencies the way Node does and names the ones missing", () => {
    const staging = join(scratch, "staging");
    writeTree(staging, {
      "package.json": JSON.stringify({ dependencies: { a: "1", gone: "1" } }),
      "node_modules/a/package.json": JSON.stringify({ dependencies: { b: "1", c: "1" }, optionalDependencies: { c: "1" } }),
      "node_modules/a/node_modules/b/package.json": JSON.stringify({ dependencies: { a: "1", d: "1" } }),
    });
    const packages = ["node_modules/a", "node_modules/a/node_modules/b"];
    // b finds a two levels up; c is optional; `gone` and `d` are missing.
    expect(packaging.unresolvedDependencies(staging, packages)).toEqual(["package.json -> gone", "node_modules/a/node_modules/b -> d"]);
  });

  it("loads the entry point from the staged tree alone, not from a node_modules above it", () => {
    const outer = join(scratch, "outer");
    const staging = join(outer, "staging");
    writeTree(outer, {
      "node_modules/only-above/index.js": "module.exports = 1;",
      "staging/dist/functions/index.js": "require('only-above');",
    });
    expect(packaging.entryLoadError(staging)).toMatch(/Cannot find module 'only-above'/);
    writeTree(staging, { "node_modules/only-above/index.js": "module.exports = 1;" });
    expect(packaging.entryLoadError(staging)).toBeUndefined();
  });
});

describe("zip writer", () => {
  const hasUnzip = spawnSync("unzip", ["-v"]).status === 0;

  it("is deterministic, and writes what it was given", () => {
    const source = join(scratch, "source");
    writeTree(source, {
      "host.json": JSON.stringify({ version: "2.0" }),
      "dist/functions/index.js": "require('./x');\n".repeat(200),
      "node_modules/é/binary.bin": randomBytes(4096),
      "empty.txt": "",
    });
    const first = packaging.writeZip(source, join(scratch, "a.zip"));
    packaging.writeZip(source, join(scratch, "b.zip"));
    expect(first.files).toBe(4);
    expect(first.bytes).toBe(readFileSync(join(scratch, "a.zip")).length);
    expect(first.bytes).toBeLessThan(first.uncompressedBytes); // the repeated script deflates
    expect(readFileSync(join(scratch, "a.zip")).equals(readFileSync(join(scratch, "b.zip")))).toBe(true);
  });

  it.skipIf(!hasUnzip)("unzip tests the archive and extracts the same bytes", () => {
    const source = join(scratch, "source");
    const out = join(scratch, "extracted");
    expect(spawnSync("unzip", ["-tq", join(scratch, "a.zip")], { encoding: "utf8" }).stdout).toMatch(/No errors detected/);
    expect(spawnSync("unzip", ["-q", join(scratch, "a.zip"), "-d", out]).status).toBe(0);
    for (const rel of ["host.json", "dist/functions/index.js", "node_modules/é/binary.bin", "empty.txt"]) {
      expect(readFileSync(join(out, rel)).equals(readFileSync(join(source, rel))), rel).toBe(true);
    }
  });
});
