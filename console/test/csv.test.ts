import { describe, expect, it } from "vitest";

import { fileName, toCsv } from "../src/csv";

describe("toCsv", () => {
  it("quotes what needs quoting and keeps numbers as numbers", () => {
    expect(toCsv(["period_start", "a, b"], [["2026-01-01T00:00:00Z", 1.5], ["2026-01-02T00:00:00Z", null]])).toBe(
      'period_start,"a, b"\r\n2026-01-01T00:00:00Z,1.5\r\n2026-01-02T00:00:00Z,\r\n',
    );
    expect(toCsv(['say "hi"'], [[-3]])).toBe('"say ""hi"""\r\n-3\r\n');
  });

  it("defuses text a spreadsheet would run as a formula", () => {
    expect(toCsv(["=HYPERLINK(1)", "@x", "+1"], [])).toBe("'=HYPERLINK(1),'@x,'+1\r\n");
  });

  it("makes safe file names", () => {
    expect(fileName("explore", "donation received", "<img>")).toBe("explore-donation_received-_img_");
  });
});
