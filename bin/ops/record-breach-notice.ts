import { awsTargetOptions, breachIdValue, deliveryValues, ruleIdValue } from "./_breach-values";
import { operatorWrite } from "./_operator-client";
import { operation, useTarget } from "./_target";
import { choiceValue, contractIdValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- record-breach-notice --contract <id> --breach <id> --method personal|fax --received <YYYY-MM-DD> | --method express|registered --dispatched <YYYY-MM-DD> --region same-city|mainland|hk-macao-taiwan|abroad [--rule R-… --party A|B --what <text>] [--json] [--profile p --aws-region r]";

const command: OpsCommand = {
  summary:
    "record a written breach notice: the cure period (10 days) runs from its receipt as clause 9.3 deems it (R-BREACH-1, R-NOTICE-2)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        breach: { type: "string" },
        method: { type: "string" },
        region: { type: "string" },
        received: { type: "string" },
        dispatched: { type: "string" },
        rule: { type: "string" },
        party: { type: "string" },
        what: { type: "string" },
        ...awsTargetOptions,
      },
      usage,
    );
    noPositionals(positionals, usage);
    const input = {
      contractId: contractIdValue("--contract", requireOption(values.contract, "--contract", usage)),
      breachId: breachIdValue("--breach", requireOption(values.breach, "--breach", usage)),
      ...deliveryValues(values, usage),
      ...(values.rule !== undefined ? { rule: ruleIdValue("--rule", values.rule) } : {}),
      ...(values.party !== undefined
        ? { party: choiceValue("--party", values.party, ["A", "B"] as const) }
        : {}),
      ...(values.what !== undefined ? { what: values.what } : {}),
    };
    useTarget({ profile: values.profile, region: values["aws-region"] });
    const { json, result } = await operation(() => operatorWrite("record-breach-notice", input));
    return {
      json,
      text: table(
        ["breach", "rule", "party in breach", "method", "sent", "received (9.3)", "cure or object by"],
        [
          [
            result.breachId,
            result.rule,
            result.party,
            `${result.method}${result.region ? `/${result.region}` : ""}`,
            result.sentOn,
            result.receivedOn,
            result.cureDeadline,
          ],
        ],
      ),
    };
  },
};
export default command;
