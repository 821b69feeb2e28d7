/**
 * Reading operator input (JSON bodies of the API): every rule names the field at fault, so a client
 * can point at it. Unknown fields are refused rather than ignored: a misspelt `expiresAt` must not
 * silently leave a silence without the expiry the operator meant.
 */
import { normalizeId } from "../core/model";

export class OperateInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "OperateInputError";
  }
}

export type Json = Record<string, unknown>;

/** The body as an object with only `allowed` fields. */
export function objectOf(value: unknown, allowed: readonly string[], field = "body"): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new OperateInputError(field, "expected a JSON object");
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new OperateInputError(field === "body" ? key : `${field}.${key}`, `unknown field; allowed: ${allowed.join(", ")}`);
  }
  return value as Json;
}

/** A trimmed string of 1..max characters, or undefined when absent (and not required). */
export function text(body: Json, field: string, max: number, options: { required?: boolean; pattern?: RegExp; label?: string } = {}): string | undefined {
  const name = options.label ?? field;
  const value = body[field];
  if (value === undefined || value === null) {
    if (options.required) throw new OperateInputError(name, "is required");
    return undefined;
  }
  if (typeof value !== "string") throw new OperateInputError(name, "expected a string");
  const trimmed = value.trim();
  if (!trimmed) throw new OperateInputError(name, "must not be empty");
  if (trimmed.length > max) throw new OperateInputError(name, `longer than ${max} characters`);
  // Control characters are what this check is for.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed.replace(/[\n\t]/g, ""))) throw new OperateInputError(name, "holds control characters");
  if (options.pattern && !options.pattern.test(trimmed)) throw new OperateInputError(name, `"${trimmed.slice(0, 60)}" does not have the expected form`);
  return trimmed;
}

/** An ISO 8601 date-time with a zone, as an instant. */
export function instant(body: Json, field: string, options: { required?: boolean } = {}): Date | undefined {
  const raw = text(body, field, 40, options);
  if (raw === undefined) return undefined;
  const date = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw) || Number.isNaN(date.getTime())) {
    throw new OperateInputError(field, `"${raw}" is not an ISO 8601 date-time with a zone (2026-12-24T18:00:00Z)`);
  }
  return date;
}

const SUBSCRIPTION = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLUSTER_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/[^/]+\/providers\/(microsoft\.kubernetes\/connectedclusters|microsoft\.containerservice\/managedclusters)\/[^/]+$/i;

export const subscriptionField = (body: Json, field: string, label = field) => text(body, field, 36, { pattern: SUBSCRIPTION, label })?.toLowerCase();

/** A cluster's ARM id, canonical (lower-cased, no trailing slash). */
export function clusterIdField(body: Json, field: string, options: { required?: boolean; label?: string } = {}): string | undefined {
  const raw = text(body, field, 512, { required: options.required, label: options.label });
  if (raw === undefined) return undefined;
  const id = normalizeId(raw);
  if (!CLUSTER_ID.test(id))
    throw new OperateInputError(options.label ?? field, `"${raw.slice(0, 80)}" is not the ARM id of an Arc connected cluster or an AKS managed cluster`);
  return id;
}

/** An ARM resource id below a cluster (an extension, a Flux configuration ...), or the cluster itself. */
export function componentIdField(body: Json, field: string, clusterId: string): string {
  const id = normalizeId(text(body, field, 1024, { required: true })!);
  if (id !== clusterId && !id.startsWith(`${clusterId}/`)) throw new OperateInputError(field, "is not the cluster or a resource of the cluster");
  return id;
}

/** An https (or http) link, e.g. a ticket. */
export function urlField(body: Json, field: string): string | undefined {
  const raw = text(body, field, 2048);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OperateInputError(field, "is not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new OperateInputError(field, "must be an http or https URL");
  return url.toString();
}
