import type { CliIo } from "../../cli/io";

/**
 * A CLI io that records what a command prints and feeds it the given stdin lines (each as one chunk
 * ending in a newline), or the given raw `chunks`.
 */
export function captureIo(
  options: { env?: Record<string, string | undefined>; stdin?: string[]; chunks?: string[] } = {},
): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    env: options.env ?? {},
    out,
    err,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    stdin: async function* () {
      yield* options.chunks ?? (options.stdin ?? []).map((line) => `${line}\n`);
    },
  };
}
