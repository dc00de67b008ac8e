import { contractStatus } from "../../functions/app/operations";
import { operation, targetOptions, useTarget } from "./_target";
import { contractIdValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, table } from "./cli-kit";

const usage = "npm run ops -- status [--contract <id>] [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary: "each contract's current step, its next deadline and who owes it",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { contract: { type: "string" }, ...targetOptions },
      usage,
    );
    noPositionals(positionals, usage);
    const contractId =
      values.contract === undefined ? undefined : contractIdValue("--contract", values.contract);
    useTarget(values);
    const contracts = await operation(() => contractStatus(contractId));
    return {
      json: { contracts },
      text: table(
        ["contract", "status", "term", "period", "step", "next deadline", "owed by", "unsent mail"],
        contracts.map((c) => [
          c.contractId,
          c.status,
          String(c.term),
          c.currentPeriod ?? "-",
          c.step,
          c.nextDeadline ?? "-",
          c.owedBy ?? "-",
          c.unsentEmails.join(", ") || "-",
        ]),
      ),
    };
  },
};
export default command;
