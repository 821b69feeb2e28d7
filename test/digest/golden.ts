import * as fs from "node:fs";
import * as path from "node:path";
import { composeDigest, type Digest } from "../../shared/digest/model";
import { failing, input, lookup, recovered, sweep } from "./fixtures";

export const API = "https://fleet.example.com/api";

/** The digest behind every golden example: one of each section, and a scope that could not be read. */
export function exampleDigest(): Digest {
  const partial = sweep("2026-11-22T06:45:00.000Z", {
    partial: true,
    partialScopes: [
      {
        scope: "/subscriptions/00000000-0000-0000-0000-000000000002",
        code: "AuthorizationFailed",
        message: "The client does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read'.",
      },
    ],
  });
  return composeDigest(
    input({
      openFailures: [
        ...["arc-01", "arc-02", "arc-03", "arc-04"].map((c, i) =>
          failing(c, {
            name: "flux",
            catalogId: "flux-extension-install",
            message: "Failed to install extension: helm install of microsoft.flux failed <1.2.3>",
            firstSeenFailingAt: i < 3 ? "2026-11-22T05:00:00.000Z" : "2026-11-20T09:00:00.000Z",
          }),
        ),
        failing("arc-05", { name: "azuremonitor-metrics", extensionType: "microsoft.azuremonitor.containers", firstSeenFailingAt: "2026-11-22T03:15:00.000Z" }),
        failing("arc-06", {
          name: "dapr",
          catalogId: "ext-agent-no-response",
          message: "The extension agent did not respond within 15 minutes",
          firstSeenFailingAt: "2026-11-18T22:00:00.000Z",
        }),
        failing("aks-west-1", {
          kind: "flux",
          name: "cluster-config",
          catalogId: null,
          fingerprint: "kustomization path <path> not found",
          message: "kustomization path './clusters/west' not found",
          state: "degraded",
          reason: "NonCompliant",
          firstSeenFailingAt: "2026-11-19T20:00:00.000Z",
        }),
      ],
      transitions: [recovered("arc-07", "2026-11-22T02:30:00.000Z", 9_000_000)],
      sweeps: [partial],
      latestSweep: partial,
      lastCompleteSweep: sweep("2026-11-21T18:00:00.000Z"),
    }),
    lookup,
  );
}

const DIR = path.join(__dirname, "golden");

/** The checked-in example; written when missing or when UPDATE_GOLDEN=1, so a changed format is reviewed in the diff. */
export function golden(name: string, actual: string): string {
  const file = path.join(DIR, name);
  if (process.env.UPDATE_GOLDEN === "1" || !fs.existsSync(file)) fs.writeFileSync(file, actual);
  return fs.readFileSync(file, "utf8");
}
