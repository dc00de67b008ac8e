import { CHANGE_ACTIONS } from "../../functions/core/changes";
import { KNOWN_SERVICES } from "../../functions/core/contract/services";
import { UNIT_PRICE_PATTERN } from "../../functions/core/money";
import { operatorWrite } from "./_operator-client";
import { operation, targetOptions, useTarget } from "./_target";
import { choiceValue, contractIdValue, dayValue, invalidValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- request-change --contract <id> --service monthly-fee|voice-outbound|sms --action add|change|cancel [--unit-price <yuan>] --requested <YYYY-MM-DD> [--confirmed-by-party-b <YYYY-MM-DD>] [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary:
    "record Party A's request to add, change or cancel a service, confirmed by Party B: in force from the 1st of next month when requested by the 15th, else the 1st after (R-CHANGE-1, clause 4.10)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        service: { type: "string" },
        action: { type: "string" },
        "unit-price": { type: "string" },
        requested: { type: "string" },
        "confirmed-by-party-b": { type: "string" },
        ...targetOptions,
      },
      usage,
    );
    noPositionals(positionals, usage);
    const unitPrice = values["unit-price"];
    if (unitPrice !== undefined && !UNIT_PRICE_PATTERN.test(unitPrice))
      throw invalidValue(
        "--unit-price",
        unitPrice,
        'a unit price in yuan with at most 4 decimals, e.g. "0.05"',
      );
    const confirmed = values["confirmed-by-party-b"];
    const input = {
      contractId: contractIdValue("--contract", requireOption(values.contract, "--contract", usage)),
      service: choiceValue("--service", requireOption(values.service, "--service", usage), KNOWN_SERVICES),
      action: choiceValue("--action", requireOption(values.action, "--action", usage), CHANGE_ACTIONS),
      ...(unitPrice === undefined ? {} : { unitPrice }),
      requestedOn: dayValue("--requested", requireOption(values.requested, "--requested", usage)),
      ...(confirmed === undefined
        ? {}
        : { confirmedByPartyBOn: dayValue("--confirmed-by-party-b", confirmed) }),
    };
    useTarget(values);
    const { json, result } = await operation(() => operatorWrite("request-change", input));
    return {
      json,
      text: table(
        ["service", "action", "unit price", "requested", "confirmed by Party B", "in force from", "recorded"],
        [
          [
            result.service,
            result.action,
            result.unitPrice ?? "—",
            result.requestedOn,
            result.confirmedByPartyBOn,
            result.effectiveFrom,
            result.changed ? "yes" : "already recorded",
          ],
        ],
      ),
    };
  },
};
export default command;
