#!/usr/bin/env node
/**
 * Refreshes the schema fixtures next to this file from a local clone of
 * Azure/azure-resource-manager-schemas (the deployment schemas generated from azure-rest-api-specs):
 *
 *   node test/infra/specs/extract.js <path to the clone's git directory or work tree>
 *
 * For every `'<type>@<apiVersion>'` in infra/**.bicep it keeps that resource type's definition from
 * schemas/<apiVersion>/<namespace>*.json and the definitions it references, nothing else, and records
 * the source commit and path. A type or version the schemas do not have is an error.
 */
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const repo = process.argv[2];
if (!repo) throw new Error("usage: extract.js <azure-resource-manager-schemas clone>");
const git = (...args) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
const commit = git("rev-parse", "HEAD").trim();
const infraDir = path.resolve(__dirname, "../../../infra");

const used = new Map();
for (const entry of fs.readdirSync(infraDir, { recursive: true, encoding: "utf8" })) {
  if (!entry.endsWith(".bicep")) continue;
  for (const [, type, version] of fs.readFileSync(path.join(infraDir, entry), "utf8").matchAll(/'(Microsoft\.[A-Za-z]+\/[^@']+)@([^']+)'/g)) used.set(`${type}@${version}`, { type, version });
}

const fixtures = new Map();
for (const { type, version } of [...used.values()].sort((a, b) => `${a.type}@${a.version}`.localeCompare(`${b.type}@${b.version}`))) {
  const namespace = type.split("/")[0];
  const candidates = git("ls-tree", "--name-only", "HEAD", `schemas/${version}/`).split("\n").filter((p) => path.basename(p).toLowerCase().startsWith(namespace.toLowerCase() + "."));
  let found;
  for (const file of candidates) {
    const schema = JSON.parse(git("show", `HEAD:${file}`));
    for (const [group, definitions] of Object.entries(schema)) {
      if (!group.endsWith("resourceDefinitions")) continue;
      for (const [key, definition] of Object.entries(definitions)) if (definition.description?.toLowerCase() === type.toLowerCase()) found = { file, schema, group, key, definition };
    }
    if (found) break;
  }
  if (!found) throw new Error(`${type}@${version}: no resource definition in schemas/${version}/${namespace}*.json`);
  const fixture = fixtures.get(found.file) ?? { source: { repository: "Azure/azure-resource-manager-schemas", commit, path: found.file }, resourceDefinitions: {}, definitions: {} };
  fixture.resourceDefinitions[type] = found.definition;
  // The definitions reachable from the resource, by local $ref.
  const pending = [found.definition];
  while (pending.length) {
    const node = pending.pop();
    if (Array.isArray(node)) pending.push(...node);
    else if (node && typeof node === "object") {
      const ref = typeof node.$ref === "string" && /^#\/definitions\/(.+)$/.exec(node.$ref)?.[1];
      if (ref && !fixture.definitions[ref]) {
        fixture.definitions[ref] = found.schema.definitions[ref];
        pending.push(fixture.definitions[ref]);
      }
      pending.push(...Object.values(node));
    }
  }
  fixtures.set(found.file, fixture);
}

for (const [file, fixture] of fixtures) {
  const name = file.replace(/^schemas\//, "").replace(/\//g, "_");
  fs.writeFileSync(path.join(__dirname, name), JSON.stringify(fixture, null, 1) + "\n");
  console.log(`${name}: ${Object.keys(fixture.resourceDefinitions).join(", ")} (${Object.keys(fixture.definitions).length} definitions)`);
}
