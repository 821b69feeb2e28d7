/**
 * The generic JSON webhook: the whole digest model plus the readable text, signed with HMAC-SHA256 so
 * the receiver can check who sent it and that it is fresh.
 *
 * Signature: `X-Fleet-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Fleet-Timestamp>.<raw body>")>`.
 * The timestamp (Unix seconds) is inside the signed text, so a captured request cannot be replayed
 * later with a new timestamp; receivers should reject timestamps more than a few minutes old.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Digest } from "../model";
import { renderText } from "./text";

export const WEBHOOK_SCHEMA = "fleet-health.digest/v1";

export interface WebhookPayload {
  schema: typeof WEBHOOK_SCHEMA;
  digest: Digest;
  text: string;
  url: string;
}

export function renderWebhook(digest: Digest, options: { apiBaseUrl: string }): WebhookPayload {
  return { schema: WEBHOOK_SCHEMA, digest, text: renderText(digest, options), url: `${options.apiBaseUrl.replace(/\/+$/, "")}/digests/${digest.id}` };
}

export function signWebhook(body: string, secret: string, timestamp: number): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What a receiver does: recompute and compare in constant time, and refuse stale timestamps. */
export function verifyWebhook(
  body: string,
  secret: string,
  headers: { signature?: string; timestamp?: string },
  now = Date.now(),
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(body, secret, timestamp));
  const actual = Buffer.from(headers.signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
