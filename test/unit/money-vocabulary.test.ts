/**
 * The one money vocabulary (R-MONEY-1): strict yuan text ⇄ bigint fen, grouping for people, and percentages
 * of money computed exactly. Every expected value below is worked out by hand in the test name or comment.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  comparePercentOf,
  exactFenFromDecimal,
  fenFromYuanJiaoFen,
  formatFen,
  formatFenGrouped,
  InvalidMoneyError,
  MAX_YUAN_DIGITS,
  parsePercent,
  parseYuanToFen,
  percentOfText,
  yuanExpectation,
} from "../../functions/core/money";

describe("formatFen (R-MONEY-1)", () => {
  it.each([
    [-5n, "-0.05"],
    [5n, "0.05"],
    [-100n, "-1.00"],
    [0n, "0.00"],
    [-123456n, "-1234.56"],
    [421836n, "4218.36"],
  ])("R-MONEY-1: %s fen is %s yuan (the sign stays in front)", (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it.each([
    [421836n, "4,218.36"],
    [-123456789n, "-1,234,567.89"],
    [-5n, "-0.05"],
    [99900n, "999.00"],
    [100000n, "1,000.00"],
  ])("R-MONEY-1: %s fen grouped is %s", (fen, text) => {
    expect(formatFenGrouped(fen)).toBe(text);
  });
});

describe("parseYuanToFen (R-MONEY-1)", () => {
  it.each([
    ["1234.56", "any", 123456n],
    ["-12.3", "any", -1230n],
    ["0", "non-negative", 0n],
    ["0.01", "positive", 1n],
    ["999999999999.99", "positive", 99999999999999n],
  ] as const)("R-MONEY-1: %j (%s) is %s fen", (text, sign, fen) => {
    expect(parseYuanToFen(text, sign)).toBe(fen);
  });

  it.each([
    ["-100.00", "positive"],
    ["0", "positive"],
    ["0.00", "positive"],
    ["-0.01", "non-negative"],
    ["-0", "any"],
    ["-0.00", "any"],
    ["99999999999999999999.99", "any"],
    ["1000000000000", "any"],
    ["007", "any"],
    ["1.234", "any"],
    ["1,000.00", "any"],
    ["+1", "any"],
    ["1e3", "any"],
    ["", "any"],
    [" 1", "any"],
  ] as const)("R-MONEY-1: refuses %j (%s)", (text, sign) => {
    expect(() => parseYuanToFen(text, sign)).toThrow(InvalidMoneyError);
  });

  it("says what is expected for each sign policy", () => {
    expect(yuanExpectation("positive")).toMatch(/greater than 0.*at most 2 decimals/);
    expect(yuanExpectation("non-negative")).toMatch(/0 or more/);
    expect(MAX_YUAN_DIGITS).toBe(12);
  });

  it("R-MONEY-1: parse ∘ format is the identity on fen within the bound", () => {
    const bound = 10n ** 14n - 1n;
    fc.assert(
      fc.property(fc.bigInt({ min: -bound, max: bound }), (fen) => {
        expect(parseYuanToFen(formatFen(fen), "any")).toBe(fen);
      }),
      { seed: 8 },
    );
  });

  it("R-MONEY-1: grouping only inserts commas", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }), (fen) => {
        expect(formatFenGrouped(fen).replaceAll(",", "")).toBe(formatFen(fen));
      }),
      { seed: 8 },
    );
  });
});

describe("figures read from text (reply reader)", () => {
  it("0.42万 is 4200.00 yuan; 4218.36 is 421836 fen; 1.234 元 is not exact", () => {
    expect(exactFenFromDecimal("0", "42", 4)).toBe(420000n);
    expect(exactFenFromDecimal("4218", "36", 0)).toBe(421836n);
    expect(exactFenFromDecimal("1", "234", 0)).toBeNull();
    expect(exactFenFromDecimal("1", "2345678", 4)).toBeNull();
  });

  it("肆仟贰佰壹拾捌元叁角陆分 = 4218 yuan 3 jiao 6 fen = 421836 fen", () => {
    expect(fenFromYuanJiaoFen(4218n, 3n, 6n)).toBe(421836n);
  });
});

describe("percentages of money (R-RECON-2, R-BUDGET-1)", () => {
  it("reads a percentage with decimals", () => {
    expect(parsePercent("80.5")).toEqual({ numerator: 805n, denominator: 10n });
    expect(() => parsePercent("80,5")).toThrow(InvalidMoneyError);
    expect(() => parsePercent("-5")).toThrow(InvalidMoneyError);
  });

  it("R-BUDGET-1: 80.5 % of 98000.00 is 78890.00; 78889.99 is below, 78890.00 reaches it", () => {
    expect(comparePercentOf(7888999n, 9800000n, "80.5")).toBe(-1);
    expect(comparePercentOf(7889000n, 9800000n, "80.5")).toBe(0);
    expect(comparePercentOf(7889001n, 9800000n, "80.5")).toBe(1);
  });

  it("R-RECON-2: 5 % of 1000.00 is 50.00 exactly", () => {
    expect(comparePercentOf(5000n, 100000n, "5")).toBe(0);
    expect(comparePercentOf(5001n, 100000n, "5")).toBe(1);
  });

  it("shows a share rounded up or down: 1/3 = 33.34 % up, 33.33 % down", () => {
    expect(percentOfText(1n, 3n, 2, "up")).toBe("33.34");
    expect(percentOfText(1n, 3n, 2, "down")).toBe("33.33");
    expect(percentOfText(7889000n, 9800000n, 2, "down")).toBe("80.50");
    expect(percentOfText(0n, 3n, 2, "up")).toBe("0.00");
  });
});
