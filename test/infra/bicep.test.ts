/**
 * Offline validation of infra/: no Bicep compiler runs here, so every file must parse with the
 * tree-sitter-bicep grammar without a syntax error, and the parse trees must hold the structure the
 * deployment depends on (resource types and API versions, roles, identity-only storage, Flex rules).
 */
import { poisonQueueName, SHARD_QUEUE } from "../../shared/sweep/shards";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES } from "../../shared/api/routes";
import { SETTINGS } from "../../shared/core/config";
import { parseSchedule } from "../../shared/core/schedule";
import { TABLES } from "../../shared/store/keys";
import { SMALL_HEAP_FLAGS } from "../../shared/sweep/memory";
import {
  type BicepFile,
  calledFunctions,
  declaration,
  declarations,
  loadInfra,
  moduleBody,
  modulePath,
  objectProperties,
  objectsUnder,
  parseBicep,
  propertyAt,
  resources,
  stringLiteral,
  syntaxErrors,
  targetScope,
  undeclaredIdentifiers,
  valueOf,
} from "./bicep";

let infra: Map<string, BicepFile>;
const file = (name: string): BicepFile => {
  const found = infra.get(name);
  if (!found) throw new Error(`infra/${name} is missing`);
  return found;
};
const allResources = () => [...infra.values()].flatMap(resources);
const resource = (name: string, symbol: string) => {
  const found = resources(file(name)).find((r) => r.symbol === symbol);
  if (!found) throw new Error(`${name}: no resource ${symbol}`);
  return found;
};
const literal = (node: Parameters<typeof stringLiteral>[0]) => stringLiteral(node) ?? node?.text;

beforeAll(async () => {
  infra = await loadInfra();
});

describe("syntax", () => {
  it("every infra/*.bicep file parses without a syntax error", () => {
    expect([...infra.keys()].sort()).toEqual([
      "main.bicep",
      "management-group-reader.bicep",
      "modules/alerts.bicep",
      "modules/app-roles.bicep",
      "modules/app-settings.bicep",
      "modules/function-app.bicep",
      "modules/key-vault.bicep",
      "modules/monitoring.bicep",
      "modules/storage.bicep",
      "modules/subscription-reader.bicep",
    ]);
    for (const [name, f] of infra) expect(syntaxErrors(f.root), name).toEqual([]);
  });

  it("the check does catch syntax errors and undeclared names", async () => {
    const broken = await parseBicep("resource st 'Microsoft.Storage/storageAccounts@2024-01-01' = {\n  name: 'x'\n  properties: { a: [1, 2 }\n}\n");
    expect(syntaxErrors(broken.root).length).toBeGreaterThan(0);
    const typo = await parseBicep("param location string\nvar x = locaton\n");
    expect(undeclaredIdentifiers(typo)).toEqual(["locaton@2"]);
  });

  it("every name a file uses is declared in it", () => {
    for (const [name, f] of infra) expect(undeclaredIdentifiers(f), name).toEqual([]);
  });
});

describe("modules", () => {
  it("each module call points at an infra file, passes only its params and every required one", () => {
    let calls = 0;
    for (const [name, f] of infra) {
      for (const mod of declarations(f).filter((d) => d.kind === "module")) {
        calls++;
        const target = file(modulePath(f, mod));
        const params = declarations(target).filter((d) => d.kind === "param");
        const passed = [...objectProperties(objectProperties(moduleBody(mod)).get("params")).keys()];
        const where = `${name} module ${mod.name} -> ${target.name}`;
        expect(
          passed.filter((p) => !params.some((d) => d.name === p)),
          where,
        ).toEqual([]);
        const required = params.filter((d) => valueOf(d) === undefined).map((d) => d.name);
        expect(
          required.filter((p) => !passed.includes(p)),
          where,
        ).toEqual([]);
      }
    }
    expect(calls).toBe(8);
  });

  it("main deploys at subscription scope; Reader modules target subscriptions and management groups", () => {
    expect(targetScope(file("main.bicep"))).toBe("subscription");
    expect(targetScope(file("modules/subscription-reader.bicep"))).toBe("subscription");
    expect(targetScope(file("management-group-reader.bicep"))).toBe("managementGroup");
    const readers = declaration(file("main.bicep"), "module", "subscriptionReaders");
    expect(modulePath(file("main.bicep"), readers)).toBe("modules/subscription-reader.bicep");
    expect(valueOf(readers)?.type).toBe("for_statement");
    expect(objectProperties(moduleBody(readers)).get("scope")?.text).toBe("subscription(subscriptionId)");
  });
});

