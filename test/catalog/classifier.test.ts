/**
 * The classifier engine on small hand-made catalogs: the prefilter literals, the ranking rule when
 * several entries match, context filtering and confidence. The real catalog's entries are tested in
 * entries-*.test.ts.
 */
import { describe, expect, it } from "vitest";
import { anchorEdits, anchorPieces, substringEditDistance } from "../../shared/catalog/anchors";
import { anchorOf } from "../../shared/catalog/bigrams";
import { classify, Classifier } from "../../shared/catalog/classifier";
import { type Commonness, signatureLiterals } from "../../shared/catalog/literals";

const requiredLiterals = (source: string, commonness?: Commonness) => signatureLiterals(source, commonness).literals;
const signatureWeight = (source: string) => signatureLiterals(source).weight;
import { contextFit } from "../../shared/catalog/ranking";
import type { CatalogEntry } from "../../shared/catalog/types";

function entry(id: string, signatures: string[], extra: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    id,
    title: id,
    category: "extension",
    severity: "low",
    observable: ["extension"],
    signatures,
    cause: "c",
    steps: [{ text: "s" }],
    docUrl: "https://learn.microsoft.com/x",
    origin: "field",
    examples: [],
    ...extra,
  };
}

describe("requiredLiterals", () => {
  it("takes the longest run of plain text every match contains", () => {
    expect(requiredLiterals(String.raw`cannot load native module '?crypto\.hash`)).toEqual(["cannot load native module "]);
    expect(requiredLiterals(String.raw`a{0,2}bcdef\s+ghij`)).toEqual(["bcdef"]);
  });

  it("drops optional characters and groups, keeps one of a repeated character", () => {
    expect(requiredLiterals("timed? ?out waiting")).toEqual(["out waiting"]);
    expect(requiredLiterals("(?:upgrade )?failed: time+out")).toEqual(["failed: time"]);
  });

  it("given how common each literal is, picks the rarest set (the longest among equally rare ones)", () => {
    const source = String.raw`\bdeployment\W+osm-(?:controller|injector)\W`;
    expect(requiredLiterals(source)).toEqual(["deployment"]);
    const common = (literal: string) => (literal === "deployment" ? 40 : 2);
    expect(requiredLiterals(source, common)).toEqual(["controller", "injector"]);
  });

  it("uses a required group's alternatives when they are more selective than the plain runs", () => {
    expect(requiredLiterals(String.raw`(?<![\w-])(?:config-agent|kube-aad-proxy)-[a-z0-9]+ \d+/\d+`)).toEqual(["config-agent", "kube-aad-proxy"]);
  });

  it("gives one literal per top-level alternative, or none when an alternative has no useful literal", () => {
    expect(requiredLiterals("overage claim|more than 200 groups")).toEqual(["overage claim", "more than 200 groups"]);
    expect(requiredLiterals("overage claim|a.c")).toBeNull();
    expect(requiredLiterals(String.raw`\d+ errors?`)).toEqual([" error"]);
  });

  it("is not fooled by classes and lookarounds", () => {
    expect(requiredLiterals(String.raw`user "(?!system:serviceaccount:)[^"]*" cannot list`)).toEqual([`" cannot list`]);
  });
});

describe("anchorOf", () => {
  it("anchors a literal at its rarest bigram, and not at all without a bigram of table characters", () => {
    const counts = new Uint32Array(256 * 256).fill(5);
    counts[("k".charCodeAt(0) << 8) | "8".charCodeAt(0)] = 1;
    expect(anchorOf("connectedk8s proxy", counts)).toBe(9);
    expect(anchorOf("abc", new Uint32Array(256 * 256))).toBe(0); // all equal: the first
    expect(anchorOf("\u2018\u2019", counts)).toBe(-1);
  });
});

describe("signatureWeight", () => {
  it("counts the literal text a match must contain, not what a wildcard may swallow", () => {
    expect(signatureWeight("abc.{0,200}def")).toBe(6);
    expect(signatureWeight("abc(?:de|fgh)i?")).toBe(5);
    expect(signatureWeight("unable to install helm release")).toBe(30);
  });
});

