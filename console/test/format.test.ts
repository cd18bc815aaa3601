import { describe, expect, it } from "vitest";

import { formatBucket, formatChangePercent, formatPeriod, formatValue, humanize, isCurrency, wallClock } from "../src/format";

describe("formatValue", () => {
  it("writes a currency unit as money, without cents on large sums", () => {
    expect(formatValue(927251.0000001, "USD", { locale: "en-US" })).toBe("$927,251");
    expect(formatValue(33.14, "EUR", { locale: "en-US" })).toBe("€33.14");
    expect(formatValue(664.2199, "USD", { locale: "en-US" })).toBe("$664.22");
    expect(formatValue(5, "USD", { locale: "en-US" })).toBe("$5.00");
  });

  it("writes other units after the number, and counts plainly", () => {
    expect(formatValue(30359, "people", { locale: "en-US" })).toBe("30,359 people");
    expect(formatValue(1396, "count", { locale: "en-US" })).toBe("1,396");
    expect(formatValue(6.6734, "%", { locale: "en-US" })).toBe("6.67 %");
    expect(formatValue(12.5, null, { integer: true, locale: "en-US" })).toBe("13");
  });

  it("says when there is no figure rather than showing zero", () => {
    expect(formatValue(null, "USD")).toBe("no data");
    expect(formatValue(Number.NaN, "USD")).toBe("no data");
  });

  it("shortens for axes", () => {
    expect(formatValue(1_250_000, "USD", { compact: true, locale: "en-US" })).toBe("$1.3M");
  });

  it("takes only real ISO currency codes as money", () => {
    expect(isCurrency("USD")).toBe(true);
    expect(isCurrency("ABC")).toBe(false);
    expect(isCurrency("usd")).toBe(false);
  });
});

describe("changes and periods", () => {
  it("signs a change in percent", () => {
    expect(formatChangePercent(-6.2057, "en-US")).toBe("-6.2%");
    expect(formatChangePercent(12, "en-US")).toBe("+12%");
    expect(formatChangePercent(null)).toBeNull();
  });

  it("reads a local period start as its wall-clock time, whatever its offset", () => {
    expect(wallClock("2026-03-29T00:00:00+02:00").toISOString()).toBe("2026-03-29T00:00:00.000Z");
    expect(formatBucket("2026-03-29T00:00:00+02:00", "day", false, "en-US")).toBe("Mar 29");
    expect(formatBucket("2026-03-01T00:00:00-05:00", "month", false, "en-US")).toBe("Mar 2026");
    expect(formatBucket("2026-11-01T00:00:00Z", "quarter")).toBe("Q4 2026");
    expect(formatBucket("2026-03-29T14:00:00+02:00", "hour", false, "en-US")).toBe("Mar 29, 14:00");
  });

  it("shows an exclusive end as the last day included", () => {
    expect(formatPeriod("2026-11-07T00:00:00Z", "2026-12-07T00:00:00Z", "en-GB")).toBe("7 Nov 2026 – 6 Dec 2026");
    expect(formatPeriod("2026-11-07T00:00:00+01:00", "2026-11-08T00:00:00+01:00", "en-GB")).toBe("7 Nov 2026");
  });

  it("names fields for people", () => {
    expect(humanize("dimensions.partner_type")).toBe("Partner type");
  });
});
