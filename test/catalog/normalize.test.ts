/**
 * Normalization (what signatures see) and fingerprints (how unknown failures group across clusters).
 */
import { describe, expect, it } from "vitest";
import { catalog } from "../../shared/catalog";
import { classify } from "../../shared/catalog/classifier";
import { fingerprintOf } from "../../shared/catalog/fingerprint";
import { normalizeMessage } from "../../shared/catalog/normalize";
import { WRAPPERS } from "./wrappers";

const fingerprint = (message: string) => fingerprintOf(normalizeMessage(message));

describe("normalizeMessage", () => {
  it("lower-cases, collapses whitespace and line breaks, and maps typographic quotes", () => {
    expect(normalizeMessage("  Unable to fetch oid of \u2018custom-locations\u2019 app.\r\n\tProceeding   without \u201cit\u201d ")).toBe(
      "unable to fetch oid of 'custom-locations' app. proceeding without \"it\"",
    );
  });

  it("unwraps an ARM error body into code: message, details after their parent", () => {
    const body = JSON.stringify({
      error: {
        code: "DeploymentFailed",
        message: "At least one resource deployment operation failed.",
        details: [{ code: "ExtensionCreationFailed", message: "Request failed. Reason: Bad Request" }],
      },
    });
    expect(normalizeMessage(body)).toBe(
      "deploymentfailed: at least one resource deployment operation failed. extensioncreationfailed: request failed. reason: bad request",
    );
  });

  it("reads the keys of older APIs in any case, and every value of an object that is not an error", () => {
    expect(normalizeMessage('{"Code":"Conflict","Message":"Operation returned an invalid status code \'Conflict\'","Target":"x"}')).toBe(
      "conflict: operation returned an invalid status code 'conflict'",
    );
    expect(normalizeMessage('{"Message":"no azure identity found","LogType":"ConfigAgentTrace"}')).toBe("no azure identity found");
    expect(normalizeMessage('{"LogType":"ConfigAgentTrace","Role":"ClusterConfigAgent"}')).toBe("configagenttrace clusterconfigagent");
  });

  it("unwraps JSON escaped inside a message, text around it kept", () => {
    const inner = JSON.stringify({
      status: "Failed",
      error: { code: "ResourceOperationFailure", message: "The resource operation completed with terminal provisioning state 'Failed'." },
    });
    expect(normalizeMessage(`Long running operation failed. Additional Info:'${inner}' see logs`)).toBe(
      "long running operation failed. additional info:' resourceoperationfailure: the resource operation completed with terminal provisioning state 'failed'. ' see logs",
    );
    // Serialized twice, as the portal shows an extension's status.
    expect(normalizeMessage(JSON.stringify(inner))).toBe(
      "resourceoperationfailure: the resource operation completed with terminal provisioning state 'failed'.",
    );
  });

  it("follows ARM bodies nested in other bodies' details[].message, counting only re-parses (issue: innermost message lost)", () => {
    const status = catalog.find((e) => e.id === "flux-pod-identity")!.examples[1]; // the seed's extension status JSON
    const resourceOperationFailure = (message: string) =>
      JSON.stringify({
        status: "Failed",
        error: {
          code: "ResourceOperationFailure",
          message: "The resource operation completed with terminal provisioning state 'Failed'.",
          details: [{ code: "ExtensionOperationFailed", message }],
        },
      });
    expect(classify(resourceOperationFailure(status)).catalogId).toBe("flux-pod-identity");
    // Seven bodies deep, each in the previous one's details: over 40 object/array/string levels, which the
    // old per-level bound cut off before the innermost message.
    let message = status;
    for (let i = 0; i < 7; i++) message = i % 2 ? WRAPPERS.armNested(message, "edge-007") : resourceOperationFailure(message);
    const normalized = normalizeMessage(message);
    expect(normalized).toContain("extensioncreationfailed: error: unable to get the status from the local crd");
    expect(normalized).not.toContain('{"status');
    expect(classify(message).catalogId).toBe("flux-pod-identity");
  });

  it("keeps megabyte messages bounded: a 1 MB log around a body still classifies, pathological nesting stays text", () => {
    const log = Array.from(
      { length: 14_000 },
      (_, i) => `2024-05-02T09:14:${String(i % 60).padStart(2, "0")}Z info reconciling object ${i} of the release`,
    ).join("\n");
    const body = JSON.stringify({
      error: { code: "ExtensionOperationFailed", message: `${log}\nUnable to get a response from the Agent in time`, details: [] },
    });
    expect(body.length).toBeGreaterThan(900_000);
    expect(classify(body, { component: "extension" }).catalogId).toBe("ext-agent-no-response");
    // 200,000 nested objects (1.2 MB): parsed once, flattened only to a bounded depth, no stack overflow.
    const nested = '{"a":'.repeat(200_000) + '"x"' + "}".repeat(200_000);
    expect(classify(nested)).toMatchObject({ catalogId: null, confidence: 0 });
    // A string serialized into itself again and again stops being parsed after a bounded number of levels.
    let serialized = "Unable to get a response from the Agent in time";
    for (let i = 0; i < 14; i++) serialized = JSON.stringify({ error: { code: "Outer", message: serialized } });
    expect(serialized.length).toBeGreaterThan(100_000);
    expect(classify(serialized).catalogId).toBe("ext-agent-no-response");
  });

  it("reads the single-quoted pseudo-JSON the portal shows as text, and text that is not JSON at all", () => {
    const portal = "{'code':'DeploymentFailed','message':'At least one resource deployment operation failed.'}";
    expect(normalizeMessage(portal)).toBe("{'code':'deploymentfailed','message':'at least one resource deployment operation failed.'}");
    expect(normalizeMessage("Error: {exit status 1} occurred while doing the operation : {Installing the operator} on the config")).toBe(
      "error: {exit status 1} occurred while doing the operation : {installing the operator} on the config",
    );
    expect(normalizeMessage('{"broken": ')).toBe('{"broken":');
  });

  it("keeps a message with every wrapper classifiable (the wrappers the tests and the benchmark use)", () => {
    const message = "Cannot connect to the hybrid connection because no agent is connected in the target arc resource.";
    for (const [name, wrap] of Object.entries(WRAPPERS)) expect(classify(wrap(message, "edge-007")).catalogId, name).toBe("arc-cluster-connect-disabled");
  });
});

