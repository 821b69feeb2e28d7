#!/usr/bin/env node
import { CliIo, Command, UsageError } from "./io";

/** Commands load lazily so `classify` does not pay for the Azure SDKs and `sweep` not for the API. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  start: {
    summary: "the main job on the embedded defaults (local Azurite and a simulated fleet unless Azure is configured)",
    load: async () => (await import("./commands/start")).run,
  },
  sweep: { summary: "one collection sweep over FLEET_SCOPE, written to Table storage [--json]", load: async () => (await import("./commands/sweep")).run },
  classify: { summary: "classify one message, or JSON lines from stdin [--jsonl] [MESSAGE]", load: async () => (await import("./commands/classify")).run },
  catalog: { summary: "list the documented error catalog [--json], or validate it [--check]", load: async () => (await import("./commands/catalog")).run },
  digest: { summary: "build (and with --send, deliver) a digest [--since 24h] [--send]", load: async () => (await import("./commands/digest")).run },
  serve: {
    summary: "the local host: HTTP API under /api plus the timers, on FLEET_PORT (default 7071)",
    load: async () => (await import("./commands/serve")).run,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return ["usage: fleet-health <command> [options]", "", ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)].join("\n");
}

export const processIo: CliIo = {
  env: process.env,
  stdout: (line) => process.stdout.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
  stdin: () => process.stdin.setEncoding("utf8"),
  write: (text) => (process.stdout.write(text) ? undefined : new Promise((resolve) => process.stdout.once("drain", resolve))),
};

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`fleet-health: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    return await (
      await command.load()
    )(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`fleet-health ${name}: ${err.message}\n${usage()}`);
      return 2;
    }
    const e = err as { code?: string; message?: string };
    io.stderr(`fleet-health ${name}: ${e.code ? `[${e.code}] ` : ""}${e.message ?? String(err)}`);
    return 1;
  }
}

if (require.main === module) {
  // `fleet-health catalog --json | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(process.exitCode ?? 0);
  });
  const argv = process.argv.slice(2);
  (argv[0] === "start" ? startTrusted(argv) : main(argv)).then((code) => {
    process.exitCode = code;
  });
}

/**
 * `start` without Azure configured runs the local simulator: trust it through NODE_EXTRA_CA_CERTS.
 * Loaded only for `start`: the simulator's certificates are no part of the other commands' start-up.
 */
async function startTrusted(argv: string[]): Promise<number> {
  const [{ azureConfigured }, { extraCaCertsWithSimulator, rerunTrusting }] = await Promise.all([import("../dev/embedded"), import("./trust")]);
  const caFile = azureConfigured(process.env) ? undefined : extraCaCertsWithSimulator(process.env);
  return caFile ? rerunTrusting(caFile, process.argv.slice(1)) : main(argv);
}
