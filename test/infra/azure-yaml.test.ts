/**
 * azure.yaml against azd's own schema (Azure/azure-dev schemas/v1.0/azure.yaml.json at commit
 * ae35809f496491989273d0edefdeb70f245f399b, kept in specs/azure.yaml.schema.json): a misspelled hook,
 * a shell azd does not run or a value of the wrong type fails here rather than in `azd up`. (The
 * schema allows unknown keys on a service, so a misspelled `remoteBuild` would pass; azd.test.ts
 * reads the value azd reads.)
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Ajv2019 from "ajv/dist/2019";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const schema = JSON.parse(readFileSync(join(__dirname, "specs/azure.yaml.schema.json"), "utf8")) as object;

function validator() {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  // The schemas of azd extensions (AI agents and the like) are referenced by URL; this project uses
  // none of those hosts, so they stand in as "anything".
  for (const [, url] of JSON.stringify(schema).matchAll(/"\$ref":"(https:[^"#]+)"/g)) if (!ajv.getSchema(url)) ajv.addSchema({}, url);
  return ajv.compile(schema);
}

const errorsOf = (document: unknown): string[] => {
  const validate = validator();
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

describe("azure.yaml", () => {
  const document = parse(readFileSync(resolve(__dirname, "../../azure.yaml"), "utf8")) as { services: { api: Record<string, unknown> } };

  it("is valid by azd's schema", () => {
    expect(errorsOf(document)).toEqual([]);
  });

  it.each([
    ["a misspelled hook", { hooks: { prepakage: { run: "npm run package" } } }],
    ["a shell azd does not run", { hooks: { prepackage: { posix: { shell: "bash", run: "npm run package" } } } }],
    ["remoteBuild as a string", { remoteBuild: "false" }],
  ])("the schema check fails on %s", (_, change) => {
    const broken = structuredClone(document);
    Object.assign(broken.services.api, change);
    expect(errorsOf(broken).length).toBeGreaterThan(0);
  });
});
