/**
 * The local Functions host: serves the app's HTTP functions under the route prefix and runs its
 * timers. Routing follows the Functions host: templates tried most specific first, literal segments
 * case-insensitive, a method the function does not list is a bare 404, a missing or wrong key on a
 * non-anonymous function is a bare 401 (only when a key is configured, as `func start` needs none),
 * a handler that throws is a bare 500, and bodies over 100 MB are refused with 413.
 */
import { randomUUID } from "node:crypto";
import { keyMatches } from "../../shared/core/secrets";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from "@azure/functions";
import type { Env } from "../../shared/core/config";
import type { AppRegistrations, HttpRegistration } from "./registrations";
import { compareRoutes, matchRoute, parseRouteTemplate, type RouteTemplate } from "./route-template";
import { readQueueSettings, startQueueTriggers, type QueueSettings } from "./queues";
import { projectRoot, routePrefix } from "./registrations";
import { startTimers, type ScheduledTimer } from "./timers";

/** The Functions host's default request body limit. */
export const HOST_MAX_BODY_BYTES = 100 * 1024 * 1024;

export interface LocalHostOptions {
  registrations: AppRegistrations;
  /** 0 picks a free port. */
  port?: number;
  hostname?: string;
  /** host.json's `extensions.http.routePrefix` when absent, as the Functions host reads it. */
  routePrefix?: string;
  /** When set, non-anonymous functions need it as `x-functions-key` or `?code=`. */
  apiKey?: string;
  /** Run the timer functions (default true). */
  timers?: boolean;
  /** Run the queue-triggered functions (default true); settings from host.json when absent. */
  queues?: boolean;
  queueSettings?: Partial<QueueSettings>;
  env?: Env;
  log?: (line: string) => void;
  maxBodyBytes?: number;
}

export interface RunningHost {
  /** Base URL without the prefix, e.g. `http://127.0.0.1:7071`. */
  url: string;
  port: number;
  timers: ScheduledTimer[];
  stop(): Promise<void>;
}

interface CompiledRoute {
  reg: HttpRegistration;
  template: RouteTemplate;
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  return flat;
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLarge());
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Finds the function for a path and method: undefined when none matches (a 404). */
export function resolveRoute(
  routes: ReadonlyArray<{ reg: HttpRegistration; template: RouteTemplate }>,
  path: string,
  method: string,
): { reg: HttpRegistration; params: Record<string, string> } | undefined {
  for (const { reg, template } of routes) {
    if (!reg.methods.includes(method as never)) continue;
    const params = matchRoute(template, path);
    if (params) return { reg, params };
  }
  return undefined;
}

export function compileRoutes(registrations: HttpRegistration[]): CompiledRoute[] {
  return registrations.map((reg) => ({ reg, template: parseRouteTemplate(reg.route) })).sort((a, b) => compareRoutes(a.template, b.template));
}

export async function startLocalHost(options: LocalHostOptions): Promise<RunningHost> {
  const log = options.log ?? (() => undefined);
  const prefix = (options.routePrefix ?? routePrefix()).replace(/^\/+|\/+$/g, "");
  const limit = options.maxBodyBytes ?? HOST_MAX_BODY_BYTES;
  const routes = compileRoutes(options.registrations.http);

  const server = http.createServer((req, res) => {
    const started = Date.now();
    void handle(req, res).then(
      () => log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`),
      (err: unknown) => {
        log(`${req.method} ${req.url} failed: ${(err as Error).message}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
    const rawPath = (req.url ?? "/").split("?")[0];
    const prefixPath = prefix ? `/${prefix}` : "";
    const inPrefix = rawPath.toLowerCase() === prefixPath.toLowerCase() || rawPath.toLowerCase().startsWith(`${prefixPath.toLowerCase()}/`);
    const match = inPrefix ? resolveRoute(routes, rawPath.slice(prefixPath.length), method) : undefined;
    if (!match) {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    const { reg, params } = match;
    if (reg.authLevel !== "anonymous" && options.apiKey) {
      const given = (req.headers["x-functions-key"] as string | undefined) ?? url.searchParams.get("code");
      if (!keyMatches(given, options.apiKey)) {
        req.resume();
        res.writeHead(401).end();
        return;
      }
    }
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      res.writeHead(413, { connection: "close" }).end();
      return;
    }
    const request = new HttpRequest({
      method,
      url: url.toString(),
      headers: flatHeaders(req.headers),
      params,
      body: body.length ? { bytes: body } : undefined,
    });
    const ctx = new InvocationContext({
      invocationId: randomUUID(),
      functionName: reg.name,
      logHandler: (level, ...args) => log(`[${reg.name}] ${level}: ${args.map(String).join(" ")}`),
    });
    let result: HttpResponseInit | HttpResponse | void;
    try {
      result = await reg.handler(request, ctx);
    } catch (err) {
      log(`Executed 'Functions.${reg.name}' (Failed, Id=${ctx.invocationId}): ${(err as Error).message ?? String(err)}`);
      res.writeHead(500).end();
      return;
    }
    const response = result instanceof HttpResponse ? result : new HttpResponse(result ?? {});
    const headers: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const payload = Buffer.from(await response.arrayBuffer());
    // The host buffers the response and sends its length, not a chunked body.
    if (!("content-length" in headers) && !("transfer-encoding" in headers)) headers["content-length"] = String(payload.length);
    res.writeHead(response.status, headers);
    res.end(method === "HEAD" ? undefined : payload);
  }

  // Listen before the timers start: a busy port must end the host, not leave timers keeping the process alive.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.hostname ?? "127.0.0.1", () => resolve());
  });
  const timerRunner = options.timers === false ? undefined : startTimers(options.registrations.timers, { env: options.env, log });
  const queueRunner =
    options.queues === false
      ? undefined
      : startQueueTriggers(options.registrations.queues, { env: options.env, log, settings: options.queueSettings ?? readQueueSettings(projectRoot()) });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.hostname ?? "127.0.0.1"}:${port}`;
  for (const { reg } of routes)
    log(
      `${reg.name}: [${reg.methods.join(",")}] ${url}/${prefix ? `${prefix}/` : ""}${reg.route}${reg.authLevel === "anonymous" ? "" : options.apiKey ? " (key required)" : ""}`,
    );
  for (const name of options.registrations.skipped) log(`${name}: trigger type not run by the local host, skipped`);
  return {
    url,
    port,
    timers: timerRunner?.timers ?? [],
    async stop() {
      await Promise.all([timerRunner?.stop(), queueRunner?.stop()]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
