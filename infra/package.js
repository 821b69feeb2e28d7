#!/usr/bin/env node
/**
 * `npm run package` (after `npm run build`): stages what the Functions host needs into dist/deploy
 * (compiled code, host.json, a trimmed package.json and the production node_modules) and zips it
 * to dist/fleet-health.zip for Flex Consumption one-deploy (`az functionapp deployment source
 * config-zip`). azd deploys the staged folder itself (azure.yaml `dist`).
 *
 * The production packages are the package-lock entries not marked `dev`: exactly what
 * `npm ci --omit=dev` installs, copied from the local node_modules, so packaging needs no network.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");

/** Relative to the project root; azure.yaml `dist` points here. */
const STAGING_DIR = "dist/deploy";
const ZIP_FILE = "dist/fleet-health.zip";
/** What tsc and web/build.mjs emit for the app; anything else under dist/ is not deployed. */
const COMPILED_DIRS = ["dist/functions", "dist/shared", "dist/web"];

/**
 * Install paths (`node_modules/...`) of the packages a production install holds.
 * @param {{ packages?: Record<string, { dev?: boolean, link?: boolean, optional?: boolean }> }} lock package-lock.json (v2 or v3)
 * @returns {string[]}
 */
function productionPackages(lock) {
  if (!lock.packages) throw new Error("package-lock.json has no `packages` map: lockfileVersion 2 or newer is required (npm 7+)");
  return Object.entries(lock.packages)
    .filter(([where, entry]) => where.startsWith("node_modules/") && !entry.dev && !entry.link)
    .map(([where]) => where)
    .sort();
}

/**
 * The package.json the host reads: entry point and runtime dependencies, no scripts (nothing runs
 * npm on the server) and no devDependencies.
 * @param {Record<string, unknown>} pkg
 */
function deployedPackageJson(pkg) {
  const { name, version, description, license, main, engines, dependencies } = pkg;
  return { name, version, description, license, main, engines, dependencies };
}

/**
 * Dependencies that would not resolve inside the staged tree (Node's lookup: the package's own
 * node_modules, then each parent's, up to the staging root). Optional dependencies may be absent.
 * @param {string} stagingDir
 * @param {string[]} packages install paths relative to stagingDir
 * @returns {string[]} `<package path> -> <dependency>`
 */
function unresolvedDependencies(stagingDir, packages) {
  const missing = [];
  const requirers = ["", ...packages];
  for (const where of requirers) {
    const manifest = JSON.parse(fs.readFileSync(path.join(stagingDir, where, "package.json"), "utf8"));
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      if (manifest.optionalDependencies?.[dependency]) continue;
      let dir = where;
      let found = false;
      for (;;) {
        if (fs.existsSync(path.join(stagingDir, dir, "node_modules", dependency, "package.json"))) {
          found = true;
          break;
        }
        if (!dir) break;
        // Up one install level: node_modules/a/node_modules/b -> node_modules/a -> "".
        const cut = dir.lastIndexOf("/node_modules/");
        dir = cut >= 0 ? dir.slice(0, cut) : "";
      }
      if (!found) missing.push(`${where || "package.json"} -> ${dependency}`);
    }
  }
  return missing;
}

/** Type declarations and source maps: nothing loads them at run time, and they are a third of the size. */
const NOT_RUNTIME = /\.(d\.[cm]?ts|map)$/;

/** Copies one installed package without its nested node_modules (those are lock entries of their own). */
function copyPackage(root, stagingDir, where) {
  const from = path.join(root, where);
  if (!fs.existsSync(from)) return false;
  const nested = path.join(from, "node_modules");
  const keep = (source) => source !== nested && !source.startsWith(nested + path.sep) && !NOT_RUNTIME.test(source);
  fs.cpSync(from, path.join(stagingDir, where), { recursive: true, filter: keep });
  return true;
}

/**
 * @param {string} root project root
 * @returns {{ stagingDir: string, packages: string[] }}
 */
