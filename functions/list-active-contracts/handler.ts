/** MonthlyKickoff: "List the active contracts" — the contracts to bill for the month just ended. */
import * as z from "zod";
import { listContractsToBill } from "../app/kickoff";
import { lambdaHandler } from "../handler-kit";
import { instant, outputs, period } from "../schemas";

export const handler = lambdaHandler(
  "list-active-contracts",
  z.object({ firesAt: instant, period: period.nullish() }),
  listContractsToBill,
  { output: outputs.listActiveContracts },
);
