/**
 * PROVISION.noReplyDeemedAccepted (our decision; the contract is silent): on the last working day before the reconciliation
 * deadline, Party A's contact is reminded that no reply by the deadline means the statement is accepted.
 */
import { cite, PROVISION } from "../clause-words";
import {
  formatAmount,
  formatDeadline,
  formatInstant,
  formatInstantDay,
  formatPeriod,
  formatYuan,
  partyBContactLine,
  provisionalFootnote,
} from "./format";
import { renderEmail } from "./layout";
import type { ContractView, DeadlineView, RenderedEmail } from "./types";

export interface ReconciliationReminderEmailInput {
  contract: ContractView;
  period: string;
  totalAmount: string;
  /** When the statement was sent (= received, PROVISION.billDelivery). */
  statementSentAt: string;
  /** PROVISION.reconciliation. */
  reconciliationDeadline: DeadlineView;
}

export function renderReconciliationReminderEmail(input: ReconciliationReminderEmailInput): RenderedEmail {
  const { contract, reconciliationDeadline } = input;
  const period = formatPeriod(input.period);
  const footnote = provisionalFootnote([reconciliationDeadline]);
  return renderEmail({
    subject: `提醒：${period}账单对账将于 ${formatInstantDay(reconciliationDeadline.dueAt)}截止｜合同 ${contract.contractId}`,
    title: `${period}账单对账提醒`,
    recipients: [contract.partyAContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: [
          `我们于 ${formatInstant(input.statementSentAt)} 发出的${period}账单（结算总金额 `,
          { strong: formatYuan(input.totalAmount) },
          "）尚未收到您的对账回复。",
        ],
      },
      {
        kind: "facts",
        rows: [
          {
            label: `对账截止${cite(PROVISION.reconciliation)}`,
            value: [{ strong: formatDeadline(reconciliationDeadline) }],
          },
          { label: "逾期未回复", value: `视为确认本账单${cite(PROVISION.noReplyDeemedAccepted)}` },
        ],
      },
      footnote ? { kind: "note", tone: "warning", content: footnote } : null,
      {
        kind: "list",
        items: [
          ["金额无误：回复原账单邮件或本邮件，写", { strong: "「确认」" }, "。"],
          [
            "金额有异议：回复",
            { strong: "「有异议，金额应为 X 元」" },
            `，X 用阿拉伯数字写到分，例如「${formatAmount(input.totalAmount)}」。`,
          ],
        ],
      },
      { kind: "paragraph", content: partyBContactLine(contract) },
    ],
  });
}
