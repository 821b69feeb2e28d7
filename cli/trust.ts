/**
 * Trust for the simulator that `start` runs. Node reads NODE_EXTRA_CA_CERTS once, at process start,
 * and the Azure SDK builds its own HTTPS agents, so the only standard way to trust the simulator in
 * every code path (the one-shot sweep and the local host's timers alike) is to start Node again with
 * the simulator's certificate added to whatever NODE_EXTRA_CA_CERTS already names. Nothing else is
 * trusted by our code: any other endpoint gets Node's own trust, NODE_EXTRA_CA_CERTS included.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { simulatorCa } from "../dev/simulator";

/** The NODE_EXTRA_CA_CERTS value that adds the simulator's certificate, or undefined when it is already trusted. */
export function extraCaCertsWithSimulator(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const ca = simulatorCa().toString("utf8").trim();
  const current = env.NODE_EXTRA_CA_CERTS;
  const existing = current && fs.existsSync(current) ? fs.readFileSync(current, "utf8") : "";
  if (existing.includes(ca)) return undefined;
  const file = path.join(os.tmpdir(), `fleet-health-ca-${process.pid}.pem`);
  fs.writeFileSync(file, `${existing.trim()}\n${ca}\n`.trimStart());
  return file;
}

/** Runs this command again in a child Node with `NODE_EXTRA_CA_CERTS` set; resolves to its exit code. */
export function rerunTrusting(caFile: string, argv: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...argv], { stdio: "inherit", env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile } });
  // Ctrl-C reaches both processes; the child shuts down the simulator and Azurite, the parent waits for it.
  const forward = () => undefined;
  process.on("SIGINT", forward);
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      fs.rmSync(caFile, { force: true });
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
