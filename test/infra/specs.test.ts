/**
 * Every resource in infra/ against the deployment schema of its type and API version, since no Bicep
 * compiler runs here: the type exists at that version, every property path in the body is defined
 * there, literal values are among the allowed ones, and required properties are present. The
 * schemas (test/infra/specs/*.json) are the parts of Azure/azure-resource-manager-schemas, generated
 * from azure-rest-api-specs, that infra/ uses; specs/extract.js refreshes them and records the commit.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Node } from "web-tree-sitter";
import { beforeAll, describe, expect, it } from "vitest";
import { type BicepFile, loadInfra, objectProperties, parseBicep, resources, stringLiteral } from "./bicep";

interface Schema {
  $ref?: string;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  pattern?: string;
  required?: string[];
}
interface Fixture {
  source: { repository: string; commit: string; path: string };
  resourceDefinitions: Record<string, Schema>;
  definitions: Record<string, Schema>;
}

const SPECS_DIR = join(__dirname, "specs");
const fixtures: Fixture[] = readdirSync(SPECS_DIR)
  .filter((name) => /^\d{4}-\d{2}-\d{2}(-preview)?_.+\.json$/.test(name))
  .map((name) => JSON.parse(readFileSync(join(SPECS_DIR, name), "utf8")) as Fixture);

/** Keys Bicep adds to a resource body that are not part of the ARM resource. */
const BICEP_ONLY = new Set(["parent", "scope", "dependsOn"]);

function resourceSchema(type: string, apiVersion: string): { fixture: Fixture; schema: Schema } | undefined {
  for (const fixture of fixtures) {
    if (!fixture.source.path.startsWith(`schemas/${apiVersion}/`)) continue;
    const schema = fixture.resourceDefinitions[type];
    if (schema) return { fixture, schema };
  }
  return undefined;
}

/** The object-shaped alternatives a schema allows: local $refs followed, oneOf/anyOf flattened, allOf merged. */
function alternatives(schema: Schema | undefined, fixture: Fixture): Schema[] {
  if (!schema) return [];
  if (schema.$ref) {
    const local = /^#\/definitions\/(.+)$/.exec(schema.$ref)?.[1];
    // The only external reference is the common `expression` (a template expression string).
    return local ? alternatives(fixture.definitions[local], fixture) : [];
  }
  const choices = schema.oneOf ?? schema.anyOf;
  // Properties beside oneOf (e.g. apiVersion and type of sites/config) belong to every choice.
  if (choices)
    return choices
      .flatMap((choice) => alternatives(choice, fixture))
      .map((alt) => (schema.properties ? merged([alt, { properties: schema.properties, required: schema.required }]) : alt));
  if (schema.allOf) return [merged([{ ...schema, allOf: undefined }, ...schema.allOf].flatMap((part) => alternatives(part, fixture)))];
  return [schema];
}

function merged(parts: Schema[]): Schema {
  return {
    type: "object",
    properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})),
    required: parts.flatMap((part) => part.required ?? []),
    additionalProperties: parts.find((part) => part.additionalProperties)?.additionalProperties,
  };
}

const named = (node: Node): Node[] => node.namedChildren.filter((child): child is Node => child !== null);

/** Problems of one object literal against a schema, as `path: what`. Values that are expressions are not checked. */
function check(object: Node, schema: Schema, fixture: Fixture, path: string, topLevel = false): string[] {
  const problems: string[] = [];
  const objects = alternatives(schema, fixture).filter((alt) => alt.properties || alt.additionalProperties || alt.type === "object");
  if (!objects.length) return [`${path}: an object is not allowed here`];
  const properties = objectProperties(object);
  for (const [key, value] of properties) {
    if (topLevel && BICEP_ONLY.has(key)) continue;
    const where = path ? `${path}.${key}` : key;
    const candidates = objects.map(
      (alt) => alt.properties?.[key] ?? (alt.additionalProperties ? (alt.additionalProperties === true ? {} : alt.additionalProperties) : undefined),
    );
    const defined = candidates.filter((c): c is Schema => c !== undefined);
    if (!defined.length) {
      problems.push(`${where}: not defined`);
      continue;
    }
    problems.push(...checkValue(value, { oneOf: defined }, fixture, where));
  }
  // Required properties, where the shape is unambiguous. At the top level, type and apiVersion come from
  // the declaration, and the schemas mark `properties` required on resources whose REST spec does not.
  if (objects.length === 1) {
    const ignored = topLevel ? new Set(["type", "apiVersion", "properties"]) : new Set<string>();
    for (const key of objects[0].required ?? []) if (!properties.has(key) && !ignored.has(key)) problems.push(`${path ? `${path}.` : ""}${key}: required`);
  }
  return problems;
}

