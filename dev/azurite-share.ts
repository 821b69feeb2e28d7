/**
 * One Azurite per data folder, shared by every command that uses it. Two Azurite processes on the
 * same folder each keep their own copy of the database in memory and overwrite each other's file,
 * so a second one loses writes (issue 13 item 5). The folder therefore holds:
 *   azurite.json     the running Azurite: pid and port of its table service, queuePid and queuePort of
 *                    its queue service (Azurite ships them as separate processes; written once they answer)
 *   clients/<pid>-*  one file per command using it
 *   .lock/           a short mutex around reading and changing the two above
 * The first command starts Azurite detached; later ones connect to its ports; the last one out stops
 * it. Files of processes that died (SIGKILL, a crash) are stale and taken over; a service missing
 * from a running Azurite (one started before it had a queue service) is started next to it.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pidAlive, portAnswers, startDetachedAzurite, stopAzuritePid, type AzuriteService } from "./azurite";

export const ENDPOINT_FILE = "azurite.json";
const CLIENTS = "clients";
const MUTEX = ".lock";
/** A mutex folder without a readable owner for this long was left by a process killed while creating it. */
const ORPHAN_MUTEX_MS = 5000;
const MUTEX_WAIT_MS = 60_000;

export interface SharedAzurite extends Endpoint {
  /** True when this command started its table service (false: it joined one already running). */
  started: boolean;
  /** Leaves; the last command out stops Azurite (flushing its data). */
  release(): Promise<void>;
}

interface Endpoint {
  /** The table service. */
  pid: number;
  port: number;
  queuePid: number;
  queuePort: number;
}

interface Service {
  pid: number;
  port: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** On Linux a recycled pid is told apart from the Azurite service by its command line; elsewhere the port check decides. */
function isAzurite(pid: number | undefined, service: AzuriteService): pid is number {
  if (!pid || !pidAlive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes("azurite") && cmdline.includes(`--${service}Port`);
  } catch {
    return true;
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

async function withMutex<T>(location: string, fn: () => Promise<T>): Promise<T> {
  const dir = path.join(location, MUTEX);
  for (let waited = 0; ; waited += 25) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "pid"), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(readJson<number>(path.join(dir, "pid")));
      const age = Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (owner ? !pidAlive(owner) : age > ORPHAN_MUTEX_MS) fs.rmSync(dir, { recursive: true, force: true });
      else if (waited > MUTEX_WAIT_MS)
        throw new Error(`another fleet-health command (pid ${owner || "?"}) has held ${dir} for over a minute; if none is running, remove that folder`, {
          cause: err,
        });
      else await sleep(25);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The live commands registered in the folder; files of dead ones are removed. */
function liveClients(location: string): string[] {
  const dir = path.join(location, CLIENTS);
  const live: string[] = [];
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (pidAlive(Number(name.split("-")[0]))) live.push(name);
    else fs.rmSync(path.join(dir, name), { force: true });
  }
  return live;
}

/** Joins the Azurite running on `location`, or starts one; refuses when one runs there but does not answer. */
export async function acquireSharedAzurite(location: string): Promise<SharedAzurite> {
  fs.mkdirSync(path.join(location, CLIENTS), { recursive: true });
  const endpointFile = path.join(location, ENDPOINT_FILE);
  const client = path.join(location, CLIENTS, `${process.pid}-${randomBytes(4).toString("hex")}`);
  const { endpoint, started } = await withMutex(location, async () => {
    const known = readJson<Partial<Endpoint>>(endpointFile);
    const running = async (service: AzuriteService, pid: number | undefined, port: number | undefined): Promise<Service | undefined> => {
      if (!isAzurite(pid, service) || !port) return undefined;
      if (!(await portAnswers(port, 5000))) {
        throw new Error(
          `the Azurite ${service} service (pid ${pid}) that holds ${location} does not answer on port ${port}; stop that process, or set FLEET_TABLES_CONNECTION to use other storage`,
        );
      }
      return { pid, port };
    };
    const start = (service: AzuriteService) => startDetachedAzurite({ service, location, logFile: path.join(location, "azurite.log") });
    const [table, queue] = await Promise.all([running("table", known?.pid, known?.port), running("queue", known?.queuePid, known?.queuePort)]);
    // Never a second process of a service on the folder: only the one that is missing starts.
    const [tableNow, queueNow] = await Promise.allSettled([table ?? start("table"), queue ?? start("queue")]);
    if (tableNow.status === "rejected" || queueNow.status === "rejected") {
      // What this command started must not outlive the failure (what it joined is left running).
      if (!table && tableNow.status === "fulfilled") await stopAzuritePid(tableNow.value.pid);
      if (!queue && queueNow.status === "fulfilled") await stopAzuritePid(queueNow.value.pid);
      throw [tableNow, queueNow].flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []))[0];
    }
    const endpoint: Endpoint = { ...tableNow.value, queuePid: queueNow.value.pid, queuePort: queueNow.value.port };
    fs.writeFileSync(endpointFile, JSON.stringify(endpoint));
    fs.writeFileSync(client, "");
    return { endpoint, started: !table };
  });
  let released = false;
  return {
    ...endpoint,
    started,
    release: async () => {
      if (released) return;
      released = true;
      await withMutex(location, async () => {
        fs.rmSync(client, { force: true });
        if (liveClients(location).length > 0) return;
        // The file, not what this command joined: another command may have started a missing service since.
        const current = { ...endpoint, ...readJson<Partial<Endpoint>>(endpointFile) };
        const stop = (pid: number, service: AzuriteService) => (isAzurite(pid, service) ? stopAzuritePid(pid) : undefined);
        await Promise.all([stop(current.pid, "table"), stop(current.queuePid, "queue")]);
        fs.rmSync(endpointFile, { force: true });
      });
    },
  };
}
