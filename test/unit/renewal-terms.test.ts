import { describe, expect, it } from "vitest";
import contractJson from "../../contracts/11NA0700211920254001.json" with { type: "json" };
import { assessNotice, deemedDeliveryDate, NoticeInputError } from "../../functions/core/notices";
import {
  anniversary,
  latestDispatchDates,
  nonRenewalDeadline,
  RenewalInputError,
  renewalReminderDate,
  renewalRulesFrom,
  renewalSchedule,
  termContaining,
  termDates,
} from "../../functions/core/renewal";
import { InvalidDateError } from "../../functions/core/time";

const rules = renewalRulesFrom(contractJson.rules);
/** Clause 9.3 as the sample contract states it, the table every deemed-delivery case below reads. */
const table = rules.deemedDeliveryDays;

describe("R-TERM-1 / R-TERM-2 / R-TERM-4: term dates", () => {
  it("R-TERM-4: effective 2025-07-15 → last day 2026-07-14, next term from 2026-07-15", () => {
    expect(termDates("2025-07-15", 1, 1)).toEqual({
      term: 1,
      firstDay: "2025-07-15",
      lastDay: "2026-07-14",
      nextTermFirstDay: "2026-07-15",
    });
  });

  it("R-TERM-2: renewed terms follow each other without gap or overlap", () => {
    expect(termDates("2025-07-15", 2, 1)).toEqual({
      term: 2,
      firstDay: "2026-07-15",
      lastDay: "2027-07-14",
      nextTermFirstDay: "2027-07-15",
    });
    expect(termDates("2025-07-15", 3, 1).firstDay).toBe("2027-07-15");
  });

  it("R-TERM-4: a 29 February start ends 28 February, and the renewal starts 1 March", () => {
    expect(termDates("2028-02-29", 1, 1)).toEqual({
      term: 1,
      firstDay: "2028-02-29",
      lastDay: "2029-02-28",
      nextTermFirstDay: "2029-03-01",
    });
    expect(termDates("2028-02-29", 2, 1)).toMatchObject({ firstDay: "2029-03-01", lastDay: "2030-02-28" });
    // Each renewal runs from its own first day: 2031-03-01 → the day before 2032-03-01 is 29 February.
    expect(termDates("2028-02-29", 4, 1)).toMatchObject({ firstDay: "2031-03-01", lastDay: "2032-02-29" });
  });

  it("R-TERM-4: a 29 February start over a 4-year term reaches the next 29 February's eve", () => {
    expect(termDates("2028-02-29", 1, 4).lastDay).toBe("2032-02-28");
  });

  it("R-TERM-4: anniversaries", () => {
    expect(anniversary("2025-07-15", 1)).toBe("2026-07-15");
    expect(anniversary("2028-02-29", 1)).toBe("2029-03-01");
    expect(anniversary("2028-02-29", 4)).toBe("2032-02-29");
    expect(anniversary("2027-02-28", 1)).toBe("2028-02-28");
  });

  it("R-TERM-2: finds the term a day falls in", () => {
    expect(termContaining("2025-07-15", "2026-07-14", 1).term).toBe(1);
    expect(termContaining("2025-07-15", "2026-07-15", 1).term).toBe(2);
    expect(() => termContaining("2025-07-15", "2025-07-14", 1)).toThrow(RenewalInputError);
  });

  it("R-TERM-1: rejects bad term numbers, lengths and dates", () => {
    expect(() => termDates("2025-07-15", 0, 1)).toThrow(RenewalInputError);
    expect(() => termDates("2025-07-15", 1.5, 1)).toThrow(RenewalInputError);
    expect(() => termDates("2025-07-15", 1, 0)).toThrow(RenewalInputError);
    expect(() => termDates("2025-02-29", 1, 1)).toThrow(InvalidDateError);
    expect(() => renewalRulesFrom({ ...contractJson.rules, termYears: { value: 0 } })).toThrow(/termYears/);
  });
});

describe("R-TERM-3: non-renewal notice deadline", () => {
  it("R-TERM-3 / R-TERM-4: deemed delivered on or before the last day minus 30 calendar days", () => {
    expect(nonRenewalDeadline("2026-07-14", 30)).toEqual({
      rule: "R-TERM-3",
      name: "non-renewal notice deemed delivered by",
      date: "2026-06-14",
      at: "2026-06-14T23:59:59+08:00",
      kind: "deadline",
      provisional: false,
    });
    expect(nonRenewalDeadline("2029-02-28", 30).date).toBe("2029-01-29");
  });
});

