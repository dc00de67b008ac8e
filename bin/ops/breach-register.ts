import { now } from "../../functions/adapters/clock";
import { breachRegister } from "../../functions/app/breach-register";
import { shanghaiDateOf } from "../../functions/core/time";
import { awsTargetOptions } from "./_breach-values";
import { operation, useTarget } from "./_target";
import { contractIdValue, dayValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- breach-register --contract <id> [--as-of <YYYY-MM-DD>] [--json] [--profile p --aws-region r]";

const command: OpsCommand = {
  summary:
    "the breach register as of a day: each breach's notice, cure deadline and outcome (R-BREACH-1), Party B's liability cap (R-LIAB-1), force majeure (R-FM-1)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { contract: { type: "string" }, "as-of": { type: "string" }, ...awsTargetOptions },
      usage,
    );
    noPositionals(positionals, usage);
    const contractId = contractIdValue("--contract", requireOption(values.contract, "--contract", usage));
    const asOfText = values["as-of"];
    useTarget({ profile: values.profile, region: values["aws-region"] });
    const result = await operation(() =>
      breachRegister({
        contractId,
        asOf: asOfText === undefined ? shanghaiDateOf(now()) : dayValue("--as-of", asOfText),
      }),
    );
    const breaches = table(
      ["breach", "rule", "party", "received", "cure deadline", "state", "next"],
      result.breaches.map((b) => [
        b.breachId,
        b.rule,
        b.party,
        b.notice?.receivedOn ?? "—",
        b.cureDeadline ?? "—",
        `${b.state}${b.late ? " (late)" : ""}`,
        b.next,
      ]),
    );
    const forceMajeure =
      result.forceMajeure.length === 0
        ? ""
        : `\n\n${table(
            ["force majeure from", "to", "days", "negotiation ends", "may terminate from"],
            result.forceMajeure.map((f) => [
              f.from,
              f.to ?? "ongoing",
              String(f.daysLasted),
              f.negotiationEndsOn ?? "—",
              f.terminationRightFrom ?? "—",
            ]),
          )}`;
    return {
      json: result,
      text: `as of ${result.asOf}: Party B's liability cap (total fees Party A actually paid, R-LIAB-1) ${result.liabilityCap}\n\n${breaches}${forceMajeure}`,
    };
  },
};
export default command;
