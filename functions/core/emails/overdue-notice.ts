/**
 * PROVISION.overduePayment (our decision): a payment not recorded by its due date (PROVISION.payment) makes the cycle overdue and Party
 * A's contact gets this notice. The account is shown masked: the statement's payment block is the one place
 * an account number appears in full (PROVISION.bankDetails), and pointing back to it keeps a single source for where to
 * pay — a second full copy in a dunning email is exactly what a phishing imitation would look like.
 */

import { cite, clauseWords, PROVISION } from "../clause-words";
import { maskAccount } from "../mask";
import { formatDeadline, formatInstant, formatPeriod, formatYuan, partyBContactLine } from "./format";
import { renderEmail } from "./layout";
import type { BankAccountView, ContractView, DeadlineView, RenderedEmail } from "./types";

export interface OverdueNoticeEmailInput {
  contract: ContractView;
  period: string;
  /** The statement total, which is what is due even while re-reconciling (PROVISION.settlementOfDifference). */
  amountDue: string;
  statementSentAt: string;
  /** PROVISION.payment. */
  paymentDeadline: DeadlineView;
  /** When the system found no payment recorded. */
  asOf: string;
  /** The account the period's statement named (PROVISION.bankDetails); shown masked. */
  paymentAccount: BankAccountView;
}

export function renderOverdueNoticeEmail(input: OverdueNoticeEmailInput): RenderedEmail {
  const { contract, paymentAccount: account } = input;
  const period = formatPeriod(input.period);
  return renderEmail({
    subject: `逾期付款提醒：${period}账单 ${formatYuan(input.amountDue)}｜合同 ${contract.contractId}`,
    title: `${period}账单逾期付款提醒`,
    recipients: [contract.partyAContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: [
          `${period}账单的付款截止时间已过，截至 ${formatInstant(input.asOf)}，乙方尚未登记到该期付款 `,
          { strong: formatYuan(input.amountDue) },
          "。",
        ],
      },
      {
        kind: "facts",
        rows: [
          { label: "账单发出时间", value: formatInstant(input.statementSentAt) },
          { label: "应付金额", value: [{ strong: formatYuan(input.amountDue) }] },
          { label: `付款截止${cite(PROVISION.payment)}`, value: formatDeadline(input.paymentDeadline) },
          {
            label: "收款账户",
            value: `${account.accountName}，${account.bank}，账号 ${maskAccount(account.accountNumber)}（完整账号见${period}账单）`,
          },
        ],
      },
      {
        kind: "paragraph",
        content: `请尽快按账单所列账户以银行转账方式付款；如已付款，请将付款日期和凭证发送给乙方联系人，以便登记。逾期付款已按${clauseWords(PROVISION.overduePayment)}记入违约登记。`,
      },
      {
        kind: "note",
        tone: "info",
        content: `本邮件仅为提醒，不是${clauseWords(PROVISION.writtenNotice)}约定的书面通知。`,
      },
      { kind: "paragraph", content: partyBContactLine(contract) },
    ],
  });
}