describe("resources", () => {
  const EXPECTED: Record<string, string> = {
    "Microsoft.Resources/resourceGroups": "2024-03-01",
    "Microsoft.Storage/storageAccounts": "2024-01-01",
    "Microsoft.Storage/storageAccounts/blobServices": "2024-01-01",
    "Microsoft.Storage/storageAccounts/blobServices/containers": "2024-01-01",
    "Microsoft.Storage/storageAccounts/tableServices": "2024-01-01",
    "Microsoft.Storage/storageAccounts/tableServices/tables": "2024-01-01",
    "Microsoft.Storage/storageAccounts/queueServices": "2024-01-01",
    "Microsoft.Storage/storageAccounts/queueServices/queues": "2024-01-01",
    "Microsoft.Web/serverfarms": "2024-04-01",
    "Microsoft.Web/sites": "2024-04-01",
    "Microsoft.Web/sites/config": "2024-04-01",
    "Microsoft.Web/sites/basicPublishingCredentialsPolicies": "2024-04-01",
    "Microsoft.OperationalInsights/workspaces": "2025-02-01",
    "Microsoft.Insights/components": "2020-02-02",
    "Microsoft.KeyVault/vaults": "2023-07-01",
    "Microsoft.KeyVault/vaults/secrets": "2023-07-01",
    "Microsoft.Authorization/roleAssignments": "2022-04-01",
    "Microsoft.Authorization/roleDefinitions": "2022-04-01",
    "Microsoft.Insights/actionGroups": "2023-01-01",
    "Microsoft.Insights/scheduledQueryRules": "2023-12-01",
  };

  it("declares every resource at top level (children use parent:), so each type and API version is explicit", () => {
    for (const [name, f] of infra) expect(f.root.descendantsOfType("resource_declaration").length, name).toBe(resources(f).length);
  });

  it("declares exactly the expected resource types, each with one API version", () => {
    const seen: Record<string, Set<string>> = {};
    for (const r of allResources()) (seen[r.type] ??= new Set()).add(r.apiVersion);
    expect(Object.fromEntries(Object.entries(seen).map(([type, versions]) => [type, [...versions].join(",")]))).toEqual(EXPECTED);
  });

  it("storage: shared keys off, TLS 1.2, no public blob access, the deployment container and the service's tables", async () => {
    const storage = resource("modules/storage.bicep", "storage").body;
    expect(propertyAt(storage, "properties.allowSharedKeyAccess")?.text).toBe("false");
    expect(propertyAt(storage, "properties.allowBlobPublicAccess")?.text).toBe("false");
    expect(literal(propertyAt(storage, "properties.minimumTlsVersion"))).toBe("TLS1_2");
    expect(literal(propertyAt(resource("modules/storage.bicep", "deploymentContainer").body, "properties.publicAccess"))).toBe("None");

    // Every table the code opens (shared/store TABLES and any openTable(..., "name") call) is declared.
    const opened = new Set<string>(Object.values(TABLES));
    const sharedDir = resolve(__dirname, "../../shared");
    for (const entry of readdirSync(sharedDir, { recursive: true, encoding: "utf8" })) {
      if (!entry.endsWith(".ts")) continue;
      for (const match of readFileSync(join(sharedDir, entry), "utf8").matchAll(/openTable\([^)]*?"([A-Za-z0-9]+)"\)/g)) opened.add(match[1]);
    }
    const tables = valueOf(declaration(file("main.bicep"), "var", "historyTables"))!;
    const declared = tables.descendantsOfType("array")[0]!.namedChildren.map((n) => literal(n));
    expect(declared.sort()).toEqual([...opened].sort());

    // The shard queue the code sends to and its poison queue, as the Functions host names it.
    const queues = valueOf(declaration(file("main.bicep"), "var", "shardQueues"))!;
    expect(queues.descendantsOfType("array")[0]!.namedChildren.map((n) => literal(n))).toEqual([SHARD_QUEUE, poisonQueueName(SHARD_QUEUE)]);
  });

  it("Flex Consumption: FC1 Linux plan, Node in functionAppConfig, identity-based deployment storage", () => {
    const plan = resource("modules/function-app.bicep", "plan").body;
    expect(literal(propertyAt(plan, "sku.tier"))).toBe("FlexConsumption");
    expect(literal(propertyAt(plan, "sku.name"))).toBe("FC1");
    expect(propertyAt(plan, "properties.reserved")?.text).toBe("true");

    const site = resource("modules/function-app.bicep", "app").body;
    expect(literal(propertyAt(site, "kind"))).toBe("functionapp,linux");
    expect(literal(propertyAt(site, "identity.type"))).toBe("SystemAssigned");
    expect(propertyAt(site, "properties.httpsOnly")?.text).toBe("true");
    expect(literal(propertyAt(site, "properties.functionAppConfig.runtime.name"))).toBe("node");
    expect(propertyAt(site, "properties.functionAppConfig.runtime.version")?.text).toBe("nodeVersion");
    expect(literal(propertyAt(site, "properties.functionAppConfig.deployment.storage.type"))).toBe("blobContainer");
    expect(literal(propertyAt(site, "properties.functionAppConfig.deployment.storage.authentication.type"))).toBe("SystemAssignedIdentity");
    expect(propertyAt(site, "properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount")?.text).toBe("maximumInstanceCount");
    expect(propertyAt(site, "properties.functionAppConfig.scaleAndConcurrency.instanceMemoryMB")?.text).toBe("instanceMemoryMB");
    // The documented range of the maximum instance count is 1-1000, in both files that declare it.
    for (const name of ["main.bicep", "modules/function-app.bicep"]) {
      expect(declaration(file(name), "param", "maximumInstanceCount").decoratorArgs, name).toMatchObject({ minValue: "1", maxValue: "1000" });
    }
    expect(literal(valueOf(declaration(file("modules/function-app.bicep"), "param", "nodeVersion")))).toBe("22");
    expect(propertyAt(resource("main.bicep", "rg").body, "tags")?.text).toBe("tags");
    expect(valueOf(declaration(file("main.bicep"), "var", "tags"))?.text).toBe("{ 'azd-env-name': environmentName }");
  });

  it("no setting or property that Flex Consumption deprecates, and no key-based storage setting", () => {
    // __accountName resolves the public cloud's endpoints only; ftpsState is not supported on Flex.
    const FORBIDDEN =
      /^(AzureWebJobsStorage__accountName|ftpsState|FUNCTIONS_WORKER_RUNTIME|FUNCTIONS_EXTENSION_VERSION|WEBSITE_RUN_FROM_PACKAGE|WEBSITE_CONTENT\w*|SCM_DO_BUILD_DURING_DEPLOYMENT|ENABLE_ORYX_BUILD|WEBSITE_TIME_ZONE|TZ|WEBSITE_NODE_DEFAULT_VERSION|AzureWebJobsStorage|AzureWebJobsStorage__credential|linuxFxVersion|alwaysOn|use32BitWorkerProcess)$/;
    for (const [name, f] of infra) {
      const keys = objectsUnder(f.root).flatMap((object) => [...objectProperties(object).keys()]);
      const strings = f.root.descendantsOfType("string").map((s) => stringLiteral(s ?? undefined) ?? "");
      expect(
        [...keys, ...strings].filter((word) => FORBIDDEN.test(word)),
        name,
      ).toEqual([]);
    }
  });

  it("no listKeys or other list* call, no connection string with a key", () => {
    for (const [name, f] of infra) {
      expect(
        calledFunctions(f).filter((fn) => /^list/i.test(fn)),
        name,
      ).toEqual([]);
      expect(f.source, name).not.toMatch(/AccountKey=|SharedAccessSignature=|DefaultEndpointsProtocol=/i);
    }
  });

  it("Application Insights and Log Analytics have local authentication disabled", () => {
    expect(propertyAt(resource("modules/monitoring.bicep", "appInsights").body, "properties.DisableLocalAuth")?.text).toBe("true");
    expect(propertyAt(resource("modules/monitoring.bicep", "workspace").body, "properties.features.disableLocalAuth")?.text).toBe("true");
  });

  it("basic-auth publishing (FTP and SCM) is off", () => {
    const policies = resources(file("modules/function-app.bicep")).filter((r) => r.type === "Microsoft.Web/sites/basicPublishingCredentialsPolicies");
    expect(policies.map((p) => literal(propertyAt(p.body, "name"))).sort()).toEqual(["ftp", "scm"]);
    for (const p of policies) {
      expect(propertyAt(p.body, "parent")?.text).toBe("app");
      expect(propertyAt(p.body, "properties.allow")?.text).toBe("false");
      expect(p.condition).toBeUndefined();
    }
  });

  it("Key Vault uses Azure RBAC with purge protection, and Easy Auth is optional, rejects unauthenticated calls and unknown clients", () => {
    const vault = resource("modules/key-vault.bicep", "vault").body;
    expect(propertyAt(vault, "properties.enableRbacAuthorization")?.text).toBe("true");
    expect(propertyAt(vault, "properties.enablePurgeProtection")?.text).toBe("true");
    expect(valueOf(declaration(file("main.bicep"), "module", "keyVault"))?.type).toBe("if_statement");

    const auth = resource("modules/function-app.bicep", "authSettings");
    expect(auth.condition).toBe("(entraAuth.enabled)");
    expect(literal(propertyAt(auth.body, "name"))).toBe("authsettingsV2");
    expect(propertyAt(auth.body, "properties.globalValidation.requireAuthentication")?.text).toBe("true");
    expect(literal(propertyAt(auth.body, "properties.globalValidation.unauthenticatedClientAction"))).toBe("Return401");
    // Exactly the routes shared/api serves without a key stay open (under host.json's route prefix).
    const excluded = propertyAt(auth.body, "properties.globalValidation.excludedPaths")!.namedChildren.map((n) => literal(n!));
    const anonymous = API_ROUTES.filter((r) => r.authLevel === "anonymous").map((r) => `/api/${r.route}`);
    expect(anonymous.length).toBeGreaterThan(0);
    expect(excluded).toEqual(anonymous);
    expect(propertyAt(auth.body, "properties.identityProviders.azureActiveDirectory.enabled")?.text).toBe("true");
    // Any token for the audience is not enough: the client must be the API's own registration or listed.
    const validation = "properties.identityProviders.azureActiveDirectory.validation";
    expect(propertyAt(auth.body, `${validation}.defaultAuthorizationPolicy.allowedApplications`)?.text).toBe("entraAllowedClients");
    expect(propertyAt(auth.body, `${validation}.jwtClaimChecks.allowedClientApplications`)?.text).toBe("entraAllowedClients");
    expect(valueOf(declaration(file("modules/function-app.bicep"), "var", "entraAllowedClients"))?.text).toBe(
      "union([entraAuth.clientId], entraAuth.allowedClientApplications)",
    );
  });
});

