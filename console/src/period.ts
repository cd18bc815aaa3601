// Period presets as whole local days of a time zone, the way the service reads start_date and end_date (a
// date is a whole local day of `tz`, end_date included). Computed from "now" in that zone, never from the
// browser's own zone.

export type Preset =
  | "default"
  | "today"
  | "yesterday"
  | "last_7_days"
  | "last_30_days"
  | "last_90_days"
  | "last_365_days"
  | "this_month"
  | "last_month"
  | "this_year"
  | "custom";

export const PRESETS: Array<[Preset, string]> = [
  ["today", "Today"],
  ["yesterday", "Yesterday"],
  ["last_7_days", "Last 7 days"],
  ["last_30_days", "Last 30 days"],
  ["last_90_days", "Last 90 days"],
  ["last_365_days", "Last 365 days"],
  ["this_month", "This month"],
  ["last_month", "Last month"],
  ["this_year", "This year"],
  ["custom", "Date range…"],
];

export interface DayRange {
  start: string; // YYYY-MM-DD, included
  end: string; // YYYY-MM-DD, included
}

const DAY_MS = 86_400_000;

/** Today's date in `tz` ("2026-12-06"). */
export function todayIn(tz: string, now: Date = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

function toDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function fromDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function addDays(day: string, days: number): string {
  return toDay(new Date(fromDay(day).getTime() + days * DAY_MS));
}

export function isDay(value: string | null | undefined): value is string {
  return Boolean(value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(fromDay(value).getTime()));
}

/** The local days a preset covers in `tz`; null for "default" (each widget's own period) and "custom". */
export function presetRange(preset: Preset, tz: string, now: Date = new Date()): DayRange | null {
  const today = todayIn(tz, now);
  const year = Number(today.slice(0, 4));
  const firstOfMonth = `${today.slice(0, 8)}01`;
  switch (preset) {
    case "today":
      return { start: today, end: today };
    case "yesterday": {
      const day = addDays(today, -1);
      return { start: day, end: day };
    }
    case "last_7_days":
      return { start: addDays(today, -6), end: today };
    case "last_30_days":
      return { start: addDays(today, -29), end: today };
    case "last_90_days":
      return { start: addDays(today, -89), end: today };
    case "last_365_days":
      return { start: addDays(today, -364), end: today };
    case "this_month":
      return { start: firstOfMonth, end: today };
    case "last_month": {
      const last = addDays(firstOfMonth, -1);
      return { start: `${last.slice(0, 8)}01`, end: last };
    }
    case "this_year":
      return { start: `${year}-01-01`, end: today };
    default:
      return null;
  }
}

export function isPreset(value: string | null | undefined): value is Preset {
  return value === "default" || PRESETS.some(([id]) => id === value);
}

let zones: string[] | null = null;

/** Every IANA zone the browser knows, UTC first. */
export function timeZones(): string[] {
  if (!zones) {
    const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
    const all = supported ? supported("timeZone") : [];
    zones = ["UTC", ...all.filter((zone) => zone !== "UTC")];
  }
  return zones;
}

/** The reader's own zone, to offer first. */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}
