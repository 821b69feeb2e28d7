/** What a command needs from its process, so commands run the same from the shell and from tests. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Lines of standard input, for `classify --jsonl`. */
  stdin: () => AsyncIterable<string>;
}

export type Command = (args: string[], io: CliIo) => Promise<number>;

/** A usage error: printed with the command's usage and exit code 2. */
export class UsageError extends Error {
  readonly code = "UsageError";
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Splits `--flag value`, `--flag=value` and bare `--switch` options from positional arguments. */
export function parseArgs(args: string[], spec: { values?: string[]; switches?: string[] }): { options: Record<string, string | true>; positional: string[] } {
  const values = new Set(spec.values ?? []);
  const switches = new Set(spec.switches ?? []);
  const options: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--") || arg === "--") {
      positional.push(...(arg === "--" ? args.slice(i + 1) : [arg]));
      if (arg === "--") break;
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (switches.has(name) && inline === undefined) options[name] = true;
    else if (values.has(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      options[name] = value;
    } else throw new UsageError(`unknown option --${name}`);
  }
  return { options, positional };
}
