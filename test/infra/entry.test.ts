/**
 * The Functions entry point (package.json "main"), imported in a fresh Node process as the host
 * would: it registers every function, the timers take their schedules from the app settings the
 * Bicep sets, and the import loads no SDK that only some functions use.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SETTINGS } from "../../shared/core/config";

const { FUNCTION_SPECIFIC, TELEMETRY } = require("../bench/import.bench.js") as { FUNCTION_SPECIFIC: string[]; TELEMETRY: string[] };

const root = resolve(__dirname, "../..");

interface Registration {
  kind: string;
  name: string;
  schedule?: string;
  route?: string;
}

/** Runs in the child: records the app.* registrations (spies call through) and the packages loaded. */
const CHILD = `
const { app } = require("@azure/functions");
const registrations = [];
for (const kind of ["http", "timer", "get", "post", "put", "patch", "deleteRequest"]) {
  const original = app[kind];
  app[kind] = (name, options) => {
    registrations.push({ kind, name, schedule: options && options.schedule, route: options && options.route });
    return original.call(app, name, options);
  };
}
require("./functions/index.ts");
const packages = [...new Set(Object.keys(require.cache).map((f) => /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f)?.[1]).filter(Boolean))];
process.stdout.write(JSON.stringify({ registrations, packages }));
`;

let loaded: { registrations: Registration[]; packages: string[] };

beforeAll(() => {
  const child = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", CHILD], { cwd: root, encoding: "utf8" });
  if (child.status !== 0) throw new Error(`importing functions/index.ts failed:\n${child.stderr}`);
  loaded = JSON.parse(child.stdout);
}, 60_000);

describe("Functions entry point", () => {
  it("is the package.json main, compiled from functions/index.ts", () => {
    expect(JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")).main).toBe("dist/functions/index.js");
  });

  it("registers the HTTP API and the timers, with schedules read from the app settings", () => {
    const timers = loaded.registrations.filter((r) => r.kind === "timer");
    expect(timers.map((t) => t.schedule).sort()).toEqual([
      `%${SETTINGS.digestSchedule.name}%`,
      `%${SETTINGS.retentionSchedule.name}%`,
      `%${SETTINGS.sweepSchedule.name}%`,
    ]);
    expect(loaded.registrations.filter((r) => r.kind !== "timer").length).toBeGreaterThan(0);
    const names = loaded.registrations.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    // The deployment guide runs each timer once through the admin endpoint, by function name.
    const guide = readFileSync(resolve(root, "docs/deploy.md"), "utf8");
    for (const timer of timers) expect(guide).toContain(`/admin/functions/${timer.name}"`);
  });

  it("loads no SDK that only some functions use: handlers load their use case on first call", () => {
    expect(loaded.packages).toContain("@azure/functions");
    expect(FUNCTION_SPECIFIC.filter((name) => loaded.packages.includes(name))).toEqual([]);
  });

  it("loads no telemetry package: not even the OpenTelemetry API before the first invocation", () => {
    expect(TELEMETRY.filter((name) => loaded.packages.includes(name))).toEqual([]);
  });
});
