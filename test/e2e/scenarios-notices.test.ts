/**
 * Shipped scenarios about written notices and the end of the contract, played on the embedded stack.
 * Bills have no usage: the monthly fee alone, 4000.00 (R-PRICE-1). Expected values are worked out by hand
 * from the contract text: 9.3 (deemed delivery) and 10.1 (30 days before expiry).
 */
import { describe, expect, it } from "vitest";
import { periodRow, playScenario } from "./harness";

const RUN = 180_000;

describe("scenario: a non-renewal notice recorded late but delivered in time (R-NOTICE-2, R-TERM-3, R-TERM-4)", () => {
  it(
    "registered mail dispatched 2026-05-31 is deemed delivered 2026-06-14 (day 14), on the deadline: term 1 ends 2026-07-14 although it was recorded on 2026-06-16",
    async () => {
      const report = await playScenario("scenarios/late-recorded-notice.json");
      const notice = report.operations.find((o) => o.operation === "record-notice");
      expect(notice?.outcome).toBe("done");
      expect(notice?.at.slice(0, 10)).toBe("2026-06-16");
      expect(report.contract).toEqual({ status: "ended", lastDay: "2026-07-14" });
      expect(report.terms[0]).toEqual({ term: 1, outcome: "ended" });
      // The automatic renewal into term 2 (from 2026-07-15) happened before the notice was recorded: undone.
      expect(report.terms.slice(1)).toEqual([{ term: 2, outcome: "cancelled" }]);
      // July 2026 is the last period: billed on 1 August and settled (nothing open: "none").
      expect(periodRow(report, "2026-07")).toMatchObject({
        billTotal: "4000.00",
        paid: "4000.00",
        closed: true,
      });
      expect(report.settlement).toMatchObject({ amount: "0.00", direction: "none" });
    },
    RUN,
  );
});

describe("scenario: the last month pro-rated by day (R-PRICE-1, R-END-1, R-TERM-4)", () => {
  it(
    "a timely non-renewal ends the contract on 2026-07-14; with proration 'daily' July bills 14 of 31 days: 4000.00 × 14 / 31 = 1806.45",
    async () => {
      const report = await playScenario("scenarios/daily-proration.json");
      // Registered mail within the mainland dispatched 2026-05-20: deemed delivered 2026-06-03 (9.3, day 14),
      // before 2026-06-14, the last day for a notice 30 days before 2026-07-14 (10.1): term 1 ends.
      expect(report.contract).toEqual({ status: "ended", lastDay: "2026-07-14" });
      expect(report.terms[0]).toEqual({ term: 1, outcome: "ended" });
      // Whole months bill the full fee; July's share is 14 / 31 = 0.4516…, rounded half-up once (R-MONEY-1):
      // 1806.4516… → 1806.45.
      expect(periodRow(report, "2026-05")).toMatchObject({ billTotal: "4000.00" });
      expect(periodRow(report, "2026-06")).toMatchObject({ billTotal: "4000.00" });
      const july = periodRow(report, "2026-07");
      expect(july).toMatchObject({
        billTotal: "1806.45",
        paid: "1806.45",
        outstanding: "0.00",
        closed: true,
      });
      // The scenario generates no usage: voice and SMS bill 0.00.
      expect(july.lines).toEqual([
        { kind: "monthly-fee", amount: "1806.45" },
        { kind: "voice", amount: "0.00" },
        { kind: "sms", amount: "0.00" },
      ]);
      expect(report.settlement).toMatchObject({ amount: "0.00", direction: "none" });
    },
    RUN,
  );
});
