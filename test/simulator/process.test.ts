import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { componentId, simulatorCa, startArmSimulatorProcess } from "../../dev/simulator";
import { optionsFromArgs } from "../../dev/simulator/main";
import { CLUSTERS_QUERY, graphClient, query, queryAll } from "./clients";

describe("the simulator in a child process", () => {
  it("serves the same fleet, takes faults and reports its stats over IPC", async () => {
    const sim = await startArmSimulatorProcess({ fleet: { clusters: 25, seed: 9 }, argQuota: false });
    try {
      expect(sim.pid).not.toBe(process.pid);
      const { rows } = await queryAll(graphClient(sim), { query: CLUSTERS_QUERY, options: { top: 10 } });
      expect(rows).toHaveLength(25);
      sim.setFaults({ serverErrors: { count: 1, status: 503 } });
      await expect(graphClient(sim).resources({ query: CLUSTERS_QUERY })).rejects.toMatchObject({ statusCode: 503 });
      const stats = await sim.stats();
      expect(stats).toMatchObject({ argQueries: 3, argRowsServed: 25, pagesServed: 3, faultsInjected: 1 });
      sim.resetStats();
      expect(await sim.stats()).toMatchObject({ argQueries: 0, faultsInjected: 0 });

      // The fleet changes through the control channel, and queries see them.
      const before = await sim.changeFleet();
      const [first, second] = before.clusters;
      const component = componentId(first!, first!.components[0]!);
      const after = await sim.changeFleet({ op: "fail", id: component }, { op: "remove", id: second!.id }, { op: "addClusters", count: 2, kind: "aks" });
      expect(after.clusters).toHaveLength(26);
      expect(after.clusters[0]!.components[0]!.status).toBe("failed");
      expect(after.subscriptions).toEqual(before.subscriptions);
      expect((await queryAll(graphClient(sim), { query: CLUSTERS_QUERY, options: { top: 10 } })).rows).toHaveLength(26);
      await expect(sim.changeFleet({ op: "recover", id: "/subscriptions/x/nothing" })).rejects.toThrow(/no resource/);
    } finally {
      await sim.stop();
    }
  });
});

describe("the standalone entry point", () => {
  it("turns command-line flags into simulator options", () => {
    expect(optionsFromArgs(["--clusters", "500", "--seed=3", "--failure-rate", "0.1", "--no-throttling", "--latency", "20"])).toEqual({
      fleet: { clusters: 500, seed: 3, failureRate: 0.1 },
      port: undefined,
      latencyMs: 20,
      token: undefined,
      argQuota: false,
      armReadBucket: false,
    });
    expect(() => optionsFromArgs(["--clusters", "many"])).toThrow(/--clusters needs a number/);
  });

  it("prints the endpoint and serves queries until stopped", async () => {
    const main = path.join(__dirname, "../../dev/simulator/main.ts");
    const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), main, "--clusters", "12"], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes("NODE_EXTRA_CA_CERTS=")) resolve(text);
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${text}`)));
      });
      const endpoint = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      expect(endpoint).toBeDefined();
      expect(output).toMatch(/fleet: 12 clusters, \d+ components/);
      const page = await query(graphClient({ endpoint: endpoint!, ca: simulatorCa(), token: "sim-token" }), { query: CLUSTERS_QUERY });
      expect(page.response.totalRecords).toBe(12);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
