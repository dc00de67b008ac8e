import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addMoney,
  compareMoney,
  formatMoney,
  formatQuantity,
  formatUnitPrice,
  InvalidMoneyError,
  lineAmount,
  moneyFromFen,
  moneyToFen,
  parseMoney,
  parseUnitPrice,
  subtractMoney,
  sumMoney,
  wholeQuantity,
} from "../../functions/core/money";

describe("money parsing (R-MONEY-1)", () => {
  it.each([
    ["1234.56", 123456n],
    ["0", 0n],
    ["7", 700n],
    ["-12.3", -1230n],
    ["98000.00", 9800000n],
    ["0.01", 1n],
  ])("R-MONEY-1: parses %s exactly", (text, fen) => {
    expect(moneyToFen(parseMoney(text))).toBe(fen);
  });

  it.each([
    "0.1e1",
    "1e3",
    "1,000.00",
    "+1",
    "1.234",
    " 1",
    "1 ",
    "",
    ".5",
    "5.",
    "NaN",
    "Infinity",
    "0x10",
    "١٢",
  ])("R-MONEY-1: rejects %j", (text) => {
    expect(() => parseMoney(text)).toThrow(InvalidMoneyError);
  });

  it("R-MONEY-1: refuses a JS number (a float must never reach money)", () => {
    expect(() => parseMoney(0.1 as unknown as string)).toThrow(InvalidMoneyError);
  });

  it("R-MONEY-1: unit prices take up to 4 decimals and are never negative", () => {
    expect(parseUnitPrice("0.06").tenThousandthsOfYuan).toBe(600n);
    expect(parseUnitPrice("0.0375").tenThousandthsOfYuan).toBe(375n);
    expect(() => parseUnitPrice("0.00001")).toThrow(InvalidMoneyError);
    expect(() => parseUnitPrice("-0.06")).toThrow(InvalidMoneyError);
    expect(formatUnitPrice(parseUnitPrice("0.0375"))).toBe("0.0375");
    expect(formatUnitPrice(parseUnitPrice("4000"))).toBe("4000.00");
  });
});

describe("money formatting and arithmetic", () => {
  it("R-MONEY-1: always two decimals, sign in front", () => {
    expect(formatMoney(moneyFromFen(123456n))).toBe("1234.56");
    expect(formatMoney(moneyFromFen(-1230n))).toBe("-12.30");
    expect(formatMoney(moneyFromFen(-5n))).toBe("-0.05");
    expect(formatMoney(moneyFromFen(0n))).toBe("0.00");
  });

  it("R-MONEY-1: 0.1 + 0.2 is exactly 0.30", () => {
    expect(formatMoney(addMoney(parseMoney("0.1"), parseMoney("0.2")))).toBe("0.30");
    expect(formatMoney(subtractMoney(parseMoney("0.3"), parseMoney("0.1")))).toBe("0.20");
    expect(compareMoney(parseMoney("0.30"), addMoney(parseMoney("0.1"), parseMoney("0.2")))).toBe(0);
    expect(compareMoney(parseMoney("-1"), parseMoney("1"))).toBe(-1);
  });

  it("R-MONEY-1: parse ∘ format is the identity on fen (up to 12 integer digits of yuan)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 14n - 1n), max: 10n ** 14n - 1n }), (fen) => {
        expect(moneyToFen(parseMoney(formatMoney(moneyFromFen(fen))))).toBe(fen);
      }),
    );
  });

  it("R-MONEY-1: a line is rounded half-up to the fen once (0.0375 × 2 = 0.075 → 0.08)", () => {
    expect(formatMoney(lineAmount(wholeQuantity(2), parseUnitPrice("0.0375")))).toBe("0.08");
    expect(formatMoney(lineAmount(wholeQuantity(1), parseUnitPrice("0.0349")))).toBe("0.03");
    // Rounding per unit would give 3 × 0.04 = 0.12; rounding once gives 0.11 (3 × 0.0375 = 0.1125).
    expect(formatMoney(lineAmount(wholeQuantity(3), parseUnitPrice("0.0375")))).toBe("0.11");
    expect(formatMoney(lineAmount({ numerator: 61n, denominator: 10n }, parseUnitPrice("0.06")))).toBe(
      "0.37",
    );
  });

  it("R-MONEY-1: sums of many small amounts stay exact", () => {
    const amounts = Array.from({ length: 10_000 }, () => parseMoney("0.01"));
    expect(formatMoney(sumMoney(amounts))).toBe("100.00");
  });

  it("formats fractional quantities exactly up to four decimals", () => {
    expect(formatQuantity({ numerator: 61n, denominator: 10n })).toBe("6.1");
    expect(formatQuantity({ numerator: 17n, denominator: 31n })).toBe("0.5484");
    expect(formatQuantity(wholeQuantity(1234))).toBe("1234");
    // By hand: 1/32 = 0.03125 → half-up at the 4th decimal 0.0313; 5/3 = 1.66666… → 1.6667; 2/8 = 0.25.
    expect(formatQuantity({ numerator: 1n, denominator: 32n })).toBe("0.0313");
    expect(formatQuantity({ numerator: 5n, denominator: 3n })).toBe("1.6667");
    expect(formatQuantity({ numerator: 2n, denominator: 8n })).toBe("0.25");
    expect(formatQuantity({ numerator: 0n, denominator: 7n })).toBe("0");
  });
});
