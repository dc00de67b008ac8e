/**
 * The ledger (ADR 0010): balances derived from immutable entries. Expected figures are worked out by hand
 * in the comments; the property tests check bookkeeping identities any ledger must keep.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Carried,
  fromStored,
  type LedgerEntry,
  pendingCarries,
  periodBalance,
  settlementOf,
  toStored,
} from "../../functions/core/ledger";
import { entry } from "./ledger-fixtures";

describe("period balances (R-PAY-1, R-PAY-2)", () => {
  it("R-PAY-2: a short payment leaves the rest owing; a second payment clears it", () => {
    // Bill 4000.30; paid 4000.00 → 0.30 owing; then 0.30 more → nothing owing, no credit.
    const charge = entry("2025-09", "charge", 400030n);
    const first = entry("2025-09", "payment", 400000n);
    expect(periodBalance([charge, first], "2025-09")).toMatchObject({
      billedFen: 400030n,
      paidFen: 400000n,
      outstandingFen: 30n,
      creditFen: 0n,
    });
    const second = entry("2025-09", "payment", 30n);
    expect(periodBalance([charge, first, second], "2025-09")).toMatchObject({
      outstandingFen: 0n,
      creditFen: 0n,
    });
  });

  it("an overpayment is a credit carried to the next bill, once", () => {
    // Bill 4000.30, paid 4100.30 → credit 100.00 carried to 2025-10 as −100.00.
    const entries: LedgerEntry[] = [
      entry("2025-09", "charge", 400030n),
      entry("2025-09", "payment", 410030n),
    ];
    expect(periodBalance(entries, "2025-09").creditFen).toBe(10000n);
    expect(pendingCarries(entries, "2025-10")).toEqual([
      { kind: "credit", sourcePeriod: "2025-09", amountFen: -10000n },
    ]);
    const carried: Carried[] = [{ kind: "credit", sourcePeriod: "2025-09", amountFen: -10000n }];
    entries.push(entry("2025-10", "charge", 390030n, { carried }));
    expect(pendingCarries(entries, "2025-11")).toEqual([]);
  });

  it("a reversed payment no longer counts: the bill is owing again", () => {
    const charge = entry("2025-09", "charge", 400030n);
    const payment = entry("2025-09", "payment", 400030n);
    const reversal = entry("2025-09", "reversal", 0n, { reverses: payment.entryId, reason: "wrong amount" });
    expect(periodBalance([charge, payment, reversal], "2025-09").outstandingFen).toBe(400030n);
  });

  it("R-TRIAL-1 / negative total: a bill below zero is a credit carried, nothing is owing", () => {
    const entries = [entry("2025-09", "charge", -5000n)];
    expect(periodBalance(entries, "2025-09")).toMatchObject({ outstandingFen: 0n, creditFen: 5000n });
    expect(pendingCarries(entries, "2025-10")).toEqual([
      { kind: "credit", sourcePeriod: "2025-09", amountFen: -5000n },
    ]);
  });
});

describe("agreed differences (R-RECON-4) and the settlement (R-END-1)", () => {
  it("R-RECON-4: a difference agreed after the next bill was prepared goes on the bill after it", () => {
    // 2025-09 disputed; 2025-10 prepared before agreement carries nothing; agreed −120.00 → 2025-11.
    const entries: LedgerEntry[] = [
      entry("2025-09", "charge", 400030n),
      entry("2025-10", "charge", 400000n, { carried: [] }),
      entry("2025-09", "agreed-difference", -12000n),
    ];
    expect(pendingCarries(entries, "2025-11")).toEqual([
      { kind: "adjustment", sourcePeriod: "2025-09", amountFen: -12000n },
    ]);
  });

  it("R-END-1: the last period's difference and an amount still owing make one settlement (多退少补)", () => {
    // Last period 2026-06: bill 4000.30 paid in full; agreed 3900.30 → refund 100.00.
    const refund = [
      entry("2026-06", "charge", 400030n),
      entry("2026-06", "payment", 400030n),
      entry("2026-06", "agreed-difference", -10000n),
    ];
    expect(settlementOf(refund)).toMatchObject({ amountFen: 10000n, direction: "refund" });
    // Same, but 50.00 of the bill still unpaid: 50.00 owing − 100.00 difference → refund 50.00.
    const partly = [
      entry("2026-06", "charge", 400030n),
      entry("2026-06", "payment", 395030n),
      entry("2026-06", "agreed-difference", -10000n),
    ];
    expect(settlementOf(partly)).toMatchObject({ amountFen: 5000n, direction: "refund" });
    // Owing 200.00, no difference → collect 200.00.
    const owing = [entry("2026-06", "charge", 400030n), entry("2026-06", "payment", 380030n)];
    expect(settlementOf(owing)).toMatchObject({ amountFen: 20000n, direction: "collect" });
    // Settled: a settlement entry for the owed amount leaves nothing.
    const settled = [...owing, entry("2026-06", "settlement", 20000n)];
    expect(settlementOf(settled)).toMatchObject({ amountFen: 0n, direction: "none" });
  });

  it("stores amounts as integer fen text and reads them back exactly (R-MONEY-1)", () => {
    const original = entry("2025-09", "charge", -123456789012345678n, {
      carried: [{ kind: "adjustment", sourcePeriod: "2025-08", amountFen: -1n }],
    });
    const stored = toStored(original);
    expect(stored.amountFen).toBe("-123456789012345678");
    expect(fromStored(JSON.parse(JSON.stringify(stored)))).toEqual(original);
    expect(() => fromStored({ ...stored, amountFen: 1.5 })).toThrow();
  });
});

/** A random year: each period is billed (with what is pending), maybe disputed and agreed, paid some amount. */
const yearArbitrary = fc.array(
  fc.record({
    usageFen: fc.bigInt({ min: 0n, max: 1_000_000n }),
    agreedDeltaFen: fc.option(fc.bigInt({ min: -100_000n, max: 100_000n }), { nil: undefined }),
    /** Agreed before the next bill is prepared (true) or after it (false). */
    agreedEarly: fc.boolean(),
    paidFen: fc.bigInt({ min: 0n, max: 1_200_000n }),
  }),
  { minLength: 1, maxLength: 13 },
);

