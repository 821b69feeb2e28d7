/**
 * JSON lines in bulk: standard input split into lines from the chunks it arrives in (readline's event
 * per line cost more than the work on a short line), and output gathered into large pieces written
 * one at a time, each waiting until the stream has taken the one before (backpressure).
 */

/** In place of a line longer than the limit: its text is never kept. */
export const OVERSIZED_LINE = Symbol("oversized line");
export type Line = string | typeof OVERSIZED_LINE;

/** The longest line read as one request (a message is a few KiB at most; a longer line is not one). */
export const MAX_LINE_CHARS = 1024 * 1024;

const withoutCr = (line: string) => (line.endsWith("\r") ? line.slice(0, -1) : line);

/**
 * The lines of a text stream, one batch per chunk read: split on "\n" (the JSON Lines separator) with
 * a "\r" before it dropped, and a last line without a newline kept. A line longer than `maxChars` is
 * skipped to its end without being held in memory and comes out as OVERSIZED_LINE in its place.
 */
export async function* lineBatches(chunks: AsyncIterable<string>, maxChars = MAX_LINE_CHARS): AsyncGenerator<Line[]> {
  let partial = ""; // the start of a line that ends in a later chunk
  let skipping = false; // in an oversized line, until its newline
  for await (const chunk of chunks) {
    const lines: Line[] = [];
    let from = 0;
    for (let nl = chunk.indexOf("\n"); nl >= 0; nl = chunk.indexOf("\n", from)) {
      if (skipping) {
        lines.push(OVERSIZED_LINE);
        skipping = false;
      } else {
        const line = withoutCr(partial ? partial + chunk.slice(from, nl) : chunk.slice(from, nl));
        partial = "";
        lines.push(line.length > maxChars ? OVERSIZED_LINE : line);
      }
      from = nl + 1;
    }
    if (!skipping && from < chunk.length) {
      partial += chunk.slice(from);
      // One more than the limit may be a "\r" before the newline still to come.
      if (partial.length > maxChars + 1) [skipping, partial] = [true, ""];
    }
    if (lines.length) yield lines;
  }
  if (skipping) yield [OVERSIZED_LINE];
  else if (partial) yield [withoutCr(partial).length > maxChars ? OVERSIZED_LINE : withoutCr(partial)];
}

/** Output lines gathered and written in pieces of about `pieceChars`. */
export class PieceWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(
    /** Writes text as is; a promise it returns resolves when the stream can take more. */
    private readonly write: (text: string) => void | Promise<void>,
    private readonly pieceChars = 64 * 1024,
  ) {}

  /** Adds a line; true when the piece is full and should be flushed before adding more. */
  add(line: string): boolean {
    this.parts.push(line);
    this.size += line.length + 1;
    return this.size >= this.pieceChars;
  }

  /** Writes the lines gathered so far (nothing when there are none) and waits until the stream takes more. */
  async flush(): Promise<void> {
    if (!this.parts.length) return;
    this.parts.push(""); // the last newline joined in: no second string to flatten before the write
    const text = this.parts.join("\n");
    this.parts = [];
    this.size = 0;
    await this.write(text);
  }
}