describe("Classifier", () => {
  it("returns null, confidence 0 and a fingerprint when nothing matches", () => {
    const c = new Classifier([entry("a", ["widget exploded"])]).classify("Gadget 7 melted at 10.0.0.1");
    expect(c).toEqual({ catalogId: null, confidence: 0, fingerprint: "gadget <n> melted at <ip>" });
  });

  it("reports the matched text and a confidence that grows with the match", () => {
    const classifier = new Classifier([entry("long", ["the widget exploded at the frobnicator"]), entry("short", ["gizmo"])]);
    const long = classifier.classify("Error: The widget exploded at the frobnicator!");
    expect(long).toMatchObject({ catalogId: "long", matched: "the widget exploded at the frobnicator", confidence: 0.9 });
    expect(classifier.classify("gizmo broke").confidence).toBeLessThan(long.confidence);
  });

  it("finds literals that overlap or start at the same place (prefilter completeness)", () => {
    const classifier = new Classifier([entry("outer", ["release azure-arc failed"]), entry("prefix", ["release azure"]), entry("inside", ["azure-arc fail"])]);
    // Each entry's literal starts inside or at the start of another's; each must still be tried.
    expect(classifier.classify("release azure-arc failed").catalogId).toBe("outer");
    expect(
      new Classifier([entry("prefix", ["release azure(?! )"]), entry("outer", ["release azure-arc failed", "zzzz"])]).classify("release azure-arc fai")
        .catalogId,
    ).toBe("prefix");
    expect(
      new Classifier([entry("outer", ["release azure-arc failed"]), entry("inside", [String.raw`azure-arc fail\b`])]).classify("release azure-arc fail")
        .catalogId,
    ).toBe("inside");
  });

  it("runs signatures without a usable literal on every message", () => {
    expect(new Classifier([entry("short", [String.raw`\bab\b`])]).classify("x ab y").catalogId).toBe("short");
    // A literal of characters outside the bigram table cannot be anchored: it runs on every message too.
    expect(new Classifier([entry("cjk", ["\u5b89\u88c5\u5931\u8d25"])]).classify("helm \u5b89\u88c5\u5931\u8d25").catalogId).toBe("cjk");
  });

  it("finds a literal at the start, at the end and many times in one message", () => {
    const classifier = new Classifier([entry("a", ["widget exploded"]), entry("b", ["gizmo melted$"])]);
    expect(classifier.classify("widget exploded").catalogId).toBe("a");
    expect(classifier.classify("x widget exploded, gizmo melted").catalogId).toBe("a");
    expect(classifier.classify("gizmo melted; gizmo melted").catalogId).toBe("b");
  });

  describe("ranks several matches", () => {
    it("by priority first: a catch-all cause loses to a named symptom", () => {
      const classifier = new Classifier([
        entry("network", [String.raw`dial tcp [^ ]+: i/o timeout after a long long wait`], { priority: -1 }),
        entry("certificate", ["msi certificate"]),
      ]);
      expect(classifier.classify("failed to get MSI certificate: dial tcp 1.2.3.4:443: i/o timeout after a long long wait").catalogId).toBe("certificate");
    });

    it("then by extension type: an entry for the caller's extension type beats a generic one", () => {
      const classifier = new Classifier([
        entry("generic", ["install failed badly"]),
        entry("flux-only", ["install failed"], { context: { extensionTypes: ["microsoft.flux"] } }),
      ]);
      expect(classifier.classify("install failed badly").catalogId).toBe("generic");
      expect(classifier.classify("install failed badly", { extensionType: "Microsoft.Flux" }).catalogId).toBe("flux-only");
    });

    it("component and cluster kind only break ties: they do not outrank a more specific signature", () => {
      const classifier = new Classifier([
        entry("specific", ["install failed badly"]),
        entry("extension-only", ["install failed"], { context: { components: ["extension"], clusterKinds: ["arc"] } }),
        entry("extension-tie", ["install failed badly"], { context: { components: ["extension"] } }),
      ]);
      expect(classifier.classify("install failed badly", { component: "extension", clusterKind: "arc" }).catalogId).toBe("extension-tie");
      expect(classifier.classify("install failed", { component: "extension", clusterKind: "arc" }).catalogId).toBe("extension-only");
      const untied = new Classifier([
        entry("specific", ["install failed badly"]),
        entry("extension-only", ["install failed"], { context: { components: ["extension"] } }),
      ]);
      expect(untied.classify("install failed badly", { component: "extension" }).catalogId).toBe("specific");
    });

    it("then by literal weight: a spelled-out sentence beats a wildcard that matches more text", () => {
      const classifier = new Classifier([
        entry("wildcard", ["pods.{0,200}crashloopbackoff"]),
        entry("sentence", ["unable to install helm release: error: upgrade failed"]),
      ]);
      const message =
        "Unable to install helm release: Error: UPGRADE Failed; pods clusterconnect-agent-7cb8b565c7-wklsh 2/3 CrashLoopBackOff for a long while now";
      expect(classifier.classify(message).catalogId).toBe("sentence");
    });

    it("then by matched length, then by catalog order", () => {
      expect(new Classifier([entry("a", ["abcd.*"]), entry("b", ["abcd.?"])]).classify("abcdxyz").catalogId).toBe("a");
      expect(new Classifier([entry("first", ["abcd"]), entry("second", ["abcd"])]).classify("abcd").catalogId).toBe("first");
    });
  });

  describe("context", () => {
    const scoped = entry("scoped", ["widget exploded"], { context: { components: ["extension"], extensionTypes: ["microsoft.flux"], clusterKinds: ["arc"] } });

    it("excludes an entry when the caller names a different component, extension type or cluster kind", () => {
      const classifier = new Classifier([scoped]);
      expect(classifier.classify("widget exploded", { component: "flux" }).catalogId).toBeNull();
      expect(classifier.classify("widget exploded", { extensionType: "microsoft.azuremonitor.containers" }).catalogId).toBeNull();
      expect(classifier.classify("widget exploded", { clusterKind: "aks" }).catalogId).toBeNull();
    });

    it("never excludes on what the caller did not say (a pasted message has no context)", () => {
      expect(new Classifier([scoped]).classify("widget exploded").catalogId).toBe("scoped");
      expect(contextFit(scoped, {})).toBe(0);
      expect(contextFit(scoped, { component: "extension", extensionType: "MICROSOFT.FLUX", clusterKind: "arc" })).toBe(4);
      expect(contextFit(entry("free", ["x"]), { component: "cluster" })).toBe(0);
    });

    it("raises the confidence when the context matches", () => {
      const classifier = new Classifier([scoped]);
      expect(classifier.classify("widget exploded", { component: "extension", extensionType: "microsoft.flux" }).confidence).toBeGreaterThan(
        classifier.classify("widget exploded").confidence,
      );
    });

    it("lets a signature see the status code next to the message", () => {
      const classifier = new Classifier([entry("coded", ["^installationfailed: .*not ready"])]);
      expect(classifier.classify("The pods are not ready", { code: "InstallationFailed" }).catalogId).toBe("coded");
      expect(classifier.classify("The pods are not ready").catalogId).toBeNull();
    });
  });
});

