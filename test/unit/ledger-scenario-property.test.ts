/**
 * Property over random scenarios, played on the pure ledger level (functions/core/ledger.ts), not on the
 * embedded stack: a run per case there would take seconds, here thousands of cases take a moment. Each
 * case is a contract of a few periods with random usage charges, payments (short, exact, over) and agreed
 * differences recorded before or after later bills were prepared; bills are prepared as prepare-bill
 * does (the charge carries what pendingCarries says is unbilled), and the settlement is taken at the end.
 *
 * The oracle is the money put in, not the ledger's own figures: what Party A owes over the whole contract
 * is the usage it was charged plus the agreed differences (R-RECON-4); what it paid is the sum of its
 * payments; the settlement document (R-END-1, 多退少补) must square the two.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LedgerEntry, pendingCarries, settlementOf } from "../../functions/core/ledger";

const PERIODS = ["2025-08", "2025-09", "2025-10", "2025-11"];

interface PeriodCase {
  usageFen: bigint;
  payments: bigint[];
  /** Agreed difference (agreed − bill) and how many later bills are prepared before it is recorded. */
  agreed: { differenceFen: bigint; afterBills: number } | null;
}

const fen = (max: number, min = 0) => fc.bigInt({ min: BigInt(min), max: BigInt(max) });

const periodCase: fc.Arbitrary<PeriodCase> = fc.record({
  usageFen: fen(1_000_000),
  payments: fc.array(fen(1_500_000, 1), { maxLength: 3 }),
  agreed: fc.option(
    fc.record({ differenceFen: fen(200_000, -200_000), afterBills: fc.integer({ min: 0, max: 4 }) }),
    { nil: null },
  ),
});

function play(cases: PeriodCase[]): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  const at = "2025-01-01T00:00:00+08:00";
  const entry = (e: Omit<LedgerEntry, "at" | "recordedAt" | "who">): LedgerEntry => ({
    ...e,
    at,
    recordedAt: at,
    who: "property",
  });
  // Agreed differences waiting to be recorded, by the number of bills prepared when they are.
  const waiting: { due: number; entry: LedgerEntry }[] = [];
  const recordDue = (billsPrepared: number) => {
    for (const w of waiting.filter((x) => x.due <= billsPrepared)) entries.push(w.entry);
    waiting.splice(0, waiting.length, ...waiting.filter((x) => x.due > billsPrepared));
  };
  cases.forEach((c, index) => {
    const period = PERIODS[index] as string;
    const carried = pendingCarries(entries, period);
    const carriedFen = carried.reduce((sum, x) => sum + x.amountFen, 0n);
    entries.push(
      entry({
        entryId: `${period}#charge`,
        period,
        kind: "charge",
        amountFen: c.usageFen + carriedFen,
        carried,
      }),
    );
    recordDue(index + 1);
    c.payments.forEach((amountFen, n) => {
      entries.push(entry({ entryId: `${period}#payment#${n}`, period, kind: "payment", amountFen }));
    });
    if (c.agreed) {
      const e = entry({
        entryId: `${period}#agreed-difference`,
        period,
        kind: "agreed-difference",
        amountFen: c.agreed.differenceFen,
      });
      waiting.push({ due: index + 1 + c.agreed.afterBills, entry: e });
    }
    recordDue(index + 1);
  });
  // After the last bill: every difference still waiting is agreed before the contract is settled.
  recordDue(Number.POSITIVE_INFINITY);
  return entries;
}

const total = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);

describe("property over random scenarios, on the pure ledger level (R-RECON-4, R-END-1, R-PAY-1)", () => {
  it("agreed differences = adjustment lines billed + what the settlement settles of them; every payment is applied to a bill, carried as credit or refunded", () => {
    fc.assert(
      fc.property(fc.array(periodCase, { minLength: 1, maxLength: PERIODS.length }), (cases) => {
        const entries = play(cases);
        const settlement = settlementOf(entries);
        const agreedFen = total(cases.flatMap((c) => (c.agreed ? [c.agreed.differenceFen] : [])));
        const adjustmentsBilledFen = total(
          entries
            .flatMap((e) => e.carried ?? [])
            .filter((c) => c.kind === "adjustment")
            .map((c) => c.amountFen),
        );
        expect(adjustmentsBilledFen + settlement.unbilledDifferencesFen).toBe(agreedFen);

        // Owed over the contract: usage charged plus agreed differences; paid: the payments. The
        // settlement collects the rest or refunds the excess, so no yuan paid is lost or counted twice.
        const usageFen = total(cases.map((c) => c.usageFen));
        const paidFen = total(cases.flatMap((c) => c.payments));
        const signedSettlementFen =
          settlement.direction === "refund" ? -settlement.amountFen : settlement.amountFen;
        expect(signedSettlementFen).toBe(usageFen + agreedFen - paidFen);
      }),
      { numRuns: 300, seed: 20251001 },
    );
  });
});
