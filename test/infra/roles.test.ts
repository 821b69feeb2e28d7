/**
 * Who may do what: the role assignments of the app's identity (built-in role GUIDs against their
 * documented names), the custom read-only fleet reader role, the watched scopes it is assigned on
 * (normalised, evaluated from the Bicep itself), and the Entra app roles of the API.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { OPERATE_ROLE } from "../../shared/api/roles";
import {
  type BicepFile,
  declaration,
  declarations,
  loadInfra,
  moduleBody,
  objectProperties,
  objectsUnder,
  propertyAt,
  resources,
  stringLiteral,
  targetScope,
  valueOf,
} from "./bicep";
import { evaluateVariable } from "./evaluate";

const root = resolve(__dirname, "../..");
const documented = JSON.parse(readFileSync(join(__dirname, "specs/built-in-roles.json"), "utf8")) as { roles: { name: string; roleName: string }[] };
const roleName = (id: string) => documented.roles.find((r) => r.name === id)?.roleName;
const fleetReaderRole = JSON.parse(readFileSync(join(root, "infra/fleet-reader-role.json"), "utf8")) as {
  roleName: string;
  description: string;
  actions: string[];
};
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let infra: Map<string, BicepFile>;
const file = (name: string): BicepFile => infra.get(name)!;
beforeAll(async () => {
  infra = await loadInfra();
});

/** GUID string literals bound to a var or an object key in a file, by that name. */
function guidNames(f: BicepFile): Map<string, string> {
  const ids = new Map<string, string>();
  for (const object of objectsUnder(f.root))
    for (const [key, value] of objectProperties(object)) if (GUID.test(stringLiteral(value) ?? "")) ids.set(key, stringLiteral(value)!);
  for (const d of declarations(f)) if (d.kind === "var" && GUID.test(stringLiteral(valueOf(d)) ?? "")) ids.set(d.name, stringLiteral(valueOf(d))!);
  return ids;
}

/** A roleDefinitionId expression as role names: built-in by documented name, `custom` for a role defined in the file, `param <name>`. */
function roleOf(f: BicepFile, expression: string): string {
  const ternary = /^\w+ \? (.+) : (.+)$/.exec(expression);
  if (ternary) return `${roleOf(f, ternary[1])} | ${roleOf(f, ternary[2])}`;
  const symbol = /^(\w+)\.id$/.exec(expression)?.[1];
  if (symbol) return resources(f).find((r) => r.symbol === symbol)?.type === "Microsoft.Authorization/roleDefinitions" ? "custom" : `? ${expression}`;
  const id = /(\w+)\)$/.exec(expression)?.[1] ?? expression;
  const guid = guidNames(f).get(id);
  if (guid) return roleName(guid) ?? `undocumented ${guid}`;
  return declarations(f).some((d) => d.kind === "param" && d.name === id) ? `param ${id}` : `? ${expression}`;
}

