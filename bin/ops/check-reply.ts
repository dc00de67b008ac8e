/**
 * `ops check-reply --contract <file> --eml <file> --envelope-from <addr> [--verdicts spf=PASS,…] [--json]`:
 * why a reply was (not) accepted (R-RECON-1, ADR 0030). It runs the inbound handler's own trust code —
 * readHeaderSection and assessTrust — on one message, with the reply key taken as known and open and the
 * message as new. `--statement-sent-at`, `--statement-id` and `--other-id` supply what the handler reads
 * from the cycle and the outbox; without them those checks have nothing to compare with.
 */
import { readFile } from "node:fs/promises";
import { ContractInvalidError, loadContract } from "../../functions/core/contract";
import { readHeaderSection } from "../../functions/core/reply/headers";
import { assessTrust, type SesVerdicts } from "../../functions/core/reply/trust";
import { InputError, type OpsCommand, parseCommandArgs, requireOption } from "./cli-kit";

const usage =
  "npm run ops -- check-reply --contract <file> --eml <file> --envelope-from <addr> " +
  "[--verdicts spf=PASS,dkim=PASS,dmarc=PASS,spam=PASS,virus=PASS] [--statement-sent-at <instant>] " +
  "[--statement-id <message-id>]… [--other-id <message-id>]… [--json]";

const VERDICT_STATUSES = ["PASS", "FAIL", "GRAY", "PROCESSING_FAILED", "DISABLED"] as const;
const VERDICT_NAMES = ["spf", "dkim", "dmarc", "spam", "virus"] as const;

/** `spf=PASS,dmarc=GRAY`: the named verdicts; the others PASS, as in a clean SES receipt. */
export function parseVerdicts(text: string | undefined): SesVerdicts {
  const verdicts: SesVerdicts = { spf: "PASS", dkim: "PASS", dmarc: "PASS", spam: "PASS", virus: "PASS" };
  if (text === undefined) return verdicts;
  for (const pair of text.split(",")) {
    const [name = "", status = ""] = pair.split("=").map((part) => part.trim());
    const known = VERDICT_NAMES.find((n) => n === name.toLowerCase());
    const value = VERDICT_STATUSES.find((s) => s === status.toUpperCase());
    if (known === undefined || value === undefined) {
      throw new InputError(
        `--verdicts: ${JSON.stringify(pair)} is not <name>=<status> with name one of ${VERDICT_NAMES.join("/")} and status one of ${VERDICT_STATUSES.join("/")}`,
      );
    }
    verdicts[known] = value;
  }
  return verdicts;
}

function instant(flag: string, text: string | undefined): Date | null {
  if (text === undefined) return null;
  const parsed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/.test(text)
    ? new Date(text)
    : null;
  if (parsed === null || Number.isNaN(parsed.getTime())) {
    throw new InputError(`${flag}: ${JSON.stringify(text)} is not an instant like 2025-10-09T10:00:00+08:00`);
  }
  return parsed;
}

const command: OpsCommand = {
  summary: "say whether the inbound handler would trust a reply (.eml) and why not (R-RECON-1), offline",
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        eml: { type: "string" },
        "envelope-from": { type: "string" },
        verdicts: { type: "string" },
        "statement-sent-at": { type: "string" },
        "statement-id": { type: "string", multiple: true },
        "other-id": { type: "string", multiple: true },
        "received-at": { type: "string" },
      },
      usage,
    );
    const contractPath = requireOption(values.contract, "--contract", usage);
    const emlPath = requireOption(values.eml, "--eml", usage);
    const envelopeFrom = requireOption(values["envelope-from"], "--envelope-from", usage);
    const verdicts = parseVerdicts(values.verdicts);
    const sentAt = instant("--statement-sent-at", values["statement-sent-at"]);
    const receivedAt = instant("--received-at", values["received-at"]) ?? new Date();

    let contract: Awaited<ReturnType<typeof loadContract>>;
    try {
      contract = await loadContract(contractPath);
    } catch (error) {
      if (error instanceof ContractInvalidError) throw new InputError(error.message, { cause: error });
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new InputError(`--contract: no such contract file: ${contractPath}`, { cause: error });
      }
      throw error;
    }
    let raw: Buffer;
    try {
      raw = await readFile(emlPath);
    } catch (error) {
      throw new InputError(`--eml: cannot read ${emlPath}: ${(error as Error).message}`, { cause: error });
    }

    const trust = assessTrust({
      // "<>" is the null sender of a bounce.
      envelopeSender: envelopeFrom === "<>" ? "" : envelopeFrom,
      designatedContactEmail: contract.parties.partyA.contact.email,
      verdicts,
      replyKeyKnown: true,
      replyKeyOpen: true,
      alreadyProcessed: false,
      headers: readHeaderSection(raw),
      receivedAt,
      deadline: null,
      statement: {
        sentAt,
        messageIds: values["statement-id"] ?? [],
        otherMessageIds: values["other-id"] ?? [],
      },
    });
    const json = trust.trusted
      ? { trusted: true, reasonCode: null, reason: "发件人、邮件验证与邮件头均符合要求，可以按回复内容处理" }
      : { trusted: false, reasonCode: trust.reasonCode, reason: trust.reason };
    const text = [
      `trusted:   ${json.trusted ? "yes" : "no"}${json.reasonCode ? `  (${json.reasonCode})` : ""}`,
      `why:       ${json.reason}`,
      `contract:  ${contract.contractId}, designated contact ${contract.parties.partyA.contact.email}`,
    ].join("\n");
    return { json, text };
  },
};

export default command;
