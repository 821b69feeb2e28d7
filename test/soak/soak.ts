/**
 * `npm run soak`: sweeps in child processes over a simulated fleet that changes between sweeps, with
 * injected faults (5xx, 429 storms with and without Retry-After, a 403 scope, timeouts that reach the
 * run deadline, malformed rows, the sweep SIGKILLed at random points, Azurite restarted) while 8 API
 * clients read; then the stored timeline is compared with the simulator's truth (timeline.ts).
 * Prints lost, duplicated and false transitions, false recoveries, API 5xx, partial sweeps and any
 * secret seen in a log line. Bounded: --sweeps N (default 200) and --minutes M (default 40), whichever
 * comes first. Needs a build (the script runs one): sweeps run `node dist/cli/main.js sweep --json`.
 * SOAK_DEBUG=1 also prints the stored transitions behind the first faults it reports.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { AZURITE_KEY, startAzurite, type RunningAzurite } from "../../dev/azurite";
import { loadApp } from "../../dev/host/registrations";
import { startLocalHost } from "../../dev/host/server";
import { componentId, simulatorCaPath, startArmSimulatorProcess, type FaultSpec, type FleetChange, type SimCluster } from "../../dev/simulator";
import { prng } from "../../dev/simulator/random";
import { STALE_SINCE_HEADER } from "../../shared/api/stale-reads";
import { DEFAULT_JUDGE_OPTIONS } from "../../shared/health/cluster";
import { collect, openFleetHistory } from "../../shared/store";
import { judgeTimeline, type EpochTruth, type RecordedSweep, type StoredTransition, type Truth } from "./timeline";

const arg = (name: string, fallback: number) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const SWEEPS = arg("sweeps", 200);
const MINUTES = arg("minutes", 40);
const SEED = arg("seed", 13);
const CLI = path.join(__dirname, "../../dist/cli/main.js");
/** Each API client's pause between an answer and its next request. */
const THINK_MS = arg("think-ms", 250);

const secrets = {
  armToken: `soak-arm-token-${randomBytes(8).toString("hex")}`,
  apiKey: `soak-api-key-${randomBytes(8).toString("hex")}`,
  webhookPath: `hooks/${randomBytes(12).toString("hex")}`,
  webhookSecret: `soak-hmac-${randomBytes(8).toString("hex")}`,
  azuriteKey: AZURITE_KEY,
};
const logLines: string[] = [];
const log = (line: string) => logLines.push(line);

/** The cluster's own state has a problem (dark, stale, failed, stopped): its components' statuses are not current. */
const troubled = (c: SimCluster) =>
  c.provisioningState !== "Succeeded" ||
  !!c.catalogId ||
  !!c.agentErrors?.length ||
  (c.kind === "arc" ? c.connectivityStatus !== "Connected" || (c.lastSeenAgoMs ?? 0) > DEFAULT_JUDGE_OPTIONS.staleHeartbeatMs / 2 : c.powerState === "Stopped");

function truthOf(clusters: SimCluster[]): EpochTruth {
  const states = new Map<string, Truth>();
  for (const c of clusters) {
    const dark = troubled(c);
    states.set(c.id.toLowerCase(), dark ? "bad" : "good");
    for (const comp of c.components)
      states.set(componentId(c, comp).toLowerCase(), dark || comp.status === "pending" ? "dark" : comp.status === "ok" ? "good" : "bad");
  }
  return { states };
}

const storm = { answered: 0, throttled: 0 };

/** One Resource Graph query of "another client of the same principal" (trusting the simulator's CA: NODE_EXTRA_CA_CERTS is read at start only). */
function stormQuery(endpoint: string, ca: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const req = https.request(
      `${endpoint}/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01`,
      { method: "POST", ca, headers: { authorization: `Bearer ${secrets.armToken}`, "content-type": "application/json" } },
      (res) => {
        storm.answered++;
        if (res.statusCode === 429) storm.throttled++;
        res.resume().on("end", resolve);
      },
    );
    req.on("error", () => resolve());
    req.end(JSON.stringify({ query: "resources | limit 1" }));
  });
}

