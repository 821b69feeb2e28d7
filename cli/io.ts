import { parseArgs as parseArgsStrict, type ParseArgsConfig } from "node:util";

/** What a command needs from its process, so commands run the same from the shell and from tests. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Standard input as text, in the chunks it arrives in (`classify --jsonl` splits the lines). */
  stdin: () => AsyncIterable<string>;
  /**
   * Writes text to standard output as is; a promise it returns resolves once the stream can take more.
   * Commands that write much use it when present, else `stdout`.
   */
  write?: (text: string) => void | Promise<void>;
}

export type Command = (args: string[], io: CliIo) => Promise<number>;

/** A usage error: printed with the command's usage and exit code 2. */
export class UsageError extends Error {
  readonly code = "UsageError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** `node:util` parseArgs in strict mode, with its errors turned into usage errors (exit code 2). */
export function parseArgs(args: string[], spec: { values?: string[]; switches?: string[] }): { options: Record<string, string | true>; positional: string[] } {
  const options: ParseArgsConfig["options"] = {};
  for (const name of spec.values ?? []) options[name] = { type: "string" };
  for (const name of spec.switches ?? []) options[name] = { type: "boolean" };
  try {
    const { values, positionals } = parseArgsStrict({ args, options, allowPositionals: true, strict: true });
    return { options: values as Record<string, string | true>, positional: positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
