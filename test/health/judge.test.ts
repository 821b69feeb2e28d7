import { describe, expect, it } from "vitest";
import { classify } from "../../shared/catalog/classifier";
import { FleetAssembler } from "../../shared/health/assembler";
import { DEFAULT_JUDGE_OPTIONS, judgeCluster } from "../../shared/health/cluster";
import { judgeConfiguration } from "../../shared/health/configuration";
import { Prop } from "../../shared/health/properties";
import { AKS_ID, ARC_ID, aksRow, arcRow, extensionRow, fluxRow, NOW, sourceControlRow } from "./fixtures";

const options = { ...DEFAULT_JUDGE_OPTIONS, now: NOW };
const cluster = (row: unknown) => judgeCluster(row, options).components[0];

describe("Prop", () => {
  it("reads PascalCase and camelCase alike and cites the key as Azure spelled it", () => {
    const p = Prop.root({ properties: { ProvisioningState: "Failed", statuses: [{ Message: "boom" }] } });
    expect(p.at("properties.provisioningState").value).toBe("Failed");
    expect(p.at("properties.provisioningState").path).toBe("properties.ProvisioningState");
    expect(p.get("properties").get("Statuses").items()[0].get("message").path).toBe("properties.statuses[0].Message");
    expect(p.at("properties.missing.deeper").present).toBe(false);
    expect(Prop.root({ a: null }).get("a").present).toBe(false);
    expect(Prop.root({ a: "true" }).get("a").bool()).toBe(true);
  });
});

