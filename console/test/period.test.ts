import { describe, expect, it } from "vitest";

import { periodQuery, periodProblem } from "../src/controls";
import { addDays, presetRange, todayIn } from "../src/period";

// 23:30 UTC on 31 December 2025: already 1 January 2026 in Auckland, still 31 December in New York.
const NOW = new Date("2025-12-31T23:30:00Z");

describe("presets", () => {
  it("count whole days of the chosen zone, not of the browser", () => {
    expect(todayIn("UTC", NOW)).toBe("2025-12-31");
    expect(todayIn("Pacific/Auckland", NOW)).toBe("2026-01-01");
    expect(presetRange("last_7_days", "Pacific/Auckland", NOW)).toEqual({ start: "2025-12-26", end: "2026-01-01" });
    expect(presetRange("last_30_days", "America/New_York", NOW)).toEqual({ start: "2025-12-02", end: "2025-12-31" });
  });

  it("know months and years", () => {
    expect(presetRange("this_month", "Pacific/Auckland", NOW)).toEqual({ start: "2026-01-01", end: "2026-01-01" });
    expect(presetRange("last_month", "UTC", NOW)).toEqual({ start: "2025-11-01", end: "2025-11-30" });
    expect(presetRange("this_year", "UTC", NOW)).toEqual({ start: "2025-01-01", end: "2025-12-31" });
    expect(presetRange("yesterday", "UTC", NOW)).toEqual({ start: "2025-12-30", end: "2025-12-30" });
  });

  it("leave each widget its own period by default", () => {
    expect(presetRange("default", "UTC", NOW)).toBeNull();
    expect(periodQuery({ preset: "default", from: null, to: null, tz: "Europe/Berlin" }, NOW)).toEqual({ tz: "Europe/Berlin" });
  });

  it("ask the API for the days and the zone", () => {
    expect(periodQuery({ preset: "today", from: null, to: null, tz: "Pacific/Auckland" }, NOW)).toEqual({
      start_date: "2026-01-01",
      end_date: "2026-01-01",
      tz: "Pacific/Auckland",
    });
    expect(periodQuery({ preset: "custom", from: "2025-03-01", to: "2025-03-31", tz: "UTC" }, NOW)).toEqual({
      start_date: "2025-03-01",
      end_date: "2025-03-31",
      tz: "UTC",
    });
  });

  it("say what is wrong with a range", () => {
    expect(periodProblem({ preset: "custom", from: "2025-03-31", to: "2025-03-01", tz: "UTC" })).toMatch(/before/);
    expect(periodProblem({ preset: "custom", from: null, to: "2025-03-01", tz: "UTC" })).toMatch(/Choose/);
    expect(periodProblem({ preset: "last_7_days", from: null, to: null, tz: "UTC" })).toBeNull();
  });

  it("step over month and leap-year ends", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
  });
});
