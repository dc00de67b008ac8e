/** MonthlyCycle: "Send the bill to Party A" (R-BILL-1; the deadlines of R-RECON-1 and R-PAY-1 start here). */
import { loadStackCalendar } from "../app/calendar";
import { sendBill } from "../app/cycle/send-bill";
import { lambdaHandler } from "../handler-kit";
import { cycleStep, outputs } from "../schemas";

export const handler = lambdaHandler("send-bill", cycleStep, sendBill, {
  workingDays: loadStackCalendar,
  output: outputs.sendBill,
});
