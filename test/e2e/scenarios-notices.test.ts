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