describe("cluster judgement", () => {
  it("a connected Arc cluster is healthy and shows its evidence", () => {
    const c = cluster(arcRow());
    expect(c).toMatchObject({ state: "healthy", reason: "Connected", kind: "cluster", clusterId: ARC_ID.toLowerCase() });
    expect(c.evidence).toContainEqual({ field: "properties.connectivityStatus", value: "Connected" });
    expect(c.facts?.agentVersion).toBe("1.20.1");
  });

  it.each([
    ["Offline", "failing", "Offline"],
    ["Expired", "failing", "Expired"],
    ["Connecting", "pending", "Connecting"],
    ["AgentNotInstalled", "failing", "AgentNotInstalled"],
    ["Hibernating", "unknown", "UnknownValue"],
  ])("connectivityStatus %s is %s", (value, state, reason) => {
    expect(cluster(arcRow({ connectivityStatus: value }))).toMatchObject({ state, reason });
  });

  it("a missing or null connectivityStatus is unknown, never healthy", () => {
    expect(cluster(arcRow({ connectivityStatus: undefined }))).toMatchObject({ state: "unknown", reason: "MissingProperty" });
    expect(cluster(arcRow({ connectivityStatus: null }))).toMatchObject({ state: "unknown", reason: "MissingProperty" });
    const noProps = { ...arcRow(), properties: undefined };
    expect(cluster(noProps).state).toBe("unknown");
  });

  it("a stale heartbeat degrades a Connected cluster", () => {
    const c = cluster(arcRow({ lastConnectivityTime: "2026-11-21T20:00:00Z" }));
    expect(c).toMatchObject({ state: "degraded", reason: "StaleHeartbeat" });
    expect(c.evidence).toContainEqual({ field: "properties.lastConnectivityTime", value: "2026-11-21T20:00:00Z" });
  });

  it("certificate expiry: soon is degraded, past is failing", () => {
    expect(cluster(arcRow({ managedIdentityCertificateExpirationTime: "2026-11-30T00:00:00Z" }))).toMatchObject({
      state: "degraded",
      reason: "CertificateExpiringSoon",
    });
    expect(cluster(arcRow({ managedIdentityCertificateExpirationTime: "2026-11-01T00:00:00Z" }))).toMatchObject({
      state: "failing",
      reason: "CertificateExpired",
    });
    expect(cluster(arcRow({ managedIdentityCertificateExpirationTime: "2027-06-01T00:00:00Z" })).state).toBe("healthy");
  });

  it("provisioning Failed is failing; Updating is pending", () => {
    expect(cluster(arcRow({ provisioningState: "Failed" }))).toMatchObject({ state: "failing", reason: "ProvisioningFailed" });
    expect(cluster(aksRow({ provisioningState: "Updating" }))).toMatchObject({ state: "pending", reason: "Provisioning" });
  });

  it("an AKS cluster: Running is healthy, Stopped degraded, no power state unknown", () => {
    const aks = judgeCluster(aksRow(), options);
    expect(aks).toMatchObject({ id: AKS_ID.toLowerCase(), kind: "aks", state: "healthy", resourceGroup: "rg-two" });
    expect(cluster(aksRow({ powerState: { code: "Stopped" } }))).toMatchObject({ state: "degraded", reason: "Stopped" });
    expect(cluster(aksRow({ powerState: null }))).toMatchObject({ state: "unknown", reason: "MissingProperty" });
  });

  it("Arc agent errors are evidence with their component", () => {
    const c = cluster(arcRow({ arcAgentProfile: { agentErrors: [{ component: "clusterconnect-agent", severity: "Error", message: "agent crashed" }] } }));
    expect(c).toMatchObject({ state: "degraded", reason: "AgentError", message: "agent crashed" });
    expect(c.evidence[0]).toEqual({ field: "properties.arcAgentProfile.agentErrors[0].message", value: "agent crashed", code: "clusterconnect-agent" });
  });

  it("rejects a row that is not a cluster with a clear error", () => {
    expect(() => judgeCluster({ id: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/z" }, options)).toThrow(
      /connectedClusters or managedClusters/,
    );
  });
});

describe("extension judgement", () => {
  it("reads PascalCase ARG rows: a failed install cites errorInfo and statuses with their codes", () => {
    const [c] = judgeConfiguration(
      extensionRow(ARC_ID, "flux", {
        ProvisioningState: "Failed",
        ErrorInfo: { Code: "ExtensionOperationFailed", Message: "helm install failed: timed out waiting for the condition" },
        Statuses: [
          { Code: "InstallationFailed", Level: "Error", Message: "pod crashloop" },
          { Level: "Information", Message: "fine" },
        ],
      }),
    );
    expect(c).toMatchObject({
      kind: "extension",
      extensionType: "microsoft.flux",
      state: "failing",
      reason: "ProvisioningFailed",
      message: "helm install failed: timed out waiting for the condition",
    });
    expect(c.evidence).toEqual([
      { field: "properties.ProvisioningState", value: "Failed" },
      { field: "properties.ErrorInfo.Message", value: "helm install failed: timed out waiting for the condition", code: "ExtensionOperationFailed" },
      { field: "properties.Statuses[0].Message", value: "pod crashloop", code: "InstallationFailed" },
    ]);
  });

  it("reads camelCase ARM bodies the same way", () => {
    const [c] = judgeConfiguration({
      id: `${AKS_ID}/providers/Microsoft.KubernetesConfiguration/extensions/mon`,
      properties: { extensionType: "Microsoft.AzureMonitor.Containers", provisioningState: "Succeeded", statuses: [{ level: "Warning", message: "slow" }] },
    });
    expect(c).toMatchObject({ extensionType: "microsoft.azuremonitor.containers", state: "degraded", reason: "StatusWarning" });
  });

  it("an unknown provisioningState is unknown", () => {
    expect(judgeConfiguration(extensionRow(ARC_ID, "x", { ProvisioningState: "Reticulating" }))[0]).toMatchObject({ state: "unknown", reason: "UnknownValue" });
  });

  it("never takes SDK defaults as data: only fields on the wire become facts", () => {
    const [c] = judgeConfiguration(extensionRow(ARC_ID, "x"));
    expect(c.facts).toEqual({ extensionType: "microsoft.flux", provisioningState: "Succeeded" });
  });
});

describe("Flux judgement", () => {
  it("Non-Compliant (with hyphen) is failing; each object is its own component", () => {
    const components = judgeConfiguration(
      fluxRow(ARC_ID, "apps", {
        complianceState: "Non-Compliant",
        statuses: [
          {
            name: "apps",
            namespace: "flux-system",
            kind: "GitRepository",
            complianceState: "Compliant",
            statusConditions: [{ type: "Ready", status: "True" }],
          },
          {
            name: "apps-web",
            namespace: "flux-system",
            kind: "Kustomization",
            complianceState: "Non-Compliant",
            statusConditions: [{ type: "Ready", status: "False", reason: "BuildFailed", message: "kustomize build failed: accumulating resources" }],
          },
          null,
        ],
      }),
    );
    expect(components.map((c) => [c.kind, c.state])).toEqual([
      ["flux", "failing"],
      ["fluxObject", "healthy"],
      ["fluxObject", "failing"],
    ]);
    const [config, , object] = components;
    expect(config).toMatchObject({ reason: "NonCompliant", message: "Kustomization apps-web: kustomize build failed: accumulating resources" });
    expect(object).toMatchObject({ reason: "NonCompliant", parentId: config.id, name: "apps-web", clusterId: ARC_ID.toLowerCase() });
    expect(object.evidence).toContainEqual({
      field: "properties.statuses[1].statusConditions[0].message",
      value: "kustomize build failed: accumulating resources",
      code: "BuildFailed",
    });
    expect(object.id).toBe(`${config.id}/statuses/Kustomization/flux-system/apps-web`);
  });

  it("errorMessage, provisioning Failed, suspend and helm failure counts", () => {
    expect(judgeConfiguration(fluxRow(ARC_ID, "a", { provisioningState: "Failed", errorMessage: "source not found" }))[0]).toMatchObject({
      state: "failing",
      message: "source not found",
    });
    expect(judgeConfiguration(fluxRow(ARC_ID, "b", { suspend: true, complianceState: "Suspended" }))[0]).toMatchObject({
      state: "degraded",
      reason: "Suspended",
    });
    const helm = judgeConfiguration(
      fluxRow(ARC_ID, "c", {
        statuses: [{ name: "web", kind: "HelmRelease", complianceState: "Compliant", helmReleaseProperties: { failureCount: 3, installFailureCount: null } }],
      }),
    )[1];
    expect(helm).toMatchObject({ state: "degraded", reason: "HelmReleaseFailures", message: "failureCount 3" });
  });

  it("complianceState Unknown and unknown values are unknown", () => {
    expect(judgeConfiguration(fluxRow(ARC_ID, "a", { complianceState: "Unknown" }))[0].state).toBe("unknown");
    expect(judgeConfiguration(fluxRow(ARC_ID, "a", { complianceState: "Sideways" }))[0]).toMatchObject({ state: "unknown", reason: "UnknownValue" });
    expect(judgeConfiguration(fluxRow(ARC_ID, "a", { complianceState: undefined }))[0]).toMatchObject({ state: "unknown", reason: "MissingProperty" });
  });
});

describe("legacy sourceControlConfiguration", () => {
  it("Noncompliant (no hyphen) is failing with its message", () => {
    const [c] = judgeConfiguration(
      sourceControlRow(AKS_ID, "legacy", { complianceStatus: { complianceState: "Noncompliant", message: "git clone failed", messageLevel: "Error" } }),
    );
    expect(c).toMatchObject({ kind: "sourceControl", state: "failing", reason: "NonCompliant", message: "git clone failed" });
    expect(judgeConfiguration(sourceControlRow(AKS_ID, "ok"))[0].state).toBe("healthy");
    expect(judgeConfiguration(sourceControlRow(AKS_ID, "none", { complianceStatus: null }))[0].state).toBe("unknown");
  });
});

describe("huge messages", () => {
  it("a 1 MB message is kept verbatim as evidence; the condition message is one bounded line", () => {
    const huge = "x".repeat(1024 * 1024) + "\nend";
    const [c] = judgeConfiguration(extensionRow(ARC_ID, "big", { ProvisioningState: "Failed", ErrorInfo: { Code: "E", Message: huge } }));
    expect(c.evidence[1].value).toBe(huge);
    expect(c.message.length).toBeLessThanOrEqual(2000);
    expect(c.message).not.toContain("\n");
  });
});

describe("extension error shapes", () => {
  it("a status without a level explains a failed provisioning", () => {
    const [c] = judgeConfiguration(
      extensionRow(ARC_ID, "flux", {
        ProvisioningState: "Failed",
        Statuses: [{ Code: "InstallationFailed", DisplayStatus: null, Level: null, Message: "unable to pull image", Time: null }],
      }),
    );
    expect(c).toMatchObject({ state: "failing", reason: "ProvisioningFailed", message: "unable to pull image" });
    expect(c.evidence).toContainEqual({ field: "properties.Statuses[0].Message", value: "unable to pull image", code: "InstallationFailed" });
    expect(judgeConfiguration(extensionRow(ARC_ID, "ok", { Statuses: [{ Code: "Info", Level: null, Message: "all good" }] }))[0]).toMatchObject({
      state: "healthy",
      evidence: [{ field: "properties.ProvisioningState", value: "Succeeded" }],
    });
  });

  it("errorInfo that wraps the real error in details reports the inner error", () => {
    const [c] = judgeConfiguration(
      extensionRow(ARC_ID, "osm", {
        ProvisioningState: "Failed",
        ErrorInfo: {
          Code: "ResourceOperationFailure",
          Message: "The resource operation completed with terminal provisioning state 'Failed'.",
          Details: [{ Code: "HelmInstallFailed", Message: "InnerError [chart not found]" }],
        },
      }),
    );
    expect(c.message).toBe("InnerError [chart not found]");
    expect(c.evidence).toContainEqual({ field: "properties.ErrorInfo.Details[0].Message", value: "InnerError [chart not found]", code: "HelmInstallFailed" });
    expect(c.evidence).toContainEqual({
      field: "properties.ErrorInfo.Message",
      value: "The resource operation completed with terminal provisioning state 'Failed'.",
      code: "ResourceOperationFailure",
    });
  });
});

describe("Flux object ids", () => {
  it("two statuses naming the same object stay two components", () => {
    const same = { name: "web", namespace: "apps", kind: "HelmRelease", complianceState: "Compliant" };
    const [, a, b] = judgeConfiguration(fluxRow(ARC_ID, "dup", { statuses: [same, same] }));
    expect(a.id).not.toBe(b.id);
  });
});

describe("classification of a failing component", () => {
  it("uses the message that names the documented problem, not only the longest one", () => {
    const assembler = new FleetAssembler({ ...DEFAULT_JUDGE_OPTIONS, now: NOW, classify });
    assembler.addCluster(aksRow());
    assembler.addConfiguration(
      extensionRow(AKS_ID, "sc-extension", {
        ExtensionType: "microsoft.servicelinker.connection",
        ProvisioningState: "Failed",
        ErrorInfo: {
          Code: "ResourceOperationFailure",
          Message:
            "The resource operation completed with terminal provisioning state 'Failed'. Please check the extension manager logs for details of the failure.",
        },
        Statuses: [{ Code: "InstallationFailed", Level: "Error", Message: "Operation returned an invalid status code: Conflict" }],
      }),
    );
    const extension = assembler.clusters()[0].components.find((c) => c.kind === "extension")!;
    expect(extension.state).toBe("failing");
    expect(extension.classification?.catalogId).toBe("sc-conflict");
  });
});
