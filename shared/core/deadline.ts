/**
 * Every run (sweep, digest, retention) gets a deadline of its own, FLEET_RUN_DEADLINE seconds, below
 * the host's functionTimeout (host.json: 10 min), so the run stops reading and sending in time to
 * record what it has instead of being killed half-way. The deadline is an AbortSignal that readers,
 * store calls and deliveries take; its reason is a RunDeadlineError.
 */
import { Env, intSetting } from "./config";

export class RunDeadlineError extends Error {
  readonly code = "DeadlineExceeded";
  constructor(readonly deadlineMs: number) {
    super(`the run's deadline of ${Math.round(deadlineMs / 1000)} s (FLEET_RUN_DEADLINE) passed`);
    this.name = "RunDeadlineError";
  }
}

export interface RunDeadline {
  signal: AbortSignal;
  deadlineMs: number;
  /** Stops the timer (a finished run must not keep the process alive). */
  dispose(): void;
}

/** A deadline of `ms` from now (FLEET_RUN_DEADLINE when not given). */
export function runDeadline(env: Env, ms = intSetting("runDeadline", env) * 1000): RunDeadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new RunDeadlineError(ms)), ms);
  timer.unref();
  return { signal: controller.signal, deadlineMs: ms, dispose: () => clearTimeout(timer) };
}

/** Runs `work` under a deadline and always disposes it. */
export async function withRunDeadline<T>(env: Env, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = runDeadline(env);
  try {
    return await work(deadline.signal);
  } finally {
    deadline.dispose();
  }
}
