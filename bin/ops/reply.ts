/**
 * A demo of Party A's side: sends a reconciliation reply as Party A's contact through the local SMTP
 * server, so it takes the whole inbound path (S3, trust checks, understanding, the workflow callback).
 */
import nodemailer from "nodemailer";
import { now } from "../../functions/adapters/clock";
import { replyAddress } from "../../functions/adapters/mailer";
import { getContract, getCycle } from "../../functions/adapters/repository";
import { defaultLocalPorts, LOCAL_HOST } from "../../infra/local/ports";
import { operation, useTarget } from "./_target";
import { contractIdValue, noPositionals, periodValue, wholeNumberValue } from "./_values";
import { InputError, type OpsCommand, parseCommandArgs, requireOption } from "./cli-kit";

const usage = "npm run ops -- reply --contract <id> --period <YYYY-MM> --text <t> [--smtp-port n] [--json]";

const command: OpsCommand = {
  summary: "send Party A's reply to a bill through the local SMTP server (demos)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        period: { type: "string" },
        text: { type: "string" },
        "smtp-port": { type: "string" },
      },
      usage,
    );
    noPositionals(positionals, usage);
    const contractId = contractIdValue("--contract", requireOption(values.contract, "--contract", usage));
    const period = periodValue("--period", requireOption(values.period, "--period", usage));
    const text = requireOption(values.text, "--text", usage);
    const smtpPort =
      values["smtp-port"] === undefined
        ? defaultLocalPorts.smtp
        : wholeNumberValue("--smtp-port", values["smtp-port"], 1, 65535);
    useTarget({});
    const { contract, cycle } = await operation(async () => ({
      contract: (await getContract(contractId)).contract,
      cycle: await getCycle(contractId, period),
    }));
    if (!cycle.replyKey) throw new InputError(`period ${period} has not been billed yet`);
    const transport = nodemailer.createTransport({
      host: LOCAL_HOST,
      port: smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const contact = contract.parties.partyA.contact;
    const info = await transport.sendMail({
      from: { name: contact.name, address: contact.email },
      to: replyAddress(cycle.replyKey),
      subject: `回复：${period} 账单`,
      // A client dates its message by its own clock: on the embedded stack, the stack's (see operation()).
      date: now(),
      text,
    });
    transport.close();
    return {
      json: { sent: true, messageId: info.messageId, period },
      text: `reply for ${period} sent through local SMTP (${info.messageId}); see \`npm run ops -- history --contract ${contractId}\``,
    };
  },
};
export default command;
