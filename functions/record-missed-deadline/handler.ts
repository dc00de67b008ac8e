/**
 * MonthlyCycle: a deadline passed without what it waited for — no reply (R-RECON-5), no agreed
 * re-reconciliation (R-RECON-3), overdue payment (R-PAY-2), late invoice (R-INV-1, R-BREACH-1).
 */
import * as z from "zod";
import { loadStackCalendar } from "../app/calendar";
import { recordMissedDeadline } from "../app/cycle/missed-deadlines";
import { lambdaHandler } from "../handler-kit";
import { contractId, outputs, period } from "../schemas";

export const handler = lambdaHandler(
  "record-missed-deadline",
  z.object({
    contractId,
    period,
    missed: z.enum(["reconciliation-reply", "agreed-amount", "payment", "invoice"]),
  }),
  recordMissedDeadline,
  { workingDays: loadStackCalendar, output: outputs.recordMissedDeadline },
);
