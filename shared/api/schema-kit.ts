/**
 * The building blocks of the API's TypeBox schemas (./schemas.ts and the areas it re-exports): the
 * component registry of the OpenAPI document and the few shorthands every area uses.
 */
import { Type, type Static, type TLiteral, type TSchema, type TUnion } from "@sinclair/typebox";

/** The component schemas of the OpenAPI document, by name, in the order they are defined. */
export const SCHEMAS: Record<string, TSchema> = {};

/** Registers a component schema; the result is a `$ref` to it with the schema's static type. */
export function named<T extends TSchema>(name: string, schema: T) {
  SCHEMAS[name] = schema;
  return Type.Unsafe<Static<T>>({ $ref: `#/components/schemas/${name}` });
}

/** One of a list of strings, typed as their union. */
export const oneOf = <const V extends readonly string[]>(values: V) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<Array<TLiteral<V[number]>>>;
export const str = (description?: string) => Type.String(description ? { description } : {});
export const dateTime = (description?: string) => Type.String({ format: "date-time", ...(description ? { description } : {}) });
export const count = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const opt = Type.Optional;
export const clusterKind = oneOf(["arc", "aks"] as const);
export const map = <T extends TSchema>(value: T, description?: string) => Type.Record(Type.String(), value, description ? { description } : {});

/** A page of items: `continuationToken` is absent on the last page. */
export const page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), continuationToken: opt(str("Pass as `continuationToken` to get the next page")) });
/** A list that is never paged. */
export const itemsOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });
