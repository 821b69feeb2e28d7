/** The HTTPS front of the simulator: authentication, faults, latency, routing to ARG or ARM. */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleArg } from "./arg";
import { handleArm } from "./arm";
import { FaultInjector } from "./faults";
import type { SimulatedFleet } from "./fleet";
import { armError, type SimResponse } from "./http";
import { QuotaWindows, TokenBuckets } from "./limits";
import type { RenderContext } from "./render";
import type { FaultSpec, MalformKind, SimulatorOptions, SimulatorStats } from "./types";

export const DEFAULT_TOKEN = "sim-token";

export function emptyStats(): SimulatorStats {
  return { argQueries: 0, argThrottled: 0, argRowsServed: 0, armReads: 0, armThrottled: 0, pagesServed: 0, faultsInjected: 0, unauthorized: 0, badRequests: 0 };
}

/** Lower-cased id → damage, from `FaultSpec.malformed` (counts take the first N component ids in id order). */
function resolveMalformed(fleet: SimulatedFleet, spec: FaultSpec): Map<string, MalformKind[]> {
  const map = new Map<string, MalformKind[]>();
  let sorted: string[] | undefined;
  for (const [kind, selection] of Object.entries(spec.malformed ?? {}) as Array<[MalformKind, string[] | number]>) {
    const ids = typeof selection === "number" ? (sorted ??= Array.from(fleet.components(), (r) => r.id).sort()).slice(0, selection) : selection;
    for (const id of ids) map.set(id.toLowerCase(), [...(map.get(id.toLowerCase()) ?? []), kind]);
  }
  return map;
}

export class SimulatorHandler {
  readonly stats = emptyStats();
  readonly token: string;
  endpoint = "";
  private readonly faults: FaultInjector;
  private readonly quota?: QuotaWindows;
  private readonly bucket?: TokenBuckets;
  private malformedCache?: { version: number; spec: FaultSpec; map: Map<string, MalformKind[]> };
  /** Responses held open by a "never answer" timeout; ended when the server stops. */
  readonly held = new Set<ServerResponse>();

  constructor(
    readonly fleet: SimulatedFleet,
    private readonly options: SimulatorOptions,
  ) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.faults = new FaultInjector(options.faults);
    const quota = options.argQuota === undefined ? { perWindow: 15, windowMs: 5000 } : options.argQuota;
    if (quota) this.quota = new QuotaWindows(quota.perWindow, quota.windowMs);
    const bucket = options.armReadBucket === undefined ? { size: 250, refillPerSecond: 25 } : options.armReadBucket;
    if (bucket) this.bucket = new TokenBuckets(bucket.size, bucket.refillPerSecond);
  }

  setFaults(spec: FaultSpec): void {
    this.faults.set(spec);
  }

  resetStats(): void {
    Object.assign(this.stats, emptyStats());
  }

  private render(): RenderContext {
    const spec = this.faults.current;
    if (!this.malformedCache || this.malformedCache.version !== this.fleet.version || this.malformedCache.spec !== spec) {
      this.malformedCache = { version: this.fleet.version, spec, map: resolveMalformed(this.fleet, spec) };
    }
    return { now: this.fleet.clock(), malformed: this.malformedCache.map };
  }

  private route(req: IncomingMessage, url: URL, body: string, token: string): SimResponse {
    const common = { fleet: this.fleet, render: () => this.render(), faults: () => this.faults.current, stats: this.stats };
    if (req.method === "POST" && /^\/providers\/Microsoft\.ResourceGraph\/resources\/?$/i.test(url.pathname)) {
      return handleArg(
        {
          ...common,
          quota: this.quota,
          quotaRounding: this.options.argQuota ? this.options.argQuota.rounding : undefined,
          tenantSubscriptionLimit: this.options.tenantSubscriptionLimit ?? 10_000,
        },
        token,
        url,
        body,
      );
    }
    if (req.method === "GET" && /^\/subscriptions\//i.test(url.pathname)) {
      return handleArm({ ...common, bucket: this.bucket, endpoint: () => this.endpoint, pageSize: this.options.armPageSize ?? 2 }, token, url);
    }
    return armError(404, "NotFound", `The simulator does not serve ${req.method} ${url.pathname}.`);
  }

  private authenticate(req: IncomingMessage): SimResponse | string {
    const header = req.headers.authorization;
    if (!header) return armError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || match[1] !== this.token) return armError(401, "InvalidAuthenticationToken", "The access token is invalid.");
    return match[1];
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const latency = (this.options.latencyMs ?? 0) + (this.faults.current.latencyMs ?? 0);

    let response: SimResponse;
    const auth = this.authenticate(req);
    if (typeof auth !== "string") {
      this.stats.unauthorized++;
      response = auth;
    } else {
      const api = req.method === "POST" ? "arg" : "arm";
      const fault = this.faults.decide(api);
      if (fault) this.stats.faultsInjected++;
      if (fault?.kind === "timeout") {
        if (fault.holdMs === undefined) {
          this.held.add(res);
          res.on("close", () => this.held.delete(res));
          return;
        }
        await delay(fault.holdMs);
      }
      if (fault?.kind === "serverError") {
        response =
          fault.status === 503
            ? armError(
                503,
                "ServiceUnavailable",
                "The service is currently unavailable. Please retry the request later.",
                fault.retryAfterSeconds ? { "retry-after": String(fault.retryAfterSeconds) } : undefined,
              )
            : armError(
                500,
                "InternalServerError",
                `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', tracking id '${randomUUID()}'.`,
              );
      } else response = this.route(req, url, body, auth);
    }
    if (response.status === 400) this.stats.badRequests++;
    if (latency > 0) await delay(latency);
    const payload = response.body === undefined ? "" : JSON.stringify(response.body);
    res.writeHead(response.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(payload),
      "x-ms-request-id": randomUUID(),
      "x-ms-correlation-request-id": randomUUID(),
      ...response.headers,
    });
    res.end(payload);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
