/**
 * Whether an inbound reply may act on the waiting MonthlyCycle at all (R-RECON-1). Only the
 * contract's designated contact, writing to a live reply address, through mail that SES did not
 * flag, and only once per message. Anything else is recorded and shown to Party B's contact, and
 * changes nothing.
 */
import type { ParsedReply } from "./parse-message";

export interface SesVerdicts {
  spf: string;
  dkim: string;
  dmarc: string;
  spam: string;
  virus: string;
}

export type TrustRejectionCode =
  | "unknown-reply-key"
  | "closed-reply-key"
  | "sender-not-contact"
  | "return-path-not-contact"
  | "verdict-failed"
  | "duplicate";

export type TrustAssessment =
  | { trusted: true; late: boolean }
  | { trusted: false; reasonCode: TrustRejectionCode; reason: string };

export interface TrustInput {
  parsed: ParsedReply;
  designatedContactEmail: string;
  verdicts: SesVerdicts;
  replyKeyKnown: boolean;
  replyKeyOpen: boolean;
  /** This Message-ID or S3 object key was processed before. */
  alreadyProcessed: boolean;
  receivedAt: Date;
  /** The reconciliation deadline (R-RECON-1, 5 working days); null when the step has none. */
  deadline: Date | null;
}

function reject(reasonCode: TrustRejectionCode, reason: string): TrustAssessment {
  return { trusted: false, reasonCode, reason };
}

/**
 * The order matters: a redelivered message is a duplicate before anything else (its key is closed
 * by its own first delivery), and a forged message to a closed key is reported as forged, not as
 * "already recorded", so the forger is never acknowledged.
 */
export function assessTrust(input: TrustInput): TrustAssessment {
  const contact = input.designatedContactEmail.trim().toLowerCase();
  if (input.alreadyProcessed) return reject("duplicate", "同一封邮件已处理过（重复投递）");
  if (!input.replyKeyKnown) return reject("unknown-reply-key", "收件地址中的回复编号不存在");
  if (input.parsed.from === null || input.parsed.from !== contact) {
    return reject("sender-not-contact", "发件人不是合同指定的联系人");
  }
  if (input.parsed.returnPath !== null && input.parsed.returnPath !== contact) {
    return reject("return-path-not-contact", "退信地址（Return-Path）不是合同指定的联系人");
  }
  const failed = (["spf", "dkim", "dmarc"] as const).filter(
    (name) => input.verdicts[name].trim().toUpperCase() === "FAIL",
  );
  const notPassed = (["spam", "virus"] as const).filter(
    (name) => input.verdicts[name].trim().toUpperCase() !== "PASS",
  );
  if (failed.length > 0 || notPassed.length > 0) {
    return reject(
      "verdict-failed",
      `邮件安全检查未通过：${[...failed, ...notPassed].join("、").toUpperCase()}`,
    );
  }
  if (!input.replyKeyOpen) return reject("closed-reply-key", "该回复编号对应的对账步骤已结束");
  return {
    trusted: true,
    late: input.deadline !== null && input.receivedAt.getTime() > input.deadline.getTime(),
  };
}

/**
 * A reply key carries at least 128 bits: 26+ base32 characters or 22+ base64url characters. A key
 * written only in base32's alphabet (one case) is read as base32, so 25 such characters are too few.
 */
function isReplyKey(key: string): boolean {
  if (/^(?:[a-z2-7]+|[A-Z2-7]+)$/.test(key)) return key.length >= 26 && key.length <= 103;
  return /^[A-Za-z0-9_-]{22,86}$/.test(key);
}

/**
 * The reply key from the recipients (`reply+<key>@<replyDomain>`), or null when none or several
 * different keys are addressed: with two keys we cannot know which cycle is meant.
 */
export function replyKeyFromRecipients(recipients: string[], replyDomain?: string): string | null {
  const keys = new Set<string>();
  for (const recipient of recipients) {
    const address = (/<([^>]*)>/.exec(recipient)?.[1] ?? recipient).trim();
    const at = address.lastIndexOf("@");
    if (at < 0) continue;
    const local = address.slice(0, at);
    const domain = address.slice(at + 1).toLowerCase();
    if (replyDomain !== undefined && domain !== replyDomain.toLowerCase()) continue;
    const match = /^reply\+(.+)$/i.exec(local);
    if (match?.[1] && isReplyKey(match[1])) keys.add(match[1]);
  }
  return keys.size === 1 ? ([...keys][0] ?? null) : null;
}
