import { recordPayment } from "../../functions/app/operations";
import { operation, targetOptions, useTarget } from "./_target";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- record-payment --contract <id> --period <YYYY-MM> --amount <a> --date <YYYY-MM-DD|instant> [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary: "record Party A's payment of a period's bill (R-PAY-1); completes the waiting workflow step",
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        period: { type: "string" },
        amount: { type: "string" },
        date: { type: "string" },
        ...targetOptions,
      },
      usage,
    );
    const input = {
      contractId: requireOption(values.contract, "--contract", usage),
      period: requireOption(values.period, "--period", usage),
      amount: requireOption(values.amount, "--amount", usage),
      date: requireOption(values.date, "--date", usage),
    };
    useTarget(values);
    const result = await operation(() => recordPayment(input));
    return {
      json: result,
      text: table(
        ["paid at", "amount", "bill total", "late (R-PAY-1)", "invoice due (R-INV-1)", "workflow"],
        [
          [
            result.paidAt,
            result.amount,
            result.billTotal,
            result.late ? "yes" : "no",
            result.invoiceDue,
            result.workflow,
          ],
        ],
      ),
    };
  },
};
export default command;
