import { classify, getEntry, type CatalogEntry, type ClassifyContext } from "../../shared/catalog";
import { parseClassifyContext } from "../../shared/catalog/context";
import type { Classification } from "../../shared/core/model";
import { type CliIo, UsageError, parseArgs } from "../io";
import { type Line, lineBatches, MAX_LINE_CHARS, OVERSIZED_LINE, PieceWriter } from "../lines";

/** One answer line of `classify --jsonl`: the classification plus what a reader needs from the entry. */
export interface ClassifyAnswer extends Classification {
  title?: string;
  category?: string;
  severity?: string;
  docUrl?: string;
}

/** The answer for a line that could not be read: the line keeps its place in the output and names its number. */
export interface ClassifyLineError {
  catalogId: null;
  error: { code: "InvalidInput"; message: string; line: number };
}

/** The entry's part of an answer, after the classification's own fields. */
const entryFields = (entry: CatalogEntry) => ({ title: entry.title, category: entry.category, severity: entry.severity, docUrl: entry.docUrl });

/** The answer object of one classification: what `answerLine` writes. */
export function answerOf(classification: Classification): ClassifyAnswer {
  const entry = classification.catalogId ? getEntry(classification.catalogId) : undefined;
  return entry ? { ...classification, ...entryFields(entry) } : classification;
}

/** Per catalog id (null: no match), the answer line's text before the confidence and after the classification's fields. */
const fragments = new Map<string | null, { head: string; tail: string }>();

function fragmentsOf(catalogId: string | null): { head: string; tail: string } {
  let found = fragments.get(catalogId);
  if (!found) {
    const entry = catalogId ? getEntry(catalogId) : undefined;
    const tail = entry ? `,${JSON.stringify(entryFields(entry)).slice(1)}` : "}";
    fragments.set(catalogId, (found = { head: `{"catalogId":${JSON.stringify(catalogId)},"confidence":`, tail }));
  }
  return found;
}

/**
 * `JSON.stringify(answerOf(classification))`, byte for byte, for ~40 % less CPU: the entry's fields (the
 * same for every answer with that id) are serialized once per id, and only the fingerprint and the
 * matched text per answer. A classification of any other shape (keys, their order, types) takes the slow way.
 */
export function answerLine(classification: Classification): string {
  const keys = Object.keys(classification);
  const { catalogId, confidence, fingerprint, matched } = classification;
  const withMatched = keys.length === 4 && keys[3] === "matched" && typeof matched === "string";
  if (
    keys[0] !== "catalogId" ||
    keys[1] !== "confidence" ||
    keys[2] !== "fingerprint" ||
    (keys.length !== 3 && !withMatched) ||
    (catalogId !== null && typeof catalogId !== "string") ||
    !Number.isFinite(confidence) || // a finite number prints as JSON prints it
    typeof fingerprint !== "string"
  )
    return JSON.stringify(answerOf(classification));
  const { head, tail } = fragmentsOf(catalogId);
  const line = `${head}${confidence},"fingerprint":${JSON.stringify(fingerprint)}`;
  return withMatched ? `${line},"matched":${JSON.stringify(matched)}${tail}` : line + tail;
}

/** One `--jsonl` input line (number `lineNumber`, from 1) to its answer line (JSON, without the newline); never throws. */
export function classifyLine(line: Line, lineNumber: number): string {
  try {
    if (line === OVERSIZED_LINE) throw new Error(`line longer than ${MAX_LINE_CHARS} characters: expected one JSON object with a "message"`);
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch (err) {
      // Blank or not is asked only of a line that failed to parse: a JSON line never is.
      throw new Error(line.trim() ? `not JSON: ${(err as Error).message}` : 'empty line: expected a JSON object with a "message"', { cause: err });
    }
    if (typeof request !== "object" || request === null || Array.isArray(request)) throw new Error(`expected a JSON object with a "message"`);
    const { message, context } = request as { message?: unknown; context?: unknown };
    if (typeof message !== "string") throw new Error(`"message" must be a string`);
    return answerLine(classify(message, parseClassifyContext(context)));
  } catch (err) {
    const error: ClassifyLineError = { catalogId: null, error: { code: "InvalidInput", message: (err as Error).message, line: lineNumber } };
    return JSON.stringify(error);
  }
}

/** The readable answer: what it is, why, what to do (with the commands) and where it is documented. */
export function describe(classification: Classification, entry: CatalogEntry | undefined): string[] {
  if (!entry) {
    return [
      "No catalog entry matches this message.",
      `Fingerprint: ${classification.fingerprint}`,
      "Run `fleet-health catalog` to see what the catalog covers.",
    ];
  }
  const lines = [
    `${entry.title}`,
    `Catalog id: ${entry.id} (category ${entry.category}, severity ${entry.severity}, confidence ${classification.confidence})`,
    `Matched: ${classification.matched}`,
    "",
    `Cause: ${entry.cause}`,
    "",
    "Steps:",
  ];
  entry.steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${step.text}`);
    for (const command of step.command?.split("\n") ?? []) lines.push(`       $ ${command}`);
  });
  lines.push("", `Documentation: ${entry.docUrl}`, `Fingerprint: ${classification.fingerprint}`);
  return lines;
}

/**
 * `--jsonl`: one answer line per input line, in order. Answers are written in pieces (one write per line
 * was a third of the run's time): when a piece is full, and once the input read so far is answered,
 * so a slow producer still sees each answer promptly. A write waits while the reader is behind.
 */
async function classifyLines(io: CliIo): Promise<void> {
  const out = new PieceWriter(io.write ?? ((text) => io.stdout(text.slice(0, -1))));
  let lineNumber = 0;
  for await (const lines of lineBatches(io.stdin())) {
    for (const line of lines) if (out.add(classifyLine(line, ++lineNumber))) await out.flush();
    await out.flush();
  }
}

/** `classify [--jsonl] [--component C] [--extension-type T] [MESSAGE]` */
export async function run(args: string[], io: CliIo): Promise<number> {
  const { options, positional } = parseArgs(args, { switches: ["jsonl"], values: ["component", "extension-type"] });
  if (options.jsonl) {
    if (positional.length) throw new UsageError("--jsonl reads messages from standard input; give no MESSAGE argument");
    await classifyLines(io);
    return 0;
  }
  const message = positional.join(" ");
  if (!message.trim()) throw new UsageError("give a MESSAGE to classify, or --jsonl to read JSON lines from standard input");
  let context: ClassifyContext;
  try {
    context = parseClassifyContext({ component: options.component, extensionType: options["extension-type"] });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/"context\.(\w+)"/, (_, field: string) => `--${field === "extensionType" ? "extension-type" : field}`));
  }
  const classification = classify(message, context);
  for (const line of describe(classification, classification.catalogId ? getEntry(classification.catalogId) : undefined)) io.stdout(line);
  return 0;
}