function checkValue(value: Node, schema: Schema, fixture: Fixture, path: string): string[] {
  if (value.type === "object") return check(value, schema, fixture, path);
  if (value.type === "array") {
    const items = alternatives(schema, fixture).flatMap((alt) => (alt.items ? [alt.items] : []));
    if (!items.length) return alternatives(schema, fixture).every((alt) => alt.type && alt.type !== "array") ? [`${path}: an array is not allowed here`] : [];
    return named(value).flatMap((item, i) => checkValue(item, { oneOf: items }, fixture, `${path}[${i}]`));
  }
  const literal = value.type === "string" ? stringLiteral(value) : undefined;
  if (literal !== undefined) {
    const alts = alternatives(schema, fixture);
    // An expression alternative (a $ref that resolves to nothing here) or a free string accepts anything.
    const enums = alts.map((alt) => alt.enum);
    if (alts.length && enums.every((e) => e !== undefined) && !enums.some((e) => e!.includes(literal)))
      return [`${path}: '${literal}' is not one of ${enums.flat().join(", ")}`];
  }
  return [];
}

/** The alternatives of a resource definition that a literal child name selects (sites/config: appsettings, authsettingsV2, ...). */
function forName(schema: Schema, fixture: Fixture, name: string | undefined): Schema {
  if (name === undefined) return schema;
  const matching = alternatives(schema, fixture).filter((alt) => {
    // Child names that select a shape are patterns of the form `^.*/<name>$`; other patterns only constrain the name.
    const patterns = alternatives(alt.properties?.name, fixture).flatMap((n) => (n.pattern?.startsWith("^.*/") ? [n.pattern] : []));
    return !patterns.length || patterns.some((pattern) => new RegExp(pattern).test(`parent/${name}`));
  });
  return { oneOf: matching };
}

/** Problems of every resource in a file against its schema. */
function validate(file: BicepFile): string[] {
  const problems: string[] = [];
  for (const r of resources(file)) {
    const where = `${file.name} ${r.symbol} (${r.type}@${r.apiVersion})`;
    const found = resourceSchema(r.type, r.apiVersion);
    if (!found) {
      problems.push(`${where}: no such resource type at this API version`);
      continue;
    }
    const versions = alternatives(found.schema, found.fixture)
      .flatMap((alt) => alternatives(alt.properties?.apiVersion, found.fixture))
      .flatMap((v) => v.enum ?? []);
    if (!versions.includes(r.apiVersion)) problems.push(`${where}: the schema does not list this API version`);
    if (r.existing) continue;
    const name = stringLiteral(objectProperties(r.body).get("name"));
    problems.push(...check(r.body, forName(found.schema, found.fixture, name), found.fixture, "", true).map((p) => `${where}: ${p}`));
  }
  return problems;
}

let infra: Map<string, BicepFile>;
beforeAll(async () => {
  infra = await loadInfra();
});

describe("infra/ against the resource schemas", () => {
  it("the fixtures record where they come from", () => {
    expect(fixtures.length).toBeGreaterThan(0);
    for (const f of fixtures)
      expect(f.source).toMatchObject({ repository: "Azure/azure-resource-manager-schemas", commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
  });

  it("every resource type and API version exists, and every property path and literal value is defined", () => {
    const problems = [...infra.values()].flatMap(validate);
    expect(problems).toEqual([]);
  });

  it("the check catches a misspelled property, an unsupported value, a missing required property and an unknown version", async () => {
    const bad = await parseBicep(`
resource st 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: 'st'
  location: 'x'
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: { minimumTlsVersion: 'TLS1_2', allowSharedKeyAcess: false }
}
resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'p'
  location: 'x'
  sku: { name: 'FC1' }
  properties: { reserved: true }
}
resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'a'
  location: 'x'
  properties: { siteConfig: { ftpsState: 'Off' }, functionAppConfig: { runtime: { name: 'deno' } } }
}
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: 'r'
  properties: { principalId: 'p' }
}
resource old 'Microsoft.Web/sites@2015-01-01' = {
  name: 'o'
}
`);
    expect(validate(bad)).toEqual([
      "inline.bicep st (Microsoft.Storage/storageAccounts@2024-01-01): properties.allowSharedKeyAcess: not defined",
      "inline.bicep app (Microsoft.Web/sites@2024-04-01): properties.siteConfig.ftpsState: 'Off' is not one of AllAllowed, FtpsOnly, Disabled",
      "inline.bicep app (Microsoft.Web/sites@2024-04-01): properties.functionAppConfig.runtime.name: 'deno' is not one of dotnet-isolated, node, java, powershell, python, custom",
      "inline.bicep ra (Microsoft.Authorization/roleAssignments@2022-04-01): properties.roleDefinitionId: required",
      "inline.bicep old (Microsoft.Web/sites@2015-01-01): no such resource type at this API version",
    ]);
  });
});
