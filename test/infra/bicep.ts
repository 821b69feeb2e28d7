/**
 * Reading Bicep without a Bicep compiler: the tree-sitter-bicep grammar (WebAssembly, no native
 * build) and a few helpers over its syntax tree for the structural tests.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Language, Parser, type Node } from "web-tree-sitter";

export const INFRA_DIR = resolve(__dirname, "../../infra");

export interface BicepFile {
  /** Path relative to infra/, with forward slashes. */
  name: string;
  path: string;
  source: string;
  root: Node;
}

export interface Resource {
  symbol: string;
  /** Full resource type, e.g. Microsoft.Web/sites. */
  type: string;
  apiVersion: string;
  existing: boolean;
  /** `if (...)` deployment condition, as source text. */
  condition?: string;
  /** The resource body (the object, also inside a loop or condition). */
  body: Node;
}

let parser: Parser | undefined;

async function getParser(): Promise<Parser> {
  if (!parser) {
    await Parser.init();
    const language = await Language.load(require.resolve("tree-sitter-bicep/tree-sitter-bicep.wasm"));
    parser = new Parser();
    parser.setLanguage(language);
  }
  return parser;
}

export async function parseBicep(source: string, name = "inline.bicep", path = name): Promise<BicepFile> {
  const tree = (await getParser()).parse(source);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${name}`);
  return { name, path, source, root: tree.rootNode };
}

/** Every .bicep file under infra/, parsed. */
export async function loadInfra(): Promise<Map<string, BicepFile>> {
  const files = new Map<string, BicepFile>();
  for (const entry of readdirSync(INFRA_DIR, { recursive: true, encoding: "utf8" })) {
    if (!entry.endsWith(".bicep")) continue;
    const path = join(INFRA_DIR, entry);
    const name = relative(INFRA_DIR, path).split("\\").join("/");
    files.set(name, await parseBicep(readFileSync(path, "utf8"), name, path));
  }
  return files;
}

/** ERROR and MISSING nodes as `line:column text`, one-based. */
export function syntaxErrors(root: Node): string[] {
  const errors: string[] = [];
  const walk = (node: Node) => {
    if (node.type === "ERROR" || node.isMissing) {
      const where = `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
      errors.push(`${where} ${node.isMissing ? `missing ${node.type}` : `unexpected ${JSON.stringify(node.text.slice(0, 40))}`}`);
    }
    for (const child of node.children) if (child) walk(child);
  };
  walk(root);
  return errors;
}

const named = (node: Node): Node[] => node.namedChildren.filter((child): child is Node => child !== null);

/** The object inside `= {...}`, `= if (c) {...}` or `= [for x in y: {...}]`. */
function declarationBody(node: Node): { body: Node; condition?: string } {
  const value = named(node).at(-1);
  if (!value) throw new Error(`declaration without a value at ${node.startPosition.row + 1}`);
  if (value.type === "object") return { body: value };
  if (value.type === "if_statement") {
    const [condition, body] = named(value);
    return { body: body, condition: condition.text };
  }
  if (value.type === "for_statement") {
    const inner = named(value).at(-1)!;
    return inner.type === "if_statement" ? declarationBody(value) : { body: inner };
  }
  throw new Error(`unexpected declaration value ${value.type} at ${value.startPosition.row + 1}`);
}

export function stringLiteral(node: Node | undefined): string | undefined {
  if (!node || node.type !== "string") return undefined;
  if (named(node).some((child) => child.type === "interpolation")) return undefined;
  return named(node)
    .map((child) => child.text)
    .join("");
}

export function resources(file: BicepFile): Resource[] {
  return named(file.root)
    .filter((node) => node.type === "resource_declaration")
    .map((node) => {
      const [symbol, typeNode] = named(node);
      const [type, apiVersion] = (stringLiteral(typeNode) ?? "").split("@");
      return {
        symbol: symbol.text,
        type,
        apiVersion,
        existing: node.children.some((child) => child?.type === "existing"),
        ...declarationBody(node),
      };
    });
}

export interface Declaration {
  kind: "param" | "var" | "output" | "module" | "type" | "func";
  name: string;
  node: Node;
  /** Decorator names, e.g. `secure`, `description`. */
  decorators: string[];
  /** Decorator name to its argument list as source text, e.g. minValue -> `1`. */
  decoratorArgs: Record<string, string>;
}

const DECLARATIONS: Record<string, Declaration["kind"]> = {
  parameter_declaration: "param",
  variable_declaration: "var",
  output_declaration: "output",
  module_declaration: "module",
  type_declaration: "type",
  user_defined_function: "func",
};

