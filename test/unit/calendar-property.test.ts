import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultCalendar } from "../../functions/core/calendar";
import { addDays } from "../../functions/core/time";

const calendar = defaultCalendar();
const dayArb = fc.integer({ min: 0, max: 365 * 12 }).map((offset) => addDays("2020-01-01", offset));

describe("R-WD-2: workdays add d n (property)", () => {
  it("R-WD-2: lands on a working day with exactly n working days in (d, result]", () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 1, max: 40 }), (from, n) => {
        const result = calendar.addWorkingDays(from, n);
        expect(result.date > from).toBe(true);
        expect(calendar.isWorkingDay(result.date).working).toBe(true);
        expect(calendar.workingDaysBetween(from, result.date).count).toBe(n);
        expect(calendar.workingDaysBetween(from, addDays(result.date, -1)).count).toBe(n - 1);
      }),
      { numRuns: 300 },
    );
  });

  it("R-WD-3: the result is provisional exactly when a day in (d, result] is in a provisional year", () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 1, max: 40 }), (from, n) => {
        const result = calendar.addWorkingDays(from, n);
        const touchesProvisional =
          calendar.yearStatus(Number(result.date.slice(0, 4))) === "provisional" ||
          calendar.yearStatus(Number(addDays(from, 1).slice(0, 4))) === "provisional";
        expect(result.provisional).toBe(touchesProvisional);
      }),
      { numRuns: 300 },
    );
  });

  it("R-WD-2: previousWorkingDay then addWorkingDays(·, 1) returns to the next working day", () => {
    fc.assert(
      fc.property(dayArb, (day) => {
        const before = calendar.previousWorkingDay(day);
        expect(before.date < day).toBe(true);
        const next = calendar.addWorkingDays(before.date, 1).date;
        expect(next >= day).toBe(true);
        expect(calendar.workingDaysBetween(before.date, addDays(day, -1)).count).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
