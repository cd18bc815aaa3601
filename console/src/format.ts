// Numbers with their unit, and the service's local period starts as people read them.

const currencyCache = new Map<string, boolean>();

/** A unit that is an ISO 4217 currency code (USD, EUR, KES...). */
export function isCurrency(unit: string | null | undefined): unit is string {
  if (!unit || !/^[A-Z]{3}$/.test(unit)) return false;
  let known = currencyCache.get(unit);
  if (known === undefined) {
    try {
      const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
      known = supported ? supported("currency").includes(unit) : true;
      if (known) new Intl.NumberFormat("en", { style: "currency", currency: unit });
    } catch {
      known = false;
    }
    currencyCache.set(unit, known);
  }
  return known;
}

const PLAIN_UNITS = new Set(["", "count", "counts", "number", "items"]);
const PERCENT_UNITS = new Set(["%", "percent", "pct"]);

export interface FormatOptions {
  /** 1.2K, $3.4M: for axes and tight places. */
  compact?: boolean;
  /** A count of things: no fractions. */
  integer?: boolean;
  locale?: string;
}

function digits(value: number, integer: boolean): number {
  if (integer) return 0;
  const size = Math.abs(value);
  if (size === 0 || size >= 1000) return 0;
  if (size >= 100) return 1;
  return 2;
}

/** `value` in its unit: "$927,251", "30,359 people", "6.7 %", "1,396". Null is "no data". */
export function formatValue(
  value: number | null | undefined,
  unit: string | null | undefined,
  options: FormatOptions = {},
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "no data";
  const { compact = false, integer = false, locale } = options;
  const fraction = compact ? 1 : digits(value, integer);
  const base: Intl.NumberFormatOptions = compact
    ? { notation: "compact", maximumFractionDigits: 1 }
    : { maximumFractionDigits: fraction };
  if (isCurrency(unit)) {
    // Cents below a thousand ($664.22), whole amounts above ($927,251).
    const cents = compact ? 0 : Math.abs(value) >= 1000 || integer ? 0 : 2;
    return new Intl.NumberFormat(locale, {
      ...base,
      style: "currency",
      currency: unit,
      minimumFractionDigits: cents,
      ...(compact ? {} : { maximumFractionDigits: cents }),
    }).format(value);
  }
  const number = new Intl.NumberFormat(locale, base).format(value);
  const name = (unit ?? "").trim();
  if (PLAIN_UNITS.has(name.toLowerCase())) return number;
  if (PERCENT_UNITS.has(name.toLowerCase())) return `${number} %`;
  return `${number} ${name}`;
}

/** "+6.2%" or "−6.2%" (null when there is nothing to compare with). */
export function formatChangePercent(percent: number | null | undefined, locale?: string): string | null {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return null;
  return new Intl.NumberFormat(locale, {
    style: "percent",
    maximumFractionDigits: 1,
    signDisplay: "exceptZero",
  }).format(percent / 100);
}

export function formatPercent(percent: number | null | undefined, locale?: string): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return "no data";
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(percent / 100);
}

export type Interval = "hour" | "day" | "week" | "month" | "quarter" | "year";

/** The wall-clock time of a local period start as the service writes it ("2026-03-29T00:00:00+02:00"),
 * as a Date whose UTC fields are those wall-clock fields: formatting it in UTC shows the local time. */
export function wallClock(iso: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(iso);
  if (!match) return new Date(Number.NaN);
  const [, year, month, day, hour = "0", minute = "0"] = match;
  return new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute)));
}

/** A period start for an axis ("Dec 6", "Dec 2026") or, `long`, for a table or tooltip. */
export function formatBucket(iso: string, interval: Interval, long = false, locale?: string): string {
  const moment = wallClock(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  const utc = { timeZone: "UTC" } as const;
  switch (interval) {
    case "hour":
      return new Intl.DateTimeFormat(locale, {
        ...utc,
        ...(long ? { weekday: "short", year: "numeric" } : {}),
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }).format(moment);
    case "week":
      return `${long ? "Week of " : ""}${new Intl.DateTimeFormat(locale, {
        ...utc,
        month: "short",
        day: "numeric",
        ...(long ? { year: "numeric" } : {}),
      }).format(moment)}`;
    case "month":
      return new Intl.DateTimeFormat(locale, { ...utc, month: long ? "long" : "short", year: "numeric" }).format(moment);
    case "quarter":
      return `Q${Math.floor(moment.getUTCMonth() / 3) + 1} ${moment.getUTCFullYear()}`;
    case "year":
      return String(moment.getUTCFullYear());
    default:
      return new Intl.DateTimeFormat(locale, {
        ...utc,
        ...(long ? { weekday: "short", year: "numeric" } : {}),
        month: "short",
        day: "numeric",
      }).format(moment);
  }
}

/** A local day ("2026-12-06") in words. */
export function formatDay(day: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" }).format(
    wallClock(day),
  );
}

/** A local period [start, end) as "7 Nov 2026 – 6 Dec 2026" (end exclusive, so the day before it). */
export function formatPeriod(startIso: string, endIso: string, locale?: string): string {
  const start = wallClock(startIso);
  const end = wallClock(endIso);
  const wholeDays = startIso.slice(11, 16) === "00:00" && endIso.slice(11, 16) === "00:00";
  const options: Intl.DateTimeFormatOptions = { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" };
  if (wholeDays) {
    const last = new Date(end.getTime() - 86_400_000);
    const format = new Intl.DateTimeFormat(locale, options);
    return last.getTime() <= start.getTime() ? format.format(start) : `${format.format(start)} – ${format.format(last)}`;
  }
  const format = new Intl.DateTimeFormat(locale, { ...options, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return `${format.format(start)} – ${format.format(end)}`;
}

/** An instant (report created, refreshed at) in the reader's own zone. */
export function formatInstant(iso: string | Date, locale?: string): string {
  const moment = typeof iso === "string" ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(moment);
}

export function formatBytes(bytes: number | null | undefined, locale?: string): string {
  if (bytes === null || bytes === undefined) return "";
  const units = ["bytes", "KB", "MB", "GB"];
  let size = bytes;
  let index = 0;
  while (size >= 1024 && index < units.length - 1) {
    size /= 1024;
    index += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: index ? 1 : 0 }).format(size)} ${units[index]}`;
}

/** "dimensions.partner_type" → "Partner type"; "metric_name" → "Metric name". */
export function humanize(name: string): string {
  const last = name.replace(/^dimensions\./, "").replace(/_/g, " ");
  return last.charAt(0).toUpperCase() + last.slice(1);
}
