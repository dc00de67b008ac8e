/** MonthlyCycle: "Remind Party A that the reconciliation is due" (R-RECON-5). */
import * as z from "zod";
import { loadStackCalendar } from "../app/calendar";
import { sendReconciliationReminder } from "../app/cycle/waits";
import { lambdaHandler } from "../handler-kit";
import { contractId, period } from "../schemas";

export const handler = lambdaHandler(
  "send-reminder",
  z.object({ contractId, period, kind: z.literal("reconciliation") }),
  sendReconciliationReminder,
  { workingDays: loadStackCalendar },
);
