import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import chineseDaysData from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { afterAll, describe, expect, it } from "vitest";
import {
  CalendarError,
  dayOfWeek,
  defaultCalendar,
  loadOfficialYearFiles,
  type OfficialYear,
  officialYearsFromChineseDays,
  statutoryHolidays,
  WorkingDayCalendar,
} from "../../functions/core/calendar";

const calendar = defaultCalendar();

describe("R-WD-1: the official PRC calendar", () => {
  it("R-WD-1: weekdays work, weekends rest, holidays rest, make-up Saturdays work (2025 National Day)", () => {
    expect(calendar.isWorkingDay("2025-09-26")).toEqual({ working: true, provisional: false }); // Friday
    expect(calendar.isWorkingDay("2025-09-27")).toEqual({ working: false, provisional: false }); // Saturday
    expect(calendar.isWorkingDay("2025-09-28")).toEqual({ working: true, provisional: false }); // make-up Sunday
    for (const day of ["01", "02", "03", "06", "07", "08"]) {
      expect(calendar.isWorkingDay(`2025-10-${day}`).working).toBe(false);
    }
    expect(calendar.isWorkingDay("2025-10-09").working).toBe(true);
    expect(calendar.isWorkingDay("2025-10-11")).toEqual({ working: true, provisional: false }); // make-up Saturday
    expect(calendar.isWorkingDay("2025-10-12").working).toBe(false);
  });

  it("R-WD-1: Spring Festival 2026 (2/15–2/23 off, Saturdays 2/14 and 2/28 worked)", () => {
    expect(calendar.isWorkingDay("2026-02-13").working).toBe(true);
    expect(calendar.isWorkingDay("2026-02-14").working).toBe(true);
    for (let d = 15; d <= 23; d++) expect(calendar.isWorkingDay(`2026-02-${d}`).working).toBe(false);
    expect(calendar.isWorkingDay("2026-02-24").working).toBe(true);
    expect(calendar.isWorkingDay("2026-02-28").working).toBe(true);
  });

  it("R-WD-1: weekday from UTC date arithmetic, whatever the host time zone", () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = "America/Los_Angeles";
      expect(dayOfWeek("2027-01-01")).toBe(5);
      expect(calendar.isWorkingDay("2026-02-14").working).toBe(true);
      process.env.TZ = "Pacific/Kiritimati";
      expect(dayOfWeek("2027-01-01")).toBe(5);
      expect(calendar.addWorkingDays("2025-09-30", 10).date).toBe("2025-10-21");
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("R-WD-1: rejects a day that does not exist", () => {
    expect(() => calendar.isWorkingDay("2025-02-29")).toThrow(/no such day/);
    expect(() => calendar.isWorkingDay("2025-9-1")).toThrow(/not a date/);
  });
});

describe("R-WD-2: within N working days after X", () => {
  it("R-WD-2 / R-BILL-1: the September 2025 bill is due 2025-10-21", () => {
    expect(calendar.addWorkingDays("2025-09-30", 10)).toEqual({ date: "2025-10-21", provisional: false });
  });

  it("R-WD-2: X's own day never counts, even when it is a working day", () => {
    expect(calendar.addWorkingDays("2025-10-20", 1)).toEqual({ date: "2025-10-21", provisional: false });
    expect(calendar.addWorkingDays("2025-10-17", 1).date).toBe("2025-10-20"); // Friday → Monday
  });

  it("R-WD-2: a period ending before Spring Festival 2026 (January bill due 2026-02-13)", () => {
    expect(calendar.addWorkingDays("2026-01-31", 10).date).toBe("2026-02-13");
    // 5 working days from 2026-02-13: the make-up Saturday 2/14, then 2/24–2/27.
    expect(calendar.addWorkingDays("2026-02-13", 5).date).toBe("2026-02-27");
  });

  it("R-WD-2: n must be a positive whole number", () => {
    expect(() => calendar.addWorkingDays("2025-10-01", 0)).toThrow(CalendarError);
    expect(() => calendar.addWorkingDays("2025-10-01", -1)).toThrow(CalendarError);
    expect(() => calendar.addWorkingDays("2025-10-01", 1.5)).toThrow(CalendarError);
    expect(() => calendar.addWorkingDays("2025-10-01", Number.NaN)).toThrow(CalendarError);
  });

  it("R-WD-2: previousWorkingDay skips back over a holiday block to a make-up day", () => {
    expect(calendar.previousWorkingDay("2026-02-24")).toEqual({ date: "2026-02-14", provisional: false });
    expect(calendar.previousWorkingDay("2025-10-09")).toEqual({ date: "2025-09-30", provisional: false });
  });

  it("R-WD-2: workingDaysBetween counts (from, to]", () => {
    expect(calendar.workingDaysBetween("2025-09-30", "2025-10-21")).toEqual({
      count: 10,
      provisional: false,
    });
    expect(calendar.workingDaysBetween("2025-10-21", "2025-10-21").count).toBe(0);
    expect(calendar.workingDaysBetween("2025-10-21", "2025-10-01").count).toBe(0);
  });
});

describe("R-WD-3: official years and provisional years", () => {
  it("R-WD-3: chinese-days years 2004–2026 are official; 2027 is not, whatever the package says", () => {
    expect(calendar.officialYears()).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    expect(calendar.yearStatus(2026)).toBe("official");
    expect(calendar.yearStatus(2027)).toBe("provisional");
  });

  it("R-WD-3: 2027-01-01 (a Friday) is a provisional holiday, not a working day", () => {
    expect(dayOfWeek("2027-01-01")).toBe(5);
    expect(calendar.isWorkingDay("2027-01-01")).toEqual({ working: false, provisional: true });
    expect(calendar.isWorkingDay("2027-01-04")).toEqual({ working: true, provisional: true });
  });

  it("R-WD-3: a count crossing into a provisional year is provisional", () => {
    expect(calendar.addWorkingDays("2026-11-30", 10)).toEqual({ date: "2026-12-14", provisional: false });
    expect(calendar.addWorkingDays("2026-12-31", 10)).toEqual({ date: "2027-01-15", provisional: true });
    expect(calendar.addWorkingDays("2026-12-30", 1)).toEqual({ date: "2026-12-31", provisional: false });
    expect(calendar.previousWorkingDay("2027-01-04")).toEqual({ date: "2026-12-31", provisional: true });
  });

  it("R-WD-3: statutory holidays of 2027 (2024 revision) with weekend days given back (补假), no make-up days", () => {
    expect(statutoryHolidays(2027)).toEqual([
      "2027-01-01",
      "2027-02-05", // 除夕 Fri
      "2027-02-06", // 初一 Sat
      "2027-02-07", // 初二 Sun
      "2027-02-08", // 初三 Mon
      "2027-02-09", // given back for Saturday
      "2027-02-10", // given back for Sunday
      "2027-04-05", // 清明 Mon
      "2027-05-01", // Sat
      "2027-05-02", // Sun
      "2027-05-03",
      "2027-05-04",
      "2027-06-09", // 端午 Wed
      "2027-09-15", // 中秋 Wed
      "2027-10-01", // Fri
      "2027-10-02", // Sat
      "2027-10-03", // Sun
      "2027-10-04",
      "2027-10-05",
    ]);
    // No weekend day becomes a working day in a provisional year.
    expect(calendar.isWorkingDay("2027-02-20").working).toBe(false);
  });

  it("R-WD-3: the statutory rules reproduce the holidays the 2025 and 2026 notices are built on", () => {
    const official = new Set(officialYearsFromChineseDays(chineseDaysData).flatMap((y) => y.holidays));
    for (const year of [2025, 2026]) {
      for (const day of statutoryHolidays(year)) {
        const weekend = [0, 6].includes(dayOfWeek(day));
        if (!weekend) expect(official.has(day), `${day} should be off in the ${year} notice`).toBe(true);
      }
    }
  });

  it("R-WD-3: a year with neither official data nor statutory rules is refused, never Mon–Fri", () => {
    expect(() => calendar.isWorkingDay("2003-06-02")).toThrow(CalendarError);
    expect(() => calendar.isWorkingDay("2100-06-01")).toThrow(CalendarError);
    expect(() => calendar.yearStatus(2100)).toThrow(CalendarError);
  });

  it("R-WD-3: a package year without its core holidays is not trusted as official", () => {
    const years = officialYearsFromChineseDays({
      holidays: {
        "2027-01-01": "New Year's Day,元旦,1",
        "2026-01-01": "New Year's Day,元旦,1",
        "2026-02-16": "Spring Festival,春节,4",
        "2026-05-01": "Labour Day,劳动节,2",
        "2026-10-01": "National Day,国庆节,3",
      },
      workdays: { "2026-02-14": "Spring Festival,春节,4" },
    });
    expect(years.map((y) => y.year)).toEqual([2026]);
    expect(years[0]?.makeUpWorkdays).toEqual(["2026-02-14"]);
  });
});

describe("R-WD-3: official year files in calendar-data/", () => {
  const dir = mkdtempSync(join(tmpdir(), "calendar-data-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: unknown) =>
    writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));

  it("R-WD-3: a CN-<yyyy>.json file makes the year official and overrides package data", () => {
    // Illustrative data for the mechanism only — not the real 2027 notice.
    const file: OfficialYear = {
      year: 2027,
      source: "test fixture",
      holidays: ["2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"],
      makeUpWorkdays: ["2027-02-20", "2026-12-26"],
    };
    write("CN-2027.json", file);
    write("README.md", "ignored");
    const years = loadOfficialYearFiles(dir);
    expect(years.map((y) => y.year)).toEqual([2027]);
    const withFile = new WorkingDayCalendar([...officialYearsFromChineseDays(chineseDaysData), ...years]);
    expect(withFile.yearStatus(2027)).toBe("official");
    expect(withFile.isWorkingDay("2027-02-11")).toEqual({ working: false, provisional: false });
    expect(withFile.isWorkingDay("2027-02-20")).toEqual({ working: true, provisional: false });
    // A make-up day the next year's notice puts in December of this year.
    expect(withFile.isWorkingDay("2026-12-26")).toEqual({ working: true, provisional: false });
    expect(withFile.addWorkingDays("2026-12-31", 10)).toEqual({ date: "2027-01-15", provisional: false });
  });

  it("R-WD-3: a later source for the same year replaces the earlier one", () => {
    const override = new WorkingDayCalendar([
      ...officialYearsFromChineseDays(chineseDaysData),
      { year: 2025, source: "override", holidays: ["2025-01-01"], makeUpWorkdays: [] },
    ]);
    expect(override.sourceOf(2025)).toBe("override");
    expect(override.isWorkingDay("2025-10-08").working).toBe(true);
  });

  it("R-WD-3: invalid files are rejected, not skipped", () => {
    const bad = mkdtempSync(join(tmpdir(), "calendar-bad-"));
    try {
      writeFileSync(
        join(bad, "CN-2028.json"),
        JSON.stringify({ year: 2028, source: "x", holidays: ["2028-02-30"], makeUpWorkdays: [] }),
      );
      expect(() => loadOfficialYearFiles(bad)).toThrow(/CN-2028\.json is invalid/);
      writeFileSync(
        join(bad, "CN-2028.json"),
        JSON.stringify({ year: 2028, source: "x", holidays: ["2028-01-01"], makeUpWorkdays: ["2028-01-03"] }),
      );
      expect(() => loadOfficialYearFiles(bad)).toThrow(/not a weekend day/);
      writeFileSync(
        join(bad, "CN-2028.json"),
        JSON.stringify({ year: 2029, source: "x", holidays: ["2029-01-01"], makeUpWorkdays: [] }),
      );
      expect(() => loadOfficialYearFiles(bad)).toThrow(/holds year 2029/);
      writeFileSync(
        join(bad, "CN-2028.json"),
        JSON.stringify({ year: 2028, source: "x", holidays: ["2030-01-01"], makeUpWorkdays: [] }),
      );
      expect(() => loadOfficialYearFiles(bad)).toThrow(/not in 2028/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it("R-WD-3: a missing directory means no extra years", () => {
    expect(loadOfficialYearFiles(join(dir, "absent"))).toEqual([]);
  });
});
