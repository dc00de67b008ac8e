/**
 * To both contacts when the contract ends (PROVISION.finalSettlement): the last period's reconciliation difference is settled
 * both ways (多退少补, PROVISION.settlementOfDifference) and Party B takes back the SMS access code (3.21).
 */

import { cite, clauseWords, contractClause, PROVISION } from "../clause-words";
import { maskAccount } from "../mask";
import { formatDate, formatPeriod, formatYuan, partyName } from "./format";
import { type Block, renderEmail } from "./layout";
import type { BankAccountView, ContractView, PartyRole, RenderedEmail } from "./types";

export type FinalTrueUpView =
  /** The last period's re-reconciliation is still open: the amount is not known yet. */
  | { status: "pending"; period: string }
  /** Nothing to settle: no difference, or it was agreed at zero. */
  | { status: "none"; period: string }
  /** `payer` pays `amount` to the other party, into `payeeAccount` (shown masked). */
  | { status: "due"; period: string; payer: PartyRole; amount: string; payeeAccount: BankAccountView };

export interface EndOfContractEmailInput {
  contract: ContractView;
  /** The last day of the contract. */
  lastDay: string;
  reason: "non-renewal" | "early-termination";
  finalTrueUp: FinalTrueUpView;
  smsAccessCode: string;
}

function trueUpBlocks(contract: ContractView, trueUp: FinalTrueUpView): Block[] {
  const period = formatPeriod(trueUp.period);
  switch (trueUp.status) {
    case "pending":
      return [
        {
          kind: "paragraph",
          content: `最后一个结算周期（${period}）的重新对账尚未完成。差额确定后，双方按${clauseWords(PROVISION.settlementOfDifference)}多退少补，系统将另行通知金额和付款方。`,
        },
      ];
    case "none":
      return [{ kind: "paragraph", content: `最后一个结算周期（${period}）无对账差异，无需多退少补。` }];
    case "due": {
      const payee: PartyRole = trueUp.payer === "partyA" ? "partyB" : "partyA";
      const account = trueUp.payeeAccount;
      return [
        {
          kind: "paragraph",
          content: `最后一个结算周期（${period}）的对账差异按${clauseWords(PROVISION.settlementOfDifference)}多退少补：`,
        },
        {
          kind: "facts",
          rows: [
            { label: "付款方", value: partyName(contract, trueUp.payer) },
            { label: "收款方", value: partyName(contract, payee) },
            { label: "金额", value: [{ strong: formatYuan(trueUp.amount) }] },
            {
              label: "收款账户",
              value: `${account.accountName}，${account.bank}，账号 ${maskAccount(account.accountNumber)}（以${clauseWords(PROVISION.bankDetails)}所列及书面变更通知为准）`,
            },
          ],
        },
      ];
    }
  }
}

export function renderEndOfContractEmail(input: EndOfContractEmailInput): RenderedEmail {
  const { contract } = input;
  const why =
    input.reason === "non-renewal"
      ? `一方已按约定发出不续约的书面通知${cite(PROVISION.nonRenewalNotice)}，合同期满终止`
      : `一方已按约定发出提前终止的书面通知${cite(PROVISION.nonRenewalNotice)}，合同提前终止`;
  return renderEmail({
    subject: `合同 ${contract.contractId} 于 ${formatDate(input.lastDay)}终止：最终结算及号码收回`,
    title: "合同终止通知",
    recipients: [contract.partyAContactName, contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: [`${why}，最后一日为 `, { strong: formatDate(input.lastDay) }, "。"],
      },
      { kind: "heading", text: `最终结算${cite(PROVISION.finalSettlement)}` },
      ...trueUpBlocks(contract, input.finalTrueUp),
      { kind: "heading", text: "号码收回" },
      {
        kind: "paragraph",
        content: [
          "合同终止后，乙方收回分配给甲方的短信接入号 ",
          { strong: input.smsAccessCode },
          `（${contractClause(3, "3.21")}），此后不能再使用该号码发送短信。`,
        ],
      },
      {
        kind: "note",
        tone: "info",
        content: `本邮件仅为告知，不是${clauseWords(PROVISION.writtenNotice)}约定的书面通知。`,
      },
    ],
  });
}
