import { describe, expect, it } from "vitest";
import {
  dragonBoatFestival,
  LunarRangeError,
  lunarNewYear,
  lunarNewYearsEve,
  lunarToSolar,
  midAutumnFestival,
  qingmingDay,
} from "../../functions/core/lunar";

// Published dates (Hong Kong Observatory / Purple Mountain Observatory almanacs): 春节, 清明, 端午, 中秋.
const KNOWN: Array<[number, string, string, string, string]> = [
  [2025, "2025-01-29", "2025-04-04", "2025-05-31", "2025-10-06"],
  [2026, "2026-02-17", "2026-04-05", "2026-06-19", "2026-09-25"],
  [2027, "2027-02-06", "2027-04-05", "2027-06-09", "2027-09-15"],
  [2028, "2028-01-26", "2028-04-04", "2028-05-28", "2028-10-03"],
  [2029, "2029-02-13", "2029-04-04", "2029-06-16", "2029-09-22"],
  [2030, "2030-02-03", "2030-04-05", "2030-06-05", "2030-09-12"],
  [2031, "2031-01-23", "2031-04-05", "2031-06-24", "2031-10-01"],
  [2032, "2032-02-11", "2032-04-04", "2032-06-12", "2032-09-19"],
  [2033, "2033-01-31", "2033-04-04", "2033-06-01", "2033-09-08"],
  [2034, "2034-02-19", "2034-04-05", "2034-06-20", "2034-09-27"],
  [2035, "2035-02-08", "2035-04-05", "2035-06-10", "2035-09-16"],
];

describe("R-WD-3: lunar and solar-term dates for provisional calendars", () => {
  it.each(KNOWN)(
    "R-WD-3: %i festivals match the almanac",
    (year, springFestival, qingming, dragonBoat, midAutumn) => {
      expect(lunarNewYear(year)).toBe(springFestival);
      expect(qingmingDay(year)).toBe(qingming);
      expect(dragonBoatFestival(year)).toBe(dragonBoat);
      expect(midAutumnFestival(year)).toBe(midAutumn);
    },
  );

  it("R-WD-3: 除夕 is the day before 正月初一, including across a month end", () => {
    expect(lunarNewYearsEve(2025)).toBe("2025-01-28");
    expect(lunarNewYearsEve(2030)).toBe("2030-02-02");
    expect(lunarNewYearsEve(2033)).toBe("2033-01-30");
  });

  it("R-WD-3: every covered year puts the festivals in their seasons", () => {
    for (let year = 2021; year <= 2099; year++) {
      expect(
        lunarNewYear(year) >= `${year}-01-21` && lunarNewYear(year) <= `${year}-02-20`,
        String(year),
      ).toBe(true);
      expect(["04", "05"]).toContain(qingmingDay(year).slice(8));
      expect(dragonBoatFestival(year) >= `${year}-05-26` && dragonBoatFestival(year) <= `${year}-06-25`).toBe(
        true,
      );
      expect(midAutumnFestival(year) >= `${year}-09-07` && midAutumnFestival(year) <= `${year}-10-08`).toBe(
        true,
      );
    }
  });

  it("R-WD-3: leap months are skipped correctly (2025 has a leap 6th month: 中秋 is 10-06)", () => {
    expect(lunarToSolar(2025, 7, 1)).toBe("2025-08-23");
    expect(lunarToSolar(2025, 6, 1)).toBe("2025-06-25");
  });

  it("R-WD-3: years and days outside the table are refused", () => {
    expect(() => lunarNewYear(2100)).toThrow(LunarRangeError);
    expect(() => qingmingDay(2019)).toThrow(LunarRangeError);
    expect(() => lunarToSolar(2025, 13, 1)).toThrow(LunarRangeError);
    expect(() => lunarToSolar(2025, 1, 31)).toThrow(LunarRangeError);
  });
});
