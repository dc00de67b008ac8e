/**
 * Shipped scenarios about the cycle and the end of the contract, each played on the embedded stack as
 * `npm start -- --scenario` plays it. Bills have no usage: the monthly fee alone, 4000.00 (R-PRICE-1).
 * Expected values are worked out by hand from the contract text and the official calendars (R-WD-1).
 */
import { describe, expect, it } from "vitest";
import { periodRow, playScenario, playScenarioWithMail, statementOf } from "./harness";

const RUN = 180_000;

describe("scenario: the trial month's 0.00 bill (R-TRIAL-1, 4.1 note 2)", () => {
  it(
    "July 2025 is billed 0.00 for information: nothing paid, nothing invoiced, no breach, closed",
    async () => {
      const report = await playScenario("scenarios/trial-zero-bill.json");
      const july = periodRow(report, "2025-07");
      expect(july.billTotal).toBe("0.00");
      expect(july).toMatchObject({
        paidAt: null,
        invoicedAt: null,
        breaches: [],
        breachRecords: [],
        paid: "0.00",
        outstanding: "0.00",
        closed: true,
      });
      expect(report.operations.filter((o) => o.period === "2025-07")).toEqual([]);
      // August, the first month billed: the monthly fee, paid and invoiced as usual.
      expect(periodRow(report, "2025-08")).toMatchObject({
        billTotal: "4000.00",
        paid: "4000.00",
        closed: true,
      });
    },
    RUN,
  );
});

describe("scenario: an agreed difference when the invoice comes after the next bill (R-RECON-4, 4.7)", () => {
  it(
    "September agreed at 3800.00, invoiced 3 November: October's bill (prepared 1 November) carries −200.00 from September",
    async () => {
      const { report, sent } = await playScenarioWithMail(
        "scenarios/agreed-difference-invoice-after-next-bill.json",
      );
      const september = periodRow(report, "2025-09");
      // |3600.00 − 4000.00| / 4000.00 = 10 % > 5 %: re-reconciliation (R-RECON-3).
      expect(september.reconciliation).toBe("re-reconcile");
      expect(september.agreedAmount).toBe("3800.00");
      // Payment proceeds on the bill's amount meanwhile (R-RECON-4): on its due date, 21 October
      // (10 working days after 1 October: 9, 10, 11, 13, 14, 15, 16, 17, 20, 21).
      expect(september.paidAt?.slice(0, 10)).toBe("2025-10-21");
      expect(september.paid).toBe("4000.00");
      expect(september.invoicedAt?.slice(0, 10)).toBe("2025-11-03");
      // R-INV-1: 10 working days after 21 October end on 4 November; 3 November is in time.
      expect(september.breaches).toEqual([]);
      const october = periodRow(report, "2025-10");
      expect(october.lines.filter((l) => l.kind === "adjustment")).toEqual([
        { kind: "adjustment", amount: "-200.00", sourcePeriod: "2025-09" },
      ]);
      // 4000.00 + (3800.00 − 4000.00) = 3800.00
      expect(october.billTotal).toBe("3800.00");
      // What Party A reads, as sent over SES: the adjustment line names its source period once, in words,
      // with the amount as the statement's formatter writes a negative (a leading "-", grouped digits).
      const statement = statementOf(sent, "2025-10");
      const adjustment = (statement.text ?? "")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line.includes("对账差异调整"));
      expect(adjustment).toEqual(["2025年9月对账差异调整：-200.00 元"]);
      expect(statement.html).toContain("2025年9月对账差异调整");
      expect(statement.html).not.toMatch(/对账差异调整（|R-RECON-4/);
      expect(statement.subject).toContain("结算总金额 3,800.00 元");
    },
    RUN,
  );
});

describe("scenario: a failed invoice email (R-INV-1; the outbox keeps it)", () => {
  it(
    "the invoice is recorded and the cycle closes while SES refuses; the resend two working days later sends it",
    async () => {
      const report = await playScenario("scenarios/failed-invoice-email.json");
      const august = periodRow(report, "2025-08");
      // Paid 9 September (6 working days after 1 September), invoiced 3 working days on: 10, 11, 12.
      expect(august.invoicedAt?.slice(0, 10)).toBe("2025-09-12");
      expect(august).toMatchObject({ closed: true, breaches: [] });
      const steps = report.operations
        .filter((o) => o.operation === "record-invoice" || o.operation === "resend")
        .map((o) => [o.operation, o.at.slice(0, 10), o.outcome, o.detail]);
      expect(steps).toEqual([
        ["record-invoice", "2025-09-12", "done", "invoice 26220000001 recorded; email queued"],
        // 2 working days after Friday 12 September: Monday 15, Tuesday 16.
        ["resend", "2025-09-16", "done", "invoice#2025-08 sent"],
      ]);
    },
    RUN,
  );
});

describe("scenario: the last period's true-up becomes the settlement document (R-END-1, 4.7 多退少补)", () => {
  it(
    "notice in time ends the contract on 2026-07-14; July 2026 agreed 200.00 below its bill: refund 200.00",
    async () => {
      const report = await playScenario("scenarios/last-period-settlement.json");
      // Registered mail within the mainland, dispatched 20 May: deemed delivered day 14, 3 June (R-NOTICE-2),
      // on or before 14 June = 14 July − 30 days (R-TERM-4): in time.
      const notice = report.operations.find((o) => o.operation === "record-notice");
      expect(notice?.outcome).toBe("done");
      expect(notice?.detail).toContain("2026-06-03");
      expect(report.contract).toEqual({ status: "ended", lastDay: "2026-07-14" });
      expect(report.terms).toEqual([{ term: 1, outcome: "ended" }]);
      const july = periodRow(report, "2026-07");
      expect(july.billTotal).toBe("4000.00");
      expect(july.reconciliation).toBe("re-reconcile");
      // Paid 4000.00 in full; agreed 3800.00: Party B refunds 200.00, not carried to a next bill.
      expect(july.adjustmentNextPeriod).toBe("0.00");
      expect(report.settlement).toMatchObject({ amount: "200.00", direction: "refund" });
      expect(report.periods.map((p) => p.period)).toEqual(["2026-05", "2026-06", "2026-07"]);
    },
    RUN,
  );
});
