/**
 * `azd package` for the api service, step by step as azd performs it (Azure/azure-dev, cli/azd/pkg/project:
 * service_manager.go Package, framework_service_node.go, service_target_functionapp.go,
 * project_utils.go createDeployableZip), on a clean copy of the repository, and the zip it would
 * upload to Flex Consumption. No network: the restore step (`npm install`) links the installed
 * node_modules instead.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import ignore from "ignore";
import { unzipSync, zipSync, type Zippable } from "fflate";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const { entryLoadError } = require("../../infra/package.js") as { entryLoadError(stagingDir: string): string | undefined };

const root = resolve(__dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "fleet-azd-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface HookConfig {
  shell?: string;
  run?: string;
  posix?: HookConfig;
  windows?: HookConfig;
}
interface ServiceConfig {
  project: string;
  language: string;
  host: string;
  dist?: string;
  remoteBuild?: boolean;
  hooks?: Record<string, HookConfig>;
}

const azureYaml = parse(readFileSync(join(root, "azure.yaml"), "utf8")) as { services: Record<string, ServiceConfig> };
const [serviceName, service] = Object.entries(azureYaml.services)[0];
/** ServiceTargetKind.IgnoreFile() for host: function. */
const IGNORE_FILE = ".funcignore";

/** The files a fresh clone has: tracked ones, plus new ones not yet committed (not ignored). */
function cleanCopy(to: string): void {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const rel of listed.stdout.split("\0").filter(Boolean)) {
    if (!existsSync(join(root, rel))) continue; // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(to, rel)), { recursive: true });
    cpSync(join(root, rel), join(to, rel));
  }
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_ENV: undefined } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/** resolveFunctionAppRemoteBuild for JavaScript/TypeScript: reads the ignore file of the project folder. */
function resolveRemoteBuild(projectDir: string, remoteBuild: boolean | undefined): boolean {
  const file = join(projectDir, IGNORE_FILE);
  if (!existsSync(file)) return remoteBuild ?? true;
  const nodeModulesExcluded = ignore().add(readFileSync(file, "utf8")).ignores("node_modules/");
  if (remoteBuild === undefined) return nodeModulesExcluded;
  if (remoteBuild && !nodeModulesExcluded) throw new Error(`'remoteBuild: true' requires '${IGNORE_FILE}' to exclude node_modules`);
  if (!remoteBuild && nodeModulesExcluded) throw new Error(`'remoteBuild: false' cannot be used when '${IGNORE_FILE}' excludes node_modules`);
  return remoteBuild;
}

/** createDeployableZip's selection (onZip): paths relative to the package folder, symlinks followed. */
function deployableFiles(packageDir: string, config: ServiceConfig): string[] {
  const ignoreFile = join(packageDir, IGNORE_FILE);
  const ignorer = existsSync(ignoreFile) ? ignore().add(readFileSync(ignoreFile, "utf8")) : undefined;
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const isDir = statSync(full).isDirectory();
      const rel = relative(packageDir, full).split("\\").join("/");
      if (name === ".azure" && isDir) continue;
      if (name === IGNORE_FILE && !isDir) continue;
      if (name === "local.settings.json" && !isDir) continue;
      if (ignorer) {
        if (ignorer.ignores(isDir ? `${rel}/` : rel)) continue;
      } else if ((config.language === "ts" || config.language === "js") && name === "node_modules" && isDir && config.remoteBuild !== false) {
        continue;
      }
      if (isDir) walk(full);
      else files.push(rel);
    }
  };
  walk(packageDir);
  return files;
}

let clone: string;
let packageDir: string;
let distBeforeHook: boolean;
let extracted: string;
let zipBytes: number;

