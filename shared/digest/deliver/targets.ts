/**
 * Delivery targets, configured from the environment: any of Teams, Slack, the generic webhook and
 * e-mail, several at once. Each renders the digest in its own format within its own limits and sends
 * it once; retries across runs are the digest store's job.
 */
import { createHash } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import type { EmailClientOptions } from "@azure/communication-email";
import { apiBaseUrl, ConfigError, type Env, SETTINGS, setting } from "../../core/config";
import type { Digest } from "../model";
import { renderEmail } from "../render/email";
import { renderSlack } from "../render/slack";
import { renderTeams } from "../render/teams";
import { renderWebhook, signWebhook } from "../render/webhook";
import type { DeliveryTarget } from "../store";
import { isRestError } from "@azure/core-rest-pipeline";
import { DeliveryError, postJson, type RetryOptions } from "./http";

export interface SendResult {
  httpStatus?: number;
  attempts: number;
  /** How the content was fitted to the target's limits (items per section), when it was. */
  maxItems?: number;
}

export interface DigestTarget {
  name: DeliveryTarget;
  /** `abortSignal`: the run's deadline; a delivery it ends fails (and the next run retries it). */
  send(digest: Digest, options?: { abortSignal?: AbortSignal }): Promise<SendResult>;
}

export interface TargetOptions {
  apiBaseUrl: string;
  retry?: RetryOptions;
}

