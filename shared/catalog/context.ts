import { CONTEXT_COMPONENTS, type ClassifyContext } from "./types";

/** A classify context that cannot be used, naming the field at fault (`context.component`). */
export class ClassifyContextError extends Error {
  readonly code = "InvalidContext";
  constructor(
    readonly field: string,
    /** What is wrong, without the field's name. */
    readonly problem: string,
    /** True for a field the context does not have (a typo), false for a bad value. */
    readonly unknownField = false,
  ) {
    super(`"${field}" ${problem}`);
    this.name = "ClassifyContextError";
  }
}

/** The values each context field accepts; `null` means any string. */
const FIELDS: Record<keyof ClassifyContext, readonly string[] | null> = {
  component: CONTEXT_COMPONENTS,
  extensionType: null,
  code: null,
  provisioningState: null,
  clusterKind: ["arc", "aks"],
};

/** Values longer than this are not context but pasted text in the wrong field. */
const MAX_VALUE = 256;

/**
 * Reads the `context` of a classify request (CLI `--jsonl` line, API body) field by field, so a typo
 * (`"component": "extensions"`, `"extensiontype"`) is an error rather than silently ignored context.
 */
export function parseClassifyContext(raw: unknown): ClassifyContext {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw new ClassifyContextError("context", "must be an object");
  const context: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!Object.hasOwn(FIELDS, name))
      throw new ClassifyContextError(`context.${name.slice(0, 40)}`, `is not a context field; use ${Object.keys(FIELDS).join(", ")}`, true);
    const allowed = FIELDS[name as keyof ClassifyContext];
    if (value === undefined) continue;
    if (typeof value !== "string" || value.length > MAX_VALUE)
      throw new ClassifyContextError(`context.${name}`, `must be a string of at most ${MAX_VALUE} characters`);
    if (allowed && !allowed.includes(value)) throw new ClassifyContextError(`context.${name}`, `must be one of ${allowed.join(", ")}`);
    context[name] = name === "extensionType" ? value.toLowerCase() : value;
  }
  return context as ClassifyContext;
}
export { FIELDS as CONTEXT_FIELDS, MAX_VALUE as MAX_CONTEXT_VALUE };
