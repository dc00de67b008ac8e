/**
 * R-BILL-1 (ADR 0044): a usage file the bill needs but Party B has not uploaded holds the bill. Clause 4.5
 * (合同第四条4.5款) says the bill contains each service's actual usage, and clause 4.6 gives Party B 10
 * working days after the period to send it: the cycle re-checks once per working day, at the end of it, until
 * the file arrives or until the last working day it may still wait — working day N after the period
 * (the contract's `usageHoldLastWorkingDay`, 8 by default, never past the bill's due day) — and then bills
 * with what it has, saying which file is missing.
 */
import { defaultCalendar, type WorkingDayCalendar } from "./calendar";
import {
  atTimeOfDay,
  formatInstant,
  type LocalDate,
  lastDayOfPeriod,
  parsePeriod,
  shanghaiDateOf,
} from "./time";

/** The working day this many working days after the period is the last the bill may wait for usage. */
export const DEFAULT_USAGE_HOLD_LAST_WORKING_DAY = 8;

/** A held bill is re-checked at the end of each working day: a file uploaded that day is billed that day. */
export const USAGE_CHECK_TIME = "17:00";

export type UsageHold =
  | { hold: false }
  | {
      hold: true;
      /** When to look again (Asia/Shanghai, ISO-8601 with +08:00). */
      recheckAt: string;
      /** The last day the bill may wait; it goes out with what it has at that day's check. */
      lastBillingDay: LocalDate;
    };

export function usageHold(
  input: {
    period: string;
    /** The expected usage files not in the bucket now. */
    missing: readonly string[];
    now: Date;
    /** `usageHoldLastWorkingDay` (R-BILL-1); the bill's due day (`billDueWorkingDays`) caps it. */
    lastWorkingDay: number;
    billDueWorkingDays: number;
  },
  calendar: WorkingDayCalendar = defaultCalendar(),
): UsageHold {
  if (input.missing.length === 0) return { hold: false };
  const lastBillingDay = calendar.addWorkingDays(
    lastDayOfPeriod(parsePeriod(input.period)),
    Math.min(input.lastWorkingDay, input.billDueWorkingDays),
  ).date;
  const nowMs = input.now.getTime();
  if (nowMs >= atTimeOfDay(lastBillingDay, USAGE_CHECK_TIME).getTime()) return { hold: false };
  const today = shanghaiDateOf(input.now);
  const todaysCheck = atTimeOfDay(today, USAGE_CHECK_TIME);
  const checkDay =
    calendar.isWorkingDay(today).working && nowMs < todaysCheck.getTime()
      ? today
      : calendar.addWorkingDays(today, 1).date;
  return {
    hold: true,
    recheckAt: formatInstant(atTimeOfDay(checkDay, USAGE_CHECK_TIME)),
    lastBillingDay,
  };
}