export function declarations(file: BicepFile): Declaration[] {
  const result: Declaration[] = [];
  let decorators: string[] = [];
  let decoratorArgs: Record<string, string> = {};
  for (const node of named(file.root)) {
    if (node.type === "comment" || node.type === "diagnostic_comment") continue;
    if (node.type === "decorators") {
      const calls = node.descendantsOfType("decorator").map((d) => d?.namedChildren[0]);
      decorators = calls.map((call) => call?.namedChildren[0]?.text ?? "");
      decoratorArgs = Object.fromEntries(calls.map((call) => [call?.namedChildren[0]?.text ?? "", call?.namedChildren[1]?.text.replace(/^\(|\)$/g, "") ?? ""]));
      continue;
    }
    const kind = DECLARATIONS[node.type];
    if (kind) result.push({ kind, name: named(node)[0].text, node, decorators, decoratorArgs });
    decorators = [];
    decoratorArgs = {};
  }
  return result;
}

export function declaration(file: BicepFile, kind: Declaration["kind"], name: string): Declaration {
  const found = declarations(file).find((d) => d.kind === kind && d.name === name);
  if (!found) throw new Error(`${file.name}: no ${kind} ${name}`);
  return found;
}

/** The default value of a param, or its value for a var/output. */
export function valueOf(decl: Declaration): Node | undefined {
  const children = decl.node.children;
  const equals = children.findIndex((child) => child?.type === "=");
  return equals >= 0 ? (children[equals + 1] ?? undefined) : undefined;
}

export function objectProperties(object: Node | undefined): Map<string, Node> {
  const properties = new Map<string, Node>();
  if (!object || object.type !== "object") return properties;
  for (const property of named(object).filter((node) => node.type === "object_property")) {
    const [key, value] = named(property);
    properties.set(key.type === "string" ? (stringLiteral(key) ?? key.text) : key.text, value);
  }
  return properties;
}

/** `a.b.c` through nested object literals. */
export function propertyAt(object: Node | undefined, path: string): Node | undefined {
  let current = object;
  for (const key of path.split(".")) current = objectProperties(current).get(key);
  return current;
}

/** Every object literal under a node, the node itself included. */
export function objectsUnder(node: Node): Node[] {
  return [...(node.type === "object" ? [node] : []), ...node.descendantsOfType("object").filter((n): n is Node => n !== null)];
}

/** Names of the functions called anywhere in a file (e.g. listKeys). */
export function calledFunctions(file: BicepFile): string[] {
  return file.root
    .descendantsOfType("call_expression")
    .map((call) => call?.namedChildren[0])
    .filter((callee): callee is Node => callee !== null && callee !== undefined)
    .map((callee) => (callee.type === "member_expression" ? (callee.namedChildren.at(-1)?.text ?? "") : callee.text));
}

/** Identifiers used as values that no declaration, loop, lambda or function parameter introduces. */
export function undeclaredIdentifiers(file: BicepFile): string[] {
  const declared = new Set(declarations(file).map((d) => d.name));
  for (const r of resources(file)) declared.add(r.symbol);
  const bindings = file.root.descendantsOfType(["loop_variable", "loop_enumerator", "parameter"]);
  for (const node of bindings) if (node) declared.add(node.type === "parameter" ? named(node)[0].text : node.text);
  // `for item in items:` (no parentheses) binds a plain identifier.
  for (const loop of file.root.descendantsOfType("for_statement")) {
    const first = loop?.namedChildren[0];
    if (first?.type === "identifier") declared.add(first.text);
  }
  for (const lambda of file.root.descendantsOfType("lambda_expression")) {
    const head = lambda?.namedChildren[0];
    if (!head) continue;
    for (const id of head.type === "identifier" ? [head] : head.descendantsOfType("identifier")) if (id) declared.add(id.text);
  }
  const unknown = new Set<string>();
  for (const id of file.root.descendantsOfType("identifier")) {
    if (!id?.parent) continue;
    const parent = id.parent;
    const isFirstChild = parent.namedChildren[0]?.id === id.id;
    const declaresOrNames =
      ["object_property", "call_expression", "resource_declaration", "metadata_declaration"].includes(parent.type) || DECLARATIONS[parent.type];
    if (isFirstChild && declaresOrNames) continue;
    if (parent.type === "parameter" || parent.type === "decorator") continue;
    if (!declared.has(id.text)) unknown.add(`${id.text}@${id.startPosition.row + 1}`);
  }
  return [...unknown];
}

/** The file a module declaration points at, resolved against the declaring file. */
export function modulePath(file: BicepFile, decl: Declaration): string {
  const target = stringLiteral(named(decl.node)[1]);
  if (!target) throw new Error(`${file.name}: module ${decl.name} has no literal path`);
  return relative(INFRA_DIR, resolve(dirname(file.path), target))
    .split("\\")
    .join("/");
}

export function moduleBody(decl: Declaration): Node {
  return declarationBody(decl.node).body;
}

/** The targetScope of a file; resource group when not set. */
export function targetScope(file: BicepFile): string {
  const assignment = named(file.root).find((node) => node.type === "target_scope_assignment");
  return stringLiteral(assignment ? named(assignment).at(-1) : undefined) ?? "resourceGroup";
}
