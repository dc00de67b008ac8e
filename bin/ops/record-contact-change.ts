import { operatorWrite } from "./_operator-client";
import { operation, targetOptions, useTarget } from "./_target";
import { choiceValue, contractIdValue, dayValue, invalidValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table, UsageError } from "./cli-kit";

const usage =
  'npm run ops -- record-contact-change --contract <id> --party A|B [--name "<name>"] [--phone <digits>] [--email <address>] [--address "<address>" --postcode <6 digits>] --notified <YYYY-MM-DD> [--json] [--profile p --region r]';

const command: OpsCommand = {
  summary:
    "record a party's written notice of a new contact (person, phone, email) or address: in force 10 days after the notice, emails go to it from then (R-NOTICE-4, clauses 2.13, 9.2)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        party: { type: "string" },
        name: { type: "string" },
        phone: { type: "string" },
        email: { type: "string" },
        address: { type: "string" },
        postcode: { type: "string" },
        notified: { type: "string" },
        ...targetOptions,
      },
      usage,
    );
    noPositionals(positionals, usage);
    const details = [values.name, values.phone, values.email, values.address, values.postcode];
    if (details.every((value) => value === undefined))
      throw new UsageError(`give at least one of --name, --phone, --email, --address\nusage: ${usage}`);
    if (values.postcode !== undefined && !/^\d{6}$/.test(values.postcode))
      throw invalidValue("--postcode", values.postcode, "a postcode of 6 digits");
    if (values.address !== undefined && values.address.trim() === "")
      throw invalidValue("--address", values.address, "the address for written notices (9.4)");
    if (values.phone !== undefined && !/^\d{5,15}$/.test(values.phone))
      throw invalidValue("--phone", "…", "a phone number of 5–15 digits");
    if (values.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email))
      throw invalidValue("--email", values.email, "an email address like name@example.com");
    if (values.name !== undefined && values.name.trim() === "")
      throw invalidValue("--name", values.name, "the contact's name");
    const party = choiceValue("--party", requireOption(values.party, "--party", usage), ["A", "B"] as const);
    const input = {
      contractId: contractIdValue("--contract", requireOption(values.contract, "--contract", usage)),
      party: party === "A" ? ("partyA" as const) : ("partyB" as const),
      change: {
        ...(values.name !== undefined ? { name: values.name.trim() } : {}),
        ...(values.phone !== undefined ? { phone: values.phone } : {}),
        ...(values.email !== undefined ? { email: values.email } : {}),
        ...(values.address !== undefined ? { address: values.address.trim() } : {}),
        ...(values.postcode !== undefined ? { postcode: values.postcode } : {}),
      },
      notifiedOn: dayValue("--notified", requireOption(values.notified, "--notified", usage)),
    };
    useTarget(values);
    const { json, result } = await operation(() => operatorWrite("record-contact-change", input));
    return {
      json,
      text: table(
        ["party", "contact", "phone", "email", "notified", "in force"],
        [
          [
            party,
            result.contact.name,
            result.contact.phone,
            result.contact.email,
            result.notifiedOn,
            `from ${result.effectiveFrom}`,
          ],
        ],
      ),
    };
  },
};
export default command;
