/**
 * Exact money (R-MONEY-1). Amounts are CNY held as integer fen (分, 1/100 yuan) in a bigint; unit prices are
 * held in a finer integer unit, 1/10000 yuan, because a contract may price a minute or a message below a fen.
 *
 * Why bigint fen rather than decimal.js everywhere: a statement line is `quantity × unitPrice` rounded once,
 * and totals are sums of lines — integer arithmetic is exact, cheap, and cannot pick up a hidden binary float
 * on the way (a bigint refuses to mix with `number`). Display of fractional quantities is integer arithmetic
 * too (`formatQuantity`), so no decimal library ships in the Lambda bundles.
 *
 * The only rounding in rating is `lineAmount` (half-up to the fen, once per line, never per call/message).
 */

/** A CNY amount in fen. Wrapped in an object so a fen count cannot be mistaken for a yuan count. */
export type Money = { readonly fen: bigint };

/** A unit price in 1/10000 yuan (4 decimals), e.g. 0.06 CNY/minute = 600n. */
export type UnitPrice = { readonly tenThousandthsOfYuan: bigint };

/**
 * A quantity as an exact fraction (`numerator / denominator` units). Voice minutes rounded to a 6-second unit
 * are tenths of a minute; keeping the fraction means the line amount is rounded exactly once.
 */
export type Quantity = { readonly numerator: bigint; readonly denominator: bigint };

/** The most integer digits a yuan amount may have: below one trillion yuan, far above any contract. */
export const MAX_YUAN_DIGITS = 12;

/**
 * Money as text (the one definition, R-MONEY-1): optional minus, no leading zeros, at most
 * {@link MAX_YUAN_DIGITS} integer digits, at most 2 decimals. No exponent, no "+", no grouping, no "-0".
 * JSON interfaces and stored records carry money this way: 2-decimal yuan strings.
 */
export const MONEY_PATTERN = /^(?!-0(?:\.0{1,2})?$)-?(?:0|[1-9]\d{0,11})(?:\.\d{1,2})?$/;
/** Unit price as text: non-negative, at most 4 decimals. */
export const UNIT_PRICE_PATTERN = /^\d+(\.\d{1,4})?$/;
/** A percentage as text: "5", "80.5", "2.25" — non-negative, at most 3 integer digits and 4 decimals. */
export const PERCENT_PATTERN = /^(?:0|[1-9]\d{0,2})(?:\.\d{1,4})?$/;

/**
 * Which signs a caller accepts: a payment is `positive`, a bill total `non-negative`, a difference `any`.
 */
export type SignPolicy = "positive" | "non-negative" | "any";

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

/** What a yuan amount under `sign` must look like, for error messages that say what is expected. */
export function yuanExpectation(sign: SignPolicy): string {
  const which =
    sign === "positive"
      ? "a money amount greater than 0"
      : sign === "non-negative"
        ? "a money amount of 0 or more"
        : "a money amount";
  return `${which} in yuan with at most 2 decimals and at most ${MAX_YUAN_DIGITS} integer digits, e.g. "1234.56"`;
}

/**
 * Strict parse of yuan text to fen (R-MONEY-1): "1234.56" → 123456n. Refuses "0.1e1", "1,000.00", "+1",
 * "1.234", " 1", "007", "-0", more than {@link MAX_YUAN_DIGITS} integer digits, and a sign `sign` forbids.
 */
export function parseYuanToFen(text: string, sign: SignPolicy): bigint {
  if (typeof text !== "string" || !MONEY_PATTERN.test(text)) {
    throw new InvalidMoneyError(`not ${yuanExpectation(sign)}: ${JSON.stringify(text)}`);
  }
  const fen = scaledInteger(text, 2);
  if ((sign === "positive" && fen <= 0n) || (sign === "non-negative" && fen < 0n)) {
    throw new InvalidMoneyError(`not ${yuanExpectation(sign)}: ${JSON.stringify(text)}`);
  }
  return fen;
}

/** Strict parse of "1234.56", "-12.3", "7" (R-MONEY-1), any sign; see {@link parseYuanToFen}. */
export function parseMoney(text: string): Money {
  return { fen: parseYuanToFen(text, "any") };
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

/** 421836n → "4218.36", -5n → "-0.05": always two decimals, the sign in front. */
export function formatFen(fen: bigint): string {
  return formatScaled(fen, 2, 2);
}

/** 421836n → "4,218.36": the integer digits grouped by thousands, the way people read amounts. */
export function formatFenGrouped(fen: bigint): string {
  const text = formatFen(fen);
  const point = text.indexOf(".");
  return `${text.slice(0, point).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${text.slice(point)}`;
}

/** "1234.56", always two decimals; "-12.30" for negatives. */
export function formatMoney(money: Money): string {
  return formatFen(money.fen);
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
  return formatScaled(divideHalfUp(quantity.numerator * 10_000n, quantity.denominator), 4, 0);
}

/**
 * A decimal read from text (`whole.fraction`, digits only) times 10^`yuanExponent` yuan, in fen — or null when
 * it does not come out at a whole fen. "0.42" with exponent 4 (0.42万元) is 420000n; "1.234" yuan is null.
 */
export function exactFenFromDecimal(whole: string, fraction: string, yuanExponent: number): bigint | null {
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction)) return null;
  const scale = yuanExponent + 2;
  if (fraction.length > scale) return null;
  return BigInt(whole + fraction.padEnd(scale, "0"));
}

/** 元, 角 and 分 as written in words (肆仟贰佰壹拾捌元叁角陆分) to fen. */
export function fenFromYuanJiaoFen(yuan: bigint, jiao: bigint, fen: bigint): bigint {
  return yuan * 100n + jiao * 10n + fen;
}

/** A percentage as an exact fraction of 1 %: "80.5" → 805/10. */
export function parsePercent(text: string): Quantity {
  if (typeof text !== "string" || !PERCENT_PATTERN.test(text)) {
    throw new InvalidMoneyError(
      `not a percentage (at most 3 digits and 4 decimals, e.g. "5" or "80.5"): ${JSON.stringify(text)}`,
    );
  }
  const decimals = text.split(".")[1]?.length ?? 0;
  return { numerator: scaledInteger(text, decimals), denominator: 10n ** BigInt(decimals) };
}

/**
 * Compares `partFen` as a share of `wholeFen` with `percent` %: -1 below, 0 exactly, 1 above. Exact: no
 * rounding decides a tolerance (R-RECON-2) or a budget threshold (R-BUDGET-1). `wholeFen` must be ≥ 0.
 */
export function comparePercentOf(partFen: bigint, wholeFen: bigint, percent: string): -1 | 0 | 1 {
  const { numerator, denominator } = parsePercent(percent);
  const left = partFen * 100n * denominator;
  const right = wholeFen * numerator;
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * `partFen / wholeFen` as a percentage with `decimals` decimals, its magnitude rounded up (away from zero) or
 * down (toward zero): 1/3 is "33.34" up, "33.33" down.
 */
export function percentOfText(
  partFen: bigint,
  wholeFen: bigint,
  decimals: number,
  rounding: "up" | "down",
): string {
  if (wholeFen <= 0n) throw new RangeError("a share of a non-positive whole has no percentage");
  const negative = partFen < 0n;
  const scaled = (negative ? -partFen : partFen) * 100n * 10n ** BigInt(decimals);
  let magnitude = scaled / wholeFen;
  if (rounding === "up" && magnitude * wholeFen !== scaled) magnitude += 1n;
  return formatScaled(negative ? -magnitude : magnitude, decimals, decimals);
}
