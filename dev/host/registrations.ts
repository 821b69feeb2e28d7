/**
 * Loads the Functions app the way the Functions host does (package.json `main`) and captures what it
 * registers. Outside the host, `app.http`/`app.timer`/`app.storageQueue` are no-ops in test mode, so they are swapped for
 * recorders while the entry point loads, then put back.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { app, type HttpHandler, type HttpMethod, type StorageQueueHandler, type TimerHandler } from "@azure/functions";

export interface HttpRegistration {
  name: string;
  /** Route template below the route prefix; the function name when the app gave none. */
  route: string;
  methods: HttpMethod[];
  authLevel: "anonymous" | "function" | "admin";
  handler: HttpHandler;
}

export interface TimerRegistration {
  name: string;
  /** As registered: an NCRONTAB expression or `%AppSetting%`. */
  schedule: string;
  runOnStartup: boolean;
  handler: TimerHandler;
}

export interface QueueRegistration {
  name: string;
  queueName: string;
  /** The app setting holding the storage connection (`AzureWebJobsStorage` when the app gave none). */
  connection: string;
  handler: StorageQueueHandler;
}

export interface AppRegistrations {
  http: HttpRegistration[];
  timers: TimerRegistration[];
  queues: QueueRegistration[];
  /** Functions of trigger types the local host does not run (queues, blobs ...), by name. */
  skipped: string[];
}

type Recorder = Record<string, (...args: never[]) => void>;

const HTTP_SHORTHANDS: Record<string, HttpMethod> = { get: "GET", put: "PUT", post: "POST", patch: "PATCH", deleteRequest: "DELETE" };
const OTHER_TRIGGERS = [
  "storageBlob",
  "serviceBusQueue",
  "serviceBusTopic",
  "eventHub",
  "eventGrid",
  "cosmosDB",
  "warmup",
  "sql",
  "mySql",
  "webPubSub",
  "generic",
];

type HttpOptions = { handler: HttpHandler; methods?: HttpMethod[]; authLevel?: HttpRegistration["authLevel"]; route?: string };

/** Runs `load` with app.* replaced by recorders and returns what it registered. */
export async function captureRegistrations(load: () => unknown): Promise<AppRegistrations> {
  const captured: AppRegistrations = { http: [], timers: [], queues: [], skipped: [] };
  const target = app as unknown as Recorder;
  const recordHttp = (name: string, options: HttpOptions) =>
    captured.http.push({
      name,
      // Defaults of @azure/functions: GET and POST, anonymous, the function name as the route.
      route: options.route ?? name,
      methods: (options.methods ?? ["GET", "POST"]).map((m) => m.toUpperCase() as HttpMethod),
      authLevel: options.authLevel ?? "anonymous",
      handler: options.handler,
    });
  const recorders: Recorder = {
    http: recordHttp as never,
    timer: ((name: string, options: { schedule: string; runOnStartup?: boolean; handler: TimerHandler }) =>
      captured.timers.push({ name, schedule: options.schedule, runOnStartup: options.runOnStartup ?? false, handler: options.handler })) as never,
    storageQueue: ((name: string, options: { queueName: string; connection?: string; handler: StorageQueueHandler }) =>
      captured.queues.push({ name, queueName: options.queueName, connection: options.connection || "AzureWebJobsStorage", handler: options.handler })) as never,
  };
  for (const [shorthand, method] of Object.entries(HTTP_SHORTHANDS)) {
    recorders[shorthand] = ((name: string, options: HttpOptions | HttpHandler) =>
      recordHttp(name, { ...(typeof options === "function" ? { handler: options } : options), methods: [method] })) as never;
  }
  for (const trigger of OTHER_TRIGGERS) recorders[trigger] = ((name: string) => captured.skipped.push(name)) as never;
  const originals = Object.fromEntries(Object.keys(recorders).map((key) => [key, target[key]]));
  Object.assign(target, recorders);
  try {
    await load();
  } finally {
    Object.assign(target, originals);
  }
  return captured;
}

/** The project folder: the nearest package.json above this file (source or dist). */
export function projectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "host.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json with a host.json above ${from}`);
  }
}

/** The entry point the Functions host loads: package.json `main`. */
export function appEntry(root: string = projectRoot()): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { main?: string };
  if (!pkg.main) throw new Error(`${root}/package.json has no "main": the Functions host would find no functions`);
  return path.resolve(root, pkg.main);
}

/** The HTTP route prefix from host.json (`extensions.http.routePrefix`), `api` by default. */
export function routePrefix(root: string = projectRoot()): string {
  const host = JSON.parse(fs.readFileSync(path.join(root, "host.json"), "utf8")) as { extensions?: { http?: { routePrefix?: string } } };
  return (host.extensions?.http?.routePrefix ?? "api").replace(/^\/+|\/+$/g, "");
}

const loaded = new Map<string, Promise<AppRegistrations>>();

/**
 * Loads an entry point once per process (modules register on first load only) and returns its
 * registrations. `load` defaults to `require(entry)`; tests pass an import of the TypeScript source.
 */
export function loadApp(entry: string = appEntry(), load: () => unknown = () => require(entry)): Promise<AppRegistrations> {
  let result = loaded.get(entry);
  if (!result) {
    // Friendlier than MODULE_NOT_FOUND: the usual cause is a missing build.
    if (!fs.existsSync(entry)) return Promise.reject(new Error(`${entry} does not exist; run \`npm run build\` first`));
    result = captureRegistrations(load);
    loaded.set(entry, result);
  }
  return result;
}
