/**
 * Query parameters: one declaration per route drives validation and the OpenAPI document, so the two
 * cannot drift. Unknown names, repeated names and values of the wrong shape are 400s naming the
 * parameter.
 */
import { badParameter } from "./errors";

export type ParamSpec =
  | { type: "enum"; values: readonly string[]; description: string; list?: boolean }
  | { type: "string"; description: string; maxLength?: number; pattern?: RegExp; /** What the pattern asks for, said in a 400. */ form?: string }
  | { type: "date"; description: string }
  | { type: "integer"; description: string; min: number; max: number; default?: number };

export type QuerySpec = Record<string, ParamSpec>;

type ValueOf<P extends ParamSpec> = P extends { type: "enum"; list: true; values: readonly (infer V)[] }
  ? V[]
  : P extends { type: "enum"; values: readonly (infer V)[] }
    ? V
    : P extends { type: "date" }
      ? Date
      : P extends { type: "integer" }
        ? number
        : string;

export type ParsedQuery<Q extends QuerySpec> = { [K in keyof Q]?: ValueOf<Q[K]> };

/** Names every route accepts and ignores: `code` carries the function key in Azure. */
const ALWAYS_ALLOWED = new Set(["code"]);

const MAX_STRING = 256;

/** Dates as ISO 8601 (a date, or a date and time with a zone), or a duration back from now: `24h`, `7d`, `30m`. */
export function parseDateParam(name: string, raw: string, now: Date = new Date()): Date {
  const relative = /^(\d{1,6})([mhd])$/.exec(raw);
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as "m" | "h" | "d"];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
  const date = new Date(raw);
  if (!iso.test(raw) || Number.isNaN(date.getTime())) {
    throw badParameter(
      name,
      `"${clip(raw)}" is not a date; use ISO 8601 (2026-11-21 or 2026-11-21T08:00:00Z) or a duration back from now (30m, 24h, 7d)`,
      "InvalidDate",
    );
  }
  return date;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}...` : value;
}

function parseOne(name: string, spec: ParamSpec, raw: string): unknown {
  switch (spec.type) {
    case "enum": {
      const values = spec.list ? raw.split(",").map((v) => v.trim()) : [raw];
      for (const v of values) {
        if (!spec.values.includes(v)) throw badParameter(name, `"${clip(v)}" is not one of ${spec.values.join(", ")}`);
      }
      return spec.list ? [...new Set(values)] : values[0];
    }
    case "string": {
      const max = spec.maxLength ?? MAX_STRING;
      if (raw.length === 0) throw badParameter(name, "must not be empty");
      if (raw.length > max) throw badParameter(name, `longer than ${max} characters`);
      if (spec.pattern && !spec.pattern.test(raw))
        throw badParameter(name, `"${clip(raw)}" ${spec.form ? `is not ${spec.form}` : "does not have the expected form"}`);
      return raw;
    }
    case "date":
      return parseDateParam(name, raw);
    case "integer": {
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < spec.min || value > spec.max)
        throw badParameter(name, `expected a whole number from ${spec.min} to ${spec.max}, got "${clip(raw)}"`);
      return value;
    }
  }
}

/** Validates a request's query string against a route's declaration. */
export function parseQuery<Q extends QuerySpec>(query: URLSearchParams, spec: Q): ParsedQuery<Q> {
  const result: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [name, raw] of query) {
    if (ALWAYS_ALLOWED.has(name)) continue;
    // Own properties only: `constructor` or `__proto__` must not find Object.prototype's.
    const param = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!param) {
      const known = Object.keys(spec);
      throw badParameter(
        clip(name),
        known.length ? `unknown query parameter; this route accepts ${known.join(", ")}` : "unknown query parameter; this route takes none",
        "UnknownParameter",
      );
    }
    if (seen.has(name)) throw badParameter(name, "given more than once", "DuplicateParameter");
    seen.add(name);
    result[name] = parseOne(name, param, raw.trim());
  }
  for (const [name, param] of Object.entries(spec)) {
    if (result[name] === undefined && param.type === "integer" && param.default !== undefined) result[name] = param.default;
  }
  return result as ParsedQuery<Q>;
}
