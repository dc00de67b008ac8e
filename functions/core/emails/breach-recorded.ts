/**
 * To Party B's contact: an entry was added to the breach register (违约登记, PROVISION.breach) — what, whose,
 * when. The 10-day cure period runs from a *written* breach notice (5.1), which this email is not
 * (PROVISION.writtenNotice): until one is recorded, the email says the cure period has not started.
 */
import { cite, clauseWords, isContractRuleId, PROVISION } from "../clause-words";
import { EmailInputError, formatDate, formatInstant, partyName } from "./format";
import { renderEmail } from "./layout";
import type { ContractView, PartyRole, RenderedEmail } from "./types";

export interface BreachRecordedEmailInput {
  contract: ContractView;
  breach: {
    /** The obligation broken: PROVISION.billDelivery (late bill), PROVISION.payment (late payment), PROVISION.invoice (late invoice)… */
    ruleId: string;
    /** What happened, worded for people: "2025年9月账单付款逾期（应付 4,218.36 元，截止 2025年10月28日）". */
    description: string;
    breachingParty: PartyRole;
    /** When the system recorded the breach. */
    recordedAt: string;
    /** PROVISION.breach: days the breaching party has after a written notice. */
    cureDays: number;
    /** The written breach notice, once one has been recorded as deemed delivered (PROVISION.noticeDelivery). */
    writtenNotice: { deliveredOn: string; cureDeadline: string } | null;
  };
}

/** Every breach is of a clause (5.1): the register's rule is named by its clause, and an unknown rule is a bug. */
function clauseWordsOf(ruleId: string): string {
  const words = isContractRuleId(ruleId) ? clauseWords(ruleId) : "";
  if (!words) throw new EmailInputError(`no contract clause for the breached rule ${ruleId}`);
  return words;
}

export function renderBreachRecordedEmail(input: BreachRecordedEmailInput): RenderedEmail {
  const { contract, breach } = input;
  const whose = partyName(contract, breach.breachingParty);
  const basis = clauseWordsOf(breach.ruleId);
  const cure = breach.writtenNotice
    ? `书面违约通知已于 ${formatDate(breach.writtenNotice.deliveredOn)} 送达，纠正或书面提出异议的期限至 ${formatDate(breach.writtenNotice.cureDeadline)}`
    : `尚未登记书面违约通知。书面通知送达后 ${breach.cureDays} 日内，违约方应纠正并书面确认，或书面提出异议`;
  return renderEmail({
    subject: `违约登记：${whose}（${basis}）｜合同 ${contract.contractId}`,
    title: "违约登记通知",
    recipients: [contract.partyBContactName],
    contract,
    blocks: [
      { kind: "paragraph", content: `系统在违约登记中新增了一条记录${cite(PROVISION.breach)}：` },
      {
        kind: "facts",
        rows: [
          { label: "事项", value: [{ strong: breach.description }] },
          { label: "违约方", value: whose },
          { label: "依据", value: basis },
          { label: "登记时间", value: formatInstant(breach.recordedAt) },
          { label: "纠正期限", value: cure },
        ],
      },
      {
        kind: "note",
        tone: "warning",
        content: `本邮件不是${clauseWords(PROVISION.writtenNotice)}约定的书面通知。如需主张违约责任，请以专人递送、特快专递、传真或挂号信件向对方发出书面通知，并在系统中登记，纠正期限自送达起算${cite(PROVISION.breach, PROVISION.noticeDelivery)}。`,
      },
      {
        kind: "paragraph",
        content: "协商不成的，按合同第八条约定的方式解决争议。",
      },
    ],
  });
}
