/** MonthlyKickoff: "List the active contracts" — the contracts to bill for the month just ended, as an S3 manifest. */
import * as z from "zod";
import { listContractsToBill } from "../app/kickoff";
import { lambdaHandler } from "../handler-kit";
import { instant, outputs, period } from "../schemas";

export const handler = lambdaHandler(
  "list-active-contracts",
  z.object({ firesAt: instant, period: period.nullish(), manifestKey: z.string().min(1).max(1024) }),
  listContractsToBill,
  { output: outputs.listActiveContracts },
);
