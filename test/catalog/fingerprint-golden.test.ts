/**
 * Normal forms and fingerprints are stored keys (silences, incidents, unknown groups), so they must not
 * change: this pins their bytes on every message we have (the classify benchmark's 120,000, the
 * real-world corpus, every catalog example and near miss, each also mutated: cut, cased, spaced, quoted)
 * as SHA-256 digests per 1,000 messages in fingerprint-golden.json. The digests were taken from the
 * regular-expression implementation the hand-written one replaced (git e96ee3c,
 * test/catalog/normalize-reference.ts, since removed); `UPDATE_GOLDEN=1` rewrites them, for a deliberate change only.
 * The inputs are a frozen copy (fingerprint-golden-inputs.json: the corpus and every entry's examples and near
 * misses as they were when the digests were last written), so growing the catalog or the corpus never moves them.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { fingerprintOf } from "../../shared/catalog/fingerprint";
import { normalizeMessage } from "../../shared/catalog/normalize";
import { corpus, type CorpusEntry } from "../bench/classify-corpus";

const GOLDEN = path.join(__dirname, "fingerprint-golden.json");
const INPUTS = JSON.parse(fs.readFileSync(path.join(__dirname, "fingerprint-golden-inputs.json"), "utf8")) as {
  corpusMessages: string[];
  entries: Array<CorpusEntry & { nearMisses: string[] }>;
};
const CHUNK = 1000;

/** One digest per CHUNK messages of (normal form, fingerprint), so a failure names the messages to look at. */
function digests(messages: string[]): string[] {
  const out: string[] = [];
  for (let at = 0; at < messages.length; at += CHUNK) {
    const hash = createHash("sha256");
    for (const message of messages.slice(at, at + CHUNK)) {
      const normal = normalizeMessage(message);
      hash.update(`${normal}\n${fingerprintOf(normal)}\n`);
    }
    out.push(hash.digest("hex").slice(0, 16));
  }
  return out;
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

const catalogTexts = INPUTS.entries.flatMap((entry) => [...entry.examples, ...entry.nearMisses]);
const sets: Record<string, () => string[]> = {
  "the classify benchmark's 120,000 messages": () => corpus(120_000, INPUTS.entries).map((s) => s.message),
  "the real-world corpus, every catalog example and every near miss": () => [...INPUTS.corpusMessages, ...catalogTexts],
  "mutated copies of all of those (cut, cased, spaced, quoted, duplicated)": () =>
    [...INPUTS.corpusMessages, ...catalogTexts, ...corpus(2_000, INPUTS.entries).map((s) => s.message)].flatMap((text, i) => [...mutations(text, i + 1)]),
};

describe("normal form and fingerprint keep their bytes", () => {
  const golden = (fs.existsSync(GOLDEN) ? JSON.parse(fs.readFileSync(GOLDEN, "utf8")) : {}) as Record<string, string[]>;
  const computed: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(sets)) {
    it(`on ${name}`, () => {
      computed[name] = digests(messages());
      if (process.env.UPDATE_GOLDEN === "1") return;
      const differing = computed[name].flatMap((d, i) => (d === golden[name]?.[i] ? [] : [`messages ${i * CHUNK} to ${(i + 1) * CHUNK - 1}`]));
      expect(differing).toEqual([]);
      expect(computed[name].length).toBe(golden[name].length);
    });
  }
  if (process.env.UPDATE_GOLDEN === "1") it("writes the golden digests", () => fs.writeFileSync(GOLDEN, JSON.stringify(computed, null, 1) + "\n"));
});
