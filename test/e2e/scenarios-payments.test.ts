/**
 * Shipped scenarios about payments, each played on the embedded stack as `npm start -- --scenario` plays
 * it. Every bill here has no usage, so it is the monthly fee alone: 4000.00 (R-PRICE-1). Expected values
 * are worked out by hand from the contract and the 2025 official calendar (R-WD-1: 1–8 October off,
 * Sunday 28 September and Saturday 11 October worked), never taken from the runner.
 */
import { describe, expect, it } from "vitest";
import { periodRow, playScenario, playScenarioWithMail, statementOf } from "./harness";

const RUN = 180_000;

describe("scenario: short payment (R-PAY-2, 4.7: settlement on the bill amount)", () => {
  it(
    "3999.70 of 4000.00 leaves 0.30 owing, the wait goes on and the breach comes at the due date; 0.30 later clears it",
    async () => {
      const report = await playScenario("scenarios/short-payment.json");
      const august = periodRow(report, "2025-08");
      expect(august.billTotal).toBe("4000.00");
      // Bill sent Monday 1 September; 10 working days: 2,3,4,5,8,9,10,11,12,15 September (R-PAY-1).
      expect(august.paymentDue).toBe("2025-09-15T23:59:59+08:00");
      const short = report.operations.find((o) => o.operation === "record-payment" && o.period === "2025-08");
      // 4000.00 − 3999.70 = 0.30 still owing.
      expect(short?.detail).toContain("0.30 still owing");
      expect(august.breachRecords).toEqual([
        { rule: "R-PAY-1", party: "partyA", at: "2025-09-15T23:59:59+08:00" },
      ]);
      // The payment that cleared the bill is the 0.30 of 30 September.
      expect(august.paidAt).toBe("2025-09-30T00:00:00+08:00");
      expect([august.paid, august.outstanding]).toEqual(["4000.00", "0.00"]);
      // R-INV-1: 10 working days from 30 September end on 21 October; invoiced 3 working days on (9, 10, 11 October).
      expect(august.invoicedAt?.slice(0, 10)).toBe("2025-10-11");
      expect(august.closed).toBe(true);
    },
    RUN,
  );
});

describe("scenario: overpayment (R-PAY-1: credit carried)", () => {
  it(
    "4100.00 on a 4000.00 bill: September's bill carries −100.00 from August and totals 3900.00",
    async () => {
      const report = await playScenario("scenarios/overpayment.json");
      expect(periodRow(report, "2025-08")).toMatchObject({
        paid: "4100.00",
        outstanding: "0.00",
        closed: true,
      });
      const september = periodRow(report, "2025-09");
      expect(september.billTotal).toBe("3900.00");
      expect(september.lines.filter((l) => l.kind === "credit")).toEqual([
        { kind: "credit", amount: "-100.00", sourcePeriod: "2025-08" },
      ]);
      expect(september.lines.find((l) => l.kind === "monthly-fee")?.amount).toBe("4000.00");
      expect(september).toMatchObject({ paid: "3900.00", outstanding: "0.00", breaches: [] });
    },
    RUN,
  );
});

describe("scenario: negative total (a credit larger than the month)", () => {
  it(
    "12000.00 paid on 4000.00: September totals −4000.00 (for information), October 0.00; every yuan paid is billed",
    async () => {
      const { report, sent } = await playScenarioWithMail("scenarios/negative-total.json");
      const september = periodRow(report, "2025-09");
      // 4000.00 − (12000.00 − 4000.00) = −4000.00
      expect(september.billTotal).toBe("-4000.00");
      expect(september.lines.filter((l) => l.kind === "credit")).toEqual([
        { kind: "credit", amount: "-8000.00", sourcePeriod: "2025-08" },
      ]);
      expect(september.reconciliation).toBe("confirmed");
      // What Party A reads, as sent over SES: the negative total as the statement's formatter writes it (a
      // leading "-", digits grouped by thousands), the credit line naming August once, and nothing to pay.
      const statement = statementOf(sent, "2025-09");
      expect(statement.subject).toContain("结算总金额 -4,000.00 元");
      const lines = (statement.text ?? "").split("\n").map((line) => line.trim());
      expect(lines.filter((line) => line.includes("多付款结转"))).toEqual([
        "2025年8月多付款结转：-8,000.00 元",
      ]);
      expect(lines).toContain("结算总金额：-4,000.00 元");
      expect(statement.text).toContain("本期结算总金额为 -4,000.00 元，本期无需付款。");
      expect(september).toMatchObject({ paidAt: null, breaches: [], closed: true });
      const october = periodRow(report, "2025-10");
      // September's −4000.00 is itself a credit carried: 4000.00 − 4000.00 = 0.00.
      expect(october.billTotal).toBe("0.00");
      expect(october.lines.filter((l) => l.kind === "credit")).toEqual([
        { kind: "credit", amount: "-4000.00", sourcePeriod: "2025-09" },
      ]);
      expect(october).toMatchObject({ paidAt: null, breaches: [], closed: true });
      // Three monthly fees of 4000.00 = the 12000.00 paid: nothing owed either way.
      const payments = report.ledger.filter((e) => e.kind === "payment").map((e) => e.amount);
      expect(payments).toEqual(["12000.00"]);
    },
    RUN,
  );
});

describe("scenario: payment values an operator mistypes are refused", () => {
  it(
    "negative, -0, beyond the contract, before the bill, before the contract, in the future: each refused in one line; the real payment clears the bill",
    async () => {
      const report = await playScenario("scenarios/bad-payment-values.json");
      const refused = report.operations.filter((o) => o.outcome === "refused").map((o) => o.detail);
      expect(refused).toHaveLength(6);
      for (const [value, field] of [
        ["-100.00", "--amount"],
        ['"-0"', "--amount"],
        ["99999999999999999999.99", "--amount"],
        ["2025-08-20", "--date"],
        ["2025-01-01", "--date"],
        ["2025-09-30", "--date"],
      ] as const) {
        const line = refused.find((d) => d.includes(value));
        expect(line, value).toBeDefined();
        expect(line?.startsWith(field), line).toBe(true);
        expect(line).not.toContain("\n");
      }
      const august = periodRow(report, "2025-08");
      // Only the real payment is in the ledger: Tuesday 9 September, 6 working days after the bill.
      expect(report.ledger.filter((e) => e.kind === "payment").map((e) => [e.amount, e.at])).toEqual([
        ["4000.00", "2025-09-09T10:00:00+08:00"],
      ]);
      expect(august).toMatchObject({ paid: "4000.00", outstanding: "0.00", breaches: [], closed: true });
    },
    RUN,
  );
});
