/** Deterministic fault injection: counted or seeded-rate selection of requests per fault. */
import { prng } from "./random";
import type { FaultSpec, RequestSelector, TargetApi } from "./types";

export type FaultDecision = { kind: "timeout"; holdMs?: number } | { kind: "serverError"; status: 500 | 503; retryAfterSeconds?: number };

export class FaultInjector {
  private spec: FaultSpec = {};
  private random: () => number = prng(1);
  private remaining = new Map<string, number>();

  constructor(spec: FaultSpec = {}) {
    this.set(spec);
  }

  get current(): FaultSpec {
    return this.spec;
  }

  /** Replaces every fault; counters and the PRNG start over, so runs repeat exactly. */
  set(spec: FaultSpec): void {
    this.spec = { ...spec };
    this.random = prng(spec.seed ?? 1);
    this.remaining = new Map();
    if (spec.timeouts?.count !== undefined) this.remaining.set("timeouts", spec.timeouts.count);
    if (spec.serverErrors?.count !== undefined) this.remaining.set("serverErrors", spec.serverErrors.count);
  }

  private selects(name: "timeouts" | "serverErrors", selector: RequestSelector | undefined, api: Exclude<TargetApi, "all">): boolean {
    if (!selector) return false;
    const target = selector.target ?? "all";
    if (target !== "all" && target !== api) return false;
    const left = this.remaining.get(name);
    if (left !== undefined) {
      if (left <= 0) return false;
      this.remaining.set(name, left - 1);
      return true;
    }
    return selector.rate !== undefined && this.random() < selector.rate;
  }

  /** The fault for this request, if any (timeouts are checked first). */
  decide(api: Exclude<TargetApi, "all">): FaultDecision | undefined {
    const { timeouts, serverErrors } = this.spec;
    if (this.selects("timeouts", timeouts, api)) return { kind: "timeout", holdMs: timeouts?.holdMs };
    if (this.selects("serverErrors", serverErrors, api))
      return { kind: "serverError", status: serverErrors?.status ?? 500, retryAfterSeconds: serverErrors?.retryAfterSeconds };
    return undefined;
  }
}
