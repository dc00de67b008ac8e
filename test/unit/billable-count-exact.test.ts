/**
 * Usage is counted per record in JavaScript numbers and turned into money once, with bigint (R-MONEY-1,
 * ADR 0056). A number counts whole units exactly only up to 2^53 − 1 (Number.MAX_SAFE_INTEGER): past it a count
 * would silently round, so the count refuses to go there instead.
 */
import { describe, expect, it } from "vitest";
import type { PriceSegment } from "../../functions/core/changes";
import { BillableCount } from "../../functions/core/rating/usage-tally";
import { parseLocalDate } from "../../functions/core/time";
import { UsageFileError } from "../../functions/core/usage-csv";

const ONE_PRICE: PriceSegment[] = [
  {
    from: parseLocalDate("2025-09-01"),
    to: parseLocalDate("2025-09-30"),
    unitPrice: "0.06",
    startMs: Date.parse("2025-09-01T00:00:00+08:00"),
  },
];

describe("billable counts stay exact (ADR 0056)", () => {
  it("counts up to 2^53 − 1 units exactly", () => {
    const count = new BillableCount(ONE_PRICE);
    count.add(0, 2 ** 52, false);
    count.add(0, 2 ** 52 - 1, false);
    expect(count.billed).toBe(Number.MAX_SAFE_INTEGER);
    expect(BigInt(count.billed)).toBe(2n ** 53n - 1n);
  });

  it("refuses a billed or trial count past 2^53 − 1, which a number would round", () => {
    const billed = new BillableCount(ONE_PRICE);
    billed.add(0, Number.MAX_SAFE_INTEGER, false);
    expect(() => billed.add(0, 2, false)).toThrow(UsageFileError);
    const trial = new BillableCount(ONE_PRICE);
    trial.add(0, Number.MAX_SAFE_INTEGER, true);
    expect(() => trial.add(0, 2, true)).toThrow(/2\^53/);
  });
});
