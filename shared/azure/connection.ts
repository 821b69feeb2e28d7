import type { Agent } from "node:https";
import type { TokenCredential } from "@azure/core-auth";
import type { Pipeline, PipelinePolicy } from "@azure/core-rest-pipeline";
import { armRequestPolicy } from "../telemetry/policies";
import { DEFAULT_RETRY, RetryPolicy } from "./errors";
import { Clock, systemClock } from "./pacing";

/** How to reach ARM: shared by the Resource Graph reader and the KubernetesConfiguration reader. */
export interface ArmConnection {
  /** `https://management.azure.com`, a sovereign cloud, or the local simulator. */
  endpoint: string;
  credential: TokenCredential;
  /** E.g. an `https.Agent` trusting the local simulator's CA (NODE_EXTRA_CA_CERTS works too). */
  agent?: Agent;
  /** Per-request timeout (ms); default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  /** Counts every request sent; share one between readers to report a sweep's total. */
  counter?: RequestCounter;
}

export class RequestCounter {
  count = 0;
}

/** Options common to both SDK clients: our retry rules replace the SDK's, so every attempt is paced and counted. */
export function sdkClientOptions(connection: ArmConnection) {
  const endpoint = connection.endpoint.replace(/\/+$/, "");
  return {
    endpoint,
    retryOptions: { maxRetries: 0 },
    ...(connection.agent ? { agent: connection.agent } : {}),
    // The token audience follows the endpoint (sovereign clouds); Resource Graph's client would pin public Azure.
    scope: `${new URL(endpoint).origin}/.default`,
  };
}

/** The policies every ARM client gets: the request counter, request telemetry, and the timeout as a signal. */
export function addArmPolicies(pipeline: Pipeline, counter: RequestCounter): void {
  pipeline.addPolicy({
    name: "fleetRequestCounter",
    sendRequest: (request, next) => {
      counter.count++;
      return next(request);
    },
  });
  pipeline.addPolicy(armRequestPolicy());
  pipeline.addPolicy(timeoutAsSignalPolicy());
}

/**
 * A request's `timeout` turned into an abort signal. The SDK's Node HTTP client clears its own timeout
 * timer only once an answer arrives: a request that fails first (an untrusted certificate, a refused
 * connection) leaves the timer holding the process, so a `sweep` that failed in 0.2 s took 30 s to exit.
 * `AbortSignal.timeout` aborts the same way (an AbortError, read as a retryable timeout) without that.
 */
function timeoutAsSignalPolicy(): PipelinePolicy {
  return {
    name: "fleetTimeoutAsSignal",
    sendRequest: (request, next) => {
      const outer = request.abortSignal;
      // (Only a real AbortSignal can be combined; any other signal keeps the SDK's timer.)
      if (request.timeout > 0 && (!outer || outer instanceof AbortSignal)) {
        const timeout = AbortSignal.timeout(request.timeout);
        request.abortSignal = outer ? AbortSignal.any([outer, timeout]) : timeout;
        request.timeout = 0;
      }
      return next(request);
    },
  };
}

export function resolved(connection: ArmConnection) {
  return {
    timeoutMs: connection.timeoutMs ?? 30_000,
    retry: { ...DEFAULT_RETRY, ...connection.retry },
    clock: connection.clock ?? systemClock,
    counter: connection.counter ?? new RequestCounter(),
  };
}
