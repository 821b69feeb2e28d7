/**
 * Scores the classifier on the corpus of real messages users reported (real-messages.jsonl): per
 * catalog category, precision (of the documented answers given, how many were right) and recall (of
 * the messages the catalog documents, how many were found). Shared by the corpus test and the report
 * printed into docs/catalog.md.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { classify, getEntry, parseClassifyContext } from "../../../shared/catalog";

export interface CorpusLine {
  message: string;
  source: string;
  /** The catalog id a person judged right, or null when no entry documents the failure. */
  expected: string | null;
  why: string;
  context?: Record<string, string>;
}

export interface CategoryScore {
  category: string;
  /** Messages whose expected entry is in this category. */
  expected: number;
  /** Of those, classified to the expected entry. */
  found: number;
  /** Answers given in this category (right or wrong). */
  answered: number;
  /** Answers given in this category that were the wrong entry (a wrong documented answer). */
  wrong: number;
}

export interface CorpusScore {
  lines: number;
  categories: CategoryScore[];
  /** Lines whose answer was a documented entry other than the expected one (including null expected). */
  wrongAnswers: Array<{ line: CorpusLine; got: string }>;
  /** Lines with an expected entry that got no answer. */
  missed: CorpusLine[];
}

/** The corpus the catalog was tuned on, and the held-out set collected after it to measure new messages. */
export const TUNED = "real-messages.jsonl";
export const HELD_OUT = "held-out.jsonl";

export function loadCorpus(file: typeof TUNED | typeof HELD_OUT = TUNED): CorpusLine[] {
  const text = readFileSync(join(__dirname, file), "utf8");
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as CorpusLine);
}

const categoryOf = (id: string) => getEntry(id)?.category ?? `unknown id ${id}`;

export function scoreCorpus(lines: CorpusLine[] = loadCorpus()): CorpusScore {
  const byCategory = new Map<string, CategoryScore>();
  const score = (category: string) => {
    let s = byCategory.get(category);
    if (!s) byCategory.set(category, (s = { category, expected: 0, found: 0, answered: 0, wrong: 0 }));
    return s;
  };
  const wrongAnswers: CorpusScore["wrongAnswers"] = [];
  const missed: CorpusLine[] = [];
  for (const line of lines) {
    const got = classify(line.message, parseClassifyContext(line.context)).catalogId;
    if (line.expected) {
      const s = score(categoryOf(line.expected));
      s.expected++;
      if (got === line.expected) s.found++;
      else if (got === null) missed.push(line);
    }
    if (got) {
      const s = score(categoryOf(got));
      s.answered++;
      if (got !== line.expected) {
        s.wrong++;
        wrongAnswers.push({ line, got });
      }
    }
  }
  const categories = [...byCategory.values()].sort((a, b) => a.category.localeCompare(b.category));
  return { lines: lines.length, categories, wrongAnswers, missed };
}

const ratio = (n: number, d: number) => (d === 0 ? "-" : `${((100 * n) / d).toFixed(0)}%`);

/** The per-category table as Markdown (docs/catalog.md). */
export function scoreTable(score: CorpusScore): string {
  const rows = score.categories.map((c) => `| ${c.category} | ${c.expected} | ${c.found} | ${ratio(c.found, c.expected)} | ${c.answered} | ${ratio(c.answered - c.wrong, c.answered)} |`);
  const total = score.categories.reduce((t, c) => ({ expected: t.expected + c.expected, found: t.found + c.found, answered: t.answered + c.answered, wrong: t.wrong + c.wrong }), { expected: 0, found: 0, answered: 0, wrong: 0 });
  return [
    "| category | documented messages | found | recall | answers given | precision |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows,
    `| **all** (${score.lines} messages, ${score.lines - total.expected} with no entry) | ${total.expected} | ${total.found} | ${ratio(total.found, total.expected)} | ${total.answered} | ${ratio(total.answered - total.wrong, total.answered)} |`,
  ].join("\n");
}

// `npx tsx test/catalog/corpus/score.ts` prints each set's table and every miss, for docs/catalog.md.
if (require.main === module) {
  for (const file of [TUNED, HELD_OUT] as const) {
    const score = scoreCorpus(loadCorpus(file));
    console.log(`\n${file}\n${scoreTable(score)}`);
    for (const { line, got } of score.wrongAnswers) console.log(`WRONG ${got} (expected ${line.expected}): ${line.message.slice(0, 160)}`);
    for (const line of score.missed) console.log(`MISSED ${line.expected}: ${line.message.slice(0, 160)}`);
  }
}
