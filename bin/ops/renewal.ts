/**
 * `ops renewal --contract <file> [--term <n>]`: a term's first and last day, the non-renewal deadline and the
 * latest dispatch day per delivery method and region (R-TERM-1..4, R-NOTICE-2, R-NOTICE-3). Without --term,
 * the term in force today (Asia/Shanghai), or term 1 before the contract takes effect.
 */
import { now } from "../../functions/adapters/clock";
import { termStartDate } from "../../functions/core/contract";
import { renewalRulesFrom, renewalSchedule, termContaining } from "../../functions/core/renewal";
import { shanghaiDateOf } from "../../functions/core/time";
import { contractFileValue, noPositionals, wholeNumberValue } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage = "npm run ops -- renewal --contract <file> [--term <n>] [--json]";

const command: OpsCommand = {
  summary:
    "term dates, non-renewal deadline and latest dispatch day per delivery method (R-TERM-*, R-NOTICE-3)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { contract: { type: "string" }, term: { type: "string" } },
      usage,
    );
    noPositionals(positionals, usage);
    const contractPath = requireOption(values.contract, "--contract", usage);
    const termNumber =
      values.term === undefined ? undefined : wholeNumberValue("--term", values.term, 1, 1000);
    const contract = await contractFileValue("--contract", contractPath);
    const start = termStartDate(contract);
    const rules = renewalRulesFrom(contract.rules);
    const today = shanghaiDateOf(now());
    const term =
      termNumber !== undefined
        ? termNumber
        : today < start
          ? 1
          : termContaining(start, today, rules.termYears).term;
    const schedule = renewalSchedule(start, term, rules);
    const json = {
      contractId: contract.contractId,
      term: schedule.term,
      firstDay: schedule.firstDay,
      lastDay: schedule.lastDay,
      nextTermFirstDay: schedule.nextTermFirstDay,
      nonRenewalDeadline: schedule.nonRenewalDeadline,
      latestDispatch: schedule.latestDispatch,
      reminderDate: schedule.reminderDate,
    };
    const rows = schedule.latestDispatch.map((o) => [
      o.method,
      o.region ?? "-",
      String(o.deemedDeliveryDays),
      o.latestDispatchDate,
    ]);
    const text = [
      `Contract ${contract.contractId}, term ${schedule.term}: ${schedule.firstDay} – ${schedule.lastDay} (R-TERM-4)`,
      `Renews automatically from ${schedule.nextTermFirstDay} unless a written notice objects (R-TERM-2).`,
      `Non-renewal notice must be deemed delivered by ${schedule.nonRenewalDeadline.date} (${schedule.nonRenewalDeadline.at}, R-TERM-3).`,
      `Reminder to both contacts on ${schedule.reminderDate} (R-NOTICE-3).`,
      "",
      table(["method", "region", "deemed after (days)", "latest dispatch"], rows),
    ].join("\n");
    return { json, text };
  },
};

export default command;
