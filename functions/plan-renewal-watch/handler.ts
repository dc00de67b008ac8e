/** RenewalWatch: "Work out the term's dates and deadlines" (R-TERM-1..4, R-NOTICE-3). */
import { planRenewalWatch } from "../app/renewal-watch";
import { lambdaHandler } from "../handler-kit";
import { outputs, termStep } from "../schemas";

export const handler = lambdaHandler("plan-renewal-watch", termStep, planRenewalWatch, {
  output: outputs.planRenewalWatch,
});
