import { contractHistory } from "../../functions/app/operations";
import { operation, targetOptions, useTarget } from "./_target";
import { contractIdValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage = "npm run ops -- history --contract <id> [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary: "the contract's audit history: who did what, when, under which rule",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { contract: { type: "string" }, ...targetOptions },
      usage,
    );
    noPositionals(positionals, usage);
    const contractId = contractIdValue("--contract", requireOption(values.contract, "--contract", usage));
    useTarget(values);
    const events = await operation(() => contractHistory(contractId));
    return {
      json: { contractId, events },
      text: table(
        ["at", "period", "who", "rule", "what"],
        events.map((e) => [
          e.at,
          e.period ?? "",
          e.operator ? `operator (${e.operator})` : e.who,
          e.rule ?? "",
          e.what,
        ]),
      ),
    };
  },
};
export default command;
