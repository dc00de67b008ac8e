/**
 * To both contacts: Party A's figure differs from the statement by more than the tolerance, so the parties
 * re-reconcile (重新对账) within N working days (PROVISION.reReconciliation). Payment is not held up (PROVISION.settlementOfDifference).
 */
import { cite, clauseWords, PROVISION } from "../clause-words";
import {
  differenceWords,
  formatDeadline,
  formatInstantDay,
  formatPercent,
  formatPeriod,
  formatYuan,
  provisionalFootnote,
} from "./format";
import { renderEmail } from "./layout";
import type { ContractView, DeadlineView, RenderedEmail } from "./types";

export interface ReReconciliationOpenedEmailInput {
  contract: ContractView;
  period: string;
  totalAmount: string;
  claimedAmount: string;
  /** Claimed minus billed. */
  differenceAmount: string;
  differencePercent: string;
  tolerancePercent: string;
  /** PROVISION.reReconciliation. */
  reReconciliationDeadline: DeadlineView;
  /** PROVISION.payment: unchanged by the dispute (PROVISION.settlementOfDifference). */
  paymentDeadline: DeadlineView;
  isFinalPeriod: boolean;
}

export function renderReReconciliationOpenedEmail(input: ReReconciliationOpenedEmailInput): RenderedEmail {
  const { contract, reReconciliationDeadline, paymentDeadline } = input;
  const period = formatPeriod(input.period);
  const footnote = provisionalFootnote([reReconciliationDeadline, paymentDeadline]);
  return renderEmail({
    subject: `${period}账单需重新对账，请于 ${formatInstantDay(reReconciliationDeadline.dueAt)}前确定结算金额｜合同 ${contract.contractId}`,
    title: `${period}账单重新对账`,
    recipients: [contract.partyAContactName, contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: `甲方对${period}账单的核对金额与账单结算总金额的差额超过 ${formatPercent(input.tolerancePercent)}，按${clauseWords(PROVISION.reReconciliation)}，双方应在 ${reReconciliationDeadline.workingDays} 个工作日内重新对账并确定应结算金额。`,
      },
      {
        kind: "facts",
        rows: [
          { label: "账单结算总金额", value: formatYuan(input.totalAmount) },
          { label: "甲方核对金额", value: formatYuan(input.claimedAmount) },
          {
            label: "差额",
            value: `${differenceWords(input.differenceAmount, "甲方")}，占账单金额 ${formatPercent(input.differencePercent)}`,
          },
          {
            label: `重新对账截止${cite(PROVISION.reReconciliation)}`,
            value: [{ strong: formatDeadline(reReconciliationDeadline) }],
          },
          {
            label: `付款金额${cite(PROVISION.settlementOfDifference)}`,
            value: [{ strong: formatYuan(input.totalAmount) }],
          },
          {
            label: `付款截止${cite(PROVISION.payment)}`,
            value: [{ strong: formatDeadline(paymentDeadline) }],
          },
        ],
      },
      {
        kind: "note",
        tone: "warning",
        content: input.isFinalPeriod
          ? `重新对账不影响资金结算：甲方仍按账单金额按期付款。本期为合同最后一个结算周期，确定的差额由双方多退少补${cite(PROVISION.settlementOfDifference)}。`
          : `重新对账不影响资金结算：甲方仍按账单金额按期付款，确定的差额在下一结算周期的账单中调整${cite(PROVISION.settlementOfDifference)}。`,
      },
      footnote ? { kind: "note", tone: "warning", content: footnote } : null,
      {
        kind: "paragraph",
        content: `乙方联系人${contract.partyBContactName}（电话 ${contract.partyBContactPhone}，邮箱 ${contract.partyBContactEmail}）将与甲方联系人${contract.partyAContactName}核对明细；双方确定的金额由乙方在系统中登记。`,
      },
    ],
  });
}
