import { describe, expect, it } from "vitest";
import { nextOccurrence, parseSchedule, ScheduleError } from "../../shared/core/schedule";

const next = (expression: string, after: string) => nextOccurrence(parseSchedule(expression), new Date(after))?.toISOString();

function occurrences(expression: string, after: string, count: number): string[] {
  const schedule = parseSchedule(expression);
  const out: string[] = [];
  let at = new Date(after);
  for (let i = 0; i < count; i++) {
    at = nextOccurrence(schedule, at) as Date;
    out.push(at.toISOString());
  }
  return out;
}

describe("NCRONTAB next occurrences (UTC)", () => {
  it("runs every 15 minutes on the minute, strictly after the base time", () => {
    expect(occurrences("0 */15 * * * *", "2026-11-21T23:50:00Z", 3)).toEqual([
      "2026-11-22T00:00:00.000Z",
      "2026-11-22T00:15:00.000Z",
      "2026-11-22T00:30:00.000Z",
    ]);
    expect(next("0 */15 * * * *", "2026-11-22T00:15:00Z")).toBe("2026-11-22T00:30:00.000Z");
    expect(next("0 */15 * * * *", "2026-11-22T00:14:59.999Z")).toBe("2026-11-22T00:15:00.000Z");
  });

  it("runs the daily digest at 07:00 and rolls over months and years", () => {
    expect(next("0 0 7 * * *", "2026-12-31T07:00:00Z")).toBe("2027-01-01T07:00:00.000Z");
    expect(next("0 0 7 * * *", "2026-11-21T06:59:59Z")).toBe("2026-11-21T07:00:00.000Z");
  });

  it("runs on weekdays at 09:30 with ranges and names", () => {
    // 2026-11-21 is a Saturday.
    expect(next("0 30 9 * * 1-5", "2026-11-21T10:00:00Z")).toBe("2026-11-23T09:30:00.000Z");
    expect(next("0 30 9 * * Mon-Fri", "2026-11-21T10:00:00Z")).toBe("2026-11-23T09:30:00.000Z");
    expect(next("0 30 9 * * saturday", "2026-11-21T09:00:00Z")).toBe("2026-11-21T09:30:00.000Z");
  });

  it("requires both the day of month and the day of week, as NCrontab does", () => {
    // The 13th that is a Friday: classic cron would also fire on every Friday.
    expect(next("0 0 0 13 * 5", "2026-01-01T00:00:00Z")).toBe("2026-02-13T00:00:00.000Z");
    expect(next("0 0 0 13 * 5", "2026-02-13T00:00:00Z")).toBe("2026-03-13T00:00:00.000Z");
  });

  it("skips months without the day and handles leap years", () => {
    expect(occurrences("0 0 12 31 * *", "2026-01-31T12:00:00Z", 2)).toEqual(["2026-03-31T12:00:00.000Z", "2026-05-31T12:00:00.000Z"]);
    expect(next("0 0 0 29 2 *", "2026-01-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
    expect(nextOccurrence(parseSchedule("0 0 0 31 2 *"), new Date("2026-01-01T00:00:00Z"))).toBeUndefined();
  });

  it("reads lists, steps from a start value and seconds", () => {
    expect(occurrences("*/20 * * * * *", "2026-11-22T00:00:05Z", 3)).toEqual([
      "2026-11-22T00:00:20.000Z",
      "2026-11-22T00:00:40.000Z",
      "2026-11-22T00:01:00.000Z",
    ]);
    expect(occurrences("0 5/20 * * * *", "2026-11-22T00:00:00Z", 3)).toEqual([
      "2026-11-22T00:05:00.000Z",
      "2026-11-22T00:25:00.000Z",
      "2026-11-22T00:45:00.000Z",
    ]);
    expect(occurrences("0 0 1,13 * * *", "2026-11-22T00:00:00Z", 2)).toEqual(["2026-11-22T01:00:00.000Z", "2026-11-22T13:00:00.000Z"]);
    expect(next("0 0 0 1 Jan *", "2026-06-01T00:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
  });
});

describe("NCRONTAB validation", () => {
  it.each([
    ["*/5 * * * *", /six fields/],
    ["0 0 * * * * *", /six fields/],
    ["", /six fields/],
    ["0 0 25 * * *", /hour value 25 is outside 0-23/],
    ["60 * * * * *", /second value 60/],
    ["0 0 0 0 * *", /day value 0/],
    ["0 0 0 * 13 *", /month value 13/],
    ["0 0 0 * * 7", /day-of-week value 7 is outside 0-6/],
    ["0 */0 * * * *", /step "0"/],
    ["0 */x * * * *", /step "x"/],
    ["0 10-5 * * * *", /runs backwards/],
    ["0 0 0 * * Funday", /"Funday" is not a valid day-of-week/],
    ["0 0 0 L * *", /"L" is not a valid day/],
    ["0 0 0 ? * *", /"\?" is not a valid day/],
    ["0 1,,2 * * * *", /not a valid minute field/],
  ])("rejects %j", (expression, message) => {
    expect(() => parseSchedule(expression)).toThrow(ScheduleError);
    expect(() => parseSchedule(expression)).toThrow(message);
  });
});
