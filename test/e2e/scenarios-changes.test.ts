/**
 * Shipped scenarios of contract changes, each played on the embedded stack as `npm start -- --scenario`
 * plays it. Expected values are hand counts from the contract text: 4.10 (requested by the 15th → the 1st
 * of next month, after it → the 1st of the month after), 3.11 (an SMS tariff both parties agreed, from the
 * agreed day), 4.1 (SMS 0.04 a message; the monthly fee), R-MONEY-1 (each line rounded half-up once).
 */
import { describe, expect, it } from "vitest";
import { playScenario } from "./harness";

const RUN = 240_000;

/** quantity × unit price in fen, rounded half-up once (R-MONEY-1), worked out apart from the rating code. */
function fenOf(quantity: string, unitPrice: string): bigint {
  const [whole = "0", fraction = ""] = unitPrice.split(".");
  const tenThousandths = BigInt(whole) * 10_000n + BigInt(fraction.padEnd(4, "0"));
  return (BigInt(quantity) * tenThousandths + 50n) / 100n;
}

describe("scenario: service changes and an SMS tariff adjustment (R-CHANGE-1, 4.10, 3.11)", () => {
  it(
    "the fee is 3000.00 from November; voice is cancelled from December; November's SMS show 0.04 to 11-15 and 0.03 from 11-16",
    async () => {
      const report = await playScenario("scenarios/service-changes.json");
      const outcome = (operation: string, service: string) =>
        report.operations.find((o) => o.operation === operation && (o.input.service ?? "sms") === service);
      expect(outcome("request-change", "monthly-fee")?.outcome).toBe("done");
      expect(outcome("request-change", "voice-outbound")?.outcome).toBe("done");
      expect(outcome("record-tariff-adjustment", "sms")?.outcome).toBe("done");
      expect(outcome("request-change", "sms")).toMatchObject({ outcome: "refused" });
      expect(outcome("request-change", "sms")?.detail).toContain("sms is already priced on 2025-12-01");
      const { serviceChanges, partPeriodLines } = report.obligations;
      expect(serviceChanges).toEqual([
        expect.objectContaining({
          service: "monthly-fee",
          action: "change",
          unitPrice: "3000.00",
          effectiveFrom: "2025-11-01",
        }),
        expect.objectContaining({
          service: "voice-outbound",
          action: "cancel",
          unitPrice: null,
          effectiveFrom: "2025-12-01",
        }),
        expect.objectContaining({
          service: "sms",
          action: "change",
          unitPrice: "0.03",
          effectiveFrom: "2025-11-16",
          basis: "tariff-3.11",
        }),
      ]);
      // November's SMS lines: one per price, each naming its days.
      const november = partPeriodLines.filter((l) => l.period === "2025-11" && l.service === "sms");
      expect(november.map((l) => [l.unitPrice, l.inForce])).toEqual([
        ["0.04", { from: "2025-11-01", to: "2025-11-15" }],
        ["0.03", { from: "2025-11-16", to: "2025-11-30" }],
      ]);
      for (const line of november)
        expect(BigInt(line.amount.replace(".", ""))).toBe(fenOf(line.quantity, line.unitPrice));
      // October: the signed 4000.00 fee and every SMS at 0.04; November: 3000.00 plus the two SMS lines.
      const october = report.periods.find((p) => p.period === "2025-10");
      const novemberRow = report.periods.find((p) => p.period === "2025-11");
      expect(october?.billTotal).toMatch(/^4\d{3}\.\d{2}$/);
      const novemberFen = 300_000n + november.reduce((sum, l) => sum + fenOf(l.quantity, l.unitPrice), 0n);
      expect(BigInt(novemberRow?.billTotal.replace(".", "") ?? "0")).toBe(novemberFen);
    },
    RUN,
  );
});

describe("scenario: the month's compliance check in the bill email (R-CALL-1, R-SMS-3, R-THROTTLE-1)", () => {
  it(
    "September's bill is 4000.94 and notes 11 calls to 138****0001 on 09-03, 2 marketing SMS against 2.23/2.24 and 14 days at 50 %",
    async () => {
      const report = await playScenario("scenarios/compliance.json");
      // 11 calls of 60 s = 11 min, one of 61 s = 2 min: 13 × 0.06 = 0.78; 4 SMS of 1 part: 4 × 0.04 = 0.16.
      expect(report.periods.map((p) => [p.period, p.billTotal])).toEqual([["2025-09", "4000.94"]]);
      const notes = report.obligations.billNotes.find((n) => n.period === "2025-09");
      expect(notes?.compliance).toEqual({
        callViolationCount: 1,
        callViolations: [{ date: "2025-09-03", rule: "per-callee", number: "138****0001", calls: 11 }],
        callLimits: { perCallingNumber: 500, perCallee: 10 },
        // Line 4: no 拒收请回复R at the end; line 5: an ad after it (2.23).
        marketingViolationCount: 2,
        // Annex 3 2(1): 2 complaints on 09-10 (the port and its sub-port) → 50 % from 09-11; 3(1): two weeks
        // 09-11..09-24 with ≤ 4 complaints → full from 09-25: 14 days at 50 %.
        reducedDays: [{ state: "50%", days: 14 }],
      });
    },
    RUN,
  );
});

describe("scenario: early termination (R-TERM-3, 10.1)", () => {
  it(
    "an end 24 days after the notice is refused (earliest 11-20); the contract ends 2025-11-20, November is its last bill, settled, December never billed",
    async () => {
      const report = await playScenario("scenarios/early-termination.json");
      const [tooSoon, lawful] = report.operations.filter((o) => o.operation === "record-notice");
      // Signed for on 10-21 (9.3: the day the recipient signs); 11-14 − 30 days = 10-15 < 10-21; 10-21 + 30 = 11-20.
      expect(tooSoon).toMatchObject({ outcome: "refused", at: "2025-10-21T10:00:00+08:00" });
      expect(tooSoon?.detail).toContain("the earliest lawful end date is 2025-11-20");
      expect(lawful?.outcome).toBe("done");
      expect(report.contract).toEqual({ status: "ended", lastDay: "2025-11-20" });
      expect(report.terms).toEqual([{ term: 1, outcome: "ended" }]);
      expect(report.periods.map((p) => p.period)).toEqual(["2025-09", "2025-10", "2025-11"]);
      expect(report.settlement).toMatchObject({ direction: "none", amount: "0.00" });
      expect(report.renewal.reminderSent).toBe(false);
      expect(report.executions).toContainEqual({
        name: "11NA0700211920254001-termination-term-1",
        stateMachine: "ContractOps-ObligationClock",
        status: "SUCCEEDED",
      });
    },
    RUN,
  );
});