describe("ledger identities over random years (fast-check)", () => {
  it("agreed differences = adjustment lines billed + settlement share; every payment applied or credited", () => {
    fc.assert(
      fc.property(yearArbitrary, (year) => {
        const entries: LedgerEntry[] = [];
        const late: LedgerEntry[] = [];
        const periods = year.map(
          (_, i) =>
            `20${String(25 + Math.floor((i + 8) / 12)).padStart(2, "0")}-${String(((i + 8) % 12) + 1).padStart(2, "0")}`,
        );
        year.forEach((month, i) => {
          const period = periods[i] as string;
          entries.push(...late.splice(0));
          const carried = pendingCarries(entries, period);
          const carriedFen = carried.reduce((s, c) => s + c.amountFen, 0n);
          entries.push(entry(period, "charge", month.usageFen + carriedFen, { carried }));
          entries.push(entry(period, "payment", month.paidFen));
          if (month.agreedDeltaFen !== undefined) {
            const difference = entry(period, "agreed-difference", month.agreedDeltaFen);
            (month.agreedEarly ? entries : late).push(difference);
          }
        });
        entries.push(...late);
        const agreedFen = entries
          .filter((e) => e.kind === "agreed-difference")
          .reduce((s, e) => s + e.amountFen, 0n);
        const billedAdjustmentsFen = entries
          .flatMap((e) => e.carried ?? [])
          .filter((c) => c.kind === "adjustment")
          .reduce((s, c) => s + c.amountFen, 0n);
        const settlement = settlementOf(entries);
        expect(agreedFen).toBe(billedAdjustmentsFen + settlement.unbilledDifferencesFen);
        // Every payment is applied to a bill or carried as credit: paid = applied + credit.
        for (const period of periods) {
          const b = periodBalance(entries, period);
          const appliedFen = b.paidFen - b.creditFen;
          expect(appliedFen <= (b.billedFen > 0n ? b.billedFen : 0n)).toBe(true);
          expect(appliedFen + b.creditFen).toBe(b.paidFen);
        }
        // The whole year balances: billed usage + agreed − paid = what the settlement collects (signed).
        const usageFen = year.reduce((s, m) => s + m.usageFen, 0n);
        const paidFen = year.reduce((s, m) => s + m.paidFen, 0n);
        const signed = settlement.direction === "collect" ? settlement.amountFen : -settlement.amountFen;
        expect(signed).toBe(usageFen + agreedFen - paidFen);
      }),
      { seed: 8, numRuns: 200 },
    );
  });
});
