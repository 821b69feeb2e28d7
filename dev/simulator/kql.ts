/**
 * The small part of KQL the simulator understands: enough for the collector's paged fleet queries.
 * Anything else is rejected, so a collector change that real ARG might accept but we cannot check
 * fails loudly instead of silently returning the wrong rows.
 *
 * Grammar (keywords and table names case-insensitive, strings in '...' or "..."):
 *
 *   query     := table ( '|' stage )*
 *   table     := 'resources' | 'kubernetesconfigurationresources' | 'resourcecontainers' (subscriptions only)
 *   stage     := 'where' predicate ( 'or' predicate )*
 *              | 'project' column ( ',' column )*
 *              | ( 'order' | 'sort' ) 'by' 'id' [ 'asc' | 'desc' ]
 *              | 'summarize' 'count' '(' ')' 'by' 'subscriptionId'   -- rows { subscriptionId, count_ }
 *   predicate := [ '(' ] field op value [ ')' ]
 *   field     := 'type' | 'subscriptionId' | 'resourceGroup' | 'name' | 'id'
 *   op        := '=~' (case-insensitive) | '==' (case-sensitive) | 'in~' | 'in'
 *   value     := string | '(' string ( ',' string )* ')'      -- a list only after in / in~
 *   column    := one of ARG_COLUMNS
 *
 * Several `where` stages must all hold. Rows are always ordered by id (ascending unless `desc`),
 * which is what keeps $skipToken paging stable.
 */

export const ARG_TABLES = ["resources", "kubernetesconfigurationresources", "resourcecontainers"] as const;
export type ArgTable = (typeof ARG_TABLES)[number];

export const ARG_COLUMNS = [
  "id",
  "name",
  "type",
  "tenantId",
  "kind",
  "location",
  "resourceGroup",
  "subscriptionId",
  "managedBy",
  "sku",
  "plan",
  "properties",
  "tags",
  "identity",
  "zones",
  "extendedLocation",
] as const;
const FIELDS = ["type", "subscriptionId", "resourceGroup", "name", "id"] as const;
type Field = (typeof FIELDS)[number];

export interface Predicate {
  field: Field;
  caseSensitive: boolean;
  values: string[];
}

export interface ParsedQuery {
  table: ArgTable;
  /** Each inner array is one `where` stage: its predicates are or-ed; the stages are and-ed. */
  where: Predicate[][];
  /** Projected columns in order; undefined when there is no `project`. */
  project?: string[];
  descending: boolean;
  /** `summarize count() by <field>`: one row per value with its count in `count_`, as Resource Graph names it. */
  summarize?: "subscriptionId";
}

export class KqlError extends Error {
  readonly code = "InvalidQuery";
  constructor(
    message: string,
    readonly position: number,
    readonly token: string,
  ) {
    super(message);
    this.name = "KqlError";
  }
}

type Token = { text: string; pos: number; string?: boolean };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:'([^']*)'|"([^"]*)"|(=~|==|!~|!=|in~|[|(),])|([A-Za-z_][A-Za-z0-9_.]*))/y;
  let pos = 0;
  while (pos < query.length) {
    if (/^\s*$/.test(query.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(query);
    if (!m) throw new KqlError(`Unexpected character at position ${pos}`, pos, query.slice(pos, pos + 10).trim());
    const start = m.index + m[0].length - m[0].trimStart().length;
    if (m[1] !== undefined || m[2] !== undefined) tokens.push({ text: m[1] ?? m[2], pos: start, string: true });
    else tokens.push({ text: m[3] ?? m[4], pos: start });
    pos = re.lastIndex;
  }
  return tokens;
}

export function parseQuery(query: string): ParsedQuery {
  const tokens = tokenize(query);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string): never => {
    const t = tokens[i];
    throw new KqlError(`${what}${t ? ` but found '${t.text}'` : " but the query ended"}`, t?.pos ?? query.length, t?.text ?? "<EOF>");
  };
  const word = (expected?: string): string => {
    const t = tokens[i];
    if (!t || t.string || (expected && t.text.toLowerCase() !== expected)) fail(`Expected ${expected ? `'${expected}'` : "a name"}`);
    i++;
    return t.text;
  };
  const str = (): string => {
    const t = tokens[i];
    if (!t?.string) fail("Expected a string literal");
    i++;
    return t.text;
  };
  const is = (text: string) => peek() !== undefined && !peek().string && peek().text.toLowerCase() === text;

  const tableName = word().toLowerCase();
  if (!(ARG_TABLES as readonly string[]).includes(tableName)) {
    i--;
    fail(`Unsupported table; expected one of ${ARG_TABLES.join(", ")}`);
  }
  const parsed: ParsedQuery = { table: tableName as ArgTable, where: [], descending: false };

  while (i < tokens.length) {
    word("|");
    const stage = word().toLowerCase();
    if (stage === "where") {
      const ors: Predicate[] = [parsePredicate()];
      while (is("or")) {
        i++;
        ors.push(parsePredicate());
      }
      parsed.where.push(ors);
    } else if (stage === "project") {
      const columns = [column()];
      while (is(",")) {
        i++;
        columns.push(column());
      }
      parsed.project = columns;
    } else if (stage === "summarize") {
      word("count");
      word("(");
      word(")");
      word("by");
      word("subscriptionid");
      parsed.summarize = "subscriptionId";
    } else if (stage === "order" || stage === "sort") {
      word("by");
      word("id");
      if (is("asc") || is("desc")) parsed.descending = word().toLowerCase() === "desc";
    } else {
      i--;
      fail("Unsupported operator; the simulator accepts where, project, summarize count() by subscriptionId and order by id");
    }
  }
  return parsed;

  function column(): string {
    const name = word();
    const known = ARG_COLUMNS.find((c) => c.toLowerCase() === name.toLowerCase());
    if (!known) {
      i--;
      fail(`Failed to resolve column or scalar expression named '${name}'`);
    }
    return known as string;
  }

  function parsePredicate(): Predicate {
    const paren = is("(");
    if (paren) i++;
    const fieldName = word();
    const field = FIELDS.find((f) => f.toLowerCase() === fieldName.toLowerCase());
    if (!field) {
      i--;
      fail(`Unsupported filter field; expected one of ${FIELDS.join(", ")}`);
    }
    const op = word().toLowerCase();
    let values: string[];
    if (op === "=~" || op === "==") values = [str()];
    else if (op === "in~" || op === "in") {
      word("(");
      values = [str()];
      while (is(",")) {
        i++;
        values.push(str());
      }
      word(")");
    } else {
      i--;
      return fail("Unsupported comparison; expected =~, ==, in~ or in");
    }
    if (paren) word(")");
    return { field: field as Field, caseSensitive: op === "==" || op === "in", values };
  }
}

/** Whether a row (its filterable fields) passes every `where` stage. */
export function matches(query: ParsedQuery, row: Record<Field, string>): boolean {
  return query.where.every((ors) =>
    ors.some((p) => {
      const value = row[p.field];
      return p.caseSensitive ? p.values.includes(value) : p.values.some((v) => v.toLowerCase() === value.toLowerCase());
    }),
  );
}
