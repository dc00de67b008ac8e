import { operatorWrite } from "./_operator-client";
import { operation, targetOptions, useTarget } from "./_target";
import { choiceValue, contractIdValue, dayValue, invalidValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  'npm run ops -- record-bank-change --contract <id> --party A|B --account <digits> --bank "<bank and branch>" --account-name "<户名>" [--bank-code <12 digits>] --notified <YYYY-MM-DD> [--json] [--profile p --region r]';

const command: OpsCommand = {
  summary:
    "record a party's written notice of a new bank account: statements use it from 10 days after the notice (R-BANK-1, clause 4.9); the account is masked in output",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        party: { type: "string" },
        account: { type: "string" },
        bank: { type: "string" },
        "account-name": { type: "string" },
        "bank-code": { type: "string" },
        notified: { type: "string" },
        ...targetOptions,
      },
      usage,
    );
    noPositionals(positionals, usage);
    const account = requireOption(values.account, "--account", usage);
    // An account number is personal-grade data: the refusal does not repeat it.
    if (!/^\d{8,32}$/.test(account)) throw invalidValue("--account", "…", "an account number of 8–32 digits");
    const bankCode = values["bank-code"];
    if (bankCode !== undefined && !/^\d{12}$/.test(bankCode))
      throw invalidValue("--bank-code", bankCode, "a bank code of 12 digits (银行行号)");
    const party = choiceValue("--party", requireOption(values.party, "--party", usage), ["A", "B"] as const);
    const input = {
      contractId: contractIdValue("--contract", requireOption(values.contract, "--contract", usage)),
      party: party === "A" ? ("partyA" as const) : ("partyB" as const),
      account: {
        accountName: requireOption(values["account-name"], "--account-name", usage),
        bank: requireOption(values.bank, "--bank", usage),
        accountNumber: account,
        ...(bankCode !== undefined ? { bankCode } : {}),
      },
      notifiedOn: dayValue("--notified", requireOption(values.notified, "--notified", usage)),
    };
    useTarget(values);
    const { json, result } = await operation(() => operatorWrite("record-bank-change", input));
    return {
      json,
      text: table(
        ["party", "bank", "account", "notified", "in force from"],
        [[party, result.bank, result.account, result.notifiedOn, result.effectiveFrom]],
      ),
    };
  },
};
export default command;
