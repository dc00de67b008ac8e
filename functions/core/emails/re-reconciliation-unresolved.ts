/**
 * To Party B's contact: the re-reconciliation deadline (PROVISION.reReconciliation) passed with no agreed amount recorded.
 * The contract says nothing of this case; the cycle's decision is that the statement amount stays the
 * settlement basis (PROVISION.settlementOfDifference), no adjustment is carried to the next period, and the difference goes to
 * negotiation (8.2). A person has to take it from here, so Party B's contact is told.
 */
import { cite, PROVISION } from "../clause-words";
import { formatDeadline, formatPeriod, formatYuan } from "./format";
import { renderEmail } from "./layout";
import type { ContractView, DeadlineView, RenderedEmail } from "./types";

export interface ReReconciliationUnresolvedEmailInput {
  contract: ContractView;
  period: string;
  totalAmount: string;
  claimedAmount: string;
  /** PROVISION.reReconciliation: the deadline that passed. */
  reReconciliationDeadline: DeadlineView;
}

export function renderReReconciliationUnresolvedEmail(
  input: ReReconciliationUnresolvedEmailInput,
): RenderedEmail {
  const { contract } = input;
  const period = formatPeriod(input.period);
  return renderEmail({
    subject: `${period}账单重新对账未在期限内确定金额，需协商｜合同 ${contract.contractId}`,
    title: `${period}账单重新对账未完成`,
    recipients: [contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: [
          "重新对账期限 ",
          { strong: formatDeadline(input.reReconciliationDeadline) },
          ` 已过，系统未登记双方确定的${period}结算金额${cite(PROVISION.reReconciliation)}。`,
        ],
      },
      {
        kind: "facts",
        rows: [
          { label: "账单结算总金额", value: formatYuan(input.totalAmount) },
          { label: "甲方核对金额", value: formatYuan(input.claimedAmount) },
          { label: "结算依据", value: `账单结算总金额${cite(PROVISION.settlementOfDifference)}` },
          { label: "下期调整", value: "不结转" },
        ],
      },
      {
        kind: "paragraph",
        content: `请与甲方联系人${contract.partyAContactName}就差异协商解决（合同第八条）。`,
      },
    ],
  });
}
