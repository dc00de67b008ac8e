/** MonthlyKickoff: "Start the contract's monthly cycle" — idempotent by execution name. */
import { startMonthlyCycle } from "../app/kickoff";
import { lambdaHandler } from "../handler-kit";
import { cycleStep } from "../schemas";

export const handler = lambdaHandler("start-monthly-cycle", cycleStep, startMonthlyCycle);
