/**
 * Renders the compact fleet into the documents Azure returns, field for field as in the REST specs
 * and examples (/work/shared/azure-specs): ARM camelCase resources for the resource providers, and
 * Resource Graph rows derived from them.
 *
 * ARG casing: `resources` rows and flux/sourceControl rows keep ARM's camelCase. Extension rows in
 * `kubernetesconfigurationresources` come PascalCase, as Microsoft's own queries read them
 * (`properties.ExtensionType`, `properties.ProvisioningState`, `properties.Scope.cluster.ReleaseNamespace`):
 * every property name is PascalCased at every depth (`Statuses[].Code/Level/Message/Time`,
 * `ErrorInfo.Code/Message/Details`), except the `Scope` discriminator keys (`cluster`, `namespace`)
 * and the keys of user maps (`ConfigurationSettings`, `CustomLocationSettings`), which stay as written.
 */
import { EXTENSION_TYPES } from "./messages";
import { COMPONENT_SEGMENT, idNumber, TENANT_ID, type ComponentRef, type SimCluster, type SimComponent, type SimFailure } from "./fleet";
import { commitSha, guidFrom } from "./random";
import type { MalformKind } from "./types";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface RenderContext {
  now: number;
  /** Lower-cased id → damage to apply. */
  malformed: ReadonlyMap<string, readonly MalformKind[]>;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Creation times sit in 2025 so they never look "recent". */
const CREATED_BASE = Date.UTC(2025, 0, 6);

const iso = (ms: number) => new Date(ms).toISOString();

function systemData(id: string, generation: number, now: number): JsonObject {
  const created = CREATED_BASE + (idNumber(id) % (200 * DAY));
  return {
    createdBy: "fleet-admin@contoso.com",
    createdByType: "User",
    createdAt: iso(created),
    lastModifiedBy: "a9cb46a1-6e6c-4a0e-9d3b-1a7c2f3f1c9e",
    lastModifiedByType: "Application",
    lastModifiedAt: iso(generation > 1 ? now - (idNumber(id) % 30) * MINUTE : created),
  };
}

// ---- clusters ---------------------------------------------------------------------------------

/** The tracked-resource envelope both cluster kinds share. */
function clusterResource(c: SimCluster, type: string, now: number, extra: JsonObject, properties: JsonObject): JsonObject {
  return {
    id: c.id,
    name: c.name,
    type,
    location: c.location,
    tags: { environment: idNumber(c.id) % 3 === 0 ? "production" : "staging", "fleet-health": "simulated" },
    ...extra,
    identity: { type: "SystemAssigned", principalId: guidFrom(`${c.id}:principal`), tenantId: TENANT_ID },
    systemData: systemData(c.id, c.generation, now),
    properties,
  };
}

function arcCluster(c: SimCluster, now: number): JsonObject {
  const n = idNumber(c.id);
  const agentErrors: Json[] = (c.agentErrors ?? []).map((e) => ({ component: e.code, message: e.message, severity: "Error", time: iso(now - 20 * MINUTE) }));
  return clusterResource(
    c,
    "Microsoft.Kubernetes/connectedClusters",
    now,
    {},
    {
      agentPublicKeyCertificate: "MIICCgKCAgEAsimulatedpublickeycertificateforfleethealth",
      kubernetesVersion: `1.${29 + (n % 3)}.${n % 9}`,
      totalNodeCount: 3 + (n % 5),
      totalCoreCount: 8 * (3 + (n % 5)),
      agentVersion: `1.${18 + (n % 4)}.${n % 3}`,
      provisioningState: c.provisioningState,
      distribution: ["k3s", "aks_hybrid", "openshift", "rancher_rke"][n % 4],
      distributionVersion: null,
      infrastructure: ["generic", "azure_stack_hci", "vsphere"][n % 3],
      offering: null,
      managedIdentityCertificateExpirationTime: iso(now + (c.certExpiresInMs ?? 60 * DAY)),
      lastConnectivityTime: iso(now - (c.lastSeenAgoMs ?? 0)),
      connectivityStatus: c.connectivityStatus ?? "Connected",
      privateLinkState: "Disabled",
      privateLinkScopeResourceId: null,
      aadProfile: { enableAzureRBAC: n % 2 === 0, adminGroupObjectIDs: null, tenantID: TENANT_ID },
      securityProfile: { workloadIdentity: { enabled: false } },
      oidcIssuerProfile: { enabled: false, issuerUrl: null, selfHostedIssuerUrl: null },
      gateway: { enabled: false },
      arcAgentryConfigurations: [],
      azureHybridBenefit: "NotApplicable",
      arcAgentProfile: {
        agentAutoUpgrade: "Enabled",
        desiredAgentVersion: null,
        agentState: agentErrors.length ? "Failed" : "Succeeded",
        agentErrors,
        systemComponents: [],
      },
      miscellaneousProperties: {},
    },
  );
}

function aksCluster(c: SimCluster, now: number): JsonObject {
  const n = idNumber(c.id);
  const version = `1.${29 + (n % 3)}.${n % 9}`;
  const power = { code: c.powerState ?? "Running" };
  const dnsPrefix = `${c.name}-dns`;
  return clusterResource(
    c,
    "Microsoft.ContainerService/managedClusters",
    now,
    { sku: { name: "Base", tier: "Standard" } },
    {
      provisioningState: c.provisioningState,
      powerState: power,
      kubernetesVersion: version,
      currentKubernetesVersion: version,
      dnsPrefix,
      fqdn: `${dnsPrefix}-${(n % 0xffffffff).toString(16).padStart(8, "0")}.hcp.${c.location}.azmk8s.io`,
      azurePortalFQDN: `${dnsPrefix}-${(n % 0xffffffff).toString(16).padStart(8, "0")}.portal.hcp.${c.location}.azmk8s.io`,
      agentPoolProfiles: [
        {
          name: "nodepool1",
          count: 3 + (n % 5),
          vmSize: "Standard_D4s_v5",
          osType: "Linux",
          mode: "System",
          provisioningState: c.provisioningState,
          powerState: power,
          orchestratorVersion: version,
          currentOrchestratorVersion: version,
        },
      ],
      nodeResourceGroup: `MC_${c.resourceGroup}_${c.name}_${c.location}`,
      enableRBAC: true,
      maxAgentPools: 100,
    },
  );
}

// ---- components -------------------------------------------------------------------------------

const EXTENSION_STATE = { ok: "Succeeded", failed: "Failed" } as const;

/** The three ways Azure surfaces an extension agent's error (see the seeds and the spec examples). */
function extensionError(f: SimFailure, now: number): { statuses: Json[]; errorInfo: Json } {
  const time = iso(now - 10 * MINUTE);
  switch (f.wrap ?? 0) {
    case 1: {
      const message = `The extension operation failed with the following error: ${f.message}`;
      return {
        statuses: [{ code: f.code, displayStatus: "Failed", level: "Error", message, time }],
        errorInfo: { code: "ExtensionOperationFailed", message, target: null, details: [], additionalInfo: [] },
      };
    }
    case 2:
      return {
        statuses: [],
        errorInfo: {
          code: "ResourceOperationFailure",
          message: "The resource operation completed with terminal provisioning state 'Failed'.",
          target: null,
          details: [{ code: f.code, message: `InnerError [${f.message}]` }],
          additionalInfo: [],
        },
      };
    default:
      // Verbatim from the flux extension guide: code and message, the rest null.
      return { statuses: [{ code: f.code, displayStatus: null, level: null, message: f.message, time: null }], errorInfo: null };
  }
}

function extension(c: SimCluster, comp: SimComponent, id: string, now: number): JsonObject {
  const ext = EXTENSION_TYPES.find((e) => e.type === comp.extensionType);
  const failed = comp.status === "failed" && comp.failure ? extensionError(comp.failure, now) : { statuses: [], errorInfo: null };
  return {
    id,
    name: comp.name,
    type: "Microsoft.KubernetesConfiguration/extensions",
    systemData: systemData(id, comp.generation, now),
    identity: c.kind === "arc" ? { type: "SystemAssigned", principalId: guidFrom(`${id}:principal`), tenantId: TENANT_ID } : null,
    properties: {
      extensionType: comp.extensionType ?? null,
      autoUpgradeMinorVersion: true,
      releaseTrain: "Stable",
      version: null,
      scope: { cluster: { releaseNamespace: ext?.namespace ?? "default" } },
      configurationSettings: comp.extensionType === "microsoft.flux" ? { "multiTenancy.enforce": "false" } : {},
      configurationProtectedSettings: {},
      provisioningState: comp.status === "pending" ? (comp.generation % 2 ? "Creating" : "Updating") : EXTENSION_STATE[comp.status],
      currentVersion: comp.status === "pending" ? null : (ext?.version ?? null),
      statuses: failed.statuses,
      errorInfo: failed.errorInfo,
      customLocationSettings: null,
      packageUri: null,
      aksAssignedIdentity: c.kind === "aks" ? { principalId: guidFrom(`${id}:aks`), tenantId: TENANT_ID, type: "SystemAssigned" } : null,
      isSystemExtension: false,
    },
  };
}

function condition(ready: boolean, reason: string, message: string, at: number): JsonObject {
  return { lastTransitionTime: iso(at), message, reason, status: ready ? "True" : "False", type: "Ready" };
}

function fluxConfiguration(c: SimCluster, comp: SimComponent, id: string, now: number): JsonObject {
  const n = idNumber(id);
  const namespace = comp.name === "cluster-config" ? "flux-system" : comp.name;
  const commit = `main/${commitSha(`${id}:${comp.generation}`)}`;
  const updated = now - (n % 10) * MINUTE;
  const failure = comp.status === "failed" ? comp.failure : undefined;
  const pending = comp.status === "pending";
  const kustomizations = ["infra", "apps"];
  const state = (kind: string) => (failure?.objectKind === kind ? "Non-Compliant" : "Compliant");
  const statuses: Json[] = pending
    ? []
    : [
        {
          name: comp.name,
          namespace,
          kind: "GitRepository",
          complianceState: state("GitRepository"),
          appliedBy: null,
          helmReleaseProperties: null,
          statusConditions: [
            failure?.objectKind === "GitRepository"
              ? condition(false, failure.reason ?? "GitOperationFailed", failure.message, updated)
              : condition(true, "Succeeded", `stored artifact for revision '${commit}'`, updated),
          ],
        },
        ...kustomizations.map((k, i): Json => ({
          name: `${comp.name}-${k}`,
          namespace,
          kind: "Kustomization",
          complianceState: i === 0 ? state("Kustomization") : failure?.objectKind === "GitRepository" ? "Unknown" : "Compliant",
          appliedBy: null,
          helmReleaseProperties: null,
          statusConditions: [
            i === 0 && failure?.objectKind === "Kustomization"
              ? condition(false, failure.reason ?? "ReconciliationFailed", failure.message, updated)
              : condition(true, "ReconciliationSucceeded", `Applied revision: ${commit}`, updated),
          ],
        })),
        ...(failure?.objectKind === "HelmRelease"
          ? [
              {
                name: "podinfo",
                namespace,
                kind: "HelmRelease",
                complianceState: "Non-Compliant",
                appliedBy: { name: `${comp.name}-apps`, namespace },
                helmReleaseProperties: {
                  lastRevisionApplied: 1,
                  helmChartRef: { name: `${namespace}-podinfo`, namespace },
                  failureCount: 3,
                  installFailureCount: 3,
                  upgradeFailureCount: 0,
                },
                statusConditions: [condition(false, failure.reason ?? "InstallFailed", failure.message, updated)],
              } as Json,
            ]
          : []),
      ];
  return {
    id,
    name: comp.name,
    type: "Microsoft.KubernetesConfiguration/fluxConfigurations",
    systemData: systemData(id, comp.generation, now),
    properties: {
      scope: "cluster",
      namespace,
      sourceKind: "GitRepository",
      suspend: false,
      gitRepository: {
        url: `https://github.com/contoso/${c.name}-config`,
        timeoutInSeconds: 600,
        syncIntervalInSeconds: 600,
        repositoryRef: { branch: "main", tag: null, semver: null, commit: null },
        sshKnownHosts: null,
        httpsUser: null,
        httpsCACert: null,
        localAuthRef: null,
      },
      bucket: null,
      azureBlob: null,
      kustomizations: Object.fromEntries(
        kustomizations.map((k, i): [string, Json] => [
          k,
          {
            name: k,
            path: `./clusters/${c.name}/${k}`,
            dependsOn: i ? ["infra"] : [],
            timeoutInSeconds: 600,
            syncIntervalInSeconds: 600,
            retryIntervalInSeconds: null,
            prune: true,
            force: false,
            wait: true,
            postBuild: null,
          },
        ]),
      ),
      configurationProtectedSettings: {},
      statuses,
      repositoryPublicKey: "",
      sourceSyncedCommitId: pending ? null : commit,
      sourceUpdatedAt: pending ? null : iso(updated),
      statusUpdatedAt: pending ? null : iso(updated),
      waitForReconciliation: null,
      reconciliationWaitDuration: null,
      complianceState: pending ? "Pending" : failure ? "Non-Compliant" : "Compliant",
      provisioningState: pending ? "Creating" : "Succeeded",
      errorMessage: "",
    },
  };
}

function sourceControl(c: SimCluster, comp: SimComponent, id: string, now: number): JsonObject {
  const failure = comp.status === "failed" ? comp.failure : undefined;
  return {
    id,
    name: comp.name,
    type: "Microsoft.KubernetesConfiguration/sourceControlConfigurations",
    systemData: systemData(id, comp.generation, now),
    properties: {
      repositoryUrl: `git@github.com:contoso/${c.name}-flux-v1`,
      operatorNamespace: "flux-v1",
      operatorInstanceName: comp.name,
      operatorType: "Flux",
      operatorParams: "--git-readonly",
      operatorScope: "cluster",
      configurationProtectedSettings: {},
      sshKnownHostsContents: null,
      enableHelmOperator: false,
      helmOperatorProperties: null,
      repositoryPublicKey: "",
      provisioningState: comp.status === "pending" ? "Running" : "Succeeded",
      complianceStatus: failure
        ? { complianceState: "Failed", lastConfigApplied: iso(now - 30 * MINUTE), message: failure.message, messageLevel: "Error" }
        : comp.status === "pending"
          ? { complianceState: "Pending", lastConfigApplied: null, message: "", messageLevel: "Information" }
          : { complianceState: "Installed", lastConfigApplied: iso(now - 30 * MINUTE), message: "", messageLevel: "Information" },
    },
  };
}

// ---- malformed rows ---------------------------------------------------------------------------

let hugeText: string | undefined;
/** A ~1 MB message, as a runaway agent log might produce. */
export function hugeMessage(): string {
  hugeText ??=
    "Error: {failed to install chart: " +
    'pod "extension-agent" in namespace "kube-system" is not ready: container has runAsNonRoot and image will run as root; '.repeat(8600) +
    "}";
  return hugeText;
}

function malform(doc: JsonObject, kinds: readonly MalformKind[]): JsonObject {
  for (const kind of kinds) {
    const p = doc.properties as JsonObject | undefined;
    if (kind === "missingProperties") delete doc.properties;
    if (!p) continue;
    switch (kind) {
      case "nulls":
        for (const key of [
          "provisioningState",
          "statuses",
          "connectivityStatus",
          "lastConnectivityTime",
          "complianceState",
          "complianceStatus",
          "extensionType",
          "powerState",
        ])
          if (key in p) p[key] = null;
        break;
      case "unknownEnum":
        if ("connectivityStatus" in p) p.connectivityStatus = "AgentNotInstalled";
        else if ("complianceState" in p) p.complianceState = "Weird";
        else if (p.complianceStatus && typeof p.complianceStatus === "object") (p.complianceStatus as JsonObject).complianceState = "Weird";
        else p.provisioningState = "Weird";
        break;
      case "hugeMessage":
        if ("errorMessage" in p) Object.assign(p, { errorMessage: hugeMessage(), complianceState: "Non-Compliant" });
        else if ("extensionType" in p)
          Object.assign(p, {
            provisioningState: "Failed",
            statuses: [{ code: "InstallationFailed", displayStatus: null, level: "Error", message: hugeMessage(), time: null }],
          });
        else if (p.complianceStatus && typeof p.complianceStatus === "object")
          Object.assign(p.complianceStatus, { complianceState: "Failed", message: hugeMessage(), messageLevel: "Error" });
        else if (p.arcAgentProfile && typeof p.arcAgentProfile === "object")
          Object.assign(p.arcAgentProfile, {
            agentState: "Failed",
            agentErrors: [{ component: "config-agent", message: hugeMessage(), severity: "Error", time: null }],
          });
        break;
    }
  }
  return doc;
}

// ---- entry points -----------------------------------------------------------------------------

/** The ARM document of a cluster or component, as the resource provider returns it. */
export function armDocument(ref: ComponentRef, ctx: RenderContext): JsonObject {
  const { cluster, component } = ref;
  let doc: JsonObject;
  if (!component) doc = cluster.kind === "arc" ? arcCluster(cluster, ctx.now) : aksCluster(cluster, ctx.now);
  else if (component.kind === "extension") doc = extension(cluster, component, ref.id, ctx.now);
  else if (component.kind === "flux") doc = fluxConfiguration(cluster, component, ref.id, ctx.now);
  else doc = sourceControl(cluster, component, ref.id, ctx.now);
  const damage = ctx.malformed.get(ref.id.toLowerCase());
  return damage ? malform(doc, damage) : doc;
}

const USER_MAPS = new Set(["ConfigurationSettings", "ConfigurationProtectedSettings", "CustomLocationSettings"]);

/** ARG's PascalCase rendering of extension properties (see the header comment for the rules). */
export function pascalize(value: Json, parentKey = ""): Json {
  if (Array.isArray(value)) return value.map((v) => pascalize(v, parentKey));
  if (value === null || typeof value !== "object") return value;
  if (USER_MAPS.has(parentKey)) return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    const name = parentKey === "Scope" ? key : key.charAt(0).toUpperCase() + key.slice(1);
    out[name] = pascalize(v, name);
  }
  return out;
}

