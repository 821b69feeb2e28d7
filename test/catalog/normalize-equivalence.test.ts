/**
 * The hand-written normal form and fingerprint give the same bytes as the regular-expression reference
 * (normalize-reference.ts) on every message we have: the classify benchmark's 120,000, the real-world
 * corpus, every catalog example and near miss, each also mutated (cut, cased, spaced, quoted) so edges
 * of every rule are crossed.
 */
import { describe, expect, it } from "vitest";
import { catalog } from "../../shared/catalog";
import { fingerprintOf, normalizeMessage } from "../../shared/catalog/normalize";
import { corpus } from "../bench/classify-corpus";
import { loadCorpus } from "./corpus/score";
import { referenceFingerprint, referenceNormalize } from "./normalize-reference";

/** Messages whose normal form or fingerprint differ from the reference, first few kept for the failure message. */
function differences(messages: Iterable<string>): { checked: number; differing: Array<{ message: string; expected: string; got: string }> } {
  let checked = 0;
  const differing: Array<{ message: string; expected: string; got: string }> = [];
  for (const message of messages) {
    checked++;
    const expectedNormal = referenceNormalize(message);
    const normal = normalizeMessage(message);
    const expected = `${expectedNormal}\n${referenceFingerprint(expectedNormal)}`;
    const got = `${normal}\n${fingerprintOf(normal)}`;
    if (got !== expected && differing.length < 5) differing.push({ message, expected, got });
  }
  return { checked, differing };
}

/** Deterministic pseudo-random numbers, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

const INSERTS = [
  " ",
  "  ",
  "\n",
  "\t",
  "\r\n",
  "'",
  '"',
  "\u2019",
  "\u201c",
  "`",
  ":",
  "=",
  "-",
  "/",
  ".",
  "..",
  ", ",
  "0",
  "7f",
  "a1b2c3",
  "{",
  "}",
  "[",
  "]",
  "<",
  ">",
  "\\",
  '\\"',
  "\u00a0",
  "\u2028",
  "failed",
  "error: ",
  "name=",
];

/** Cuts, insertions, case changes and duplications of a message, always the same for the same seed. */
function* mutations(message: string, seed: number): Generator<string> {
  const rnd = random(seed);
  for (let k = 0; k < 6; k++) {
    let m = message;
    for (let edits = 1 + Math.floor(rnd() * 3); edits > 0; edits--) {
      const at = Math.floor(rnd() * (m.length + 1));
      const roll = rnd();
      if (roll < 0.45) m = m.slice(0, at) + INSERTS[Math.floor(rnd() * INSERTS.length)] + m.slice(at);
      else if (roll < 0.65) m = m.slice(0, at) + m.slice(Math.min(m.length, at + 1 + Math.floor(rnd() * 6)));
      else if (roll < 0.8) m = m.slice(0, at) + m.slice(at).toUpperCase();
      else if (roll < 0.9) m = m.slice(at);
      else m = m.slice(0, at) + m.slice(Math.max(0, at - 12), at) + m.slice(at);
    }
    yield m;
  }
}

const catalogTexts = catalog.flatMap((entry) => [...entry.examples, ...(entry.nearMisses ?? [])]);

describe("normal form and fingerprint equal the reference implementation", () => {
  it("on the classify benchmark's 120,000 messages", () => {
    const result = differences(corpus(120_000).map((s) => s.message));
    expect(result.differing).toEqual([]);
    expect(result.checked).toBe(120_000);
  });

  it("on the real-world corpus, every catalog example and every near miss", () => {
    const texts = [...loadCorpus().map((line) => line.message), ...catalogTexts];
    const result = differences(texts);
    expect(result.differing).toEqual([]);
    expect(result.checked).toBeGreaterThan(catalog.length * 2);
  });

  it("on mutated copies of all of those (cut, cased, spaced, quoted, duplicated)", () => {
    const texts = [...loadCorpus().map((line) => line.message), ...catalogTexts, ...corpus(2_000).map((s) => s.message)];
    const result = differences(texts.flatMap((text, i) => [...mutations(text, i + 1)]));
    expect(result.differing).toEqual([]);
  });
});