beforeAll(() => {
  clone = join(scratch, "clone");
  cleanCopy(clone);
  const projectDir = resolve(clone, service.project);
  // Restore (npm install): the installed packages, linked; the lockfile is the clone's own.
  symlinkSync(join(root, "node_modules"), join(projectDir, "node_modules"), "dir");
  packageDir = join(projectDir, service.dist ?? "");
  distBeforeHook = existsSync(packageDir);
  // Package: the prepackage service hook, in the service folder (cwd = service path)...
  const hook = service.hooks?.prepackage?.posix ?? service.hooks?.prepackage;
  if (!hook?.run) throw new Error("azure.yaml: the api service has no prepackage hook");
  run(hook.shell ?? "sh", ["-c", hook.run], projectDir);
  // ...then the Node framework's package step: `npm run build`, and the dist folder must not be empty.
  run("npm", ["run", "build", "--silent"], projectDir);
  if (!existsSync(packageDir) || readdirSync(packageDir).length === 0) throw new Error(`package source '${packageDir}' is empty or does not exist`);
  // The function app target zips the folder; Flex Consumption deploy gets remoteBuild as resolved.
  resolveRemoteBuild(projectDir, service.remoteBuild);
  const entries: Zippable = {};
  for (const rel of deployableFiles(packageDir, service)) entries[rel] = readFileSync(join(packageDir, rel));
  const zip = zipSync(entries);
  zipBytes = zip.length;
  writeFileSync(join(scratch, "deploy.zip"), zip);
  extracted = join(scratch, "extracted");
  for (const [rel, data] of Object.entries(unzipSync(zip))) {
    mkdirSync(dirname(join(extracted, rel)), { recursive: true });
    writeFileSync(join(extracted, rel), data);
  }
}, 300_000);

describe(`azd package for service ${serviceName}`, () => {
  it("is a TypeScript function app service, with remote build off and node_modules deployed", () => {
    expect(service).toMatchObject({ language: "ts", host: "function", remoteBuild: false });
    expect(resolveRemoteBuild(resolve(clone, service.project), service.remoteBuild)).toBe(false);
    expect(existsSync(join(packageDir, IGNORE_FILE))).toBe(false);
  });

  it("a fresh clone has no package folder: the prepackage hook makes it", () => {
    expect(distBeforeHook).toBe(false);
  });

  it("the zip holds host.json, package.json, the compiled code and production node_modules only", () => {
    expect(readdirSync(extracted).sort()).toEqual(["dist", "host.json", "node_modules", "package.json"]);
    expect(readFileSync(join(extracted, "host.json"), "utf8")).toBe(readFileSync(join(root, "host.json"), "utf8"));
    expect(readdirSync(join(extracted, "dist")).sort()).toEqual(["functions", "shared", "web"]);
    console.log(`azd zip: ${(zipBytes / 1024 / 1024).toFixed(1)} MB (${zipBytes} bytes)`);
  });

  it("package.json's main exists, and the entry point loads from the zip's contents alone", () => {
    const pkg = JSON.parse(readFileSync(join(extracted, "package.json"), "utf8")) as Record<string, unknown>;
    expect(existsSync(join(extracted, pkg.main as string))).toBe(true);
    expect(pkg).not.toHaveProperty("scripts");
    expect(pkg).not.toHaveProperty("devDependencies");
    expect(existsSync(join(extracted, "node_modules/@azure/functions/package.json"))).toBe(true);
    expect(entryLoadError(extracted)).toBeUndefined();
  });

  it("no dev tool, devDependency, source or test is deployed", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    const files = deployableFiles(extracted, { ...service, remoteBuild: false });
    const installed = new Set(files.map((f) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter(Boolean));
    expect(Object.keys(pkg.devDependencies).filter((name) => installed.has(name))).toEqual([]);
    const devTools = /^dist\/(cli|dev|test|shared\/(local|cli))\//;
    expect(files.filter((f) => devTools.test(f) || /\.(ts|map)$/.test(f) || f.startsWith("infra/"))).toEqual([]);
    expect(lstatSync(join(extracted, "node_modules")).isSymbolicLink()).toBe(false);
  });
});