describe("app settings against shared/core/config.ts", () => {
  /** Settings only a local run uses; in Azure they must stay unset (each would bypass the managed identity). */
  const LOCAL_ONLY: Record<string, string> = {
    [SETTINGS.armToken.name]: "fixed token for local simulators; Azure uses the managed identity",
    [SETTINGS.tablesConnection.name]: "connection string with a key (Azurite); Azure uses FLEET_TABLES_ENDPOINT",
    [SETTINGS.apiKey.name]: "the local host's key; in Azure the platform's function keys apply",
    [SETTINGS.port.name]: "port of the local host",
    [SETTINGS.operatorKey.name]: "the local host's operator key; in Azure the FleetHealth.Operate app role applies",
  };
  /** Read by the Functions platform, not by our code. */
  const PLATFORM = [
    "AzureWebJobsStorage__blobServiceUri",
    "AzureWebJobsStorage__queueServiceUri",
    "AzureWebJobsStorage__tableServiceUri",
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    "languageWorkers__node__arguments",
    "AzureWebJobsDisableHomepage",
    // Node's convention for a production process; no code of ours reads it (the catalog is validated at build, not at load).
    "NODE_ENV",
  ];
  const specs = Object.values(SETTINGS) as ReadonlyArray<{ name: string; default?: string; secret?: boolean }>;

  /** Settings set with a value: keys of the object literals that make up the app settings. */
  function valueSettings(): Map<string, string> {
    const settings = new Map<string, string>();
    const sources = [
      propertyAt(resource("modules/app-settings.bicep", "appSettings").body, "properties")!,
      valueOf(declaration(file("main.bicep"), "var", "fleetSettings"))!,
    ];
    for (const source of sources) for (const object of objectsUnder(source)) for (const [key, value] of objectProperties(object)) settings.set(key, value.text);
    return settings;
  }

  /** Settings set as Key Vault references: the `setting` of each digest secret. */
  function keyVaultSettings(): string[] {
    const secrets = valueOf(declaration(file("main.bicep"), "var", "digestSecrets"))!;
    return objectsUnder(secrets)
      .map((object) => stringLiteral(objectProperties(object).get("setting"))!)
      .filter(Boolean);
  }

  /** Environment variables read directly (not through shared/core/config.ts) by code that runs in Azure. */
  function directReads(): string[] {
    const names = new Set<string>();
    for (const dir of ["shared", "functions"]) {
      const base = resolve(__dirname, "../..", dir);
      for (const entry of readdirSync(base, { recursive: true, encoding: "utf8" })) {
        // core/config.ts is the sanctioned reader (dev tools and the CLI live outside shared/).
        if (!entry.endsWith(".ts") || /^core[\\/]config\.ts$/.test(entry)) continue;
        const source = readFileSync(join(base, entry), "utf8");
        for (const match of source.matchAll(/process\.env(?:\.([A-Za-z_]\w*)|\[["']([A-Za-z_]\w*)["']\])/g)) names.add(match[1] ?? match[2]);
      }
    }
    return [...names].sort();
  }

  it("the worker starts with the sweep's heap flags from an app setting; no function changes V8 flags at run time", () => {
    expect(valueSettings().get("languageWorkers__node__arguments")).toBe(`'${SMALL_HEAP_FLAGS}'`);
    // Node accepts them as process arguments (a misspelled V8 flag is a fatal "bad option").
    const node = spawnSync(process.execPath, [...SMALL_HEAP_FLAGS.split(" "), "-e", "0"], { encoding: "utf8" });
    expect(node.stderr).toBe("");
    expect(node.status).toBe(0);
    const functionsDir = resolve(__dirname, "../../functions");
    for (const entry of readdirSync(functionsDir))
      expect(readFileSync(join(functionsDir, entry), "utf8"), entry).not.toMatch(/setFlagsFromString|preferSmallHeap/);
  });

  it("host storage is reached by service URIs from the account's own endpoints (any cloud)", () => {
    const settings = valueSettings();
    for (const service of ["blob", "queue", "table"])
      expect(settings.get(`AzureWebJobsStorage__${service}ServiceUri`)).toBe(`storage.properties.primaryEndpoints.${service}`);
  });

  it("code outside shared/core/config.ts reads nothing from the environment, and the Bicep sets NODE_ENV", () => {
    expect(directReads()).toEqual([]);
    expect(valueSettings().get("NODE_ENV")).toBe("'production'");
  });

  it("every app setting the Bicep sets is read by the code or by the platform", () => {
    const read = new Set([...specs.map((s) => s.name), ...directReads(), ...PLATFORM]);
    const set = [...valueSettings().keys(), ...keyVaultSettings()];
    expect(set.filter((name) => !read.has(name))).toEqual([]);
    expect(set).toEqual(expect.arrayContaining(PLATFORM));
  });

  it("every setting the code reads is set by the Bicep, has a documented default, or is local-only", () => {
    const set = new Set([...valueSettings().keys(), ...keyVaultSettings()]);
    const unset = specs.filter((s) => !set.has(s.name) && s.default === undefined && !(s.name in LOCAL_ONLY));
    expect(unset.map((s) => s.name)).toEqual([]);
    // Local-only settings never reach Azure.
    expect(Object.keys(LOCAL_ONLY).filter((name) => set.has(name))).toEqual([]);
    for (const name of Object.keys(LOCAL_ONLY)) expect(specs.some((s) => s.name === name)).toBe(true);
  });

  it("secret settings are set only as Key Vault references", () => {
    const secrets = specs.filter((s) => s.secret && !(s.name in LOCAL_ONLY)).map((s) => s.name);
    expect(keyVaultSettings().sort()).toEqual(secrets.sort());
    expect([...valueSettings().keys()].filter((name) => secrets.includes(name))).toEqual([]);
    const reference = valueOf(declaration(file("main.bicep"), "var", "fleetSettings"))!.text;
    expect(reference).toContain("'@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=${keyVaultSecretName(secret.setting)})'");
  });

  it("the Bicep's parameter defaults are the documented defaults, and the schedules are six-field NCRONTAB", () => {
    const main = file("main.bicep");
    let compared = 0;
    for (const [name, value] of valueSettings()) {
      const spec = specs.find((s) => s.name === name);
      const param = /^(?:string\()?(\w+)\)?$/.exec(value)?.[1];
      const decl = declarations(main).find((d) => d.kind === "param" && d.name === param);
      if (!spec?.default || !decl) continue;
      expect(valueOf(decl)?.text.replace(/^'|'$/g, ""), name).toBe(spec.default);
      compared++;
    }
    expect(compared).toBe(5); // three schedules, retention days, table prefix
    for (const key of ["sweepSchedule", "digestSchedule", "retentionSchedule"] as const) {
      const schedule = literal(valueOf(declaration(main, "param", key)))!;
      expect(schedule.split(" ")).toHaveLength(6);
      expect(() => parseSchedule(schedule)).not.toThrow();
    }
  });

  it("outputs never carry a secure parameter, directly or through a variable", () => {
    for (const [name, f] of infra) {
      const decls = declarations(f);
      const tainted = new Set(decls.filter((d) => d.kind === "param" && d.decorators.includes("secure")).map((d) => d.name));
      for (let grew = true; grew;) {
        grew = false;
        for (const d of decls.filter((d) => d.kind === "var" && !tainted.has(d.name))) {
          if (
            !valueOf(d)!
              .descendantsOfType("identifier")
              .some((id) => tainted.has(id!.text))
          )
            continue;
          tainted.add(d.name);
          grew = true;
        }
      }
      for (const output of decls.filter((d) => d.kind === "output")) {
        const used = valueOf(output)!
          .descendantsOfType("identifier")
          .map((id) => id!.text);
        expect(
          used.filter((id) => tainted.has(id)),
          `${name} output ${output.name}`,
        ).toEqual([]);
      }
    }
  });
});

describe("azd", () => {
  const root = resolve(__dirname, "../..");

  it("main.parameters.json sets only declared params, every required one, with the documented defaults", () => {
    const main = file("main.bicep");
    const params = declarations(main).filter((d) => d.kind === "param");
    const json = JSON.parse(readFileSync(join(root, "infra/main.parameters.json"), "utf8")) as { parameters: Record<string, { value: string }> };
    const names = Object.keys(json.parameters);
    expect(names.filter((n) => !params.some((p) => p.name === n))).toEqual([]);
    expect(params.filter((p) => valueOf(p) === undefined && !names.includes(p.name)).map((p) => p.name)).toEqual([]);
    // `${FLEET_X=default}`: the azd variable is named after the setting and defaults to its documented default.
    for (const [param, { value }] of Object.entries(json.parameters)) {
      const match = /^\$\{(\w+)(?:=(.*))?\}$/.exec(value);
      expect(match, param).not.toBeNull();
      const spec = Object.values(SETTINGS).find((s) => s.name === match![1]) as { default?: string } | undefined;
      if (spec?.default !== undefined) expect(match![2], param).toBe(spec.default);
    }
  });

  it("azure.yaml deploys the app tagged azd-service-name from the folder `npm run package` stages", () => {
    const yaml = readFileSync(join(root, "azure.yaml"), "utf8");
    const service = /^services:\n {2}(\w[\w-]*):$/m.exec(yaml)?.[1];
    expect(literal(valueOf(declaration(file("modules/function-app.bicep"), "param", "serviceName")))).toBe(service);
    expect(yaml).toMatch(/^ {4}host: function$/m);
    expect(yaml).toMatch(/^ {4}language: ts$/m);
    expect(yaml).toMatch(/^ {2}path: infra$/m);
    const dist = /^ {4}dist: (\S+)$/m.exec(yaml)?.[1];

    const { STAGING_DIR } = require("../../infra/package.js") as { STAGING_DIR: string };
    expect(dist).toBe(STAGING_DIR);
  });
});
