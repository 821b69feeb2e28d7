/**
 * Route templates as the Functions host reads them (ASP.NET Core routing): literal segments match
 * case-insensitively, `{name}` takes one segment, `{name?}` may be absent, `{name=default}` has a
 * default, `{name:int}` / `{name:regex(^a+$)}` / `{name:length(3,10)}` ... are constraints, and a
 * final `{*rest}` (or `{**rest}`) takes the remaining path, slashes included.
 */

export class RouteTemplateError extends Error {
  readonly code = "InvalidRouteTemplate";
  constructor(
    readonly template: string,
    message: string,
  ) {
    super(`route template "${template}": ${message}`);
    this.name = "RouteTemplateError";
  }
}

type Constraint = (value: string) => boolean;

type Segment =
  | { kind: "literal"; text: string }
  | { kind: "param"; name: string; optional: boolean; defaultValue?: string; catchAll: boolean; constraints: Constraint[]; constrained: boolean };

export interface RouteTemplate {
  template: string;
  segments: Segment[];
  /** Lower sorts first: literals before constrained parameters before parameters before catch-alls. */
  precedence: number[];
}

const NUMBER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function numbers(args: string, count: number, template: string, name: string): number[] {
  const values = args.split(",").map((a) => Number(a.trim()));
  if (values.length !== count || values.some((v) => !Number.isFinite(v)))
    throw new RouteTemplateError(template, `constraint ${name}(${args}) needs ${count} number(s)`);
  return values;
}

function constraintFor(spec: string, template: string): Constraint {
  const match = /^([a-z]+)(?:\((.*)\))?$/is.exec(spec);
  if (!match) throw new RouteTemplateError(template, `unreadable constraint "${spec}"`);
  const [, rawName, args = ""] = match;
  const name = rawName.toLowerCase();
  switch (name) {
    case "int":
      return (v) => NUMBER.test(v) && Math.abs(Number(v)) <= 2 ** 31;
    case "long":
      return (v) => NUMBER.test(v);
    case "decimal":
    case "double":
    case "float":
      return (v) => DECIMAL.test(v);
    case "bool":
      return (v) => /^(true|false)$/i.test(v);
    case "datetime":
      return (v) => !Number.isNaN(Date.parse(v));
    case "guid":
      return (v) => /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(v) && v.startsWith("{") === v.endsWith("}");
    case "alpha":
      return (v) => /^[a-z]*$/i.test(v);
    case "minlength": {
      const [n] = numbers(args, 1, template, name);
      return (v) => v.length >= n;
    }
    case "maxlength": {
      const [n] = numbers(args, 1, template, name);
      return (v) => v.length <= n;
    }
    case "length": {
      const bounds = args.includes(",") ? numbers(args, 2, template, name) : numbers(args, 1, template, name).concat(Number(args));
      return (v) => v.length >= bounds[0] && v.length <= bounds[1];
    }
    case "min": {
      const [n] = numbers(args, 1, template, name);
      return (v) => NUMBER.test(v) && Number(v) >= n;
    }
    case "max": {
      const [n] = numbers(args, 1, template, name);
      return (v) => NUMBER.test(v) && Number(v) <= n;
    }
    case "range": {
      const [lo, hi] = numbers(args, 2, template, name);
      return (v) => NUMBER.test(v) && Number(v) >= lo && Number(v) <= hi;
    }
    case "regex": {
      // ASP.NET Core evaluates route regexes case-insensitively and unanchored unless the pattern anchors itself.
      let regex: RegExp;
      try {
        regex = new RegExp(args, "i");
      } catch (err) {
        throw new RouteTemplateError(template, `constraint regex(${args}): ${(err as Error).message}`);
      }
      return (v) => regex.test(v);
    }
    default:
      throw new RouteTemplateError(template, `unknown constraint "${rawName}"`);
  }
}

