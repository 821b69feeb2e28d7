/**
 * Evaluates the pure expressions of a Bicep file (variables built from parameters with string and
 * array functions and lambdas), so a test can run them on sample inputs. Covers the functions infra/
 * uses in such variables; anything else throws rather than guessing.
 */
import type { Node } from "web-tree-sitter";
import { type BicepFile, declarations, valueOf } from "./bicep";

type Value = string | number | boolean | Value[] | { [key: string]: Value } | Callable;
type Callable = (...args: Value[]) => Value;

const named = (node: Node): Node[] => node.namedChildren.filter((child): child is Node => child !== null);
const asString = (v: Value): string => {
  if (typeof v !== "string") throw new TypeError(`expected a string, got ${JSON.stringify(v)}`);
  return v;
};
const asArray = (v: Value): Value[] => {
  if (!Array.isArray(v)) throw new TypeError(`expected an array, got ${JSON.stringify(v)}`);
  return v;
};
const same = (a: Value, b: Value) => JSON.stringify(a) === JSON.stringify(b);

const BUILTINS: Record<string, Callable> = {
  array: (v) => (Array.isArray(v) ? v : [v]),
  empty: (v) => (typeof v === "string" || Array.isArray(v) ? v.length === 0 : Object.keys(v as object).length === 0),
  endsWith: (s, x) => asString(s).toLowerCase().endsWith(asString(x).toLowerCase()),
  startsWith: (s, x) => asString(s).toLowerCase().startsWith(asString(x).toLowerCase()),
  filter: (a, f) => asArray(a).filter((item, i) => (f as Callable)(item, i) === true),
  map: (a, f) => asArray(a).map((item, i) => (f as Callable)(item, i)),
  indexOf: (a, x) => (Array.isArray(a) ? a.findIndex((item) => same(item, x)) : asString(a).toLowerCase().indexOf(asString(x).toLowerCase())),
  join: (a, sep) => asArray(a).map(asString).join(asString(sep)),
  last: (a) => (Array.isArray(a) ? a[a.length - 1] : asString(a).slice(-1)),
  length: (v) => (typeof v === "string" || Array.isArray(v) ? v.length : Object.keys(v as object).length),
  split: (s, sep) => asString(s).split(asString(sep)),
  substring: (s, start, length) => asString(s).substr(start as number, length as number),
  toLower: (s) => asString(s).toLowerCase(),
  trim: (s) => asString(s).trim(),
  union: (...arrays) => arrays.flatMap(asArray).filter((item, i, all) => all.findIndex((other) => same(other, item)) === i),
};

const OPERATORS: Record<string, (a: Value, b: Value) => Value> = {
  "==": (a, b) => same(a, b),
  "!=": (a, b) => !same(a, b),
  "&&": (a, b) => a === true && b === true,
  "||": (a, b) => a === true || b === true,
  "-": (a, b) => (a as number) - (b as number),
  "+": (a, b) => (a as number) + (b as number),
};

/**
 * A variable's value, with the given parameter values (others take their defaults) and extra
 * functions such as `subscription` (deployment functions are the caller's to define).
 */
export function evaluateVariable(file: BicepFile, name: string, params: Record<string, Value>, functions: Record<string, Callable> = {}): Value {
  const decls = declarations(file);
  const cache = new Map<string, Value>();
  const lookup = (id: string, scope: Map<string, Value>): Value => {
    if (scope.has(id)) return scope.get(id)!;
    if (id in params) return params[id];
    if (cache.has(id)) return cache.get(id)!;
    const decl = decls.find((d) => d.name === id && (d.kind === "var" || d.kind === "param"));
    if (!decl || !valueOf(decl)) throw new Error(`${file.name}: no value for ${id}`);
    const value = evaluate(valueOf(decl)!, new Map());
    cache.set(id, value);
    return value;
  };
  const callable = (id: string, scope: Map<string, Value>): Callable => {
    if (scope.has(id)) return scope.get(id) as Callable;
    const own = decls.find((d) => d.kind === "func" && d.name === id);
    if (own) {
      const parameters = own.node.descendantsOfType("parameter").map((p) => named(p!)[0].text);
      const body = named(own.node).at(-1)!;
      return (...args) => evaluate(body, new Map(parameters.map((p, i) => [p, args[i]])));
    }
    const fn = functions[id] ?? BUILTINS[id];
    if (!fn) throw new Error(`${file.name}: function ${id} is not supported by the evaluator`);
    return fn;
  };
  const evaluate = (node: Node, scope: Map<string, Value>): Value => {
    const [first, second, third] = named(node);
    switch (node.type) {
      case "string":
        return named(node)
          .map((part) =>
            part.type === "interpolation"
              ? asString(evaluate(named(part)[0], scope))
              : part.type === "escape_sequence"
                ? JSON.parse(`"${part.text}"`)
                : part.text,
          )
          .join("");
      case "number":
        return Number(node.text);
      case "boolean":
        return node.text === "true";
      case "identifier":
        return lookup(node.text, scope);
      case "parenthesized_expression":
        return evaluate(first, scope);
      case "array":
        return named(node).map((item) => evaluate(item, scope));
      case "unary_expression":
        return !evaluate(first, scope);
      case "ternary_expression":
        return evaluate(first, scope) === true ? evaluate(second, scope) : evaluate(third, scope);
      case "binary_expression": {
        const operator = node.children.find((c) => c && !c.isNamed)!.type;
        return OPERATORS[operator](evaluate(first, scope), evaluate(second, scope));
      }
      case "subscript_expression":
        return (evaluate(first, scope) as Value[])[evaluate(second, scope) as number];
      case "member_expression":
        return (evaluate(first, scope) as Record<string, Value>)[second.text];
      case "call_expression":
        return callable(first.text, scope)(...named(second).map((arg) => evaluate(arg, scope)));
      case "lambda_expression": {
        const head = first.type === "identifier" ? [first] : named(first);
        return (...args) => evaluate(second, new Map([...scope, ...head.map((p, i): [string, Value] => [p.text, args[i]])]));
      }
      default:
        throw new Error(`${file.name}: ${node.type} is not supported by the evaluator: ${node.text}`);
    }
  };
  return lookup(name, new Map());
}
