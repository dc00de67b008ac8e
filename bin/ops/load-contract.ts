import { operatorWrite } from "./_operator-client";
import { operation, targetOptions, useTarget } from "./_target";
import { contractFileValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage = "npm run ops -- load-contract --contract <file> [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary: "validate a contract file, store it and start its first term's RenewalWatch (idempotent)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { contract: { type: "string" }, ...targetOptions },
      usage,
    );
    noPositionals(positionals, usage);
    const contract = await contractFileValue(
      "--contract",
      requireOption(values.contract, "--contract", usage),
    );
    useTarget(values);
    const { json, result } = await operation(() => operatorWrite("load-contract", { contract }));
    return {
      json,
      text: table(
        ["contract", "stored now", "RenewalWatch term 1 started"],
        [
          [
            result.contractId,
            result.registered ? "yes" : "already stored",
            result.renewalWatchStarted ? "yes" : "already running",
          ],
        ],
      ),
    };
  },
};
export default command;
