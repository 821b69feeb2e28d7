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

export function answerOf(classification: Classification): ClassifyAnswer {
  const entry = classification.catalogId ? getEntry(classification.catalogId) : undefined;
  if (!entry) return classification;
  return { ...classification, title: entry.title, category: entry.category, severity: entry.severity, docUrl: entry.docUrl };
}

/** One `--jsonl` input line (number `lineNumber`, from 1) to its output object; never throws. */
export function classifyLine(line: Line, lineNumber: number): ClassifyAnswer | ClassifyLineError {
  try {
    if (line === OVERSIZED_LINE) throw new Error(`line longer than ${MAX_LINE_CHARS} characters: expected one JSON object with a "message"`);
    if (!line.trim()) throw new Error('empty line: expected a JSON object with a "message"');
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch (err) {
      throw new Error(`not JSON: ${(err as Error).message}`, { cause: err });
    }
    if (typeof request !== "object" || request === null || Array.isArray(request)) throw new Error(`expected a JSON object with a "message"`);
    const { message, context } = request as { message?: unknown; context?: unknown };
    if (typeof message !== "string") throw new Error(`"message" must be a string`);
    return answerOf(classify(message, parseClassifyContext(context)));
  } catch (err) {
    return { catalogId: null, error: { code: "InvalidInput", message: (err as Error).message, line: lineNumber } };
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
    for (const line of lines) if (out.add(JSON.stringify(classifyLine(line, ++lineNumber)))) await out.flush();
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
