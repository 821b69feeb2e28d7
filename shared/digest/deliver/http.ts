/**
 * POSTing JSON with retries. Retried: 408, 429 and 5xx answers, network errors and timeouts, with
 * exponential backoff and jitter, honouring `Retry-After` (seconds or an HTTP date; Teams and Slack
 * both send 429 with it when a webhook posts too fast). Not retried: other 4xx, which a retry cannot
 * fix, an untrusted certificate, and anything once the run's signal has aborted. The rules are
 * shared/core/retry.ts, as for the Azure reads.
 *
 * Requests go out through the Azure SDK's HTTP pipeline rather than `fetch`, so a webhook takes the same
 * way out as the Azure reads: the proxy variables as the SDK reads them (HTTPS_PROXY, ALL_PROXY or
 * HTTP_PROXY; NO_PROXY), which Node's `fetch` ignores unless NODE_USE_ENV_PROXY is set, and the trust of
 * NODE_EXTRA_CA_CERTS. Redirects are not followed: a signed digest goes only where it was configured to go.
 */
import { createDefaultHttpClient, createEmptyPipeline, createHttpHeaders, createPipelineRequest, proxyPolicy, type RestError } from "@azure/core-rest-pipeline";
import { abortReason, backoffMs, isPermanentNetworkError, isRetryableStatus, parseRetryAfter, sleep } from "../../core/retry";

export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  maxAttempts?: number;
  /** First backoff (default 1000 ms); doubles per attempt. */
  baseDelayMs?: number;
  /** Cap of one wait, Retry-After included (default 30 s). */
  maxDelayMs?: number;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** The run's deadline: aborting it ends the delivery (no further attempt, no wait). */
  signal?: AbortSignal;
}

export type DeliveryErrorCode = "HttpError" | "NetworkError" | "Timeout" | "EmailFailed" | "InvalidTarget";

export class DeliveryError extends Error {
  constructor(
    readonly code: DeliveryErrorCode,
    message: string,
    readonly httpStatus?: number,
    readonly attempts = 1,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DeliveryError";
  }
}

export interface PostResult {
  httpStatus: number;
  attempts: number;
  body: string;
}

/** Where a URL points, without the secret path or query a webhook URL carries. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return "(not a URL)";
  }
}

const httpClient = createDefaultHttpClient();

/** One POST attempt, through a pipeline whose proxy policy reads the proxy variables now, as a new Azure SDK client does. */
function send(url: string, body: string, headers: Record<string, string>, abortSignal: AbortSignal) {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(proxyPolicy());
  const request = createPipelineRequest({
    url,
    method: "POST",
    headers: createHttpHeaders({ "content-type": "application/json; charset=utf-8", ...headers }),
    body,
    abortSignal,
    // The configured URL's scheme decides (the settings accept http for a receiver inside the network).
    allowInsecureConnection: true,
  });
  return pipeline.sendRequest(httpClient, request);
}

export async function postJson(url: string, body: string, headers: Record<string, string>, options: RetryOptions = {}): Promise<PostResult> {
  const maxAttempts = options.maxAttempts ?? 4;
  const base = options.baseDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  const signal = options.signal;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted)
      throw new DeliveryError("Timeout", `${redactUrl(url)}: the run's deadline passed before attempt ${attempt}`, undefined, attempt - 1, {
        cause: abortReason(signal),
      });
    let failure: DeliveryError;
    let wait: number | undefined;
    try {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
      const response = await send(url, body, headers, signal ? AbortSignal.any([signal, timeout]) : timeout);
      const text = response.bodyAsText ?? "";
      if (response.status >= 200 && response.status < 300) return { httpStatus: response.status, attempts: attempt, body: text };
      failure = new DeliveryError(
        "HttpError",
        `${redactUrl(url)} answered ${response.status}${text ? `: ${text.slice(0, 300)}` : ""}`,
        response.status,
        attempt,
      );
      if (!isRetryableStatus(response.status)) throw failure;
      wait = parseRetryAfter(response.headers);
    } catch (err) {
      if (err instanceof DeliveryError) throw err;
      // The pipeline rejects with an AbortError when either signal fires, and with a RestError carrying
      // the socket's code (ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN, ...) when the request could not be sent.
      const e = err as Partial<RestError> & Error;
      const timeout = e.name === "AbortError";
      failure = new DeliveryError(timeout ? "Timeout" : "NetworkError", `${redactUrl(url)}: ${timeout ? "no answer in time" : e.message}`, undefined, attempt, {
        cause: err,
      });
      if (signal?.aborted || isPermanentNetworkError(e.code)) throw failure;
    }
    if (attempt >= maxAttempts) throw failure;
    try {
      await sleep(Math.min(max, wait ?? backoffMs(attempt, base, max)), signal);
    } catch {
      throw failure;
    }
  }
}
