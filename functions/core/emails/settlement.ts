/**
 * The settlement document (结算单) to both contacts when the contract's last period closes (PROVISION.finalSettlement,
 * PROVISION.settlementOfDifference; ADR 0011): what is still open between the parties — balances owing, credit not yet used,
 * agreed differences no bill carried — settled both ways in one amount (多退少补).
 */
import { clauseWords, PROVISION } from "../clause-words";
import { maskAccount } from "../mask";
import { formatPeriod, formatYuan, partyName } from "./format";
import { type Block, renderEmail } from "./layout";
import type { BankAccountView, ContractView, RenderedEmail } from "./types";

export interface SettlementEmailInput {
  contract: ContractView;
  /** The contract's last billing period. */
  lastPeriod: string;
  /** Non-negative yuan amounts (2 decimals). */
  outstanding: string;
  credit: string;
  unbilledDifferences: string;
  amount: string;
  direction: "refund" | "collect" | "none";
  /** Party B's account in force, for a collection (合同第四条4.9款). */
  partyBAccount: BankAccountView;
}

export function renderSettlementEmail(input: SettlementEmailInput): RenderedEmail {
  const { contract } = input;
  const period = formatPeriod(input.lastPeriod);
  const outcome: Block =
    input.direction === "none"
      ? { kind: "paragraph", content: "双方无需多退少补，合同款项已结清。" }
      : {
          kind: "facts",
          rows: [
            {
              label: "付款方",
              value: partyName(contract, input.direction === "collect" ? "partyA" : "partyB"),
            },
            {
              label: "收款方",
              value: partyName(contract, input.direction === "collect" ? "partyB" : "partyA"),
            },
            { label: "金额", value: [{ strong: formatYuan(input.amount) }] },
            ...(input.direction === "collect"
              ? [
                  {
                    label: "收款账户",
                    value: `${input.partyBAccount.accountName}，${input.partyBAccount.bank}，账号 ${maskAccount(input.partyBAccount.accountNumber)}（以${clauseWords(PROVISION.bankDetails)}所列及书面变更通知为准）`,
                  },
                ]
              : []),
          ],
        };
  return renderEmail({
    subject: `结算单｜合同 ${contract.contractId} 最终结算：${
      input.direction === "collect"
        ? `甲方应补付 ${formatYuan(input.amount)}`
        : input.direction === "refund"
          ? `乙方应退还 ${formatYuan(input.amount)}`
          : "无需多退少补"
    }`,
    title: "结算单",
    recipients: [contract.partyAContactName, contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: `合同最后一个结算周期（${period}）已结束。按${clauseWords(PROVISION.settlementOfDifference)}，对账差异多退少补；尚未结清的款项一并结算如下：`,
      },
      {
        kind: "facts",
        rows: [
          { label: "尚欠账款", value: formatYuan(input.outstanding) },
          { label: "尚未抵扣的多付款", value: formatYuan(input.credit) },
          { label: "尚未计入账单的对账差异", value: formatYuan(input.unbilledDifferences) },
        ],
      },
      outcome,
      {
        kind: "note",
        tone: "info",
        content: `本邮件仅为告知，不是${clauseWords(PROVISION.writtenNotice)}约定的书面通知。`,
      },
    ],
  });
}
