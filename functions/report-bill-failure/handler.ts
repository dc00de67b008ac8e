/** MonthlyCycle: "Tell Party B the bill could not be prepared" (R-BILL-1 at risk). */
import * as z from "zod";
import { loadStackCalendar } from "../app/calendar";
import { reportBillFailure } from "../app/cycle/bill-failure";
import { lambdaHandler } from "../handler-kit";
import { contractId, period } from "../schemas";

export const handler = lambdaHandler(
  "report-bill-failure",
  z.object({
    contractId,
    period,
    error: z.string().min(1),
    cause: z.string(),
    executionName: z.string().min(1),
    redriveCount: z.number().int().min(0),
  }),
  reportBillFailure,
  { workingDays: loadStackCalendar },
);
