/** MonthlyCycle: "Open the re-reconciliation" (R-RECON-3: 10 working days; R-RECON-4: payment proceeds). */
import * as z from "zod";
import { loadStackCalendar } from "../app/calendar";
import { openReReconciliation } from "../app/cycle/re-reconciliation";
import { lambdaHandler } from "../handler-kit";
import { contractId, instant, money, outputs, period } from "../schemas";

export const handler = lambdaHandler(
  "open-re-reconciliation",
  z.object({ contractId, period, partyAAmount: money, receivedAt: instant }),
  openReReconciliation,
  { workingDays: loadStackCalendar, output: outputs.openReReconciliation },
);
