import { UNIT_PRICE_PATTERN } from "../../functions/core/money";
import { operatorWrite } from "./_operator-client";
import { operation, targetOptions, useTarget } from "./_target";
import { contractIdValue, dayValue, invalidValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- record-tariff-adjustment --contract <id> --unit-price <yuan> --notified <YYYY-MM-DD> --agreed <YYYY-MM-DD> --effective <YYYY-MM-DD> [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary:
    "record Party B's SMS tariff adjustment both parties agreed: SMS from the effective day are rated at the new price (clause 3.11, R-CHANGE-1)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        "unit-price": { type: "string" },
        notified: { type: "string" },
        agreed: { type: "string" },
        effective: { type: "string" },
        ...targetOptions,
      },
      usage,
    );
    noPositionals(positionals, usage);
    const unitPrice = requireOption(values["unit-price"], "--unit-price", usage);
    if (!UNIT_PRICE_PATTERN.test(unitPrice))
      throw invalidValue(
        "--unit-price",
        unitPrice,
        'a unit price in yuan with at most 4 decimals, e.g. "0.03"',
      );
    const input = {
      contractId: contractIdValue("--contract", requireOption(values.contract, "--contract", usage)),
      unitPrice,
      notifiedOn: dayValue("--notified", requireOption(values.notified, "--notified", usage)),
      agreedOn: dayValue("--agreed", requireOption(values.agreed, "--agreed", usage)),
      effectiveFrom: dayValue("--effective", requireOption(values.effective, "--effective", usage)),
    };
    useTarget(values);
    const { json, result } = await operation(() => operatorWrite("record-tariff-adjustment", input));
    return {
      json,
      text: table(
        ["service", "unit price", "notified", "agreed", "in force from", "recorded"],
        [
          [
            result.service,
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
