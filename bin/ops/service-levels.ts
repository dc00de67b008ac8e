import { serviceLevelSummary } from "../../functions/app/tickets";
import { operation, targetOptions, useTarget } from "./_target";
import { contractIdValue, noPositionals, periodValue } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- service-levels --contract <id> --period <YYYY-MM> [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary:
    "a month's service-level tickets with their standing, and the SMS gateway's average repair time against 6 hours (R-SLA-1, R-SLA-2)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { contract: { type: "string" }, period: { type: "string" }, ...targetOptions },
      usage,
    );
    noPositionals(positionals, usage);
    const contractId = contractIdValue("--contract", requireOption(values.contract, "--contract", usage));
    const period = periodValue("--period", requireOption(values.period, "--period", usage));
    useTarget(values);
    const result = await operation(() => serviceLevelSummary({ contractId, period }));
    const gateway = result.smsGateway;
    return {
      json: result,
      text: `${table(
        ["ticket", "kind", "opened", "due", "closed", "standing", "party bound"],
        result.tickets.map((t) => [
          t.ticketId,
          t.kind,
          t.openedAt,
          t.dueAt ?? "—",
          t.closedAt ?? "open",
          t.standing,
          t.party,
        ]),
      )}\nSMS gateway faults closed: ${gateway.faults}; average repair ${gateway.averageRepairMinutes ?? "—"} min against ${gateway.limitMinutes} min: ${gateway.met ? "met" : "NOT met"} (R-SLA-2, 3.18)`,
    };
  },
};
export default command;
