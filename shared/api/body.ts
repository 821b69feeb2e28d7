/**
 * Request bodies validated against their schema in ./schemas.ts (the one the OpenAPI document
 * serves), with the first problem turned into a 400 that names the field (`context.component`).
 */
import type { Static, TSchema } from "@sinclair/typebox";
import { Value, ValueErrorType, type ValueError } from "@sinclair/typebox/value";
import { ApiError, badParameter } from "./errors";

/** The body's JSON object; a 400 naming `body` when it is not JSON or not an object. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, "InvalidJson", `body: not JSON (${(err as Error).message})`, "body");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ApiError(400, "InvalidJson", "body: expected a JSON object", "body");
  return parsed as Record<string, unknown>;
}

/** `value` typed by `schema`, or a 400 naming the first field at fault. */
export function checkBody<T extends TSchema>(schema: T, value: unknown): Static<T> {
  const error = Value.Errors(schema, value).First();
  if (!error) return value as Static<T>;
  const unknownField = error.type === ValueErrorType.ObjectAdditionalProperties;
  const field = error.path.slice(1).replaceAll("/", ".") || "body";
  throw badParameter(field.slice(0, 60), problem(error), unknownField ? "UnknownField" : "InvalidParameter");
}

function problem(error: ValueError): string {
  const schema = error.schema as { maxLength?: number; anyOf?: Array<{ const?: unknown }>; properties?: Record<string, unknown> };
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return `unknown field; use ${Object.keys(schema.properties ?? {}).join(", ")}`;
    case ValueErrorType.StringMaxLength:
      return `longer than ${schema.maxLength} characters`;
    case ValueErrorType.StringMinLength:
    case ValueErrorType.StringPattern:
      return "must not be empty";
    case ValueErrorType.Union:
      if (schema.anyOf?.every((s) => typeof s.const === "string")) return `must be one of ${schema.anyOf.map((s) => s.const).join(", ")}`;
      return error.message.toLowerCase();
    default:
      return error.message.replace(/^Expected/, "must be");
  }
}
