/**
 * To both contacts: no non-renewal notice was recorded by the deadline, so the contract renewed itself for
 * another term (PROVISION.automaticRenewal), which runs from the day after the last term's last day (PROVISION.termLastDay).
 */
import { cite, PROVISION } from "../clause-words";
import { formatDate } from "./format";
import { renderEmail } from "./layout";
import type { ContractView, RenderedEmail } from "./types";

export interface RenewalConfirmationEmailInput {
  contract: ContractView;
  previousTermLastDay: string;
  nextTermFirstDay: string;
  nextTermLastDay: string;
  /** The last day a non-renewal notice for the new term must be deemed delivered (PROVISION.nonRenewalNotice, PROVISION.termLastDay). */
  nextNoticeDeliveredBy: string;
}

export function renderRenewalConfirmationEmail(input: RenewalConfirmationEmailInput): RenderedEmail {
  const { contract } = input;
  return renderEmail({
    subject: `合同 ${contract.contractId} 已自动续约至 ${formatDate(input.nextTermLastDay)}`,
    title: "合同已自动续约",
    recipients: [contract.partyAContactName, contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: `合同上一期有效期已于 ${formatDate(input.previousTermLastDay)}届满。截至期满，系统未登记任何一方不续约的书面通知，合同按约定自动顺延${cite(PROVISION.automaticRenewal)}。`,
      },
      {
        kind: "facts",
        rows: [
          { label: "新一期起始日", value: [{ strong: formatDate(input.nextTermFirstDay) }] },
          { label: "新一期届满日", value: [{ strong: formatDate(input.nextTermLastDay) }] },
          {
            label: "不续约通知最迟送达日",
            value: `${formatDate(input.nextNoticeDeliveredBy)}${cite(PROVISION.nonRenewalNotice)}`,
          },
        ],
      },
      {
        kind: "paragraph",
        content:
          "合同按原约定继续履行，月度账单照常发送。新一期届满前，系统将再次发送续约提醒，列明各送达方式的最迟发出日期。",
      },
    ],
  });
}
