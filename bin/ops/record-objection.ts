import { recordBreachAnswer } from "../../functions/app/breach-register";
import { awsTargetOptions, breachIdValue } from "./_breach-values";
import { operation, useTarget } from "./_target";
import { contractIdValue, dayValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- record-objection --contract <id> --breach <id> --on <YYYY-MM-DD> [--json] [--profile p --aws-region r]";

const command: OpsCommand = {
  summary:
    "record a written objection to a breach notice: the parties negotiate, then arbitrate (R-BREACH-1, clauses 5.1, 8.2, 8.3)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        breach: { type: "string" },
        on: { type: "string" },
        ...awsTargetOptions,
      },
      usage,
    );
    noPositionals(positionals, usage);
    const input = {
      contractId: contractIdValue("--contract", requireOption(values.contract, "--contract", usage)),
      breachId: breachIdValue("--breach", requireOption(values.breach, "--breach", usage)),
      answer: "objection" as const,
      on: dayValue("--on", requireOption(values.on, "--on", usage)),
    };
    useTarget({ profile: values.profile, region: values["aws-region"] });
    const result = await operation(() => recordBreachAnswer(input));
    return {
      json: result,
      text: `${table(
        ["breach", "state", "cure deadline", "late"],
        [[result.breachId, result.state, result.cureDeadline ?? "—", result.late ? "yes" : "no"]],
      )}\nnext: ${result.next}`,
    };
  },
};
export default command;
