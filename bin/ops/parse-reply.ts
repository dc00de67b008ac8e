/**
 * `ops parse-reply --contract <file> --bill <amount> --eml <file>`: what the inbound path would
 * understand from a reconciliation reply (R-RECON-1/2/3), without any AWS call. It runs decideReply,
 * the very function the inbound Lambda calls after its trust checks. With the contract it also says
 * whether the sender is the designated contact; that is informational, the decision depends only on
 * the text and the bill.
 */
import { readFile } from "node:fs/promises";
import { decideReply } from "../../functions/core/reply/decide";
import { contractFileValue, invalidValue, moneyValue, noPositionals } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption } from "./cli-kit";

const usage = "npm run ops -- parse-reply --contract <file> --bill <amount> --eml <file> [--json]";

const DECISION_LABEL = {
  confirmed: "confirmed",
  disputed: "disputed",
  "needs-person": "needs a person",
} as const;

function indent(text: string): string {
  return text === "" ? "    (none)" : text.replace(/^(?=.)/gm, "    ");
}

const command: OpsCommand = {
  summary: "show what a reconciliation reply (.eml) is understood as (R-RECON-1), offline",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { contract: { type: "string" }, bill: { type: "string" }, eml: { type: "string" } },
      usage,
    );
    noPositionals(positionals, usage);
    const contractPath = requireOption(values.contract, "--contract", usage);
    const bill = requireOption(values.bill, "--bill", usage);
    const emlPath = requireOption(values.eml, "--eml", usage);

    moneyValue("--bill", bill, "non-negative");
    const contract = await contractFileValue("--contract", contractPath);
    let raw: Buffer;
    try {
      raw = await readFile(emlPath);
    } catch (error) {
      throw invalidValue("--eml", emlPath, "a readable .eml file", { cause: error });
    }

    const { parsed, decision } = await decideReply(raw, bill);
    const contact = contract.parties.partyA.contact.email.toLowerCase();
    const senderIsContact =
      parsed.from === contact && (parsed.returnPath === null || parsed.returnPath === contact);
    const json = {
      decision: decision.decision,
      amount: decision.amount,
      reason: decision.reason,
      reasonCode: decision.reasonCode,
      newText: parsed.newText,
      understood: decision.understood,
      senderIsContact,
      from: parsed.from,
      messageId: parsed.messageId,
      subject: parsed.subject,
      attachments: parsed.attachments,
      problems: parsed.problems,
      contractId: contract.contractId,
      bill,
    };
    const amount = decision.amount === null ? "" : ` ${decision.amount}`;
    const text = [
      `decision:  ${DECISION_LABEL[decision.decision]}${amount}  (${decision.reasonCode})`,
      `why:       ${decision.reason}`,
      `ack:       ${decision.understood}`,
      `sender:    ${parsed.from ?? "(none)"} — ${senderIsContact ? "the designated contact" : `NOT the designated contact (${contact})`} of ${contract.contractId}`,
      `subject:   ${parsed.subject}`,
      ...(parsed.attachments.length > 0
        ? [`attachments (not read): ${parsed.attachments.map((a) => `${a.filename} ${a.size} B`).join(", ")}`]
        : []),
      ...(parsed.problems.length > 0 ? [`problems:  ${parsed.problems.join("; ")}`] : []),
      "new text:",
      indent(parsed.newText),
    ].join("\n");
    return { json, text };
  },
};

export default command;
