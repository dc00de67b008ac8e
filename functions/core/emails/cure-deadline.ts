/**
 * To both contacts, about a written breach notice's cure period (违约纠正期限, clause 5.1): the day before it
 * ends (a reminder), and once it has ended without a written cure confirmation or objection. Party A reads
 * it, so it names clauses in words, never rule IDs; it informs, it is not itself a written notice (9.1).
 */
import { formatDate, partyName } from "./format";
import { renderEmail } from "./layout";
import type { ContractView, PartyRole, RenderedEmail } from "./types";

export interface CureDeadlineEmailInput {
  contract: ContractView;
  moment: "reminder" | "passed";
  breach: {
    /** What happened, worded for people. */
    description: string;
    breachingParty: PartyRole;
    /** The day the written notice counts as received (9.3). */
    receivedOn: string;
    cureDeadline: string;
  };
  /** The arbitration body of clause 8.3 (长春仲裁委员会). */
  arbitrationBody: string;
}

export function renderCureDeadlineEmail(input: CureDeadlineEmailInput): RenderedEmail {
  const { contract, breach } = input;
  const whose = partyName(contract, breach.breachingParty);
  const reminder = input.moment === "reminder";
  return renderEmail({
    subject: `${reminder ? "违约纠正期限明日届满" : "违约纠正期限已届满"}：${whose}｜合同 ${contract.contractId}`,
    title: reminder ? "违约纠正期限提醒" : "违约纠正期限已届满",
    recipients: [contract.partyAContactName, contract.partyBContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: reminder
          ? `依合同第五条5.1款，收到书面违约通知后 10 日内，违约方应纠正并书面通知对方，或书面提出异议。该期限将于 ${formatDate(breach.cureDeadline)} 届满。`
          : `依合同第五条5.1款的纠正期限已于 ${formatDate(breach.cureDeadline)} 届满，系统未登记书面纠正确认或书面异议。`,
      },
      {
        kind: "facts",
        rows: [
          { label: "事项", value: [{ strong: breach.description }] },
          { label: "违约方", value: whose },
          { label: "书面通知送达日", value: formatDate(breach.receivedOn) },
          { label: "纠正或异议期限", value: [{ strong: formatDate(breach.cureDeadline) }] },
        ],
      },
      {
        kind: "note",
        tone: reminder ? "info" : "warning",
        content: reminder
          ? "如已纠正或已提出异议，请将书面确认或书面异议交乙方联系人登记。本邮件仅为提醒，不是合同第九条约定的书面通知。"
          : `双方可依合同第八条8.2款协商；协商不成的，依合同第八条8.3款提交${input.arbitrationBody}仲裁。违约方应承担因违约给守约方造成的实际损失（合同第五条5.1款）。`,
      },
    ],
  });
}
