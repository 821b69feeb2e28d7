/**
 * `fleet-health classify` and `fleet-health catalog` through the CLI dispatcher, as CONTRACT.md
 * specifies their output.
 */
import { describe, expect, it } from "vitest";
import { MAX_LINE_CHARS } from "../../cli/lines";
import { main } from "../../cli/main";
import { captureIo } from "../support/cli";

async function cli(args: string[], stdin?: string[], chunks?: string[]) {
  const io = captureIo({ stdin, chunks });
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

describe("classify MESSAGE", () => {
  it("prints the title, cause, steps with their commands and the doc link", async () => {
    const { code, out } = await cli([
      "classify",
      "az connectedk8s proxy -n edge-07 -g rg\nCannot connect to the hybrid connection because no agent is connected in the target arc resource.",
    ]);
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(out[0]).toBe("Cluster connect: no agent is connected (the cluster connect feature is disabled)");
    expect(text).toContain("Catalog id: arc-cluster-connect-disabled (category arc-agent, severity medium, confidence 0.9)");
    expect(text).toMatch(/Cause: The clusterconnect-agent and kube-aad-proxy pods are missing/);
    expect(text).toContain(
      "  1. Enable the cluster connect feature on the cluster.\n       $ az connectedk8s enable-features --features cluster-connect -n $CLUSTER_NAME -g $RESOURCE_GROUP",
    );
    expect(text).toContain("Documentation: https://learn.microsoft.com/azure/azure-arc/kubernetes/troubleshooting#cluster-connect-feature-disabled");
  });

  it("joins unquoted words into one message", async () => {
    const { out } = await cli(["classify", "Cannot", "load", "native", "module", "'Crypto.Hash._MD5'"]);
    expect(out.join("\n")).toContain("Catalog id: cli-cryptohash-module");
  });

  it("honours --component: a message the context rules out is not matched", async () => {
    const message = 'secrets is forbidden: User "ops" cannot list resource "secrets" in API group "" at the cluster scope';
    expect((await cli(["classify", "--component", "cluster", message])).out.join("\n")).toContain("arc-cluster-permissions");
    expect((await cli(["classify", "--component", "flux", message])).out.join("\n")).not.toContain("arc-cluster-permissions");
    const bad = await cli(["classify", "--component", "widget", message]);
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toContain("--component must be one of extension, flux, cluster");
  });

  it("says so, with the fingerprint, when nothing matches", async () => {
    const { code, out } = await cli(["classify", "Gadget 12 melted on node aks-pool-3"]);
    expect(code).toBe(0);
    expect(out[0]).toBe("No catalog entry matches this message.");
    expect(out[1]).toBe("Fingerprint: gadget <n> melted on node aks-pool-<n>");
  });

  it("is a usage error without a message", async () => {
    const { code, err } = await cli(["classify"]);
    expect(code).toBe(2);
    expect(err[0]).toContain("give a MESSAGE to classify, or --jsonl");
    expect((await cli(["classify", "--jsonl", "extra"])).code).toBe(2);
  });
});

describe("classify --jsonl", () => {
  it("answers one JSON line per input line, in order, malformed lines included", async () => {
    const stdin = [
      JSON.stringify({ message: "Unable to install helm release: Error: UPGRADE Failed: time out waiting for the condition" }),
      "not json at all",
      JSON.stringify({ message: "Unable to get a response from the Agent in time", context: { component: "extension", extensionType: "microsoft.flux" } }),
      "",
      JSON.stringify({ message: 42 }),
      JSON.stringify(["message"]),
      JSON.stringify({ message: "x", context: { component: "node" } }),
      JSON.stringify({ message: "x", context: { extensionType: 7 } }),
      JSON.stringify({ message: "x", context: { extension_type: "microsoft.flux" } }),
      JSON.stringify({ message: "Gadget 12 melted", context: { component: "cluster", clusterKind: "arc", code: "Failed", provisioningState: "Failed" } }),
      JSON.stringify({
        message: 'secrets is forbidden: User "ops" cannot list resource "secrets" in API group "" at the cluster scope',
        context: { component: "flux" },
      }),
    ];
    const { code, out } = await cli(["classify", "--jsonl"], stdin);
    expect(code).toBe(0);
    const lines = out.join("\n").split("\n");
    expect(lines).toHaveLength(stdin.length);
    const answers = lines.map((line) => JSON.parse(line));
    expect(answers.map((a) => a.catalogId)).toEqual([
      "arc-helm-upgrade-timeout",
      null,
      "ext-agent-no-response",
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(answers[0]).toMatchObject({
      confidence: 0.9,
      title: "Arc agent install times out: UPGRADE Failed: time out waiting for the condition",
      category: "helm",
      docUrl: "https://learn.microsoft.com/azure/azure-arc/kubernetes/troubleshooting#helm-timeout-error",
      fingerprint: "unable to install helm release: upgrade failed: time out waiting for the condition",
    });
    expect(answers[1].error).toEqual({ code: "InvalidInput", message: expect.stringMatching(/^not JSON/), line: 2 });
    expect(answers.map((a) => a.error?.line ?? null)).toEqual([null, 2, null, 4, 5, 6, 7, 8, 9, null, null]);
    expect(answers[3].error.message).toMatch(/^empty line/);
    expect(answers[4].error.message).toBe('"message" must be a string');
    expect(answers[5].error.message).toBe('expected a JSON object with a "message"');
    expect(answers[6].error.message).toBe('"context.component" must be one of extension, flux, cluster');
    expect(answers[7].error.message).toBe('"context.extensionType" must be a string of at most 256 characters');
    expect(answers[8].error.message).toBe(
      '"context.extension_type" is not a context field; use component, extensionType, code, provisioningState, clusterKind',
    );
    expect(answers[9]).toEqual({ catalogId: null, confidence: 0, fingerprint: "gadget <n> melted" });
    expect(answers[10].error).toBeUndefined();
  });

  it("writes the answers in few large pieces, not one write per line, and in order", async () => {
    const message = JSON.stringify({ message: "Unable to get a response from the Agent in time" });
    const { out } = await cli(["classify", "--jsonl"], undefined, [Array.from({ length: 3000 }, () => message).join("\n")]);
    const lines = out.join("\n").split("\n");
    expect(lines).toHaveLength(3000);
    expect(out.length).toBeLessThan(lines.length / 100);
    expect(new Set(lines.map((l) => JSON.parse(l).catalogId))).toEqual(new Set(["ext-agent-no-response"]));
  });

  it("answers every line of stdin exactly once, in order, wherever the chunks split it (CRLF, no final newline, oversized lines)", async () => {
    const known = JSON.stringify({ message: "Unable to get a response from the Agent in time" });
    const oversized = JSON.stringify({ message: "x".repeat(MAX_LINE_CHARS) });
    const unknown = (n: number) => JSON.stringify({ message: `Gadget ${n} melted` });
    const lines = [known, "{broken", ...Array.from({ length: 2000 }, (_, i) => (i % 7 === 0 ? known : unknown(i))), oversized, "", unknown(9), known];
    const text = lines.join("\r\n"); // Windows line ends, and no newline after the last line
    // Cut into chunks of awkward sizes: a line, a CRLF pair and the oversized line all cross chunk borders.
    const chunks: string[] = [];
    for (let at = 0, size = 1; at < text.length; at += size, size = (size * 7 + 3) % 70_001) chunks.push(text.slice(at, at + size));
    const { code, out, err } = await cli(["classify", "--jsonl"], undefined, chunks);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const answers = out
      .join("\n")
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(answers).toHaveLength(lines.length);
    answers.forEach((answer, i) => {
      const line = lines[i];
      if (line === known) expect(answer.catalogId, `line ${i + 1}`).toBe("ext-agent-no-response");
      else if (line.startsWith('{"message":"Gadget')) expect(answer.fingerprint, `line ${i + 1}`).toBe("gadget <n> melted");
      else expect(answer.error?.line, `line ${i + 1}`).toBe(i + 1);
    });
    expect(answers[1].error.message).toMatch(/^not JSON/);
    expect(answers[lines.length - 4].error.message).toBe(`line longer than ${MAX_LINE_CHARS} characters: expected one JSON object with a "message"`);
    expect(answers[lines.length - 3].error.message).toMatch(/^empty line/);
  });

  it("calls a line of only whitespace empty, and answers lines of one shape byte for byte alike", async () => {
    const known = JSON.stringify({ message: "Unable to get a response from the Agent in time" });
    const { out } = await cli(["classify", "--jsonl"], [known, " \t ", known]);
    const lines = out.join("\n").split("\n");
    expect(JSON.parse(lines[1]).error).toEqual({ code: "InvalidInput", message: 'empty line: expected a JSON object with a "message"', line: 2 });
    expect(lines[2]).toBe(lines[0]);
    expect(Object.keys(JSON.parse(lines[0]))).toEqual(["catalogId", "confidence", "fingerprint", "matched", "title", "category", "severity", "docUrl"]);
  });

  it("answers nothing for no input", async () => {
    expect(await cli(["classify", "--jsonl"], [])).toEqual({ code: 0, out: [], err: [] });
  });
});

describe("catalog", () => {
  it("--json prints one JSON array of entries with id, title, category and docUrl", async () => {
    const { code, out } = await cli(["catalog", "--json"]);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const entries = JSON.parse(out[0]) as Array<Record<string, unknown>>;
    expect(entries.length).toBeGreaterThanOrEqual(35);
    for (const e of entries) for (const key of ["id", "title", "category", "docUrl"]) expect(typeof e[key], `${e.id}.${key}`).toBe("string");
    expect(entries.map((e) => e.id)).toContain("cli-kubectl-install");
  });

  it("prints a readable list grouped by category", async () => {
    const { code, out } = await cli(["catalog"]);
    expect(code).toBe(0);
    expect(out[0]).toBe("arc-agent:");
    expect(out).toContainEqual(expect.stringMatching(/^ {2}arc-cluster-permissions +high {6}The kubeconfig used to connect the cluster lacks cluster-admin/));
    expect(out.at(-1)).toMatch(/^\d+ entries \(\d+ documented, \d+ field-known\)\. Details: fleet-health catalog --json$/);
  });

  it("--check validates the whole catalog (what `npm run build` runs; test/cli/catalog-check.test.ts breaks an entry)", async () => {
    const { code, out, err } = await cli(["catalog", "--check"]);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out).toEqual([expect.stringMatching(/^\d+ entries valid \(35 required ids present\)$/)]);
  });

  it("rejects unknown options", async () => {
    expect((await cli(["catalog", "--yaml"])).code).toBe(2);
  });
});
