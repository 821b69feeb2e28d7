/** Responses and error bodies as ARM and Resource Graph send them. */
import { randomUUID } from "node:crypto";

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** ARM's error envelope (common-types ErrorResponse). */
export function armError(status: number, code: string, message: string, headers?: Record<string, string>): SimResponse {
  return { status, body: { error: { code, message } }, headers };
}

/**
 * Resource Graph's envelope: a generic top-level message with a timestamp and correlation id and the
 * real reason in `details`, as in the 429 and 403 bodies seen in the field.
 */
export function argError(
  status: number,
  code: string,
  details: Array<{ code: string; message: string; [key: string]: unknown }>,
  headers?: Record<string, string>,
): SimResponse {
  const message = `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${randomUUID()}.`;
  return { status, body: { error: { code, message, details } }, headers };
}

export function ok(body: unknown, headers?: Record<string, string>): SimResponse {
  return { status: 200, body, headers };
}

export const API_VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

export function missingApiVersion(): SimResponse {
  return armError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
}

export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** Decodes a token made by base64urlJson; undefined when it is not one. */
export function fromBase64urlJson(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}
