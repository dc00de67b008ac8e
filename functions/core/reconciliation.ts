/**
 * Reconciliation (对账) of a bill against Party A's figure (R-RECON-2..4) and the end-of-contract true-up
 * (R-END-1). Amounts are CNY text with at most 2 decimals, parsed strictly and computed in integer fen
 * (R-MONEY-1); the tolerance comparison is exact — no rounding decides an outcome.
 */
import {
  compareMoney,
  comparePercentOf,
  formatMoney,
  type Money,
  PERCENT_PATTERN,
  parseMoney,
  percentOfText,
  subtractMoney,
  ZERO,
} from "./money";

export type ReconciliationOutcome = "stands" | "re-reconcile";

export interface ReconciliationClassification {
  outcome: ReconciliationOutcome;
  /** The rule that decided: R-RECON-2 (within tolerance) or R-RECON-3 (beyond it). */
  rule: "R-RECON-2" | "R-RECON-3";
  billTotal: string;
  partyAFigure: string;
  /** Party A's figure minus the bill total (negative when Party A counts less). */
  difference: string;
  /**
   * |difference| as a percentage of the bill total, rounded **up** to 2 decimals for display so a figure just
   * beyond the tolerance never shows as exactly the tolerance. Null when the bill total is zero.
   */
  differencePercent: string | null;
  /** R-RECON-4: payment is due on the bill's amount in both outcomes; re-reconciliation never holds it up. */
  settlementAmount: string;
}

export class ReconciliationInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ReconciliationInputError";
  }
}

function nonNegativeAmount(text: string, what: string): Money {
  let amount: Money;
  try {
    amount = parseMoney(text);
  } catch (error) {
    throw new ReconciliationInputError(`${what}: ${(error as Error).message}`, { cause: error });
  }
  if (compareMoney(amount, ZERO) < 0)
    throw new ReconciliationInputError(`${what} cannot be negative: ${text}`);
  return amount;
}

function amountOf(text: string, what: string): Money {
  try {
    return parseMoney(text);
  } catch (error) {
    throw new ReconciliationInputError(`${what}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A bill total may be below zero (a credit carried larger than the month, ADR 0010); then Party A's figure
 * may be too. Against a bill of zero or more, a negative figure is refused.
 */
function billAndFigure(billTotal: string, figureText: string, what: string): { bill: Money; figure: Money } {
  const bill = amountOf(billTotal, "bill total");
  const figure =
    compareMoney(bill, ZERO) < 0 ? amountOf(figureText, what) : nonNegativeAmount(figureText, what);
  return { bill, figure };
}

/**
 * R-RECON-2 / R-RECON-3: Party A's figure stands against the bill when |A − B| ≤ tolerance % of B, the bill
 * total B — the boundary is inclusive (exactly 5.00 % stands). Compared as |A − B| × 100 ≤ tolerance × B in
 * exact integers. A zero bill therefore stands only against a zero figure.
 */
export function classifyReconciliation(
  billTotal: string,
  partyAFigure: string,
  tolerancePercent = "5",
): ReconciliationClassification {
  const { bill, figure } = billAndFigure(billTotal, partyAFigure, "Party A's figure");
  if (!PERCENT_PATTERN.test(tolerancePercent)) {
    throw new ReconciliationInputError(
      `tolerance must be a percentage like "5" or "2.5", got ${tolerancePercent}`,
    );
  }
  const difference = subtractMoney(figure, bill);
  const magnitudeFen = difference.fen < 0n ? -difference.fen : difference.fen;
  // The tolerance is a share of the bill's size, |B|, whatever its sign.
  const billSizeFen = bill.fen < 0n ? -bill.fen : bill.fen;
  const withinTolerance = comparePercentOf(magnitudeFen, billSizeFen, tolerancePercent) <= 0;
  return {
    outcome: withinTolerance ? "stands" : "re-reconcile",
    rule: withinTolerance ? "R-RECON-2" : "R-RECON-3",
    billTotal: formatMoney(bill),
    partyAFigure: formatMoney(figure),
    difference: formatMoney(difference),
    differencePercent: billSizeFen === 0n ? null : percentOfText(magnitudeFen, billSizeFen, 2, "up"),
    settlementAmount: formatMoney(bill),
  };
}

/**
 * R-RECON-4: the amount agreed in re-reconciliation minus the amount billed (and paid) becomes an adjustment
 * line of the next period: positive → Party A owes more, negative → a credit to Party A.
 */
export function adjustmentForNextPeriod(billTotal: string, agreedAmount: string): string {
  const { bill, figure: agreed } = billAndFigure(billTotal, agreedAmount, "agreed amount");
  return formatMoney(subtractMoney(agreed, bill));
}

export interface FinalTrueUp {
  rule: "R-END-1";
  /** Who pays whom: Party B refunds Party A, Party B collects from Party A, or nothing is due. */
  direction: "refund-to-party-a" | "collect-from-party-a" | "none";
  payer: "party-a" | "party-b" | null;
  /** Always non-negative. */
  amount: string;
}

/**
 * R-END-1 / R-RECON-4: for the last period of the contract there is no next period to adjust, so the agreed
 * difference is settled both ways (多退少补): billed more than agreed → Party B refunds; less → Party A pays.
 */
export function finalTrueUp(billTotal: string, agreedAmount: string): FinalTrueUp {
  const bill = nonNegativeAmount(billTotal, "bill total");
  const agreed = nonNegativeAmount(agreedAmount, "agreed amount");
  const owedByPartyA = subtractMoney(agreed, bill);
  const sign = compareMoney(owedByPartyA, ZERO);
  if (sign === 0) return { rule: "R-END-1", direction: "none", payer: null, amount: formatMoney(ZERO) };
  return sign > 0
    ? {
        rule: "R-END-1",
        direction: "collect-from-party-a",
        payer: "party-a",
        amount: formatMoney(owedByPartyA),
      }
    : {
        rule: "R-END-1",
        direction: "refund-to-party-a",
        payer: "party-b",
        amount: formatMoney(subtractMoney(bill, agreed)),
      };
}
