import { describe, expect, it } from "vitest";
import { DigestInputError, digestId, parseDigestId, parseDuration, scheduledWindow, windowSince } from "../../shared/digest/window";

describe("digest windows", () => {
  it("parses durations and refuses what is not one", () => {
    expect(parseDuration("24h")).toBe(86_400_000);
    expect(parseDuration("1d12h")).toBe(129_600_000);
    expect(parseDuration("30m")).toBe(1_800_000);
    for (const bad of ["", "24", "h", "-1h", "1.5h", "0h", "1y", "24 h"]) expect(() => parseDuration(bad), bad).toThrow(/duration/);
  });

  it("aligns a scheduled window to the schedule, so repeated and late runs share one id", () => {
    const onTime = scheduledWindow("0 0 7 * * *", new Date("2026-11-22T07:00:00.120Z"));
    expect(onTime).toEqual({ from: "2026-11-21T07:00:00.000Z", to: "2026-11-22T07:00:00.000Z" });
    expect(scheduledWindow("0 0 7 * * *", new Date("2026-11-22T07:04:59.000Z"))).toEqual(onTime);
    // A timer that fires a moment early still names its own occurrence.
    expect(scheduledWindow("0 0 7 * * *", new Date("2026-11-22T06:59:58.000Z"))).toEqual(onTime);
    expect(scheduledWindow("0 */15 * * * *", new Date("2026-11-22T10:31:00.000Z"))).toEqual({
      from: "2026-11-22T10:15:00.000Z",
      to: "2026-11-22T10:30:00.000Z",
    });
  });

  it("uses the host's NCRONTAB semantics: a day must match both day fields", () => {
    // 07:00 on the 1st of a month that is also a Monday: cron-style OR would fire every Monday and every 1st.
    expect(scheduledWindow("0 0 7 1 * Mon", new Date("2026-11-22T07:00:00.000Z"))).toEqual({
      from: "2025-12-01T07:00:00.000Z",
      to: "2026-06-01T07:00:00.000Z",
    });
  });

  it("refuses schedules that are not six-field NCRONTAB, or never fire", () => {
    expect(() => scheduledWindow("0 7 * * *", new Date())).toThrow(/expected six fields/);
    expect(() => scheduledWindow("0 0 25 * * *", new Date())).toThrow(DigestInputError);
    expect(() => scheduledWindow("0 0 0 31 2 *", new Date())).toThrow(/no two occurrences/);
  });

  it("ends a hand-made window now, to the second", () => {
    expect(windowSince(3_600_000, new Date("2026-11-22T07:00:00.999Z"))).toEqual({ from: "2026-11-22T06:00:00.000Z", to: "2026-11-22T07:00:00.000Z" });
  });

  it("turns a window into an id and back", () => {
    const w = { from: "2026-11-21T07:00:00.000Z", to: "2026-11-22T07:00:00.000Z" };
    expect(digestId(w)).toBe("20261121T070000Z_20261122T070000Z");
    expect(parseDigestId(digestId(w))).toEqual(w);
    for (const bad of ["", "x", "20261121T070000Z", "20261321T070000Z_20261122T070000Z", "20261121T070000Z_20261122T070000Z/../x"])
      expect(parseDigestId(bad), bad).toBeUndefined();
  });
});
