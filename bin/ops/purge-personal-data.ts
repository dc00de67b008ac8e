/**
 * `ops purge-personal-data --contract <id> --through <YYYY-MM>`: deletes the contract's usage files (the
 * citizens' phone numbers and SMS content) of every period up to and including `--through`, on request
 * (R-RETAIN-1, ADR 0033), and audits who did it. Needs a role that may delete usage objects (not the
 * operator role).
 */
import { InvalidDateError, parsePeriod } from "../../functions/core/time";
import { operatorWrite } from "./_operator-client";
import { operation, targetOptions, useTarget } from "./_target";
import { InputError, type OpsCommand, parseCommandArgs, requireOption } from "./cli-kit";

const usage =
  "npm run ops -- purge-personal-data --contract <id> --through <YYYY-MM> [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary: "delete a contract's usage files (citizens' phone numbers) through a period, on request",
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      { contract: { type: "string" }, through: { type: "string" }, ...targetOptions },
      usage,
    );
    const contractId = requireOption(values.contract, "--contract", usage);
    const throughText = requireOption(values.through, "--through", usage);
    let through: string;
    try {
      through = parsePeriod(throughText);
    } catch (error) {
      if (error instanceof InvalidDateError) {
        throw new InputError(`--through: ${JSON.stringify(throughText)} is not a period like 2025-09`, {
          cause: error,
        });
      }
      throw error;
    }
    useTarget(values);
    const { json, result } = await operation(() =>
      operatorWrite("purge-personal-data", { contractId, through }),
    );
    return {
      json,
      text: [
        `deleted ${result.deleted.length} usage files of ${contractId} through ${through}:`,
        ...result.deleted.map((key) => `  ${key}`),
      ].join("\n"),
    };
  },
};

export default command;
