/**
 * To both contacts: the running billed total reached a warning threshold of the contract total, which is
 * fiscal money (财政性资金) (PROVISION.contractBudget, our decision: warn at 80 % and 100 %). Billing never stops because of
 * it — the contract prices usage "据实结算" and the SMS volume is an estimate, not a cap.
 */
import { cite, PROVISION } from "../clause-words";
import { amountFen, formatPercent, formatPeriod, formatYuan, formatYuanMagnitude } from "./format";
import { renderEmail } from "./layout";
import type { ContractView, RenderedEmail } from "./types";

export interface BudgetWarningEmailInput {
  contract: ContractView;
  /** The threshold crossed, e.g. `"80"` or `"100"`. */
  thresholdPercent: string;
  /** The contract total, e.g. `"98000.00"`. */
  budgetAmount: string;
  /** All statements billed so far, including the one that crossed the threshold. */
  billedTotalAmount: string;
  /** billedTotal / budget, e.g. `"81.37"`. */
  usedPercent: string;
  /** The period whose statement crossed the threshold, when known. */
  period: string | null;
  /** Budget minus billed total; negative once the budget is exceeded. */
  remainingAmount: string;
}

export function renderBudgetWarningEmail(input: BudgetWarningEmailInput): RenderedEmail {
  const { contract } = input;
  const threshold = formatPercent(input.thresholdPercent);
  return renderEmail({
    subject: `合同金额使用已达 ${threshold}：累计 ${formatYuan(input.billedTotalAmount)} / ${formatYuan(input.budgetAmount)}｜合同 ${contract.contractId}`,
    title: `合同金额使用已达 ${threshold}`,
    recipients: [contract.partyAContactName, contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: `${input.period ? `计入${formatPeriod(input.period)}账单后，` : ""}本合同累计结算金额已达到合同总金额的 ${threshold}${cite(PROVISION.contractBudget)}。`,
      },
      {
        kind: "facts",
        rows: [
          { label: "合同总金额（财政性资金）", value: formatYuan(input.budgetAmount) },
          { label: "累计结算金额", value: [{ strong: formatYuan(input.billedTotalAmount) }] },
          { label: "已使用比例", value: [{ strong: formatPercent(input.usedPercent) }] },
          {
            label: "剩余金额",
            value:
              amountFen(input.remainingAmount) < 0n
                ? `已超出 ${formatYuanMagnitude(input.remainingAmount)}`
                : formatYuan(input.remainingAmount),
          },
        ],
      },
      {
        kind: "note",
        tone: "info",
        content:
          "本提醒不影响计费和账单发送：合同费用据实结算，超出合同总金额后仍照常计费。如需追加预算或调整服务，请双方另行协商。",
      },
    ],
  });
}
