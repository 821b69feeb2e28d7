/**
 * The Azure Monitor export, end to end against a local HTTPS ingestion endpoint (the simulator's
 * certificate, trusted through NODE_EXTRA_CA_CERTS like every test): the real exporter sends the
 * fleet gauges and spans to `/v2.1/track` with an Entra ID bearer token from the credential.
 * Without a connection string nothing is imported and nothing is sent.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staticTokenCredential } from "../../shared/azure/credentials";
import { parseAuthenticationString, registerAzureMonitor } from "../../shared/telemetry/azure-monitor";
import { invocationContext, recordFleetGauges, recordSweepRun, startSpan } from "../../shared/telemetry";

const root = resolve(__dirname, "../..");
const tls = (name: string) => readFileSync(resolve(root, "dev/simulator/tls", name));

interface Received {
  path: string;
  authorization?: string;
  items: Array<{ name: string; data: { baseType: string; baseData: Record<string, unknown> } }>;
}

let server: Server;
const received: Received[] = [];

beforeAll(async () => {
  // The exporter's own usage reporting would call Microsoft's endpoints: off in tests (no network here).
  process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = "true";
  process.env.APPLICATIONINSIGHTS_SDKSTATS_DISABLED = "true";
  server = createServer({ cert: tls("cert.pem"), key: tls("key.pem") }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
      const items = text.trim().startsWith("[")
        ? JSON.parse(text)
        : text
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l));
      received.push({ path: req.url ?? "", authorization: req.headers.authorization, items });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
});

afterAll(async () => {
  await new Promise((done) => server?.close(done));
});

describe("Azure Monitor export", () => {
  it("sends the gauges and the spans to the ingestion endpoint with an Entra ID token", async () => {
    const port = (server.address() as AddressInfo).port;
    const env = {
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-0000000000aa;IngestionEndpoint=https://localhost:${port}/`,
    };
    const handle = await registerAzureMonitor(env, { credential: staticTokenCredential("entra-token"), disableOfflineStorage: true });
    try {
      recordFleetGauges({
        components: [
          {
            labels: {
              state: "failing",
              catalog_entry: "flux-extension-install",
              category: "flux",
              severity: "high",
              extension_type: "microsoft.flux",
              component_kind: "extension",
              cluster_kind: "arc",
            },
            value: 3,
          },
        ],
        clusters: [],
        openIncidents: 1,
        partialScopes: 0,
      });
      recordSweepRun("recorded", false, 1234, { read: 1, judge: 2, confirm: 3, record: 4 });
      startSpan("sweep", invocationContext(undefined)).span.end();
      await handle.flush();
    } finally {
      await handle.shutdown();
    }
    expect(received.length).toBeGreaterThan(0);
    for (const r of received) {
      expect(r.path).toMatch(/^\/v2(\.1)?\/track/);
      expect(r.authorization).toBe("Bearer entra-token");
    }
    const items = received.flatMap((r) => r.items);
    const metrics = items
      .filter((i) => i.data.baseType === "MetricData")
      .flatMap((i) =>
        (i.data.baseData as { metrics: Array<{ name: string; value: number }>; properties?: Record<string, string> }).metrics.map((m) => ({
          ...m,
          properties: (i.data.baseData as { properties?: Record<string, string> }).properties,
        })),
      );
    expect(metrics).toContainEqual(
      expect.objectContaining({
        name: "fleet.components",
        value: 3,
        properties: expect.objectContaining({ catalog_entry: "flux-extension-install", state: "failing" }),
      }),
    );
    expect(metrics.map((m) => m.name)).toEqual(
      expect.arrayContaining(["fleet.sweeps", "fleet.sweep.duration", "fleet.sweep.stage.duration", "fleet.incidents.open"]),
    );
    expect(items.some((i) => i.data.baseType === "RemoteDependencyData" && i.data.baseData.name === "sweep")).toBe(true);
  });

  it("reads the authentication string the Functions host reads", () => {
    expect(parseAuthenticationString("Authorization=AAD")).toEqual({});
    expect(parseAuthenticationString(" authorization=aad ; ClientId=1234-abcd ")).toEqual({ clientId: "1234-abcd" });
    expect(() => parseAuthenticationString("Authorization=Key")).toThrow(/Authorization=AAD/);
  });

  it("without a connection string, a handler loads neither the SDK nor the exporter", () => {
    const child = spawnSync(
      process.execPath,
      [
        "--require",
        "tsx/cjs",
        "-e",
        `const t = require("./shared/telemetry");
         t.startTelemetry({}).then(() => { t.recordFleetGauges({ components: [], clusters: [], openIncidents: 0, partialScopes: 0 }); return t.flushTelemetry(); }).then(() => {
           const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/]@(opentelemetry|azure)[\\\\/](sdk-|monitor-|resources)/.test(f));
           process.stdout.write(JSON.stringify(loaded));
         });`,
      ],
      { cwd: root, encoding: "utf8", env: { ...process.env, APPLICATIONINSIGHTS_CONNECTION_STRING: "" } },
    );
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual([]);
  });
});
