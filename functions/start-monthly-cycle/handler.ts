/** MonthlyKickoff: "Start the monthly cycles of a batch of contracts" — idempotent by execution name. */
import * as z from "zod";
import { startMonthlyCycles } from "../app/kickoff";
import { lambdaHandler } from "../handler-kit";
import { contractId, outputs, period } from "../schemas";

export const handler = lambdaHandler(
  "start-monthly-cycle",
  z.object({ period, contracts: z.array(z.object({ contractId })).min(1) }),
  startMonthlyCycles,
  { output: outputs.startMonthlyCycles },
);
