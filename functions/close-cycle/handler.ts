/** MonthlyCycle: "Close the cycle" — adjustment carried (R-RECON-4), true-up (R-END-1), budget (R-BUDGET-1). */
import * as z from "zod";
import { closeCycle } from "../app/cycle/close";
import { lambdaHandler } from "../handler-kit";
import { contractId, period } from "../schemas";

// The state machine passes what it saw for the record; the cycle item in DynamoDB is the truth.
export const handler = lambdaHandler("close-cycle", z.looseObject({ contractId, period }), closeCycle);
