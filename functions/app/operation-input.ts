/**
 * Checking what an operator typed before anything changes (style: a wrong value is refused with one line
 * naming the field, the value and what is expected; exit 1 in the CLI).
 */
import { now } from "../adapters/clock";
import { type CycleRecord, findCycle, getContract, NotFoundError } from "../adapters/repository";
import { compareMoney, formatMoney, InvalidMoneyError, type Money, parseMoney, ZERO } from "../core/money";
import { formatInstant, parseLocalDate, parsePeriod, startOfDay } from "../core/time";

/** Input an operator can fix (exit 1 in the CLI): nothing was changed. */
export class OperationRejectedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OperationRejectedError";
  }
}

function money(text: string, what: string) {
  try {
    return parseMoney(text);
  } catch (error) {
    if (error instanceof InvalidMoneyError)
      throw new OperationRejectedError(`${what} is not an amount of money: ${JSON.stringify(text)}`);
    throw error;
  }
}

/**
 * A date (`YYYY-MM-DD`: the start of that day, Asia/Shanghai — deadlines count from the day, R-WD-2, so the
 * hour does not matter and a payment recorded on the day it arrived is never "in the future") or an ISO
 * instant with an offset.
 */
export function instantOf(text: string, what: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    try {
      return startOfDay(parseLocalDate(text));
    } catch {
      throw new OperationRejectedError(`${what} is not a date: ${text}`);
    }
  }
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ||
    Number.isNaN(Date.parse(text))
  ) {
    throw new OperationRejectedError(`${what} is not a date (YYYY-MM-DD) or an instant with offset: ${text}`);
  }
  return new Date(text);
}

export async function contractOrReject(contractId: string) {
  try {
    return await getContract(contractId);
  } catch (error) {
    if (error instanceof NotFoundError) throw new OperationRejectedError(`unknown contract ${contractId}`);
    throw error;
  }
}

export async function billedCycle(contractId: string, period: string): Promise<CycleRecord> {
  try {
    parsePeriod(period);
  } catch {
    throw new OperationRejectedError(`not a period (YYYY-MM): ${period}`);
  }
  const cycle = await findCycle(contractId, period);
  if (!cycle?.sentAt)
    throw new OperationRejectedError(`period ${period} of contract ${contractId} has not been billed yet`);
  return cycle;
}

export function notInFuture(at: Date, what: string): void {
  if (at.getTime() > now().getTime())
    throw new OperationRejectedError(`${what} ${formatInstant(at)} is in the future`);
}

/** A positive amount of money with at most 2 decimals, not above `maximum` (a typo guard). */
export function positiveMoney(text: string, what: string, maximum: { amount: Money; why: string }): Money {
  const amount = money(text, what);
  if (compareMoney(amount, ZERO) <= 0)
    throw new OperationRejectedError(`${what} must be more than 0.00, got ${JSON.stringify(text)}`);
  if (compareMoney(amount, maximum.amount) > 0)
    throw new OperationRejectedError(
      `${what} ${JSON.stringify(text)} is more than ${maximum.why}: at most ${formatMoney(maximum.amount)}`,
    );
  return amount;
}

/** A non-negative amount of money with at most 2 decimals. */
export function nonNegativeMoney(text: string, what: string): Money {
  const amount = money(text, what);
  if (compareMoney(amount, ZERO) < 0)
    throw new OperationRejectedError(`${what} cannot be negative, got ${JSON.stringify(text)}`);
  return amount;
}
