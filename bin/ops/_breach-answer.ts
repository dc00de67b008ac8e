/**
 * `record-cure` and `record-objection`: the breaching party's written answer to a breach notice (R-BREACH-1,
 * clause 5.1). The two commands differ only in the answer they record, so they are one command shape.
 */
import { awsTargetOptions, breachIdValue } from "./_breach-values";
import { operatorWrite } from "./_operator-client";
import { operation, useTarget } from "./_target";
import { contractIdValue, dayValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

export function breachAnswerCommand(answer: "cure" | "objection", summary: string): OpsCommand {
  const usage = `npm run ops -- record-${answer} --contract <id> --breach <id> --on <YYYY-MM-DD> [--json] [--profile p --aws-region r]`;
  return {
    summary,
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
        on: dayValue("--on", requireOption(values.on, "--on", usage)),
      };
      useTarget({ profile: values.profile, region: values["aws-region"] });
      const { json, result } = await operation(() => operatorWrite(`record-${answer}`, input));
      return {
        json,
        text: `${table(
          ["breach", "state", "cure deadline", "late"],
          [[result.breachId, result.state, result.cureDeadline ?? "—", result.late ? "yes" : "no"]],
        )}\nnext: ${result.next}`,
      };
    },
  };
}
