/**
 * What the monthly cycle keeps of a month's compliance check (R-CALL-1, R-SMS-3, R-THROTTLE-1): the counts,
 * the first few findings and the days the SMS port was not at full rate — enough for the bill email's note
 * and a reader, bounded whatever the month's size. Numbers stay in full here (the stored record); every
 * output masks them (core/mask.ts).
 */
import * as z from "zod";
import type { ComplianceReport } from "./compliance";
import { THROTTLE_STATES } from "./throttle";

/** Findings of each kind kept in the record; the counts cover them all. */
export const FINDINGS_KEPT = 10;

export const monthFindingsSchema = z.object({
  callViolationCount: z.number().int().nonnegative(),
  callViolations: z.array(
    z.object({
      date: z.string(),
      rule: z.enum(["per-calling-number", "per-callee"]),
      number: z.string(),
      calls: z.number().int().positive(),
    }),
  ),
  /** False when the SMS log had no `category` column: R-SMS-3 could not be checked. */
  marketingChecked: z.boolean(),
  marketingViolationCount: z.number().int().nonnegative(),
  marketingViolations: z.array(z.object({ line: z.number().int().positive(), reason: z.string() })),
  /** R-THROTTLE-1: days of the month at each reduced rate (states other than "full"), in Annex 3's order. */
  reducedDays: z.array(z.object({ state: z.enum(THROTTLE_STATES), days: z.number().int().positive() })),
});
export type MonthFindings = z.infer<typeof monthFindingsSchema>;

export function monthFindings(report: ComplianceReport): MonthFindings {
  const reducedDays = THROTTLE_STATES.filter((state) => state !== "full")
    .map((state) => ({ state, days: report.throttle.days.filter((d) => d.state === state).length }))
    .filter((entry) => entry.days > 0);
  return {
    callViolationCount: report.callViolations.length,
    callViolations: report.callViolations.slice(0, FINDINGS_KEPT),
    marketingChecked: report.marketingChecked,
    marketingViolationCount: report.marketingViolationCount,
    marketingViolations: report.marketingViolations.slice(0, FINDINGS_KEPT),
    reducedDays,
  };
}

/** Whether the month's check found anything the bill email should mention. */
export function hasFindings(findings: MonthFindings): boolean {
  return (
    findings.callViolationCount > 0 || findings.marketingViolationCount > 0 || findings.reducedDays.length > 0
  );
}
