/**
 * When a stored item may go (R-RETAIN-1, 合同第三条3.9款; ADR 0033). Billing data is kept 12 months after
 * the month its bill was produced, and objections are accepted in the same window. An item written at
 * instant t relates to a bill produced at or before t, so the retention counted from t's month is never
 * shorter than the one its bill needs. A grace of 31 days follows, so that an objection lodged on the
 * window's last day can still be looked into before DynamoDB's TTL removes the data.
 */
import { retention } from "./deadlines";
import { firstDayOfPeriod, nextPeriod, type Period, startOfDay } from "./time";

/** 合同第三条3.9款 keeps billing data 12 months; the TTL of items written without their contract at hand. */
export const RETENTION_MONTHS = 12;

/** Days kept after the retention (and objection window) ends, before the item expires. */
export const RETENTION_GRACE_DAYS = 31;

/** The instant an item written at `writtenAt` expires, as epoch seconds for DynamoDB's TTL attribute. */
export function expiresAtSeconds(writtenAt: Date, retentionMonths = RETENTION_MONTHS): number {
  const { retentionEnd } = retention(writtenAt, { billingDataRetentionMonths: retentionMonths });
  return Math.floor(Date.parse(retentionEnd.at) / 1000) + RETENTION_GRACE_DAYS * 86_400;
}

/**
 * The instant every ledger entry of `period` expires (ADR 0070): the retention counted from the month the
 * period's bill is produced (the month after it, R-BILL-1), whenever the entry was written. A period's
 * entries go together, so no balance is ever derived from a charge without its payments or reversals.
 */
export function ledgerExpiresAtSeconds(period: Period, retentionMonths = RETENTION_MONTHS): number {
  return expiresAtSeconds(startOfDay(firstDayOfPeriod(nextPeriod(period))), retentionMonths);
}
