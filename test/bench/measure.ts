/** Helpers the benchmark scripts share. */

/** `--name N` from the command line, or the fallback. */
export function option(name: string, fallback?: number): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Peak resident set size of this process (MB, one decimal), sampled every 20 ms. */
export function rssMeter() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return () => {
    clearInterval(timer);
    return Math.round((Math.max(peak, process.memoryUsage().rss) / 1024 / 1024) * 10) / 10;
  };
}

/**
 * The entry of a benchmark that forks itself: with `--child` it runs one job sent over IPC and sends
 * back its result; otherwise it runs `main`.
 */
export function benchEntry<J, R>(child: (job: J) => Promise<R>, main: () => Promise<void>): void {
  if (process.argv.includes("--child")) {
    process.once("message", (job: J) => {
      child(job)
        .then((result) => process.send!({ result }, () => process.exit(0)))
        .catch((err: Error) => process.send!({ error: err.stack ?? String(err) }, () => process.exit(1)));
    });
  } else {
    main().catch((err) => {
      console.error(err);
      process.exitCode = 1;
    });
  }
}
