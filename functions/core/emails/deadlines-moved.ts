/**
 * To both contacts, once per contract and official year: the State Council published the year's holidays,
 * and the deadlines that had been counted on the provisional calendar moved (PROVISION.provisionalCalendar). Party A reads it, so
 * the clauses are named in words, never by rule ID.
 */
import { type ContractRuleId, clauseWords, isContractRuleId, PROVISION } from "../clause-words";
import { EmailInputError, formatDate, formatInstant, formatPeriod } from "./format";
import { renderEmail } from "./layout";
import type { ContractView, RenderedEmail } from "./types";

export interface MovedDeadlineView {
  period: string;
  /** The rule whose deadline moved: PROVISION.billDelivery, PROVISION.reconciliation, PROVISION.noReplyDeemedAccepted, PROVISION.reReconciliation, PROVISION.payment or PROVISION.invoice. */
  ruleId: string;
  from: string;
  to: string;
}

export interface DeadlinesMovedEmailInput {
  contract: ContractView;
  year: number;
  /** The notice's title and signature date, e.g. 国务院办公厅关于2027年部分节假日安排的通知, 2026-11-20 (null if unknown). */
  noticeTitle: string;
  noticeDate: string | null;
  moves: MovedDeadlineView[];
}

/** What each deadline is called in the email; its clause comes from the one rule → clause table. */
const DEADLINE_NAMES: Partial<Record<ContractRuleId, string>> = {
  [PROVISION.billDelivery]: "账单发送期限",
  [PROVISION.reconciliation]: "对账确认期限",
  [PROVISION.noReplyDeemedAccepted]: "对账提醒发送时间",
  [PROVISION.reReconciliation]: "重新对账期限",
  [PROVISION.payment]: "付款期限",
  [PROVISION.invoice]: "增值税发票开具期限",
};

/** PROVISION.noReplyDeemedAccepted is our decision, not the contract's: the reminder's time is said to be the system's own. */
const NOT_A_CONTRACT_DEADLINE = "系统提醒，非合同期限";

function wordsFor(ruleId: string): { name: string; clause: string } {
  const name = isContractRuleId(ruleId) ? DEADLINE_NAMES[ruleId] : undefined;
  if (!name || !isContractRuleId(ruleId))
    throw new EmailInputError(`no wording for the deadline of ${ruleId}`);
  return { name, clause: clauseWords(ruleId) || NOT_A_CONTRACT_DEADLINE };
}

export function renderDeadlinesMovedEmail(input: DeadlinesMovedEmailInput): RenderedEmail {
  const { contract } = input;
  const rows = input.moves.map((move) => {
    const words = wordsFor(move.ruleId);
    return {
      cells: [
        formatPeriod(move.period),
        `${words.name}（${words.clause}）`,
        formatInstant(move.from),
        formatInstant(move.to),
      ],
    };
  });
  return renderEmail({
    subject: `${input.year}年节假日安排公布，${input.moves.length}项期限相应调整｜合同 ${contract.contractId}`,
    title: `${input.year}年节假日安排公布后的期限调整`,
    recipients: [contract.partyAContactName, contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: [
          `${input.noticeDate ? `${formatDate(input.noticeDate)}，` : ""}国务院办公厅发布《${input.noticeTitle}》。此前${input.year}年的工作日按法定节假日暂定计算；现按该通知确定的放假和调休安排重新计算，下列尚未到期的期限随之调整：`,
        ],
      },
      {
        kind: "table",
        columns: [{ title: "账期" }, { title: "期限" }, { title: "原定" }, { title: "调整为" }],
        rows,
        textLines: rows.map((row) => `${row.cells[0]} ${row.cells[1]}：${row.cells[2]} → ${row.cells[3]}`),
      },
      {
        kind: "note",
        tone: "info",
        content:
          "已经完成或已经到期的事项不受影响。工作日以国务院公布的放假安排为准，期限均截至当日24时（北京时间）。",
      },
    ],
  });
}
