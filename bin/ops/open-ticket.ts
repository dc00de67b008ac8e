import { TICKET_KINDS } from "../../functions/core/service-levels";
import { operatorWrite } from "./_operator-client";
import { operation, targetOptions, useTarget } from "./_target";
import { ticketIdValue } from "./_ticket-values";
import { choiceValue, contractIdValue, instantValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage = `npm run ops -- open-ticket --contract <id> --kind ${TICKET_KINDS.join("|")} --at <instant> --what "<text>" [--ticket <id>] [--json] [--profile p --region r]`;

const command: OpsCommand = {
  summary:
    "open a service-level ticket and say when it is due: line opening 5 working days (R-SLA-1, 3.3), fault 24 h (3.4), complaint 48 h (3.18), end-user complaint 24 h (2.26), SMS gateway fault on the month's 6 h average (R-SLA-2)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        kind: { type: "string" },
        at: { type: "string" },
        what: { type: "string" },
        ticket: { type: "string" },
        ...targetOptions,
      },
      usage,
    );
    noPositionals(positionals, usage);
    const input = {
      contractId: contractIdValue("--contract", requireOption(values.contract, "--contract", usage)),
      kind: choiceValue("--kind", requireOption(values.kind, "--kind", usage), TICKET_KINDS),
      openedAt: instantValue("--at", requireOption(values.at, "--at", usage)),
      what: requireOption(values.what, "--what", usage),
      ...(values.ticket !== undefined ? { ticketId: ticketIdValue("--ticket", values.ticket) } : {}),
    };
    useTarget(values);
    const { json, result } = await operation(() =>
      operatorWrite("open-ticket", { ...input, openedAt: input.openedAt.toISOString() }),
    );
    return {
      json,
      text: table(
        ["ticket", "kind", "opened", "due", "party bound"],
        [
          [
            result.ticketId,
            result.kind,
            result.openedAt,
            result.dueAt ?? "month's average ≤ 6 h",
            result.party,
          ],
        ],
      ),
    };
  },
};
export default command;
