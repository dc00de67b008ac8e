/**
 * The day arithmetic of core/time.ts read without a Date (ADR 0114) gives what ECMAScript's Date gives. The
 * oracle here is the Date built-in itself, used as the module used it before: Date.UTC's round trip for a
 * real day, `toISOString` for a day's text, `getUTCDay` for a weekday.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayOfWeek } from "../../functions/core/calendar";
import { addDays, InvalidDateError, parseLocalDate, shanghaiDateOf } from "../../functions/core/time";

const DAY_MS = 86_400_000;

/** A real day by Date.UTC's round trip, with the format checked by a regex (years 0–99 are 1900–1999 there). */
function isRealDayByDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [y, m, d] = match.slice(1).map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(y, m - 1, d));
  return utc.getUTCFullYear() === y && utc.getUTCMonth() === m - 1 && utc.getUTCDate() === d;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const digitsText = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
const realDay = fc
  .integer({ min: Date.UTC(100, 0, 1) / DAY_MS, max: Date.UTC(9999, 11, 31) / DAY_MS })
  .map((day) => new Date(day * DAY_MS).toISOString().slice(0, 10));

describe("parseLocalDate without a regex or a Date", () => {
  it("accepts exactly the days Date.UTC round-trips", () => {
    fc.assert(
      fc.property(digitsText, (text) => {
        if (isRealDayByDate(text)) expect(parseLocalDate(text)).toBe(text);
        else expect(() => parseLocalDate(text)).toThrow(InvalidDateError);
      }),
      { numRuns: 5000 },
    );
  });

  it("accepts leap days of leap years only (2024, 2000, not 1900 or 2025) and month ends", () => {
    for (const day of ["2024-02-29", "2000-02-29", "2025-01-31", "2025-04-30", "0100-01-01", "9999-12-31"]) {
      expect(parseLocalDate(day)).toBe(day);
    }
  });

  it("refuses impossible days and the years Date.UTC reads as 1900–1999, with the same words", () => {
    for (const day of [
      "2025-02-29",
      "1900-02-29",
      "2025-04-31",
      "2025-13-01",
      "2025-00-10",
      "2025-01-00",
      "0099-12-31",
    ]) {
      expect(() => parseLocalDate(day)).toThrow(`no such day: ${day}`);
    }
  });

  it("refuses what is not YYYY-MM-DD, with the same words", () => {
    for (const text of [
      "2025-1-01",
      " 2025-01-01",
      "2025-01-01\n",
      "2025/01/01",
      "２０２５-01-01",
      "2025-01-0a",
      "",
    ]) {
      expect(() => parseLocalDate(text)).toThrow(`not a date (YYYY-MM-DD): ${JSON.stringify(text)}`);
    }
  });
});

describe("addDays, shanghaiDateOf and dayOfWeek by day numbers", () => {
  it("addDays is Date's UTC day arithmetic written by toISOString", () => {
    fc.assert(
      fc.property(realDay, fc.integer({ min: -40_000, max: 40_000 }), (day, days) => {
        const expected = new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
        expect(addDays(day, days)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it("addDays across the ends of the four-digit years writes what toISOString writes", () => {
    expect(addDays("9999-12-31", 1)).toBe("+010000-01");
    expect(addDays("0100-01-01", -1)).toBe("0099-12-31");
    expect(addDays("0100-01-01", -36_525)).toBe("0000-01-01");
    expect(addDays("0100-01-01", -36_526)).toBe("-000001-12");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-02-28", 1)).toBe("2025-03-01");
  });

  it("shanghaiDateOf is the +08:00 day toISOString writes", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(100, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
        const expected = new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
        expect(shanghaiDateOf(new Date(ms))).toBe(expected);
      }),
      { numRuns: 5000 },
    );
    // 2025-12-31T16:00:00Z is midnight of the new year in Shanghai; a millisecond before is still the old.
    expect(shanghaiDateOf(new Date("2025-12-31T16:00:00Z"))).toBe("2026-01-01");
    expect(shanghaiDateOf(new Date("2025-12-31T15:59:59.999Z"))).toBe("2025-12-31");
    expect(() => shanghaiDateOf(new Date(Number.NaN))).toThrow(RangeError);
  });

  it("dayOfWeek is Date's getUTCDay (2026-01-01 is a Thursday)", () => {
    expect(dayOfWeek("2026-01-01")).toBe(4);
    fc.assert(
      fc.property(realDay, (day) => {
        expect(dayOfWeek(day)).toBe(new Date(`${day}T00:00:00Z`).getUTCDay());
      }),
      { numRuns: 5000 },
    );
    expect(() => dayOfWeek("2025-02-30")).toThrow(InvalidDateError);
  });
});
