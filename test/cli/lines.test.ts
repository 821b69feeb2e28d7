/**
 * The `--jsonl` reader and writer: lines split from stream chunks, output written in pieces that wait
 * for the stream (backpressure).
 */
import { describe, expect, it } from "vitest";
import { type Line, lineBatches, OVERSIZED_LINE, PieceWriter } from "../../cli/lines";

async function linesOf(chunks: string[], maxChars?: number): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const batch of lineBatches(
    (async function* () {
      yield* chunks;
    })(),
    maxChars,
  ))
    lines.push(...batch);
  return lines;
}

describe("lineBatches", () => {
  it("splits on LF and CRLF across chunk borders and keeps a last line without newline", async () => {
    expect(await linesOf(["a\r", "\nb", "c\n\nd\r\n", "e"])).toEqual(["a", "bc", "", "d", "e"]);
    expect(await linesOf(["a\n"])).toEqual(["a"]);
    expect(await linesOf([])).toEqual([]);
  });

  it("marks a line longer than the limit, wherever it ends, and reads on", async () => {
    expect(await linesOf(["12345", "67\nok\n", "abcdefg"], 6)).toEqual([OVERSIZED_LINE, "ok", OVERSIZED_LINE]);
    expect(await linesOf(["123456\n1234567\n"], 6)).toEqual(["123456", OVERSIZED_LINE]);
    // The limit counts the line without its CRLF, also when the "\r" ends a chunk.
    expect(await linesOf(["123456\r", "\n12345", "6\r", "\n1234567\r\n"], 6)).toEqual(["123456", "123456", OVERSIZED_LINE]);
  });
});

describe("PieceWriter", () => {
  it("writes lines in order in pieces, and waits for each write to be taken before the next", async () => {
    const written: string[] = [];
    let pending = 0;
    const writer = new PieceWriter(async (text) => {
      expect(pending).toBe(0); // never two writes outstanding
      pending++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      written.push(text);
      pending--;
    }, 10);
    for (let i = 0; i < 20; i++) if (writer.add(`line ${i}`)) await writer.flush();
    await writer.flush();
    await writer.flush(); // nothing left: no empty write
    expect(written.join("")).toBe(Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join(""));
    expect(written.length).toBe(10);
  });
});
