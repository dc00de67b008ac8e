import { awsTargetOptions } from "./_breach-values";
import { operatorWrite } from "./_operator-client";
import { operation, useTarget } from "./_target";
import { contractIdValue, dayValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- record-force-majeure --contract <id> --from <YYYY-MM-DD> [--to <YYYY-MM-DD>] --what <text> [--negotiation-requested <YYYY-MM-DD>] [--json] [--profile p --aws-region r]";

const command: OpsCommand = {
  summary:
    "record a force majeure event, its end and the written request to negotiate: at 30 days the parties negotiate, 10 days after the request either may terminate without liability (R-FM-1, clause 7.3)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        what: { type: "string" },
        "negotiation-requested": { type: "string" },
        ...awsTargetOptions,
      },
      usage,
    );
    noPositionals(positionals, usage);
    const to = values.to === undefined ? null : dayValue("--to", values.to);
    const requested = values["negotiation-requested"];
    const input = {
      contractId: contractIdValue("--contract", requireOption(values.contract, "--contract", usage)),
      from: dayValue("--from", requireOption(values.from, "--from", usage)),
      to,
      what: requireOption(values.what, "--what", usage),
      negotiationRequestedOn: requested === undefined ? null : dayValue("--negotiation-requested", requested),
    };
    useTarget({ profile: values.profile, region: values["aws-region"] });
    const { json, result } = await operation(() => operatorWrite("record-force-majeure", input));
    return {
      json,
      text: table(
        ["from", "to", "days lasted", "negotiation from", "negotiation ends", "may terminate from"],
        [
          [
            result.from,
            result.to ?? "ongoing",
            String(result.daysLasted),
            result.negotiationOpensOn,
            result.negotiationEndsOn ?? "—",
            result.terminationRightFrom ?? "—",
          ],
        ],
      ),
    };
  },
};
export default command;
