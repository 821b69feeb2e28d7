/**
 * The time window a digest covers. A digest is identified by its window, so the window of a
 * scheduled run must not depend on when exactly the timer fired: it is aligned to the schedule's
 * occurrences, and a repeated or overlapping run lands on the same window and the same id.
 */
import { nextOccurrence, parseSchedule, type Schedule } from "../core/schedule";

export interface DigestWindow {
  /** Inclusive start, ISO 8601 UTC. */
  from: string;
  /** Exclusive end, ISO 8601 UTC. */
  to: string;
}

export class DigestInputError extends Error {
  readonly code = "InvalidDigestInput";
  constructor(message: string) {
    super(message);
    this.name = "DigestInputError";
  }
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30m`, `24h`, `7d`, `1w`, `1d12h`: a positive duration in milliseconds. */
export function parseDuration(text: string): number {
  const raw = text.trim().toLowerCase();
  const parts = [...raw.matchAll(/(\d+)([smhdw])/g)];
  if (!raw || parts.map((p) => p[0]).join("") !== raw) {
    throw new DigestInputError(`"${text}" is not a duration: use a number and a unit, e.g. 30m, 24h, 7d`);
  }
  const ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit], 0);
  if (ms <= 0) throw new DigestInputError(`"${text}" is not a positive duration`);
  return ms;
}

/** A window ending now (to the second), for a digest built by hand. */
export function windowSince(sinceMs: number, now: Date): DigestWindow {
  const to = Math.floor(now.getTime() / 1000) * 1000;
  return { from: new Date(to - sinceMs).toISOString(), to: new Date(to).toISOString() };
}

const FIVE_YEARS_MS = 5 * 366 * 86_400_000;

/** The latest occurrence at or before `at`: step back until one lies behind, then walk forward to the last. */
function latestAtOrBefore(schedule: Schedule, at: Date): Date | undefined {
  let back = 60_000;
  let occurrence = nextOccurrence(schedule, new Date(at.getTime() - back));
  while (!occurrence || occurrence > at) {
    back *= 2;
    if (back > FIVE_YEARS_MS) return undefined;
    occurrence = nextOccurrence(schedule, new Date(at.getTime() - back));
  }
  for (let next = nextOccurrence(schedule, occurrence); next && next <= at; next = nextOccurrence(schedule, occurrence)) occurrence = next;
  return occurrence;
}

/**
 * The schedule period that ended last: from the occurrence before the latest one up to the latest
 * one at or before `now`, with the Functions host's NCRONTAB semantics (shared/core/schedule.ts).
 * A few seconds of tolerance keep a timer that fires early on its own occurrence.
 */
export function scheduledWindow(expression: string, now: Date, toleranceMs = 5_000): DigestWindow {
  let schedule: Schedule;
  try {
    schedule = parseSchedule(expression);
  } catch (err) {
    throw new DigestInputError((err as Error).message);
  }
  const to = latestAtOrBefore(schedule, new Date(now.getTime() + toleranceMs));
  const from = to && latestAtOrBefore(schedule, new Date(to.getTime() - 1000));
  if (!to || !from) throw new DigestInputError(`schedule "${expression}" has no two occurrences in the last five years`);
  return { from: from.toISOString(), to: to.toISOString() };
}

function compact(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

/** `20261121T070000Z_20261122T070000Z`: readable, sortable, and safe in a Table key and a URL. */
export function digestId(window: DigestWindow): string {
  return `${compact(window.from)}_${compact(window.to)}`;
}

const ID_PATTERN = /^(\d{8}T\d{6}Z)_(\d{8}T\d{6}Z)$/;

function expand(part: string): string {
  return `${part.slice(0, 4)}-${part.slice(4, 6)}-${part.slice(6, 11)}:${part.slice(11, 13)}:${part.slice(13, 15)}.000Z`;
}

/** The window an id names, or `undefined` when the text is not a digest id. */
export function parseDigestId(id: string): DigestWindow | undefined {
  const match = ID_PATTERN.exec(id);
  if (!match) return undefined;
  const window = { from: expand(match[1]), to: expand(match[2]) };
  return Number.isNaN(Date.parse(window.from)) || Number.isNaN(Date.parse(window.to)) ? undefined : window;
}
