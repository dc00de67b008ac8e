import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMoney } from "../../functions/core/money";
import {
  adjustmentForNextPeriod,
  classifyReconciliation,
  finalTrueUp,
  ReconciliationInputError,
} from "../../functions/core/reconciliation";

describe("R-RECON-2: within 5 % of the bill total the bill stands", () => {
  it("R-RECON-2: exactly 5.00 % above stands", () => {
    expect(classifyReconciliation("4000.00", "4200.00")).toEqual({
      outcome: "stands",
      rule: "R-RECON-2",
      billTotal: "4000.00",
      partyAFigure: "4200.00",
      difference: "200.00",
      differencePercent: "5.00",
      settlementAmount: "4000.00",
    });
  });

  it("R-RECON-2: exactly 5.00 % below stands", () => {
    expect(classifyReconciliation("4000.00", "3800.00")).toMatchObject({
      outcome: "stands",
      difference: "-200.00",
    });
  });

  it("R-RECON-2: an identical figure stands with no difference", () => {
    expect(classifyReconciliation("4123.45", "4123.45")).toMatchObject({
      outcome: "stands",
      difference: "0.00",
      differencePercent: "0.00",
    });
  });

  it("R-RECON-2: the tolerance comes from the contract", () => {
    expect(classifyReconciliation("4000.00", "4100.00", "2.5").outcome).toBe("stands");
    expect(classifyReconciliation("4000.00", "4100.01", "2.5").outcome).toBe("re-reconcile");
  });
});

describe("R-RECON-3: beyond 5 % the parties re-reconcile", () => {
  it("R-RECON-3: one fen beyond 5 % is re-reconciled, and its percentage never shows as 5.00", () => {
    expect(classifyReconciliation("4000.00", "4200.01")).toMatchObject({
      outcome: "re-reconcile",
      rule: "R-RECON-3",
      difference: "200.01",
      differencePercent: "5.01",
    });
    expect(classifyReconciliation("4000.00", "3799.99").outcome).toBe("re-reconcile");
    expect(classifyReconciliation("100000.00", "105000.01").differencePercent).toBe("5.01");
  });

  it("R-RECON-3: a zero bill stands only against zero", () => {
    expect(classifyReconciliation("0.00", "0")).toMatchObject({ outcome: "stands", differencePercent: null });
    expect(classifyReconciliation("0.00", "0.01")).toMatchObject({
      outcome: "re-reconcile",
      differencePercent: null,
    });
  });

  it("R-RECON-2 / R-RECON-3: exact on large amounts (no float rounding)", () => {
    expect(classifyReconciliation("98000000000.00", "102900000000.00").outcome).toBe("stands");
    expect(classifyReconciliation("98000000000.00", "102900000000.01").outcome).toBe("re-reconcile");
  });
});

describe("R-RECON-4: settlement is never held up", () => {
  it("R-RECON-4: payment is due on the bill's amount in both outcomes", () => {
    expect(classifyReconciliation("4000.00", "4200.00").settlementAmount).toBe("4000.00");
    expect(classifyReconciliation("4000.00", "3000.00").settlementAmount).toBe("4000.00");
  });

  it("R-RECON-4: the agreed difference is adjusted in the next period", () => {
    expect(adjustmentForNextPeriod("4000.00", "3700.00")).toBe("-300.00");
    expect(adjustmentForNextPeriod("4000.00", "4300.50")).toBe("300.50");
    expect(adjustmentForNextPeriod("4000.00", "4000")).toBe("0.00");
  });
});

describe("R-END-1: final true-up (多退少补)", () => {
  it("R-END-1: billed more than agreed → Party B refunds", () => {
    expect(finalTrueUp("4000.00", "3700.00")).toEqual({
      rule: "R-END-1",
      direction: "refund-to-party-a",
      payer: "party-b",
      amount: "300.00",
    });
  });

  it("R-END-1: billed less than agreed → Party A pays the rest", () => {
    expect(finalTrueUp("4000.00", "4250.25")).toEqual({
      rule: "R-END-1",
      direction: "collect-from-party-a",
      payer: "party-a",
      amount: "250.25",
    });
  });

  it("R-END-1: nothing to settle when agreed equals billed", () => {
    expect(finalTrueUp("4000.00", "4000.00")).toEqual({
      rule: "R-END-1",
      direction: "none",
      payer: null,
      amount: "0.00",
    });
  });
});

