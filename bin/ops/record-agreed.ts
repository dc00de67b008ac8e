import { recordAgreedAmount } from "../../functions/app/operations";
import { operation, targetOptions, useTarget } from "./_target";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- record-agreed --contract <id> --period <YYYY-MM> --agreed <amount> [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary:
    "record the amount both parties fixed in a re-reconciliation (R-RECON-3); the difference is adjusted next period (R-RECON-4)",
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        period: { type: "string" },
        agreed: { type: "string" },
        ...targetOptions,
      },
      usage,
    );
    const input = {
      contractId: requireOption(values.contract, "--contract", usage),
      period: requireOption(values.period, "--period", usage),
      agreed: requireOption(values.agreed, "--agreed", usage),
    };
    useTarget(values);
    const result = await operation(() => recordAgreedAmount(input));
    return {
      json: result,
      text: table(
        ["bill total", "agreed", "adjustment next period (R-RECON-4)", "workflow"],
        [[result.billTotal, result.agreedAmount, result.adjustment, result.workflow]],
      ),
    };
  },
};
export default command;