describe("classify over the catalog: precision where messages only share words", () => {
  it("a named component does not hand a generic text to an entry scoped to an extension type it did not name", () => {
    const timeout = "Timed out waiting for the resource to come to a ready/completed state. Last resource not ready was dapr-system/dapr-sidecar-injector";
    expect(classify(timeout, { component: "extension" }).catalogId).toBe("helm-timeout-ready");
    expect(classify(timeout, { component: "extension", clusterKind: "aks" }).catalogId).toBe("helm-timeout-ready");
    expect(classify(timeout, { component: "extension", extensionType: "microsoft.servicelinker.connection" }).catalogId).toBe("sc-agent-timeout");
  });

  it("a named component or cluster kind does not let a vaguer entry restricted to it win (cases the old ranking got wrong)", () => {
    // ext-agent-no-response (extension only) matched the plain sentence; sc-agent-timeout spells out the whole LRO text.
    const lro = "Long running operation failed with status 'Failed'. Unable to get a response from the Agent in time";
    expect(classify(lro, { component: "extension" }).catalogId).toBe("sc-agent-timeout");
    // The CLI's onboarding output mentions pods stuck in pending (an Arc-only entry), but the error is the missing CRD.
    const onboarding =
      "az connectedk8s connect -n AzureArcTest -g AzureArcTest\nPlease check if the azure-arc namespace was deployed. A possible cause for pods stuck in pending state could be insufficientresources on the Kubernetes cluster to onboard to arc.\n" +
      'ValidationError: Unable to install helm release: Error: customresourcedefinitions.apiextensions.k8s.io "connectedclusters.arc.azure.com" not found';
    expect(classify(onboarding, { clusterKind: "arc" }).catalogId).toBe("arc-helm-crd-not-found");
  });

  it("a CRD dry-run rejected as Invalid is not the admission-webhook dry-run problem", () => {
    const crd =
      'CustomResourceDefinition/widgets.example.com dry-run failed, reason: Invalid: CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema: Required value';
    expect(classify(crd).catalogId).not.toBe("flux-webhook-dry-run");
    expect(classify('dry-run failed, error: admission webhook "validation.gatekeeper.sh" does not support dry run').catalogId).toBe("flux-webhook-dry-run");
  });

  it("a Flux service account forbidden in a namespace is not the Arc onboarding cluster-admin problem", () => {
    const flux =
      'Kustomization/apps reconciliation failed: secrets is forbidden: User "system:serviceaccount:flux-system:kustomize-controller" cannot list resource "secrets" in API group "" in the namespace "apps"';
    expect(classify(flux).catalogId).not.toBe("arc-cluster-permissions");
    expect(classify(flux, { component: "flux" }).catalogId).not.toBe("arc-cluster-permissions");
  });
});

