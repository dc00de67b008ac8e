/**
 * R-WD-1, R-WD-3: published State Council notices (test/fixtures/holiday-notices/, sources in its README) read
 * into calendars that agree day by day with the chinese-days package data — people other than us typed that
 * data in from the same notices, so it is an independent oracle. Where the package also carries a later,
 * separate State Council notice that changed the year, the days it changed are listed here by hand with that
 * notice, and nowhere else may the two disagree.
 */
import { readFileSync } from "node:fs";
import chineseDays from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { isWeekend, officialYearSchema } from "../../functions/core/calendar";
import { officialYearFromNotice, parseHolidayNotice } from "../../functions/core/holiday-notice";
import { addDays, type LocalDate } from "../../functions/core/time";

const fixture = (year: number) =>
  readFileSync(new URL(`../fixtures/holiday-notices/${year}.txt`, import.meta.url), "utf8");

/** Working status according to chinese-days' data (its functions are never used: ADR 0003). */
function packageSaysWorking(date: LocalDate): boolean {
  if (date in chineseDays.workdays) return true;
  if (date in chineseDays.holidays) return false;
  return !isWeekend(date);
}

/** Days changed after the annual notice by a separate State Council notice, which chinese-days includes. */
const LATER_NOTICES: Record<number, { notice: string; days: Record<LocalDate, "working" | "off"> }> = {
  2015: {
    // 国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知 (国发明电〔2015〕3号)
    notice: "70th anniversary of victory: 9-3 a holiday, 9-4 off, Sunday 9-6 worked",
    days: { "2015-09-03": "off", "2015-09-04": "off", "2015-09-06": "working" },
  },
  2019: {
    // 国务院办公厅关于调整2019年劳动节假期安排的通知 (国办发明电〔2019〕2号): 5-1 to 5-4 off
    notice: "劳动节 extended to 5-1..5-4, with Sunday 4-28 and Sunday 5-5 worked",
    days: { "2019-05-02": "off", "2019-05-03": "off", "2019-04-28": "working", "2019-05-05": "working" },
  },
  2020: {
    // 国务院办公厅关于延长2020年春节假期的通知 (国办发明电〔2020〕1号): 春节 extended to 2-2
    notice: "春节 extended to 2-2 (COVID-19); Saturday 2-1 no longer worked",
    days: { "2020-01-31": "off", "2020-02-01": "off" },
  },
};

/** Counts summed by hand from each notice's items (a 补休 day counts with its holiday). */
const published = [
  { year: 2015, style: "older", holidays: 3 + 7 + 2 + 1 + 2 + 1 + 7, workdays: 4 },
  { year: 2016, style: "older", holidays: 1 + 7 + 1 + 2 + 3 + 3 + 7, workdays: 6 },
  { year: 2017, style: "older", holidays: 2 + 7 + 3 + 1 + 3 + 8, workdays: 5 },
  { year: 2019, style: "older", holidays: 3 + 7 + 1 + 1 + 1 + 1 + 7, workdays: 5 },
  { year: 2020, style: "older", holidays: 1 + 7 + 3 + 5 + 3 + 8, workdays: 7 },
  { year: 2023, style: "older", holidays: 3 + 7 + 1 + 5 + 3 + 8, workdays: 7 },
  { year: 2024, style: "older", holidays: 1 + 8 + 3 + 5 + 1 + 3 + 7, workdays: 8 },
  { year: 2025, style: "current", holidays: 1 + 8 + 3 + 5 + 3 + 8, workdays: 5 },
  { year: 2026, style: "current", holidays: 3 + 9 + 3 + 5 + 3 + 3 + 7, workdays: 6 },
];

describe("published holiday notices agree day by day with chinese-days (R-WD-1)", () => {
  it.each(published)("$year ($style style)", ({ year }) => {
    const notice = parseHolidayNotice(fixture(year));
    expect(notice.year).toBe(year);
    const off = new Set(notice.holidays);
    const worked = new Set(notice.workdays);
    const later = LATER_NOTICES[year]?.days ?? {};
    const disagreements: string[] = [];
    for (let day = `${year}-01-01`; day <= `${year}-12-31`; day = addDays(day, 1)) {
      const ours = worked.has(day) || (!off.has(day) && !isWeekend(day));
      const theirs = packageSaysWorking(day);
      const expected = later[day] === undefined ? theirs : !theirs;
      if (ours !== expected) disagreements.push(`${day}: notice ${ours ? "working" : "off"}`);
    }
    expect(disagreements).toEqual([]);
    // Each later-notice day really is one where the package differs from the annual notice.
    for (const [day, status] of Object.entries(later)) {
      expect(packageSaysWorking(day)).toBe(status === "working");
    }
  });

  it("2019: the notice's make-up Saturday in December 2018 is a working day in both", () => {
    const notice = parseHolidayNotice(fixture(2019));
    expect(notice.workdays).toContain("2018-12-29");
    expect(packageSaysWorking("2018-12-29")).toBe(true);
    expect(notice.holidays.slice(0, 3)).toEqual(["2018-12-30", "2018-12-31", "2019-01-01"]);
  });

  it("days off and make-up days counted by hand from each notice", () => {
    for (const { year, holidays, workdays } of published) {
      const notice = parseHolidayNotice(fixture(year));
      expect([notice.holidays.length, notice.workdays.length]).toEqual([holidays, workdays]);
    }
    expect(parseHolidayNotice(fixture(2026)).workdays).toEqual([
      "2026-01-04",
      "2026-02-14",
      "2026-02-28",
      "2026-05-09",
      "2026-09-20",
      "2026-10-10",
    ]);
  });

  it("2024: the encouragement to give 除夕 off is not an arrangement; 2-9 stays a working day in both", () => {
    const notice = parseHolidayNotice(fixture(2024));
    expect(notice.holidays).not.toContain("2024-02-09");
    expect(packageSaysWorking("2024-02-09")).toBe(true);
  });

  it("keeps the source: title, signature date, document number when the copy has one", () => {
    expect(parseHolidayNotice(fixture(2016)).source).toEqual({
      title: "国务院办公厅关于2016年部分节假日安排的通知",
      date: "2015-12-10",
      documentNumber: "国办发明电〔2015〕18号",
    });
    expect(parseHolidayNotice(fixture(2026)).source).toEqual({
      title: "国务院办公厅关于2026年部分节假日安排的通知",
      date: "2025-11-04",
    });
  });

  it("gives a calendar-data file the loader accepts", () => {
    for (const { year } of published) {
      const file = officialYearFromNotice(parseHolidayNotice(fixture(year)));
      expect(officialYearSchema.safeParse(file).success).toBe(true);
    }
  });

  it("reads the official full-width punctuation the same as a copy's ASCII punctuation", () => {
    const ascii = fixture(2026);
    const fullWidth = ascii
      .replaceAll("(", "（")
      .replaceAll(")", "）")
      .replaceAll(":", "：")
      .replaceAll(",", "，");
    expect(parseHolidayNotice(fullWidth).holidays).toEqual(parseHolidayNotice(ascii).holidays);
    expect(parseHolidayNotice(fullWidth).workdays).toEqual(parseHolidayNotice(ascii).workdays);
  });
});