/** The lower-case `type` column ARG returns for a row. */
export function argType(ref: ComponentRef): string {
  if (ref.component) return `microsoft.kubernetesconfiguration/${COMPONENT_SEGMENT[ref.component.kind].toLowerCase()}`;
  return ref.cluster.kind === "arc" ? "microsoft.kubernetes/connectedclusters" : "microsoft.containerservice/managedclusters";
}

/** Every column of an ARG row, in ARG's column order. */
export function argRow(ref: ComponentRef, ctx: RenderContext): JsonObject {
  const doc = armDocument(ref, ctx);
  const isExtension = ref.component?.kind === "extension";
  const properties = doc.properties === undefined ? undefined : isExtension ? pascalize(doc.properties) : doc.properties;
  const row: JsonObject = {
    id: ref.id,
    name: ref.component ? ref.component.name : ref.cluster.name,
    type: argType(ref),
    tenantId: TENANT_ID,
    kind: "",
    location: ref.component ? "" : ref.cluster.location,
    resourceGroup: ref.cluster.resourceGroup.toLowerCase(),
    subscriptionId: ref.cluster.subscriptionId,
    managedBy: "",
    sku: doc.sku ?? null,
    plan: null,
    tags: doc.tags ?? null,
    identity: doc.identity ?? null,
    zones: null,
    extendedLocation: null,
  };
  if (properties !== undefined) row.properties = properties;
  return row;
}

/** A subscription's row in the `resourcecontainers` table: there `name` is the display name. */
export function subscriptionRow(subscriptionId: string, index: number): JsonObject {
  return {
    id: `/subscriptions/${subscriptionId}`,
    name: `Fleet ${String(index + 1).padStart(2, "0")} (simulated)`,
    type: "microsoft.resources/subscriptions",
    tenantId: TENANT_ID,
    kind: "",
    location: "",
    resourceGroup: "",
    subscriptionId,
    managedBy: "",
    sku: null,
    plan: null,
    tags: {},
    identity: null,
    zones: null,
    extendedLocation: null,
    properties: {
      state: "Enabled",
      subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "EnterpriseAgreement_2014-09-01", spendingLimit: "Off" },
    },
  };
}
