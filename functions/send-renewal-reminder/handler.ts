/** RenewalWatch: "Remind both parties of the non-renewal deadline" (R-TERM-3, R-NOTICE-3). */
import { sendRenewalReminder } from "../app/renewal-watch";
import { lambdaHandler } from "../handler-kit";
import { termStep } from "../schemas";

export const handler = lambdaHandler("send-renewal-reminder", termStep, sendRenewalReminder);
