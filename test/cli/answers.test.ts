/**
 * `classify --jsonl` writes each answer by concatenation, with the entry's part serialized once per id:
 * the line must be JSON.stringify of the answer object, byte for byte, whatever the text holds.
 */
import { describe, expect, it } from "vitest";
import { answerLine, answerOf } from "../../cli/commands/classify";
import { catalog, classify } from "../../shared/catalog";
import type { Classification } from "../../shared/core/model";
import { corpus } from "../bench/classify-corpus";
import { loadCorpus } from "../catalog/corpus/score";

const TRICKY = [
  'quoted "name" and \\back\\slashes\\',
  "tab\there, line\nbreak, carriage\rreturn, nul\u0000, bell\u0007, escape\u001b, del\u007f",
  "unicode: café, naïve, 日本語, emoji 🚀, line separator \u2028 and \u2029",
  "lone surrogates \ud800 and \udfff, a pair \ud83d\ude80",
  "</script><!-- --> & < > '",
  "",
];

function expectSame(classification: Classification): void {
  expect(answerLine(classification)).toBe(JSON.stringify(answerOf(classification)));
}

describe("answerLine", () => {
  it("is JSON.stringify of the answer for every classification of the bench corpus, the real corpus, every example and near miss", () => {
    const messages = [
      ...corpus(6000).map((s) => ({ message: s.message, context: s.context })),
      ...loadCorpus().map((line) => ({ message: line.message, context: undefined })),
      ...catalog.flatMap((e) => [...e.examples, ...(e.nearMisses ?? [])]).map((message) => ({ message, context: undefined })),
    ];
    const ids = new Set<string | null>();
    for (const { message, context } of messages) {
      const classification = classify(message, context);
      ids.add(classification.catalogId);
      expectSame(classification);
    }
    // Every entry's precomputed part was used, and the no-match one.
    expect(ids.size).toBe(catalog.length + 1);
  });

  it("escapes quotes, backslashes, control characters and lone surrogates as JSON.stringify does", () => {
    const id = catalog[0].id;
    for (const text of TRICKY) {
      expectSame({ catalogId: id, confidence: 0.9, fingerprint: text, matched: text });
      expectSame({ catalogId: null, confidence: 0, fingerprint: text });
      expectSame({ catalogId: `not-in-the-catalog ${text}`, confidence: 0.5, fingerprint: text, matched: text });
    }
    // Lone surrogates are escaped (\ud800), so every text reads back as it was.
    for (const text of TRICKY) expect(JSON.parse(answerLine({ catalogId: id, confidence: 1, fingerprint: text, matched: text })).matched).toBe(text);
  });

  it("writes numbers as JSON does, and any other shape the slow way", () => {
    const id = catalog[1].id;
    for (const confidence of [0, -0, 1, 0.1 + 0.2, 1e21, 1e-7, NaN, Infinity]) expectSame({ catalogId: id, confidence, fingerprint: "f", matched: "m" });
    const odd: unknown[] = [
      { catalogId: id, confidence: 1, fingerprint: "f", matched: "m", extra: [1, "two"] },
      { confidence: 1, catalogId: id, fingerprint: "f" },
      { catalogId: id, confidence: 1, fingerprint: "f", matched: undefined },
      { catalogId: id, confidence: "1", fingerprint: "f" },
      { catalogId: id, confidence: 1, fingerprint: null },
      { catalogId: 7, confidence: 1, fingerprint: "f" },
      { catalogId: "", confidence: 1, fingerprint: "f" },
      { catalogId: id, confidence: 1 },
    ];
    for (const classification of odd) expectSame(classification as Classification);
  });

  it("gives an entry's answer its title, category, severity and doc link after the classification's fields", () => {
    const entry = catalog[2];
    expect(Object.keys(JSON.parse(answerLine({ catalogId: entry.id, confidence: 0.8, fingerprint: "f", matched: "m" })))).toEqual([
      "catalogId",
      "confidence",
      "fingerprint",
      "matched",
      "title",
      "category",
      "severity",
      "docUrl",
    ]);
    expect(JSON.parse(answerLine({ catalogId: entry.id, confidence: 0.8, fingerprint: "f" }))).toMatchObject({ title: entry.title, docUrl: entry.docUrl });
  });
});