function stage(root) {
  const stagingDir = path.join(root, STAGING_DIR);
  fs.rmSync(stagingDir, { recursive: true, force: true });
  for (const dir of COMPILED_DIRS) {
    if (!fs.existsSync(path.join(root, dir))) throw new Error(`${dir} is missing: run \`npm run build\` first`);
    fs.cpSync(path.join(root, dir), path.join(stagingDir, dir), { recursive: true });
  }
  fs.copyFileSync(path.join(root, "host.json"), path.join(stagingDir, "host.json"));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  fs.writeFileSync(path.join(stagingDir, "package.json"), JSON.stringify(deployedPackageJson(pkg), null, 2) + "\n");
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
  // Optional packages for other platforms are in the lock but not installed here.
  const packages = productionPackages(lock).filter((where) => copyPackage(root, stagingDir, where));
  return { stagingDir, packages };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** zlib.crc32 exists from Node 20.15; the table version covers older Node 20 releases. */
function crc32(data) {
  if (typeof zlib.crc32 === "function") return zlib.crc32(data);
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function filesUnder(dir, prefix = "") {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return filesUnder(dir, rel);
      return entry.isFile() ? [rel] : [];
    });
}

/**
 * A plain zip (deflate, UTF-8 names, Unix modes, fixed 1980-01-01 timestamps so the same input gives
 * the same bytes). No zip64: fails clearly past 65,535 files or 4 GiB.
 * @param {string} sourceDir
 * @param {string} zipPath
 * @returns {{ files: number, bytes: number, uncompressedBytes: number }}
 */
function writeZip(sourceDir, zipPath) {
  const DOS_DATE = (0 << 9) | (1 << 5) | 1;
  const chunks = [];
  const central = [];
  let offset = 0;
  let uncompressedBytes = 0;
  const files = filesUnder(sourceDir);
  if (files.length > 0xffff) throw new Error(`${files.length} files: more than a zip without zip64 holds`);
  for (const rel of files) {
    const full = path.join(sourceDir, rel);
    const data = fs.readFileSync(full);
    const deflated = zlib.deflateRawSync(data, { level: 9 });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const name = Buffer.from(rel, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes carry the mode
    entry.writeUInt16LE(20, 6);
    local.copy(entry, 8, 6, 30); // flags, method, time, date, crc, sizes, name length, extra length
    entry.writeUInt16LE(0, 32);
    entry.writeUInt16LE(0, 34);
    entry.writeUInt16LE(0, 36);
    entry.writeUInt32LE(((fs.statSync(full).mode & 0o777) | 0o100000) << 16 >>> 0, 38);
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, name, body);
    central.push(entry, name);
    offset += local.length + name.length + body.length;
    uncompressedBytes += data.length;
    if (offset > 0xffffffff) throw new Error("package over 4 GiB: more than a zip without zip64 holds");
  }
  const centralSize = central.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  fs.mkdirSync(path.dirname(zipPath), { recursive: true });
  fs.writeFileSync(zipPath, Buffer.concat([...chunks, ...central, end]));
  return { files: files.length, bytes: offset + centralSize + end.length, uncompressedBytes };
}

/**
 * Loads the staged entry point with module lookup confined to the staged tree: Node would otherwise
 * fall back to the project's own node_modules above it and hide a missing package. (Outside the
 * Functions host, @azure/functions switches to test mode, which is fine for a load check.)
 */
const LOAD_CHECK = `
const Module = require("node:module");
const path = require("node:path");
const root = process.argv[1];
const lookup = Module._nodeModulePaths;
Module._nodeModulePaths = (from) => lookup(from).filter((dir) => dir.startsWith(root + path.sep));
require(path.join(root, "dist/functions/index.js"));
`;

/** @returns {string | undefined} the child's stderr when dist/functions/index.js fails to load from stagingDir alone */
function entryLoadError(stagingDir) {
  const load = spawnSync(process.execPath, ["-e", LOAD_CHECK, stagingDir], { cwd: stagingDir, encoding: "utf8" });
  return load.status === 0 ? undefined : load.stderr || `exit code ${load.status}`;
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function main() {
  const root = path.resolve(__dirname, "..");
  const started = Date.now();
  const { stagingDir, packages } = stage(root);
  const missing = unresolvedDependencies(stagingDir, packages);
  if (missing.length) throw new Error(`production dependencies missing from the package:\n  ${missing.join("\n  ")}`);
  const loadError = entryLoadError(stagingDir);
  if (loadError) throw new Error(`the staged entry point does not load:\n${loadError}`);
  const zip = writeZip(stagingDir, path.join(root, ZIP_FILE));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`staged ${STAGING_DIR}: ${packages.length} production packages, ${zip.files} files, ${mb(zip.uncompressedBytes)}`);
  console.log(`wrote ${ZIP_FILE}: ${mb(zip.bytes)} (${zip.bytes} bytes) in ${seconds} s`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`package: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}

module.exports = { STAGING_DIR, ZIP_FILE, productionPackages, deployedPackageJson, unresolvedDependencies, entryLoadError, writeZip, crc32 };