/** A deterministic UUID per digest and target: the same send always carries the same idempotency key. */
export function idempotencyUuid(key: string): string {
  const b = createHash("sha256").update(key).digest();
  b[6] = (b[6] & 0x0f) | 0x50; // version 5 (name-based)
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const h = b.subarray(0, 16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Teams and Slack: render within the channel's limits, then POST. */
function fittedTarget<P>(
  name: "teams" | "slack",
  url: string,
  options: TargetOptions,
  render: (digest: Digest, o: TargetOptions) => { payload: P; maxItems: number },
): DigestTarget {
  return {
    name,
    send: async (digest, sendOptions) => {
      const { payload, maxItems } = render(digest, options);
      const r = await postJson(url, JSON.stringify(payload), {}, { ...options.retry, signal: sendOptions?.abortSignal });
      return { httpStatus: r.httpStatus, attempts: r.attempts, maxItems };
    },
  };
}

export const teamsTarget = (url: string, options: TargetOptions): DigestTarget => fittedTarget("teams", url, options, renderTeams);
export const slackTarget = (url: string, options: TargetOptions): DigestTarget => fittedTarget("slack", url, options, renderSlack);

export function webhookTarget(url: string, secret: string, options: TargetOptions & { clock?: () => number }): DigestTarget {
  return {
    name: "webhook",
    send: async (digest, sendOptions) => {
      const body = JSON.stringify(renderWebhook(digest, options));
      const timestamp = Math.floor((options.clock ?? Date.now)() / 1000);
      const headers = {
        "x-fleet-digest-id": digest.id,
        "x-fleet-timestamp": String(timestamp),
        "x-fleet-signature": signWebhook(body, secret, timestamp),
        "idempotency-key": `${digest.id}:webhook`,
      };
      const r = await postJson(url, body, headers, { ...options.retry, signal: sendOptions?.abortSignal });
      return { httpStatus: r.httpStatus, attempts: r.attempts };
    },
  };
}

export interface EmailTargetOptions extends TargetOptions {
  endpoint: string;
  from: string;
  to: string[];
  /** DefaultAzureCredential (managed identity in Azure) when absent. */
  credential?: TokenCredential;
  /** Passed to EmailClient: e.g. `agent` for a local HTTPS receiver, `retryOptions`. */
  clientOptions?: EmailClientOptions;
  pollIntervalMs?: number;
}

/**
 * Azure Communication Services e-mail. The SDK's own pipeline retries 429 (with Retry-After) and 5xx
 * three times; the send carries a deterministic `Operation-Id`, so ACS treats a repeated send of the
 * same digest as the same operation.
 */
export function emailTarget(options: EmailTargetOptions): DigestTarget {
  return {
    name: "email",
    send: async (digest, sendOptions) => {
      const abortSignal = sendOptions?.abortSignal;
      const { EmailClient } = await import("@azure/communication-email");
      const credential = options.credential ?? new (await import("@azure/identity")).DefaultAzureCredential();
      const retryOptions = options.retry
        ? { maxRetries: (options.retry.maxAttempts ?? 4) - 1, retryDelayInMs: options.retry.baseDelayMs, maxRetryDelayInMs: options.retry.maxDelayMs }
        : undefined;
      const client = new EmailClient(options.endpoint, credential, { ...(retryOptions ? { retryOptions } : {}), ...options.clientOptions });
      const content = renderEmail(digest, options);
      try {
        const poller = await client.beginSend(
          { senderAddress: options.from, content, recipients: { to: options.to.map((address) => ({ address })) } },
          {
            abortSignal,
            operationId: idempotencyUuid(`${digest.id}:email`),
            ...(options.pollIntervalMs !== undefined ? { updateIntervalInMs: options.pollIntervalMs } : {}),
          },
        );
        const result = await poller.pollUntilDone({ abortSignal });
        if (result.status !== "Succeeded")
          throw new DeliveryError("EmailFailed", `ACS e-mail ${result.id} ended ${result.status}: ${result.error?.message ?? "no detail"}`);
        return { attempts: 1 };
      } catch (err) {
        if (err instanceof DeliveryError) throw err;
        const status = isRestError(err) ? err.statusCode : undefined;
        const code = (err as { code?: string } | undefined)?.code;
        throw new DeliveryError(
          status ? "HttpError" : "NetworkError",
          `ACS e-mail: ${code ? `${code}: ` : ""}${err instanceof Error ? err.message : String(err)}`,
          status,
          1,
          { cause: err },
        );
      }
    },
  };
}

function httpUrl(key: "teamsWebhookUrl" | "slackWebhookUrl" | "webhookUrl" | "emailEndpoint", env: Env): string | undefined {
  const value = setting(key, env);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(SETTINGS[key].name, "is not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(SETTINGS[key].name, "must be an http(s) URL");
  return value;
}

const EMAIL_ADDRESS = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

export interface TargetsFromEnvOptions {
  retry?: RetryOptions;
  /** For tests and local receivers: the e-mail credential and client options. */
  email?: Pick<EmailTargetOptions, "credential" | "clientOptions" | "pollIntervalMs">;
}

/** Every target the environment configures; a half-configured target is a ConfigError naming what is missing. */
export function targetsFromEnv(env: Env, options: TargetsFromEnvOptions = {}): DigestTarget[] {
  const base = { apiBaseUrl: apiBaseUrl(env), ...(options.retry ? { retry: options.retry } : {}) };
  const targets: DigestTarget[] = [];
  const teams = httpUrl("teamsWebhookUrl", env);
  if (teams) targets.push(teamsTarget(teams, base));
  const slack = httpUrl("slackWebhookUrl", env);
  if (slack) targets.push(slackTarget(slack, base));
  const webhook = httpUrl("webhookUrl", env);
  const secret = setting("webhookSecret", env);
  if (webhook && !secret) throw new ConfigError(SETTINGS.webhookSecret.name, `is required with ${SETTINGS.webhookUrl.name}: the webhook is always signed`);
  if (webhook && secret) targets.push(webhookTarget(webhook, secret, base));
  const endpoint = httpUrl("emailEndpoint", env);
  const from = setting("emailFrom", env);
  const to = (setting("emailTo", env) ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  if (endpoint || from || to.length > 0) {
    if (!endpoint) throw new ConfigError(SETTINGS.emailEndpoint.name, "is required for e-mail delivery");
    if (!from) throw new ConfigError(SETTINGS.emailFrom.name, "is required for e-mail delivery");
    if (to.length === 0) throw new ConfigError(SETTINGS.emailTo.name, "is required for e-mail delivery");
    const bad = [from, ...to].find((a) => !EMAIL_ADDRESS.test(a));
    if (bad) throw new ConfigError(bad === from ? SETTINGS.emailFrom.name : SETTINGS.emailTo.name, `"${bad}" is not an e-mail address`);
    targets.push(emailTarget({ ...base, ...options.email, endpoint, from, to }));
  }
  return targets;
}
