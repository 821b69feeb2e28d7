/**
 * Trust follows Node's standard setting: a sweep against an HTTPS Resource Graph we did not write,
 * with its own freshly made self-signed certificate, succeeds when NODE_EXTRA_CA_CERTS names that
 * certificate and fails with a certificate error when it does not (issue 13 item 1).
 */
import * as fs from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_MAIN, finished, spawnTs } from "../support/child";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { selfSignedCertificate } from "../support/tls";

const CLUSTER = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1";
let dir: string;
let certPath: string;
let server: Server;
let endpoint: string;
let queries = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fh-trust-"));
  const made = selfSignedCertificate(dir, "independent-arg");
  certPath = made.certPath;
  server = createServer({ key: made.key, cert: made.cert }, (req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      queries++;
      const query = (JSON.parse(body || "{}") as { query?: string }).query ?? "";
      const rows = query.includes("connectedclusters")
        ? [
            {
              id: CLUSTER,
              name: "c1",
              type: "microsoft.kubernetes/connectedclusters",
              location: "westeurope",
              subscriptionId: "00000000-0000-0000-0000-000000000001",
              resourceGroup: "rg",
              tags: {},
              properties: { provisioningState: "Succeeded", connectivityStatus: "Connected" },
            },
          ]
        : [];
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ totalRecords: rows.length, count: rows.length, resultTruncated: "false", data: rows, facets: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** `limitMs`: how long the child may run before the test fails (it is killed then). */
function sweep(extraCa: string | undefined, limitMs?: number) {
  const env = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: extraCa,
    FLEET_ARM_ENDPOINT: endpoint,
    FLEET_ARM_TOKEN: "independent",
    FLEET_SCOPE: "",
    FLEET_TABLES_CONNECTION: tablesConnection(),
    FLEET_TABLE_PREFIX: uniquePrefix("trust"),
  };
  return finished(spawnTs(CLI_MAIN, ["sweep", "--json"], { env }), limitMs);
}

describe("TLS trust against an independent server", () => {
  it("succeeds with the server's certificate in NODE_EXTRA_CA_CERTS", async () => {
    const before = queries;
    const result = await sweep(certPath);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split("\n").at(-1)!)).toMatchObject({ clusters: 1, partial: false });
    expect(queries).toBeGreaterThan(before);
  }, 60_000);

  it("fails with a certificate error without it, and exits without waiting out the 30 s request timeout", async () => {
    const before = queries;
    // The SDK's HTTP client kept its timeout timer running after a failed handshake: the process stayed 30 s.
    const result = await sweep(undefined, 20_000);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/self[- ]signed certificate|DEPTH_ZERO_SELF_SIGNED_CERT/i);
    expect(queries).toBe(before);
  }, 60_000);
});
