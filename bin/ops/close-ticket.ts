import { operatorWrite } from "./_operator-client";
import { operation, targetOptions, useTarget } from "./_target";
import { ticketIdValue } from "./_ticket-values";
import { contractIdValue, instantValue, noPositionals, wholeNumberValue } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- close-ticket --contract <id> --ticket <id> --at <instant> [--travel-minutes <n>] [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary:
    "close a service-level ticket: met or late; a late one goes to the breach register against the party its clause binds (R-SLA-1, R-SLA-2, R-BREACH-1)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        ticket: { type: "string" },
        at: { type: "string" },
        "travel-minutes": { type: "string" },
        ...targetOptions,
      },
      usage,
    );
    noPositionals(positionals, usage);
    const travel = values["travel-minutes"];
    const input = {
      contractId: contractIdValue("--contract", requireOption(values.contract, "--contract", usage)),
      ticketId: ticketIdValue("--ticket", requireOption(values.ticket, "--ticket", usage)),
      closedAt: instantValue("--at", requireOption(values.at, "--at", usage)),
      travelMinutes: travel === undefined ? 0 : wholeNumberValue("--travel-minutes", travel, 0, 10_080),
    };
    useTarget(values);
    const { json, result } = await operation(() =>
      operatorWrite("close-ticket", { ...input, closedAt: input.closedAt.toISOString() }),
    );
    return {
      json,
      text: table(
        ["ticket", "kind", "opened", "due", "closed", "standing", "party bound"],
        [
          [
            result.ticketId,
            result.kind,
            result.openedAt,
            result.dueAt ?? "—",
            result.closedAt,
            result.standing,
            result.party,
          ],
        ],
      ),
    };
  },
};
export default command;