describe("anchors (approximate sentences)", () => {
  const sentence = "unable to get a response from the agent in time";
  const catalog = new Classifier([
    entry("agent", ["unable to get a response from the agent"], { anchors: [sentence], context: { components: ["extension"] } }),
    entry("exact", ["get response from the agent in time at last"]),
  ]);

  it("tolerate one edit from 16 characters and two from 32, cut into one more piece than edits", () => {
    expect([anchorEdits(15), anchorEdits(16), anchorEdits(31), anchorEdits(32)]).toEqual([0, 1, 1, 2]);
    const pieces = anchorPieces(sentence, 2);
    expect(pieces.map((p) => p.text).join("")).toBe(sentence);
    expect(pieces.map((p) => p.offset)).toEqual([0, 15, 31]);
  });

  it("measure the fewest edits to any substring, and stop past the limit", () => {
    expect(substringEditDistance("abcdef", "xxabcdefyy", 2)).toBe(0);
    expect(substringEditDistance("abcdef", "xxabXdefyy", 2)).toBe(1);
    expect(substringEditDistance("abcdef", "xxabdfyy", 2)).toBe(2);
    expect(substringEditDistance("abcdef", "zzzzzz", 2)).toBe(3);
  });

  it("classify Azure's misspelled text within the edits, not beyond", () => {
    expect(catalog.classify("Unable to get response from the Agent in time, please ensure the agents can connect").catalogId).toBe("agent");
    expect(catalog.classify("Unable to get a reponse from the Agent in time").catalogId).toBe("agent");
    expect(catalog.classify("Unable to get reply from an Agent in time").catalogId).toBeNull();
  });

  it("lose to any signature, and respect the entry's context", () => {
    expect(catalog.classify("Unable to get response from the Agent in time at last").catalogId).toBe("exact");
    expect(catalog.classify("Unable to get response from the Agent in time", { component: "flux" }).catalogId).toBeNull();
  });
});

describe("remembered answers", () => {
  it("answer a repeated message the same, frozen so a caller cannot change the next answer, and tell contexts apart", () => {
    const classifier = new Classifier([entry("scoped", ["gadget melted"], { context: { components: ["flux"] } })]);
    const first = classifier.classify("gadget melted") as { catalogId: string | null };
    expect(() => (first.catalogId = "changed by a caller")).toThrow(TypeError);
    // Kept from the second sighting on (a message seen once is not worth a slot), then handed out as is.
    const second = classifier.classify("gadget melted");
    expect(second).not.toBe(first);
    expect(classifier.classify("gadget melted")).toBe(second);
    expect(classifier.classify("gadget melted").catalogId).toBe("scoped");
    expect(classifier.classify("gadget melted", { component: "extension" }).catalogId).toBeNull();
    expect(classifier.classify("gadget melted", { component: "flux" }).catalogId).toBe("scoped");
  });

  it("keep a fleet's repeats: 2,000 messages seen at every sweep are answered from the memo from the third sweep on", () => {
    const classifier = new Classifier([entry("gadget", ["gadget melted"])]);
    const messages = Array.from({ length: 2000 }, (_, i) => `gadget melted on node-${i} at rack ${i * 7}`);
    messages.forEach((m) => classifier.classify(m));
    const second = messages.map((m) => classifier.classify(m));
    const third = messages.map((m) => classifier.classify(m));
    expect(third.filter((answer, i) => answer === second[i]).length).toBe(2000);
  });

  it("never answer one message with another's answer when their sketches agree", () => {
    const classifier = new Classifier([entry("alpha", ["^a-failure"]), entry("beta", ["^b-failure"])]);
    // 100 characters that differ only in the first, which the sketch (every 5th character from the end) skips.
    const [a, b] = ["a", "b"].map((first) => `${first}-failure `.padEnd(100, "x"));
    for (let round = 0; round < 3; round++) {
      expect(classifier.classify(a).catalogId).toBe("alpha");
      expect(classifier.classify(b).catalogId).toBe("beta");
    }
  });
});