/** Splits `name:c1:regex(a:b)` on colons outside parentheses. */
function splitConstraints(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of body) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === ":" && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function parseSegment(text: string, template: string, isLast: boolean): Segment {
  // `{{` and `}}` are escaped braces inside regex constraints.
  const unescaped = text.replace(/\{\{/g, "\u0001").replace(/\}\}/g, "\u0002");
  if (!unescaped.includes("{") && !unescaped.includes("}")) return { kind: "literal", text: text.replace(/\{\{/g, "{").replace(/\}\}/g, "}") };
  const match = /^\{([^{}]*)\}$/.exec(unescaped);
  if (!match) throw new RouteTemplateError(template, `segment "${text}" mixes text and parameters, which the local host does not support`);
  // \u0001/\u0002 stand for escaped braces ({{ and }}) while the segment is split.
  // eslint-disable-next-line no-control-regex
  const body = match[1].replace(/\u0001/g, "{").replace(/\u0002/g, "}");
  const [head, ...constraintSpecs] = splitConstraints(body);
  let name = head;
  const catchAll = name.startsWith("*");
  name = name.replace(/^\*{1,2}/, "");
  let defaultValue: string | undefined;
  let optional = false;
  // Default and optional markers may follow the constraints too: {id:int?} or {id:int=5}.
  const tail = constraintSpecs.length ? constraintSpecs[constraintSpecs.length - 1] : undefined;
  const strip = (s: string): string => {
    const eq = s.indexOf("=");
    if (eq >= 0 && !s.slice(0, eq).includes("(")) {
      defaultValue = s.slice(eq + 1);
      s = s.slice(0, eq);
    }
    if (s.endsWith("?")) {
      optional = true;
      s = s.slice(0, -1);
    }
    return s;
  };
  name = strip(name);
  if (tail !== undefined) constraintSpecs[constraintSpecs.length - 1] = strip(tail);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RouteTemplateError(template, `bad parameter name "${name}"`);
  if (catchAll && !isLast) throw new RouteTemplateError(template, `catch-all {*${name}} must be the last segment`);
  return {
    kind: "param",
    name,
    optional: optional || catchAll,
    defaultValue,
    catchAll,
    constraints: constraintSpecs.map((c) => constraintFor(c, template)),
    constrained: constraintSpecs.length > 0,
  };
}

export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^~?\//, "").replace(/\/$/, "");
  const texts = trimmed === "" ? [] : trimmed.split("/");
  const segments = texts.map((t, i) => parseSegment(t, template, i === texts.length - 1));
  const names = new Set<string>();
  segments.forEach((s, i) => {
    if (s.kind !== "param") return;
    if (names.has(s.name.toLowerCase())) throw new RouteTemplateError(template, `parameter "${s.name}" appears twice`);
    names.add(s.name.toLowerCase());
    const later = segments.slice(i + 1);
    if (s.optional && later.some((l) => l.kind === "literal" || (l.kind === "param" && !l.optional && l.defaultValue === undefined))) {
      throw new RouteTemplateError(template, `optional parameter "${s.name}" must not be followed by required segments`);
    }
  });
  const precedence = segments.map((s) => (s.kind === "literal" ? 1 : s.catchAll ? 5 : s.constrained ? 2 : 3));
  return { template, segments, precedence };
}

/** Percent-decodes a segment; invalid escapes stay as written, as Kestrel leaves them. */
function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/(%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** Matches a path (after the route prefix, no query) and returns the route values, or undefined. */
export function matchRoute(route: RouteTemplate, path: string): Record<string, string> | undefined {
  const parts = path.replace(/^\/+/, "").replace(/\/+$/, "");
  const segments = parts === "" ? [] : parts.split("/");
  const values: Record<string, string> = {};
  let i = 0;
  for (const seg of route.segments) {
    if (seg.kind === "literal") {
      if (i >= segments.length || decodeSegment(segments[i]).toLowerCase() !== seg.text.toLowerCase()) return undefined;
      i++;
      continue;
    }
    let value: string | undefined;
    if (seg.catchAll) {
      value = i < segments.length ? segments.slice(i).map(decodeSegment).join("/") : undefined;
      i = segments.length;
    } else if (i < segments.length) {
      value = decodeSegment(segments[i]);
      i++;
    }
    if (value === undefined || value === "") {
      if (seg.defaultValue !== undefined) value = seg.defaultValue;
      else if (seg.optional) continue;
      else return undefined;
    }
    if (!seg.constraints.every((c) => c(value as string))) return undefined;
    values[seg.name] = value;
  }
  return i === segments.length ? values : undefined;
}

/** Orders routes as the host tries them: more specific templates first. */
export function compareRoutes(a: RouteTemplate, b: RouteTemplate): number {
  const n = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < n; i++) {
    const pa = a.precedence[i] ?? 0;
    const pb = b.precedence[i] ?? 0;
    if (pa !== pb) return pa - pb;
  }
  return a.template.localeCompare(b.template);
}
