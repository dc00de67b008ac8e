/**
 * MonthlyCycle: "Rate usage and prepare the bill" (R-PRICE-1..3, R-SMS-1, R-TRIAL-1, R-RECON-4), or hold it
 * while an expected usage file is missing (R-BILL-1, ADR 0044).
 */
import { loadStackCalendar } from "../app/calendar";
import { prepareBill } from "../app/cycle/bill";
import { lambdaHandler } from "../handler-kit";
import { cycleStep, outputs } from "../schemas";

export const handler = lambdaHandler("prepare-bill", cycleStep, prepareBill, {
  workingDays: loadStackCalendar,
  output: outputs.prepareBill,
});