/** Clusters whose own state only our changes move (so their truth is simply connected or not). */
const clean = (c: SimCluster) => c.kind === "arc" && !troubled(c);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fh-soak-"));
  let azurite: RunningAzurite = await startAzurite({ location: dir });
  const port = azurite.port;
  // The simulator runs in its own process: hosted here, beside the API and its 8 clients, it starved and
  // sweeps ran into their deadline. The fleet changes through its control channel (changeFleet).
  const sim = await startArmSimulatorProcess({
    fleet: { clusters: 40, subscriptions: 4, seed: SEED, pendingRate: 0, failureRate: 0.1 },
    token: secrets.armToken,
    argQuota: { perWindow: 15, windowMs: 5000, rounding: "down" },
  });
  let fleet = await sim.changeFleet();
  const change = async (c: FleetChange) => void (fleet = await sim.changeFleet(c));
  const scopes = fleet.subscriptions.map((s) => `/subscriptions/${s}`).join(",");
  const prefix = `soak${randomBytes(3).toString("hex")}`;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(req.url === `/${secrets.webhookPath}` ? 200 : 404).end());
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const webhook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/${secrets.webhookPath}`;
  const env = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: simulatorCaPath(),
    FLEET_ARM_ENDPOINT: sim.endpoint,
    FLEET_ARM_TOKEN: secrets.armToken,
    FLEET_SCOPE: scopes,
    FLEET_TABLES_CONNECTION: azurite.connectionString,
    FLEET_TABLE_PREFIX: prefix,
    FLEET_RUN_DEADLINE: "8",
    FLEET_API_KEY: secrets.apiKey,
    FLEET_DIGEST_WEBHOOK_URL: webhook,
    FLEET_DIGEST_WEBHOOK_SECRET: secrets.webhookSecret,
  };
  Object.assign(process.env, env);
  const host = await startLocalHost({ registrations: await loadApp(), port: 0, apiKey: secrets.apiKey, timers: false, env, log });

  // 8 API clients read all along, each waiting for its answer and then a think time (as people and dashboards do).
  const api = { requests: 0, status5xx: 0, during: 0, unavailable: 0, stale: 0 };
  let restarting = false;
  let running = true;
  const paths = ["summary", "clusters?limit=50", "failures", "sweeps", "incidents", "health"];
  const clients = Array.from({ length: 8 }, async (_, i) => {
    for (let n = i; running; n++) {
      const first = fleet.clusters[n % fleet.clusters.length];
      const p = n % 4 === 3 && first ? `clusters${first.id}/history` : paths[n % paths.length];
      try {
        const r = await fetch(`${host.url}/api/${p}`, { headers: { "x-functions-key": secrets.apiKey } });
        await r.arrayBuffer();
        api.requests++;
        if (r.headers.get(STALE_SINCE_HEADER)) api.stale++;
        if (r.status >= 500) {
          api.status5xx++;
          if (restarting) api.during++;
          if (r.status === 503) api.unavailable++;
          log(`api ${p} ${r.status}`);
        }
      } catch (err) {
        log(`api ${p} failed: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, THINK_MS));
    }
  });

  const random = prng(SEED);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const epochs: EpochTruth[] = [];
  const runs: Array<{
    epoch: number;
    spawnedAt: number;
    ms: number;
    error?: string;
    code: number | null;
    killed: boolean;
    fault: string;
    summary?: { partial: boolean };
  }> = [];
  const started = Date.now();
  const faults = { killed: 0, azuriteRestarts: 0, storms: 0, lingered: 0 };

  for (let epoch = 0; epoch < SWEEPS && Date.now() - started < MINUTES * 60_000; epoch++) {
    // The fleet changes: failures start and end, clusters go dark and come back, are deleted and created.
    if (epoch > 0) {
      for (let k = 0; k < 3; k++) {
        const c = pick(fleet.clusters);
        const comp = c && pick(c.components);
        if (!comp || troubled(c)) continue;
        await change({ op: comp.status === "ok" ? "fail" : "recover", id: componentId(c, comp) });
      }
      const r = random();
      const offline = fleet.clusters.filter((c) => c.kind === "arc" && c.connectivityStatus === "Offline");
      if (r < 0.15) {
        const c = pick(fleet.clusters.filter(clean));
        if (c) await change({ op: "takeOffline", id: c.id });
      } else if (r < 0.3 && offline.length) await change({ op: "recover", id: pick(offline).id });
      else if (r < 0.36 && fleet.clusters.length > 30) await change({ op: "remove", id: pick(fleet.clusters).id });
      else if (r < 0.42) await change({ op: "addClusters", count: 1, kind: random() < 0.5 ? "arc" : "aks", subscriptionId: pick(fleet.subscriptions) });
    }
    epochs[epoch] = truthOf(fleet.clusters);

    // One fault per sweep, or none.
    const f = random();
    let fault = "none";
    let spec: FaultSpec = {};
    let kill: number | undefined;
    let restartAt: number | undefined;
    let storm: boolean | undefined;
    if (f < 0.1) [fault, spec] = ["5xx", { seed: epoch, serverErrors: { rate: 0.3, status: 503 } }];
    else if (f < 0.2) [fault, storm] = ["429 storm + Retry-After", true];
    else if (f < 0.3) [fault, storm] = ["429 storm", false];
    else if (f < 0.36) [fault, spec] = ["403 scope", { forbiddenSubscriptions: [pick(fleet.subscriptions)] }];
    else if (f < 0.42) [fault, spec] = ["timeouts", { seed: epoch, timeouts: { count: 2, holdMs: 20_000 } }];
    else if (f < 0.5) [fault, spec] = ["malformed rows", { malformed: { missingProperties: 2, nulls: 1, unknownEnum: 1 } }];
    else if (f < 0.62) [fault, kill] = ["SIGKILL", 100 + random() * 2500];
    else if (f < 0.68) [fault, restartAt] = ["Azurite restart", random() * 1500];
    sim.setFaults({ ...spec, argRetryAfter: storm === true });

    const spawnedAt = Date.now();
    const child = spawn(process.execPath, [CLI, "sweep", "--json"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let lastError = "";
    let lingering: NodeJS.Timeout | undefined;
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      // The summary is the run's last word. A sweep whose deadline aborted a request lingers until the SDK's
      // 30 s request timer fires (@typespec/ts-http-runtime clears it only when a response arrives): not ours to wait for.
      if (!lingering && /^\{.*"partial"/m.test(out))
        lingering = setTimeout(() => {
          faults.lingered++;
          child.kill("SIGTERM");
        }, 2000);
    });
    child.stderr.on("data", (c: Buffer) =>
      String(c)
        .split("\n")
        .filter(Boolean)
        .forEach((line) => {
          log(line);
          if (line.startsWith("fleet-health ")) lastError = line;
        }),
    );
    if (storm !== undefined) {
      faults.storms++;
      // Another client of the same principal burns the quota while the sweep runs.
      for (let k = 0; k < 20; k++) void stormQuery(sim.endpoint, sim.ca);
    }
    const timers: NodeJS.Timeout[] = [];
    let killed = false;
    if (kill !== undefined) timers.push(setTimeout(() => ((killed = true), child.kill("SIGKILL"), faults.killed++), kill));
    if (restartAt !== undefined) {
      timers.push(
        setTimeout(async () => {
          restarting = true;
          faults.azuriteRestarts++;
          await azurite.stop();
          azurite = await startAzurite({ location: dir, port });
          restarting = false;
        }, restartAt),
      );
    }
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    clearTimeout(lingering);
    timers.forEach(clearTimeout);
    while (restarting) await new Promise((r) => setTimeout(r, 100));
    out.split("\n").filter(Boolean).forEach(log);
    let summary: { partial: boolean } | undefined;
    try {
      summary = JSON.parse(out.trim().split("\n").at(-1) ?? "");
    } catch {
      summary = undefined;
    }
    runs.push({ epoch, spawnedAt, ms: Date.now() - spawnedAt, code, killed, fault, summary, error: summary ? undefined : lastError || `exit ${code}` });
    if (epoch % 10 === 9) {
      const digest = spawn(process.execPath, [CLI, "digest", "--send"], { env, stdio: ["ignore", "pipe", "pipe"] });
      digest.stdout.on("data", (c: Buffer) => String(c).split("\n").filter(Boolean).forEach(log));
      digest.stderr.on("data", (c: Buffer) => String(c).split("\n").filter(Boolean).forEach(log));
      await new Promise((r) => digest.once("exit", r));
    }
    process.stderr.write(`\rsoak: sweep ${epoch + 1}/${SWEEPS} (${fault}) exit ${code}${killed ? " killed" : ""}        `);
  }
  running = false;
  await Promise.all(clients);
  process.stderr.write("\n");

  // The stored timeline against the truth.
  sim.setFaults({});
  const simStats = await sim.stats();
  const history = await openFleetHistory({ connectionString: azurite.connectionString, tablePrefix: prefix });
  const sweeps = await collect(history.listSweeps());
  const transitions: StoredTransition[] = [];
  const full: Array<Record<string, unknown>> = [];
  for await (const t of history.listTransitions()) full.push(t as unknown as Record<string, unknown>);
  for (const t of full as unknown as Array<{
    sweepId: string;
    componentId: string;
    to: string;
    event: string;
    from: string;
    reason: string;
    catalogId: string;
    fingerprint?: string;
  }>)
    transitions.push({
      sweepId: t.sweepId,
      componentId: t.componentId,
      to: t.to,
      key: `${t.event}|${t.from}|${t.reason}|${t.catalogId}|${t.fingerprint ?? ""}`,
    });
  // Sweeps run one at a time: a recorded sweep belongs to the last run spawned before it started.
  const recorded: RecordedSweep[] = sweeps.map((s) => ({
    sweepId: s.sweepId,
    epoch: runs.filter((r) => r.spawnedAt <= Date.parse(s.startedAt)).at(-1)?.epoch ?? 0,
    partialSubscriptions: new Set(s.partialScopes.map((p) => (p.scope.match(/^\/subscriptions\/([^/]+)/i)?.[1] ?? "*").toLowerCase())),
  }));
  const verdict = judgeTimeline(epochs, recorded, transitions);

  const leaked = Object.entries(secrets).filter(([, secret]) => logLines.some((line) => line.includes(secret)));
  const partialRuns = runs.filter((r) => r.summary?.partial);
  const faultedPartial = partialRuns.filter((r) => r.fault !== "none");
  const minutes = (Date.now() - started) / 60_000;
  console.log("");
  console.log(
    `soak: ${runs.length} sweeps in ${minutes.toFixed(1)} min (asked ${SWEEPS}, at most ${MINUTES} min), fleet ~${fleet.clusters.length} clusters over ${fleet.subscriptions.length} subscriptions`,
  );
  const times = runs.map((r) => r.ms).sort((a, b) => a - b);
  const at = (q: number) => ((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) / 1000).toFixed(1);
  console.log(
    `sweep process time median ${at(0.5)} s, p90 ${at(0.9)} s, max ${at(1)} s; load average now ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const byFault = new Map<string, { n: number; ok: number; partial: number; failed: number }>();
  for (const r of runs) {
    const e = byFault.get(r.fault) ?? { n: 0, ok: 0, partial: 0, failed: 0 };
    e.n++;
    if (r.summary && !r.summary.partial) e.ok++;
    else if (r.summary) e.partial++;
    else e.failed++;
    byFault.set(r.fault, e);
  }
  for (const [fault, e] of byFault)
    console.log(
      `  ${fault.padEnd(24)} ${String(e.n).padStart(4)} sweeps: ${e.ok} complete, ${e.partial} recorded partial, ${e.failed} not recorded (killed or failed)`,
    );
  // Why the sweeps that were not killed were not recorded (the error each printed last), with the faults they had.
  const why = new Map<string, string[]>();
  for (const r of runs.filter((r) => !r.killed && r.error)) why.set(r.error!, [...(why.get(r.error!) ?? []), r.fault]);
  for (const [error, faulted] of why) console.log(`  not recorded ${faulted.length}× (${[...new Set(faulted)].join(", ")}): ${error.slice(0, 300)}`);
  console.log(`recorded sweeps ${sweeps.length}; transitions stored ${transitions.length}; observations compared ${verdict.comparisons}`);
  console.log(
    `lost transitions ${verdict.lost}; duplicated transitions ${verdict.duplicated}; false transitions ${verdict.falseTransitions} (false recoveries ${verdict.falseRecoveries})`,
  );
  console.log(`sweeps recorded partial ${partialRuns.length} (${faultedPartial.length} of them under an injected fault, where data was missing)`);
  console.log(
    `API: ${api.requests} requests by 8 clients, 5xx ${api.status5xx} (${api.during} while Azurite restarted, ${api.unavailable} of them 503 StorageUnavailable); ${api.stale} answered stale-marked while storage was down`,
  );
  console.log(
    `faults: ${faults.killed} sweeps SIGKILLed, ${faults.azuriteRestarts} Azurite restarts, ${faults.storms} 429 storms, ${faults.lingered} sweeps ended by us 2 s after their summary (lingering); storm queries answered ${storm.answered} (${storm.throttled} 429); simulator 429s ${simStats.argThrottled}, faults injected ${simStats.faultsInjected}`,
  );
  console.log(`secrets in ${logLines.length} log lines: ${leaked.length ? `LEAKED ${leaked.map(([k]) => k).join(", ")}` : "none"}`);
  for (const e of verdict.examples) console.log(`  ${e}`);
  if (process.env.SOAK_DEBUG) {
    const ids = verdict.examples.slice(0, 3).map((e) => e.split(" ")[1]);
    for (const id of ids)
      for (const t of full.filter((x) => String(x.componentId).toLowerCase() === id))
        console.log(JSON.stringify({ ...t, message: undefined, componentName: undefined, clusterName: undefined }));
    console.log(JSON.stringify(recorded.map((r) => [r.sweepId, r.epoch, [...r.partialSubscriptions]])));
  }
  // A soak that recorded almost nothing has compared almost nothing: that is a failure, not a pass.
  const judged = recorded.length >= Math.max(1, Math.floor(runs.filter((r) => !r.killed).length / 2));
  if (!judged) console.log(`too few sweeps recorded to judge: ${recorded.length} of ${runs.length}`);
  const pass = judged && verdict.lost === 0 && verdict.duplicated === 0 && verdict.falseRecoveries === 0 && leaked.length === 0;
  console.log(pass ? "PASS lost, duplicated, false recoveries 0 and no secret logged" : "FAIL see above");
  process.exitCode = pass ? 0 : 1;

  await host.stop();
  await sim.stop();
  await azurite.stop();
  receiver.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
