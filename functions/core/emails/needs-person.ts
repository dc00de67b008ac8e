/**
 * To Party B's contact: a trusted reconciliation reply the system could not read with confidence
 * (architecture §7: it never guesses an amount). The new text of the reply is included so the contact can
 * act without opening the mail store; it may quote the statement, which Party B sent anyway. The reply text
 * belongs in this email only — never in a log line.
 */
import { formatInstant, formatPeriod, formatYuan } from "./format";
import { renderEmail } from "./layout";
import type { ContractView, RenderedEmail } from "./types";

export type NeedsPersonReasonCode =
  /** Neither a confirmation nor a dispute could be found. */
  | "no-instruction"
  /** Both a confirmation and a dispute, or two different instructions. */
  | "conflicting-instructions"
  /** A dispute without a figure. */
  | "amount-missing"
  /** A dispute with more than one candidate figure. */
  | "several-amounts"
  /** Something that looks like money but cannot be read exactly. */
  | "amount-unreadable"
  /** Anything else the reply reader flagged; `detail` says what. */
  | "other";

const REASONS: Record<NeedsPersonReasonCode, string> = {
  "no-instruction": "回复中既没有“确认”，也没有异议及金额",
  "conflicting-instructions": "回复中同时出现确认和异议（或相互矛盾的表述）",
  "amount-missing": "回复提出异议，但没有写明金额",
  "several-amounts": "回复中有多个可能的金额，无法确定哪个是甲方核对金额",
  "amount-unreadable": "回复中的金额无法准确识别",
  other: "回复无法自动判断",
};

/** Longer replies are cut: the full message stays in the mail store, this email only has to orient. */
const MAX_REPLY_CHARACTERS = 4000;

export interface NeedsPersonEmailInput {
  contract: ContractView;
  period: string;
  totalAmount: string;
  receivedAt: string;
  /** The sender as the message gave it (already checked to be Party A's contact). */
  fromAddress: string;
  reason: { code: NeedsPersonReasonCode; detail?: string };
  /** The new (unquoted) text of the reply. */
  replyText: string;
}

function excerpt(text: string): string {
  const characters = Array.from(text.trim());
  if (characters.length <= MAX_REPLY_CHARACTERS) return characters.join("");
  return `${characters.slice(0, MAX_REPLY_CHARACTERS).join("")}\n……（以下省略 ${characters.length - MAX_REPLY_CHARACTERS} 字）`;
}

export function renderNeedsPersonEmail(input: NeedsPersonEmailInput): RenderedEmail {
  const { contract } = input;
  const period = formatPeriod(input.period);
  const reason = input.reason.detail
    ? `${REASONS[input.reason.code]}：${input.reason.detail}`
    : REASONS[input.reason.code];
  return renderEmail({
    subject: `需人工处理：${contract.partyAName}对${period}账单的回复｜合同 ${contract.contractId}`,
    title: `${period}账单回复需人工处理`,
    recipients: [contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: `甲方联系人${contract.partyAContactName}对${period}账单（结算总金额 ${formatYuan(input.totalAmount)}）的回复未能自动判断，本期对账尚未登记结果。请人工核对并与甲方联系人确认。`,
      },
      {
        kind: "facts",
        rows: [
          { label: "原因", value: [{ strong: reason }] },
          { label: "收到时间", value: formatInstant(input.receivedAt) },
          { label: "发件人", value: input.fromAddress },
        ],
      },
      { kind: "heading", text: "回复正文（不含引用的原邮件）" },
      { kind: "quote", text: excerpt(input.replyText) || "（正文为空）" },
      {
        kind: "paragraph",
        content:
          "系统已向甲方联系人发送回执，告知将由专人跟进。核对后请用以下运维命令登记对账结果（确认，或有异议并填写甲方金额）：",
      },
      {
        kind: "quote",
        text: `npm run ops -- record-reconciliation --contract ${input.contract.contractId} --period ${input.period} --decision confirmed|disputed [--amount 甲方金额] --source "核实经过"`,
      },
    ],
  });
}
