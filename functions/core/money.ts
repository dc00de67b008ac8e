/**
 * Exact money (R-MONEY-1). Amounts are CNY held as integer fen (分, 1/100 yuan) in a bigint; unit prices are
 * held in a finer integer unit, 1/10000 yuan, because a contract may price a minute or a message below a fen.
 *
 * Why bigint fen rather than decimal.js everywhere: a statement line is `quantity × unitPrice` rounded once,
 * and totals are sums of lines — integer arithmetic is exact, cheap, and cannot pick up a hidden binary float
 * on the way (a bigint refuses to mix with `number`). decimal.js stays at the edges (percentages, display of
 * fractional quantities) where a decimal with a scale is the natural tool.
 *
 * The only rounding in rating is `lineAmount` (half-up to the fen, once per line, never per call/message).
 */
import Decimal from "decimal.js";

/** A CNY amount in fen. Wrapped in an object so a fen count cannot be mistaken for a yuan count. */
export type Money = { readonly fen: bigint };

/** A unit price in 1/10000 yuan (4 decimals), e.g. 0.06 CNY/minute = 600n. */
export type UnitPrice = { readonly tenThousandthsOfYuan: bigint };

/**
 * A quantity as an exact fraction (`numerator / denominator` units). Voice minutes rounded to a 6-second unit
 * are tenths of a minute; keeping the fraction means the line amount is rounded exactly once.
 */
export type Quantity = { readonly numerator: bigint; readonly denominator: bigint };

/** Money as text: optional minus, digits, at most 2 decimals. No exponent, no "+", no grouping. */
export const MONEY_PATTERN = /^-?\d+(\.\d{1,2})?$/;
/** Unit price as text: non-negative, at most 4 decimals. */
export const UNIT_PRICE_PATTERN = /^\d+(\.\d{1,4})?$/;

export class InvalidMoneyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidMoneyError";
  }
}

export const ZERO: Money = Object.freeze({ fen: 0n });

export function moneyFromFen(fen: bigint): Money {
  return { fen };
}

export function moneyToFen(money: Money): bigint {
  return money.fen;
}

/** Scales a decimal text with at most `scale` decimals to an integer of that scale, without floats. */
function scaledInteger(text: string, scale: number): bigint {
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  const [whole = "0", fraction = ""] = body.split(".");
  const value = BigInt(whole) * 10n ** BigInt(scale) + BigInt(fraction.padEnd(scale, "0") || "0");
  return negative ? -value : value;
}

/** Strict parse of "1234.56", "-12.3", "7" (R-MONEY-1). Rejects "0.1e1", "1,000.00", "+1", "1.234", " 1". */
export function parseMoney(text: string): Money {
  if (typeof text !== "string" || !MONEY_PATTERN.test(text)) {
    throw new InvalidMoneyError(
      `not a money amount (digits with at most 2 decimals, e.g. "1234.56"): ${JSON.stringify(text)}`,
    );
  }
  return { fen: scaledInteger(text, 2) };
}

/** Strict parse of a non-negative unit price with at most 4 decimals ("0.06", "0.0375"). */
export function parseUnitPrice(text: string): UnitPrice {
  if (typeof text !== "string" || !UNIT_PRICE_PATTERN.test(text)) {
    throw new InvalidMoneyError(
      `not a unit price (non-negative, at most 4 decimals, e.g. "0.06"): ${JSON.stringify(text)}`,
    );
  }
  return { tenThousandthsOfYuan: scaledInteger(text, 4) };
}

function formatScaled(value: bigint, scale: number, minDecimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  let fraction = digits.slice(digits.length - scale);
  while (fraction.length > minDecimals && fraction.endsWith("0")) fraction = fraction.slice(0, -1);
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** "1234.56", always two decimals; "-12.30" for negatives. */
export function formatMoney(money: Money): string {
  return formatScaled(money.fen, 2, 2);
}

/** "0.06", "0.0375": at least two decimals, up to four. */
export function formatUnitPrice(price: UnitPrice): string {
  return formatScaled(price.tenThousandthsOfYuan, 4, 2);
}

export function addMoney(a: Money, b: Money): Money {
  return { fen: a.fen + b.fen };
}

export function subtractMoney(a: Money, b: Money): Money {
  return { fen: a.fen - b.fen };
}

export function negateMoney(a: Money): Money {
  return { fen: -a.fen };
}

export function sumMoney(amounts: Iterable<Money>): Money {
  let fen = 0n;
  for (const amount of amounts) fen += amount.fen;
  return { fen };
}

/** -1, 0 or 1. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  return a.fen < b.fen ? -1 : a.fen > b.fen ? 1 : 0;
}

/** For percentage arithmetic at the edges (e.g. a tolerance check); exact, never a float. */
export function moneyToDecimal(money: Money): Decimal {
  return new Decimal(money.fen.toString()).div(100);
}

/** `numerator / denominator` rounded half-up (halves away from zero, like decimal.js ROUND_HALF_UP). */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const rounded = (magnitude * 2n + denominator) / (denominator * 2n);
  return negative ? -rounded : rounded;
}

/** A whole-number quantity (months, messages, billed minutes). */
export function wholeQuantity(count: bigint | number): Quantity {
  return { numerator: BigInt(count), denominator: 1n };
}

/**
 * The amount of one statement line: quantity × unit price, rounded half-up to the fen exactly once
 * (R-MONEY-1). This is the single rounding helper of rating — per-record amounts are never rounded.
 */
export function lineAmount(quantity: Quantity, unitPrice: UnitPrice): Money {
  // quantity × price is in 1/10000 yuan; 100 of those make a fen.
  return {
    fen: divideHalfUp(quantity.numerator * unitPrice.tenThousandthsOfYuan, quantity.denominator * 100n),
  };
}

/**
 * A quantity for display: "1234", "12.5" (6-second voice units). A fraction that does not end within four
 * decimals (a prorated month, 17/31) is shown to four; the amount is computed from the exact fraction.
 */
export function formatQuantity(quantity: Quantity): string {
  return new Decimal(quantity.numerator.toString())
    .div(quantity.denominator.toString())
    .toDecimalPlaces(4, Decimal.ROUND_HALF_UP)
    .toFixed();
}