describe("role assignments of the app's identity", () => {
  it("every built-in role GUID in infra/ has the documented name its variable or key says", () => {
    const used = [...infra.values()].flatMap((f) => [...guidNames(f)]);
    expect(used.length).toBeGreaterThan(0);
    for (const [name, guid] of used) {
      const documentedName = roleName(guid);
      expect(documentedName, `${name} = ${guid}`).toBeDefined();
      // storageBlobDataOwner ~ "Storage Blob Data Owner", readerRoleId ~ "Reader".
      expect(name.replace(/RoleId$/, "").toLowerCase(), guid).toBe(documentedName!.replace(/ /g, "").toLowerCase());
    }
  });

  it("grants exactly these roles at these scopes, each to a service principal under a deterministic name", () => {
    const granted: string[] = [];
    for (const f of infra.values()) {
      const own = resources(f);
      for (const r of own.filter((r) => r.type === "Microsoft.Authorization/roleAssignments")) {
        const scopeSymbol = objectProperties(r.body).get("scope")?.text;
        const scope = scopeSymbol ? own.find((o) => o.symbol === scopeSymbol)?.type : targetScope(f);
        expect(stringLiteral(propertyAt(r.body, "properties.principalType")), `${f.name} ${r.symbol}`).toBe("ServicePrincipal");
        expect(propertyAt(r.body, "name")?.text, `${f.name} ${r.symbol}`).toMatch(/^guid\(/);
        granted.push(`${roleOf(f, propertyAt(r.body, "properties.roleDefinitionId")!.text)} on ${scope}`);
      }
    }
    expect(granted.sort()).toEqual(
      [
        "Storage Blob Data Owner on Microsoft.Storage/storageAccounts",
        "Storage Table Data Contributor on Microsoft.Storage/storageAccounts",
        "Storage Queue Data Contributor on Microsoft.Storage/storageAccounts",
        "Monitoring Metrics Publisher on Microsoft.Insights/components",
        "Key Vault Secrets User on Microsoft.KeyVault/vaults",
        "param roleDefinitionId on subscription",
        "Reader | custom on managementGroup",
      ].sort(),
    );
    // main.bicep passes the subscription module the custom role it defines, or Reader as the fallback.
    const main = file("main.bicep");
    const passed = propertyAt(moduleBody(declaration(main, "module", "subscriptionReaders")), "params.roleDefinitionId")!.text;
    expect(passed).toBe("useBuiltInReader ? readerRoleId : fleetReaderRoleId");
    expect(roleName(stringLiteral(valueOf(declaration(main, "var", "readerRoleId")))!)).toBe("Reader");
    expect(propertyAt(resources(main).find((r) => r.symbol === "fleetReader")!.body, "name")?.text).toBe("fleetReaderRoleId");
    expect(stringLiteral(valueOf(declaration(main, "param", "useBuiltInReader")))).toBeUndefined();
    expect(valueOf(declaration(main, "param", "useBuiltInReader"))?.text).toBe("false");
  });
});

describe("the fleet reader role", () => {
  it("reads clusters, their configurations, Resource Graph and subscription names, and nothing else", () => {
    expect(fleetReaderRole.actions).toEqual([
      "Microsoft.Kubernetes/connectedClusters/read",
      "Microsoft.ContainerService/managedClusters/read",
      "Microsoft.KubernetesConfiguration/extensions/read",
      "Microsoft.KubernetesConfiguration/fluxConfigurations/read",
      "Microsoft.KubernetesConfiguration/sourceControlConfigurations/read",
      "Microsoft.ResourceGraph/resources/read",
      "Microsoft.Resources/subscriptions/read",
      "Microsoft.Management/managementGroups/read",
    ]);
    for (const action of fleetReaderRole.actions) expect(action).toMatch(/^Microsoft\.\w+(\/[A-Za-z]+)+\/read$/);
  });

  it("is defined from fleet-reader-role.json wherever it is assigned, unless Reader is chosen, with a tenant-unique name", () => {
    for (const [name, scopes] of [
      ["main.bicep", "union(array(subscription().id), map(watchedSubscriptionIds, subscriptionId => '/subscriptions/${subscriptionId}'))"],
      ["management-group-reader.bicep", "array(managementGroup().id)"],
    ]) {
      const f = file(name);
      const definition = resources(f).find((r) => r.type === "Microsoft.Authorization/roleDefinitions")!;
      expect(definition.condition, name).toBe("(!useBuiltInReader)");
      expect(valueOf(declaration(f, "var", "fleetReaderRole"))?.text, name).toBe("loadJsonContent('fleet-reader-role.json')");
      expect(stringLiteral(propertyAt(definition.body, "properties.type")), name).toBe("CustomRole");
      expect(propertyAt(definition.body, "properties.description")?.text, name).toBe("fleetReaderRole.description");
      // Role names are unique per tenant: each definition carries a token of its scope.
      expect(propertyAt(definition.body, "properties.roleName")?.text, name).toMatch(
        /^'\$\{fleetReaderRole\.roleName\} \(\$\{(resourceToken|uniqueString\(managementGroup\(\)\.id, principalId\))\}\)'$/,
      );
      const permissions = propertyAt(definition.body, "properties.permissions")!.namedChildren;
      expect(permissions).toHaveLength(1);
      expect([...objectProperties(permissions[0]!).keys()], name).toEqual(["actions", "notActions"]);
      expect(propertyAt(permissions[0]!, "actions")?.text, name).toBe("fleetReaderRole.actions");
      expect(propertyAt(definition.body, "properties.assignableScopes")?.text, name).toBe(scopes);
    }
  });
});

describe("watched scopes", () => {
  const subscription = () => ({ id: "/subscriptions/00000000-0000-0000-0000-00000000dep0", subscriptionId: "00000000-0000-0000-0000-00000000dep0" });
  const scopesFor = (watchedScopes: string) => {
    const evaluate = (name: string) => evaluateVariable(file("main.bicep"), name, { watchedScopes }, { subscription });
    return { scopes: evaluate("scopes"), subscriptions: evaluate("watchedSubscriptionIds"), managementGroups: evaluate("watchedManagementGroups") };
  };

  it("are trimmed, lose a trailing '/', and each subscription and management group appears once whatever its spelling", () => {
    const raw =
      " /subscriptions/AAAA-1/ ,/subscriptions/aaaa-1,, /providers/Microsoft.Management/managementGroups/Platform/,/providers/microsoft.management/managementgroups/platform,/subscriptions/bbbb-2";
    expect(scopesFor(raw)).toEqual({
      scopes: ["/subscriptions/aaaa-1", "/providers/Microsoft.Management/managementGroups/Platform", "/subscriptions/bbbb-2"],
      subscriptions: ["aaaa-1", "bbbb-2"],
      managementGroups: ["Platform"],
    });
  });

  it("empty means the subscription deployed to", () => {
    expect(scopesFor(" , ")).toEqual({ scopes: [subscription().id], subscriptions: [subscription().subscriptionId], managementGroups: [] });
  });

  it("are what FLEET_SCOPE gets, and one role assignment deployment runs per watched subscription", () => {
    expect(propertyAt(valueOf(declaration(file("main.bicep"), "var", "fleetSettings"))!, "FLEET_SCOPE")).toBeUndefined(); // inside union(...)
    expect(valueOf(declaration(file("main.bicep"), "var", "fleetSettings"))!.text).toContain("FLEET_SCOPE: join(scopes, ',')");
    expect(valueOf(declaration(file("main.bicep"), "module", "subscriptionReaders"))!.text).toMatch(/^\[\s*for subscriptionId in watchedSubscriptionIds:/);
  });
});

describe("Entra app roles of the API", () => {
  const appRoles = JSON.parse(readFileSync(join(root, "infra/entra-app-roles.json"), "utf8")) as {
    id: string;
    value: string;
    allowedMemberTypes: string[];
    isEnabled: boolean;
    displayName: string;
    description: string;
  }[];

  it("define FleetHealth.Read and FleetHealth.Operate for users and applications, with fixed unique ids", () => {
    expect(appRoles.map((r) => r.value)).toEqual(["FleetHealth.Read", "FleetHealth.Operate"]);
    // The role the API's change routes require (shared/api/roles.ts) is one of them.
    expect(appRoles.map((r) => r.value)).toContain(OPERATE_ROLE);
    for (const role of appRoles) {
      expect(role.id).toMatch(GUID);
      expect(role.isEnabled).toBe(true);
      expect(role.allowedMemberTypes.sort()).toEqual(["Application", "User"]);
      expect(role.displayName.length).toBeGreaterThan(0);
      expect(role.description.length).toBeGreaterThan(0);
    }
    expect(new Set(appRoles.map((r) => r.id)).size).toBe(appRoles.length);
  });
});
