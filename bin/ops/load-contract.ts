import { putContractUnderWatch } from "../../functions/app/contracts";
import { ContractInvalidError, loadContract } from "../../functions/core/contract";
import { operation, targetOptions, useTarget } from "./_target";
import { InputError, type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage = "npm run ops -- load-contract --contract <file> [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary: "validate a contract file, store it and start its first term's RenewalWatch (idempotent)",
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { contract: { type: "string" }, ...targetOptions }, usage);
    const path = requireOption(values.contract, "--contract", usage);
    let contract: Awaited<ReturnType<typeof loadContract>>;
    try {
      contract = await loadContract(path);
    } catch (error) {
      if (error instanceof ContractInvalidError || (error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new InputError((error as Error).message, { cause: error });
      }
      throw error;
    }
    useTarget(values);
    const result = await operation(() => putContractUnderWatch(contract));
    return {
      json: result,
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