describe("R-NOTICE-2: deemed delivery", () => {
  it("R-NOTICE-2: personal delivery and fax count on the day itself", () => {
    expect(deemedDeliveryDate("personal", null, "2026-06-14", table)).toBe("2026-06-14");
    expect(deemedDeliveryDate("fax", null, "2026-06-14", table)).toBe("2026-06-14");
  });

  it("R-NOTICE-2: express courier day 3 / 5 / 10 / 20 after dispatch", () => {
    expect(deemedDeliveryDate("express", "same-city", "2026-06-01", table)).toBe("2026-06-04");
    expect(deemedDeliveryDate("express", "mainland", "2026-06-01", table)).toBe("2026-06-06");
    expect(deemedDeliveryDate("express", "hk-macao-taiwan", "2026-06-01", table)).toBe("2026-06-11");
    expect(deemedDeliveryDate("express", "abroad", "2026-06-01", table)).toBe("2026-06-21");
  });

  it("R-NOTICE-2: registered mail day 7 / 14 / 20 / 30 after dispatch", () => {
    expect(deemedDeliveryDate("registered", "same-city", "2026-06-01", table)).toBe("2026-06-08");
    expect(deemedDeliveryDate("registered", "mainland", "2026-06-01", table)).toBe("2026-06-15");
    expect(deemedDeliveryDate("registered", "hk-macao-taiwan", "2026-06-01", table)).toBe("2026-06-21");
    expect(deemedDeliveryDate("registered", "abroad", "2026-06-01", table)).toBe("2026-07-01");
  });

  it("R-NOTICE-2: region is required for post and courier, refused for personal delivery and fax", () => {
    expect(() => deemedDeliveryDate("express", null, "2026-06-01", table)).toThrow(NoticeInputError);
    expect(() => deemedDeliveryDate("personal", "mainland", "2026-06-01", table)).toThrow(NoticeInputError);
    expect(() => deemedDeliveryDate("email" as "fax", null, "2026-06-01", table)).toThrow(NoticeInputError);
    expect(() => deemedDeliveryDate("registered", "moon" as "abroad", "2026-06-01", table)).toThrow(
      NoticeInputError,
    );
  });

  it("R-NOTICE-2 / R-TERM-3: a notice is in time when deemed delivered on the deadline day, late the day after", () => {
    expect(
      assessNotice({
        method: "registered",
        region: "mainland",
        dispatched: "2026-05-31",
        deadline: "2026-06-14",
        table,
      }),
    ).toEqual({ deemedDeliveredOn: "2026-06-14", inTime: true });
    expect(
      assessNotice({
        method: "registered",
        region: "mainland",
        dispatched: "2026-06-01",
        deadline: "2026-06-14",
        table,
      }),
    ).toEqual({ deemedDeliveredOn: "2026-06-15", inTime: false, daysLate: 1 });
  });
});

describe("R-NOTICE-3: latest dispatch date per method and region", () => {
  it("R-NOTICE-3: for the first term of the sample contract (deadline 2026-06-14)", () => {
    const options = latestDispatchDates(nonRenewalDeadline("2026-07-14", 30), table);
    expect(options.map((o) => [o.method, o.region, o.deemedDeliveryDays, o.latestDispatchDate])).toEqual([
      ["personal", null, 0, "2026-06-14"],
      ["fax", null, 0, "2026-06-14"],
      ["express", "same-city", 3, "2026-06-11"],
      ["express", "mainland", 5, "2026-06-09"],
      ["express", "hk-macao-taiwan", 10, "2026-06-04"],
      ["express", "abroad", 20, "2026-05-25"],
      ["registered", "same-city", 7, "2026-06-07"],
      ["registered", "mainland", 14, "2026-05-31"],
      ["registered", "hk-macao-taiwan", 20, "2026-05-25"],
      ["registered", "abroad", 30, "2026-05-15"],
    ]);
    // Dispatching on each latest day is exactly in time.
    for (const o of options) {
      expect(
        assessNotice({
          method: o.method,
          region: o.region,
          dispatched: o.latestDispatchDate,
          deadline: "2026-06-14",
          table,
        }).inTime,
      ).toBe(true);
    }
  });

  it("R-NOTICE-3: the reminder goes out 14 days before the earliest latest-dispatch date", () => {
    expect(renewalReminderDate(latestDispatchDates("2026-06-14", table), 14)).toBe("2026-05-01");
    expect(() => renewalReminderDate([], 14)).toThrow(RenewalInputError);
  });

  it("R-TERM-3 / R-NOTICE-3: the whole schedule of a term", () => {
    const schedule = renewalSchedule("2025-07-15", 1, rules);
    expect(schedule).toMatchObject({
      term: 1,
      firstDay: "2025-07-15",
      lastDay: "2026-07-14",
      nextTermFirstDay: "2026-07-15",
      nonRenewalDeadline: { date: "2026-06-14" },
      reminderDate: "2026-05-01",
      reminderAt: "2026-05-01T00:00:00+08:00",
    });
    expect(schedule.latestDispatch).toHaveLength(10);
  });
});
