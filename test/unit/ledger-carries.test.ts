/**
 * R-RECON-4 and R-PAY-1's credit, per source period (ADR 0097): what one period still carries from its own
 * entries and what bills carried from it, and which entries make a period worth a bill's look. Figures are
 * worked out by hand in the comments; the property restates the two rules by their definitions.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Carried, carriesFrom, changesCarries, type LedgerEntry } from "../../functions/core/ledger";
import { entry } from "./ledger-fixtures";

describe("carriesFrom: what one period still carries", () => {
  it("R-RECON-4: agreed 3800.30 on a 4000.30 bill carries −200.00 once; a bill that carried it leaves nothing", () => {
    const september = [
      entry("2025-09", "charge", 400_030n),
      entry("2025-09", "payment", 400_030n),
      // agreed − bill = 3800.30 − 4000.30
      entry("2025-09", "agreed-difference", -20_000n),
    ];
    const adjustment: Carried = { kind: "adjustment", sourcePeriod: "2025-09", amountFen: -20_000n };
    expect(carriesFrom(september, "2025-09", [])).toEqual([adjustment]);
    expect(carriesFrom(september, "2025-09", [adjustment])).toEqual([]);
    // What a bill carried from another period is not this one's.
    expect(carriesFrom(september, "2025-09", [{ ...adjustment, sourcePeriod: "2025-08" }])).toEqual([
      adjustment,
    ]);
  });

  it("R-PAY-1: 4100.30 paid on 4000.30 carries −100.00; 50.00 more after it was carried carries −50.00", () => {
    const august = [entry("2025-08", "charge", 400_030n), entry("2025-08", "payment", 410_030n)];
    const carried: Carried = { kind: "credit", sourcePeriod: "2025-08", amountFen: -10_000n };
    expect(carriesFrom(august, "2025-08", [])).toEqual([carried]);
    const later = [...august, entry("2025-08", "payment", 5_000n)];
    expect(carriesFrom(later, "2025-08", [carried])).toEqual([{ ...carried, amountFen: -5_000n }]);
  });

  it("R-PAY-1: a payment reversed after its credit was carried takes the credit back (+100.00)", () => {
    const charge = entry("2025-08", "charge", 400_030n);
    const overpaid = entry("2025-08", "payment", 410_030n);
    const reversal = entry("2025-08", "reversal", -410_030n, { reverses: overpaid.entryId });
    const carried: Carried = { kind: "credit", sourcePeriod: "2025-08", amountFen: -10_000n };
    expect(carriesFrom([charge, overpaid, reversal], "2025-08", [carried])).toEqual([
      { ...carried, amountFen: 10_000n },
    ]);
  });
});

describe("changesCarries: which entries a bill must look at", () => {
  const charge = entry("2025-09", "charge", 400_030n);
  it("a payment only when it leaves a credit on its period; without the period read, always", () => {
    expect(changesCarries(entry("2025-09", "payment", 400_030n), [charge])).toBe(false);
    expect(changesCarries(entry("2025-09", "payment", 100n), [charge])).toBe(false);
    expect(changesCarries(entry("2025-09", "payment", 400_031n), [charge])).toBe(true);
    // After 4000.00 paid, 0.31 more is 0.01 beyond the bill.
    expect(
      changesCarries(entry("2025-09", "payment", 31n), [charge, entry("2025-09", "payment", 400_000n)]),
    ).toBe(true);
    expect(changesCarries(entry("2025-09", "payment", 400_030n))).toBe(true);
  });
  it("an agreed difference and a reversal always; a charge only when negative; an invoice or settlement never", () => {
    expect(changesCarries(entry("2025-09", "agreed-difference", 0n))).toBe(true);
    expect(changesCarries(entry("2025-09", "reversal", -1n))).toBe(true);
    expect(changesCarries(entry("2025-09", "charge", -1n))).toBe(true);
    expect(changesCarries(entry("2025-09", "charge", 0n))).toBe(false);
    expect(changesCarries(entry("2025-09", "invoice", 0n))).toBe(false);
    expect(changesCarries(entry("2025-09", "settlement", -100n))).toBe(false);
  });
});

describe("carriesFrom on any ledger", () => {
  it("is the source's agreed differences and credit (paid beyond billed), less what bills carried from it", () => {
    const periods = ["2025-07", "2025-08", "2025-09"];
    const entryArb = fc.record({
      period: fc.constantFrom(...periods),
      kind: fc.constantFrom("charge", "payment", "agreed-difference") as fc.Arbitrary<LedgerEntry["kind"]>,
      amountFen: fc.bigInt({ min: -50_000n, max: 500_000n }),
    });
    const carriedArb = fc.record({
      kind: fc.constantFrom("adjustment", "credit") as fc.Arbitrary<Carried["kind"]>,
      sourcePeriod: fc.constantFrom(...periods),
      amountFen: fc.bigInt({ min: -50_000n, max: 50_000n }),
    });
    const total = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 12 }),
        fc.array(carriedArb, { maxLength: 4 }),
        (drawn, carried) => {
          const entries = drawn.map((d) => entry(d.period, d.kind, d.amountFen));
          for (const source of periods) {
            const own = entries.filter((e) => e.period === source);
            const of = (kind: LedgerEntry["kind"]) =>
              total(own.filter((e) => e.kind === kind).map((e) => e.amountFen));
            const carriedBefore = (kind: Carried["kind"]) =>
              total(
                carried.filter((c) => c.kind === kind && c.sourcePeriod === source).map((c) => c.amountFen),
              );
            const beyond = of("payment") - of("charge");
            const expected: Carried[] = [
              {
                kind: "adjustment",
                sourcePeriod: source,
                amountFen: of("agreed-difference") - carriedBefore("adjustment"),
              },
              {
                kind: "credit",
                sourcePeriod: source,
                amountFen: -(beyond > 0n ? beyond : 0n) - carriedBefore("credit"),
              },
            ];
            // Other periods' entries among the source's change nothing.
            expect(carriesFrom(entries, source, carried)).toEqual(expected.filter((c) => c.amountFen !== 0n));
          }
        },
      ),
      { seed: 97, numRuns: 300 },
    );
  });
});
