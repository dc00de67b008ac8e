/**
 * `ops sms-parts --contract <file> <text>`: how many messages a text is billed as (R-SMS-1), with the
 * contract's signature and part length. The text is only measured; it is not echoed back.
 */
import { contractRule } from "../../functions/core/contract";
import { codePointLength, smsPartsForText } from "../../functions/core/sms";
import { contractFileValue } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table, UsageError } from "./cli-kit";

const usage = "npm run ops -- sms-parts --contract <file> <text> [--json]";

const command: OpsCommand = {
  summary: "billed SMS parts of a text with the contract's signature (R-SMS-1)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { contract: { type: "string" } }, usage);
    const contractPath = requireOption(values.contract, "--contract", usage);
    if (positionals.length !== 1) {
      throw new UsageError(`expected exactly one text argument (quote it)\nusage: ${usage}`);
    }
    const text = positionals[0] as string;
    const contract = await contractFileValue("--contract", contractPath);
    const signature = contract.access.smsSignature;
    const partLength = contractRule(contract, "smsPartLength");
    const contentChars = codePointLength(text);
    const signedChars = contentChars + codePointLength(signature) + 2;
    const parts = smsPartsForText(text, signature, partLength);
    const json = {
      parts,
      contentChars,
      signature: `【${signature}】`,
      signedChars,
      partLength,
      rule: "R-SMS-1",
    };
    return {
      json,
      text: table(
        ["", ""],
        [
          ["content characters", String(contentChars)],
          ["signature", `【${signature}】 (${codePointLength(signature) + 2} characters)`],
          ["signed characters", String(signedChars)],
          ["part length", String(partLength)],
          ["billed parts (R-SMS-1)", String(parts)],
        ],
      ),
    };
  },
};

export default command;
