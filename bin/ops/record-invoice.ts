import { recordInvoice } from "../../functions/app/operations";
import { operation, targetOptions, useTarget } from "./_target";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- record-invoice --contract <id> --period <YYYY-MM> --number <n> [--date <YYYY-MM-DD|instant>] [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary:
    "record the VAT invoice issued for a paid period (R-INV-1); emails Party A and completes the cycle's wait",
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        period: { type: "string" },
        number: { type: "string" },
        date: { type: "string" },
        ...targetOptions,
      },
      usage,
    );
    const input = {
      contractId: requireOption(values.contract, "--contract", usage),
      period: requireOption(values.period, "--period", usage),
      number: requireOption(values.number, "--number", usage),
      ...(values.date ? { date: values.date } : {}),
    };
    useTarget(values);
    const result = await operation(() => recordInvoice(input));
    return {
      json: result,
      text: table(
        ["invoice", "invoiced at", "late (R-INV-1)", "workflow"],
        [[result.invoiceNumber, result.invoicedAt, result.late ? "yes" : "no", result.workflow]],
      ),
    };
  },
};
export default command;