describe("rejection of bad amounts (R-MONEY-1)", () => {
  it.each(["4,000.00", "1e3", "4000.001", "", " 4000", "+4000", "NaN", "4000."])(
    "R-MONEY-1: rejects %j",
    (text) => {
      expect(() => classifyReconciliation(text, "4000.00")).toThrow(ReconciliationInputError);
      expect(() => classifyReconciliation("4000.00", text)).toThrow(ReconciliationInputError);
    },
  );

  it("a negative bill total (a credit carried, ADR 0010) is reconciled like any other", () => {
    // Bill −120.00; Party A agrees at −120.00: stands, difference 0.00.
    expect(classifyReconciliation("-120.00", "-120.00")).toMatchObject({
      outcome: "stands",
      difference: "0.00",
    });
    // Party A counts −100.00: difference 20.00 is 16.67 % of |−120.00|, beyond 5 % → re-reconcile.
    expect(classifyReconciliation("-120.00", "-100.00")).toMatchObject({
      outcome: "re-reconcile",
      difference: "20.00",
      differencePercent: "16.67",
    });
    expect(adjustmentForNextPeriod("-120.00", "-100.00")).toBe("20.00");
  });

  it("R-MONEY-1: rejects a negative figure of Party A's against a positive bill, and bad tolerances", () => {
    expect(() => classifyReconciliation("4000.00", "-1")).toThrow(/cannot be negative/);
    expect(() => classifyReconciliation("4000.00", "4000.00", "-5")).toThrow(/tolerance/);
    expect(() => classifyReconciliation("4000.00", "4000.00", "5%")).toThrow(/tolerance/);
    expect(() => adjustmentForNextPeriod("4000.00", "abc")).toThrow(ReconciliationInputError);
    expect(() => finalTrueUp("x", "1")).toThrow(ReconciliationInputError);
  });
});

describe("R-RECON-2 (property): the outcome matches the integer rule 100·|A−B| ≤ 5·B", () => {
  it("R-RECON-2: for any amounts in fen", () => {
    const fen = fc.bigInt({ min: 0n, max: 10_000_000_000n });
    fc.assert(
      fc.property(fen, fen, (billFen, figureFen) => {
        const bill = formatMoney({ fen: billFen });
        const figure = formatMoney({ fen: figureFen });
        const diff = figureFen > billFen ? figureFen - billFen : billFen - figureFen;
        const result = classifyReconciliation(bill, figure);
        expect(result.outcome).toBe(diff * 100n <= billFen * 5n ? "stands" : "re-reconcile");
        expect(result.difference).toBe(formatMoney({ fen: figureFen - billFen }));
        expect(result.settlementAmount).toBe(bill);
      }),
      { numRuns: 500 },
    );
  });

  it("R-RECON-2: the boundary itself — B·1.05 exactly stands, one fen more does not", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1_000_000_000n }), (twentiethsFen) => {
        const billFen = twentiethsFen * 20n; // a bill whose 5 % is a whole number of fen
        const bill = formatMoney({ fen: billFen });
        const edge = billFen + twentiethsFen;
        expect(classifyReconciliation(bill, formatMoney({ fen: edge })).outcome).toBe("stands");
        expect(classifyReconciliation(bill, formatMoney({ fen: edge + 1n })).outcome).toBe("re-reconcile");
        expect(classifyReconciliation(bill, formatMoney({ fen: billFen - twentiethsFen })).outcome).toBe(
          "stands",
        );
        expect(classifyReconciliation(bill, formatMoney({ fen: billFen - twentiethsFen - 1n })).outcome).toBe(
          "re-reconcile",
        );
      }),
      { numRuns: 300 },
    );
  });
});