describe("fingerprints", () => {
  const onCluster = (cluster: string, rg: string, sub: string, pod: string, ip: string, when: string) =>
    `The extension operation failed with the following error: Error: failed to reconcile /subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Kubernetes/connectedClusters/${cluster}: pod ${pod} in namespace "team-${cluster}" restarted 14 times since ${when}, last probe to ${ip}:8443 failed (chart version 1.14.2, digest sha256:9f86d081884c7d65)`;

  it("are equal for the same failure on two clusters (ids, names, pods, IPs, times, versions, numbers differ)", () => {
    const a = onCluster("edge-007", "rg-edge", "6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c", "widget-7d9c8b6f5d-x2k9q", "10.0.0.4", "2024-05-02T09:14:11Z");
    const b = onCluster("store-042", "rg-stores", "0b7e8f3c-1a2b-4c5d-8e9f-a0b1c2d3e4f5", "widget-5f9d7c6b8d-qq7zt", "172.16.4.20", "2024-06-11T23:01:59.123Z");
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).toBe(
      'failed to reconcile <resource>: pod widget-<pod> in namespace "<name>" restarted <n> times since <time>, last probe to <ip> failed (chart version <version>, digest sha<n>:<hex>)',
    );
  });

  it("are equal however the failure was wrapped", () => {
    const message = "unable to add the configuration with configId {extension:flux-7} due to error: {the object has been modified}";
    const plain = fingerprint(message);
    expect(fingerprint(WRAPPERS.extensionManager(message, "x"))).toBe(plain);
    expect(fingerprint(`Error: ${message}`)).toBe(plain);
  });

  it("are equal for the older `Error: {...} occurred while doing the operation` wrapper and the newer InnerError chain", () => {
    const inner = "failed to install chart from path [] for release [flux]: err [cannot re-use a name that is still in use]";
    const older = fingerprint(`Error: {${inner}} occurred while doing the operation : {Installing the extension} on the config`);
    expect(older).toBe(fingerprint(`Error: [ InnerError: [${inner}] ] occurred while doing the operation : [Create] on the config.`));
    expect(older).toBe(fingerprint(`The extension operation failed with the fowlling error: ${inner}`));
  });

  it("are equal with and without the Flux object's name before its condition (one failure, not two groups)", () => {
    const condition = "Helm install failed: timed out waiting for the condition";
    expect(fingerprint(`HelmRelease podinfo: ${condition}`)).toBe(fingerprint(condition));
    expect(fingerprint(`Kustomization apps-infra: kustomize build failed`)).toBe(fingerprint("kustomize build failed"));
    // Only a leading object kind is dropped: a name inside the text still tells failures apart.
    expect(fingerprint(`install of HelmRelease podinfo: ${condition}`)).not.toBe(fingerprint(condition));
  });

  it("differ for different failures", () => {
    const prints = new Set(
      [
        "Unable to get a response from the Agent in time",
        "Unable to get a response from the Agent on cluster edge-007",
        'secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" at the cluster scope',
        'secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" in the namespace "apps"',
        "Timed out waiting for the resource to come to a ready/completed state.",
        "something completely different happened",
      ].map(fingerprint),
    );
    expect(prints.size).toBe(6);
  });

  it("replace names after a key, but not a wrapper that follows a key", () => {
    expect(fingerprint("install failed in namespace: team-a, cluster=edge-7")).toBe(fingerprint("install failed in namespace: payments, cluster=store-42"));
    expect(fingerprint("install failed in namespace: team-a")).toBe("install failed in namespace: <name>");
    expect(fingerprint("Unable to install helm release: Error: boom")).toBe("unable to install helm release: boom");
  });

  it("keep digits inside a word, which name something constant (k8s), and replace trailing or leading ones", () => {
    expect(fingerprint("az connectedk8s proxy failed on aks-nodepool1-12345678-vmss000003")).toBe(
      "az connectedk8s proxy failed on aks-nodepool<n>-<n>-vmss<n>",
    );
  });

  it("give a GUID word its placeholder whatever follows it (the short cut for GUIDs and the rules agree)", () => {
    const guid = "e472ebd7-69dd-3bb0-b8dd-7345e8750c82";
    expect([`${guid})`, `${guid}).`, `(${guid})`, `${guid}'`, `${guid}/x`, `${guid}-1`, `${guid}x`].map((word) => fingerprintOf(`id ${word}`))).toEqual([
      "id <guid>)",
      "id <guid>)",
      "id (<guid>)",
      "id <guid>'",
      "id <guid>/x",
      "id <guid>-<n>",
      "id <hex>-<n>dd-<n>bb<n>-b8dd-<n>e<n>c<n>x",
    ]);
  });

  it("never give a word the rewrite of another word kept in the same slot of the word table", () => {
    // Same length, first, middle and last six characters: one slot.
    const [digit, letter] = ["(1)abcdefghijklmnop/q", "(a)abcdefghijklmnop/q"];
    expect([digit, letter, digit, letter].map(fingerprintOf)).toEqual([
      "(<n>)abcdefghijklmnop/q",
      "(a)abcdefghijklmnop/q",
      "(<n>)abcdefghijklmnop/q",
      "(a)abcdefghijklmnop/q",
    ]);
  });

  it("are cut to a display length", () => {
    expect(fingerprint("word ".repeat(500)).length).toBeLessThanOrEqual(300);
  });

  it("come with every classification, matched or not", () => {
    expect(classify("Gadget 12 melted").fingerprint).toBe("gadget <n> melted");
    expect(classify("Cannot load native module 'Crypto.Hash._MD5'").fingerprint).toBe("cannot load native module '<name>'");
  });
});
