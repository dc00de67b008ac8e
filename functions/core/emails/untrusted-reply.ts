/**
 * To Party B's contact: an inbound message that was recorded but not acted on (architecture §7). A reply is
 * trusted only when its key is known and open, the sender is the contract's contact, the SES verdicts pass
 * and the message was not processed before. The message's content is deliberately not forwarded: a spoofed
 * or infected message must not reach another inbox through this system.
 */
import { formatInstant, formatPeriod } from "./format";
import { renderEmail } from "./layout";
import type { ContractView, RenderedEmail } from "./types";

export type VerdictName = "SPF" | "DKIM" | "DMARC" | "spam" | "virus";

export type UntrustedReasonView =
  /** The sender is not the contract's contact. */
  | { code: "spoofed-sender"; expectedSender: string }
  /** One or more SES verdicts did not pass; `status` as SES reports it (FAIL, GRAY, PROCESSING_FAILED…). */
  | { code: "failed-verdicts"; verdicts: Array<{ name: VerdictName; status: string }> }
  /** The reply address carries no key the system knows. */
  | { code: "unknown-key" }
  /** The key belongs to a reconciliation that is already closed. */
  | { code: "closed-key" }
  /** The message answers another period's statement, or is dated before this one was sent. */
  | { code: "other-statement" }
  /** The same message (by Message-ID) was processed before. */
  | { code: "duplicate"; firstReceivedAt: string };

export interface UntrustedReplyEmailInput {
  /** Null when the message could not be tied to a contract (an unknown key). */
  contract: ContractView | null;
  /** The period the key belonged to, when known. */
  period: string | null;
  reason: UntrustedReasonView;
  receivedAt: string;
  fromAddress: string;
  subject: string;
  messageId: string;
}

function reasonText(reason: UntrustedReasonView): string {
  switch (reason.code) {
    case "spoofed-sender":
      return `发件人不是合同约定的联系人（应为 ${reason.expectedSender}）`;
    case "failed-verdicts":
      return `邮件安全检查未通过：${reason.verdicts.map((verdict) => `${verdict.name} ${verdict.status}`).join("，")}`;
    case "unknown-key":
      return "回复地址中的对账编号不存在";
    case "closed-key":
      return "回复地址对应的对账已经结束";
    case "other-statement":
      return "邮件不是对本期账单的回复（引用了其他账期的邮件，或发送日期早于本期账单）";
    case "duplicate":
      return `同一封邮件此前已于 ${formatInstant(reason.firstReceivedAt)} 处理过`;
  }
}

const SUBJECTS: Record<UntrustedReasonView["code"], string> = {
  "spoofed-sender": "发件人不符",
  "failed-verdicts": "安全检查未通过",
  "unknown-key": "对账编号不存在",
  "closed-key": "对账已结束",
  "other-statement": "非本期账单的回复",
  duplicate: "重复邮件",
};

export function renderUntrustedReplyEmail(input: UntrustedReplyEmailInput): RenderedEmail {
  const { contract } = input;
  const about = [
    contract ? `合同 ${contract.contractId}` : null,
    input.period ? `${formatPeriod(input.period)}账单` : null,
  ]
    .filter((part): part is string => part !== null)
    .join(" ");
  return renderEmail({
    subject: `未处理的来信（${SUBJECTS[input.reason.code]}）${about ? `｜${about}` : ""}`,
    title: "收到一封未处理的来信",
    recipients: contract ? [contract.partyBContactName] : [],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content:
          "系统收到一封发往对账回复地址的邮件，因下列原因未予处理，也未登记任何对账结果。邮件已原样保存，其内容不在此转发。",
      },
      {
        kind: "facts",
        rows: [
          { label: "原因", value: [{ strong: reasonText(input.reason) }] },
          { label: "收到时间", value: formatInstant(input.receivedAt) },
          { label: "发件人", value: input.fromAddress },
          { label: "邮件主题", value: input.subject || "（无主题）" },
          { label: "Message-ID", value: input.messageId },
        ],
      },
      {
        kind: "paragraph",
        content:
          input.reason.code === "duplicate"
            ? "同一封邮件的首次处理结果保持不变，通常无需处理。"
            : "如这封邮件确实来自甲方联系人，请与其核实后通过运维命令登记对账结果；如非甲方所发，请留意可能的仿冒邮件。",
      },
    ],
  });
}
