/**
 * Six-field NCRONTAB schedules (`{second} {minute} {hour} {day} {month} {day-of-week}`, UTC), with the
 * semantics of the NCrontab library the Functions host uses: a day must match BOTH the day-of-month
 * and the day-of-week field (classic cron ORs them), day-of-week is 0-6 with Sunday = 0, names may be
 * any prefix of the English name (`Mon`, `Monday`), and `n/step` runs from n to the field's maximum.
 * cron-parser is not used because it ORs the two day fields and accepts five-field expressions.
 */

export class ScheduleError extends Error {
  readonly code = "InvalidSchedule";
  constructor(
    readonly expression: string,
    message: string,
  ) {
    super(`invalid NCRONTAB schedule "${expression}": ${message}`);
    this.name = "ScheduleError";
  }
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: FieldSpec[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"],
  },
  { name: "day-of-week", min: 0, max: 6, names: ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] },
];

export interface Schedule {
  expression: string;
  /** Allowed values per field, in FIELDS order. */
  readonly fields: ReadonlyArray<ReadonlySet<number>>;
}

function parseValue(raw: string, spec: FieldSpec, expression: string): number {
  if (/^\d+$/.test(raw)) {
    const value = Number(raw);
    if (value < spec.min || value > spec.max) throw new ScheduleError(expression, `${spec.name} value ${value} is outside ${spec.min}-${spec.max}`);
    return value;
  }
  const lower = raw.toLowerCase();
  const index = lower ? (spec.names?.findIndex((name) => name.startsWith(lower)) ?? -1) : -1;
  if (index < 0) throw new ScheduleError(expression, `"${raw}" is not a valid ${spec.name} value`);
  return index + spec.min;
}

function parseField(text: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText, extra] = part.split("/");
    if (extra !== undefined || range === "" || stepText === "") throw new ScheduleError(expression, `"${part}" is not a valid ${spec.name} field`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!/^\d+$/.test(stepText ?? "1") || step < 1)
      throw new ScheduleError(expression, `step "${stepText}" in the ${spec.name} field must be a positive whole number`);
    let first: number;
    let last: number;
    if (range === "*") [first, last] = [spec.min, spec.max];
    else if (range.includes("-")) {
      const [a, b, more] = range.split("-");
      if (more !== undefined) throw new ScheduleError(expression, `"${range}" is not a valid ${spec.name} range`);
      [first, last] = [parseValue(a, spec, expression), parseValue(b, spec, expression)];
      if (first > last) throw new ScheduleError(expression, `${spec.name} range ${range} runs backwards`);
    } else {
      first = parseValue(range, spec, expression);
      last = stepText === undefined ? first : spec.max;
    }
    for (let v = first; v <= last; v += step) values.add(v);
  }
  return values;
}

/** Parses a six-field NCRONTAB expression; throws ScheduleError naming the bad field. */
export function parseSchedule(expression: string): Schedule {
  const parts = expression.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 6) {
    throw new ScheduleError(expression, `expected six fields ({second} {minute} {hour} {day} {month} {day-of-week}), got ${parts.length}`);
  }
  return { expression, fields: parts.map((part, i) => parseField(part, FIELDS[i], expression)) };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function firstAtLeast(set: ReadonlySet<number>, spec: FieldSpec, from: number): number | undefined {
  for (let v = from; v <= spec.max; v++) if (set.has(v)) return v;
  return undefined;
}

/**
 * The first occurrence strictly after `after` (UTC), or undefined when there is none within
 * `horizonYears` (e.g. `0 0 0 31 2 *`, February 31st).
 */
export function nextOccurrence(schedule: Schedule, after: Date, horizonYears = 5): Date | undefined {
  const [seconds, minutes, hours, days, months, weekdays] = schedule.fields;
  const start = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  const limitYear = start.getUTCFullYear() + horizonYears;
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth() + 1;
  let day = start.getUTCDate();
  let time: [number, number, number] | undefined = [start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds()];
  while (year <= limitYear) {
    const dayMatches =
      months.has(month) && day <= daysInMonth(year, month) && days.has(day) && weekdays.has(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
    if (dayMatches) {
      const found = firstTimeOfDay(hours, minutes, seconds, time ?? [0, 0, 0]);
      if (found) return new Date(Date.UTC(year, month - 1, day, ...found));
    }
    // Next day, from midnight.
    time = undefined;
    day++;
    if (day > daysInMonth(year, month)) {
      day = 1;
      month++;
      if (month > 12) {
        month = 1;
        year++;
      }
    }
  }
  return undefined;
}

/** The earliest time of day in the sets at or after `from` ([h, m, s]). */
function firstTimeOfDay(
  hours: ReadonlySet<number>,
  minutes: ReadonlySet<number>,
  seconds: ReadonlySet<number>,
  from: [number, number, number],
): [number, number, number] | undefined {
  const [fh, fm, fs] = from;
  for (let h = firstAtLeast(hours, FIELDS[2], fh); h !== undefined; h = firstAtLeast(hours, FIELDS[2], h + 1)) {
    for (let m = firstAtLeast(minutes, FIELDS[1], h === fh ? fm : 0); m !== undefined; m = firstAtLeast(minutes, FIELDS[1], m + 1)) {
      const s = firstAtLeast(seconds, FIELDS[0], h === fh && m === fm ? fs : 0);
      if (s !== undefined) return [h, m, s];
    }
  }
  return undefined;
}
