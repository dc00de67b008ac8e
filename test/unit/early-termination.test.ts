/**
 * R-TERM-3 (合同第十条10.1款 "因特殊情况需提前终止协议，需于…提前终止协议前30日将协议终止事宜等内容书面通知对方"):
 * an early end date is lawful when the written notice is deemed delivered (9.3) at least 30 days before it.
 * Oracles: hand counts of calendar days from the contract text (R-WD-4: no 工作日 in 10.1).
 */
import { describe, expect, it } from "vitest";
import { assessTermination, TerminationInputError } from "../../functions/core/termination";

const table = {
  express: { "same-city": 3, mainland: 5, "hk-macao-taiwan": 10, abroad: 20 },
  registered: { "same-city": 7, mainland: 14, "hk-macao-taiwan": 20, abroad: 30 },
};
const term = { firstDay: "2025-07-15", lastDay: "2026-07-14" };

describe("R-TERM-3: early termination judged against the end date minus 30 days", () => {
  it("R-TERM-3: signed for 2025-10-21, ending 2025-11-20: 11-20 − 30 days = 10-21, in time (inclusive)", () => {
    expect(
      assessTermination({
        method: "personal",
        region: null,
        dispatched: "2025-10-21",
        end: "2025-11-20",
        noticeDays: 30,
        table,
        term,
      }),
    ).toEqual({
      deadline: "2025-10-21",
      deemedDeliveredOn: "2025-10-21",
      inTime: true,
      earliestLawfulEnd: "2025-11-20",
    });
  });

  it("R-TERM-3: express in the city dispatched 10-20 is delivered 10-23 (day 3): too late for 11-20, lawful from 11-22", () => {
    expect(
      assessTermination({
        method: "express",
        region: "same-city",
        dispatched: "2025-10-20",
        end: "2025-11-20",
        noticeDays: 30,
        table,
        term,
      }),
    ).toEqual({
      deadline: "2025-10-21",
      deemedDeliveredOn: "2025-10-23",
      inTime: false,
      earliestLawfulEnd: "2025-11-22",
    });
  });

  it("R-TERM-3: rejections — an end outside the term, an end not after the dispatch", () => {
    const base = { method: "personal" as const, region: null, noticeDays: 30, table, term };
    expect(() => assessTermination({ ...base, dispatched: "2026-06-01", end: "2026-07-20" })).toThrow(
      TerminationInputError,
    );
    expect(() => assessTermination({ ...base, dispatched: "2025-10-21", end: "2025-10-21" })).toThrow(
      /after the notice/,
    );
    expect(() => assessTermination({ ...base, dispatched: "2025-07-01", end: "2025-07-10" })).toThrow(/term/);
  });
});
