/**
 * Runs timer functions on their NCRONTAB schedules in UTC, as the Functions host does: `%Setting%`
 * schedules resolve through app settings (our settings and their documented defaults), a run never
 * overlaps the previous one of the same function, and the next occurrence is computed after a run ends.
 */
import { randomUUID } from "node:crypto";
import { InvocationContext, type Timer } from "@azure/functions";
import { SETTINGS, settingOrDefault, type Env, type SettingKey } from "../../shared/core/config";
import { nextOccurrence, parseSchedule, ScheduleError } from "../../shared/core/schedule";
import type { TimerRegistration } from "./registrations";

/** Resolves `%NAME%` through shared/core/config (with its defaults) or, for other names, the environment. */
export function resolveSchedule(schedule: string, env: Env = process.env): string {
  const match = /^%([^%]+)%$/.exec(schedule.trim());
  if (!match) return schedule;
  const name = match[1];
  const key = (Object.keys(SETTINGS) as SettingKey[]).find((k) => SETTINGS[k].name === name);
  const value = key ? settingOrDefault(key, env) : env[name]?.trim();
  if (!value) throw new ScheduleError(schedule, `app setting ${name} is not set`);
  return value;
}

export interface ScheduledTimer {
  name: string;
  expression: string;
  /** The next planned run, or undefined once stopped. */
  next(): Date | undefined;
  /** Completed runs. */
  runs(): number;
}

export interface TimerRunnerOptions {
  env?: Env;
  log?: (line: string) => void;
  now?: () => Date;
}

/** setTimeout caps delays at 2^31-1 ms (about 24.8 days); longer waits are chained. */
const MAX_DELAY = 2 ** 31 - 1;

export function startTimers(registrations: TimerRegistration[], options: TimerRunnerOptions = {}): { timers: ScheduledTimer[]; stop(): Promise<void> } {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  // Validate every schedule before starting any, so a bad setting stops the host with a clear error.
  const parsed = registrations.map((reg) => {
    const expression = resolveSchedule(reg.schedule, options.env);
    try {
      return { reg, expression, schedule: parseSchedule(expression) };
    } catch (err) {
      if (err instanceof ScheduleError) throw new ScheduleError(expression, `timer ${reg.name}: ${err.message}`);
      throw err;
    }
  });
  let stopped = false;
  const handles = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();

  const timers = parsed.map(({ reg, expression, schedule }) => {
    let planned: Date | undefined;
    let last: Date | undefined;
    let count = 0;

    const run = async (isPastDue: boolean) => {
      const startedAt = now();
      const timer: Timer = {
        isPastDue,
        schedule: { adjustForDST: false },
        scheduleStatus: {
          last: (last ?? startedAt).toISOString(),
          next: (nextOccurrence(schedule, startedAt) ?? startedAt).toISOString(),
          lastUpdated: startedAt.toISOString(),
        },
      };
      const ctx = new InvocationContext({
        invocationId: randomUUID(),
        functionName: reg.name,
        logHandler: (level, ...args) => log(`[${reg.name}] ${level}: ${args.map(String).join(" ")}`),
      });
      log(`Executing 'Functions.${reg.name}' (Reason='Timer fired at ${startedAt.toISOString()}', Id=${ctx.invocationId})`);
      try {
        await reg.handler(timer, ctx);
        log(`Executed 'Functions.${reg.name}' (Succeeded, Id=${ctx.invocationId}, Duration=${now().getTime() - startedAt.getTime()}ms)`);
      } catch (err) {
        log(`Executed 'Functions.${reg.name}' (Failed, Id=${ctx.invocationId}): ${(err as Error).message ?? String(err)}`);
      }
      last = startedAt;
      count++;
    };

    const plan = (from: Date) => {
      if (stopped) return;
      planned = nextOccurrence(schedule, from);
      if (!planned) {
        log(`timer ${reg.name}: schedule "${expression}" has no next occurrence`);
        return;
      }
      wait(planned);
    };

    const wait = (at: Date) => {
      const delay = at.getTime() - now().getTime();
      const handle = setTimeout(
        () => {
          handles.delete(handle);
          if (stopped) return;
          if (delay > MAX_DELAY) return wait(at);
          const done = run(false).then(() => plan(now()));
          running.add(done);
          void done.finally(() => running.delete(done));
        },
        Math.max(0, Math.min(delay, MAX_DELAY)),
      );
      handles.add(handle);
    };

    if (reg.runOnStartup) {
      const done = run(false).then(() => plan(now()));
      running.add(done);
      void done.finally(() => running.delete(done));
    } else plan(now());
    log(`timer ${reg.name}: "${expression}" (UTC), next ${planned?.toISOString() ?? "after the startup run"}`);
    return { name: reg.name, expression, next: () => (stopped ? undefined : planned), runs: () => count } satisfies ScheduledTimer;
  });

  return {
    timers,
    async stop() {
      stopped = true;
      for (const handle of handles) clearTimeout(handle);
      handles.clear();
      // Let a run in progress finish, as the host does on shutdown.
      await Promise.allSettled([...running]);
    },
  };
}
