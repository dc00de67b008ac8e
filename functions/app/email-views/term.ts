/** Term, renewal and end of the contract (R-TERM-1..4, R-NOTICE-1..3, R-END-1). */
import { now } from "../../adapters/clock";
import { type Contract, termStartDate } from "../../core/contract";
import {
  type NoticeAddressView,
  type RenderedEmail,
  renderEndOfContractEmail,
  renderRenewalConfirmationEmail,
  renderRenewalReminderEmail,
  renderSettlementEmail,
} from "../../core/emails";
import { formatFen } from "../../core/money";
import { nonRenewalDeadline, type RenewalSchedule, type TermDates, termDates } from "../../core/renewal";
import { addDays, periodOf, shanghaiDateOf } from "../../core/time";
import { renewalRules } from "../rules";
import { contractView, EmailViewError, partyBAccountOn } from "./shared";

/** 9.4 of the contract; both parties write 传真：【/】, and the contract data has no fax field. */
export function noticeAddress(party: Contract["parties"]["partyA"]): NoticeAddressView {
  return {
    name: party.name,
    address: party.address,
    postcode: party.postcode,
    contactName: party.contact.name,
    phone: party.contact.phone,
    fax: null,
  };
}

export function renewalReminder(contract: Contract, schedule: RenewalSchedule): RenderedEmail {
  const next = termDates(termStartDate(contract), schedule.term + 1, renewalRules(contract).termYears);
  return renderRenewalReminderEmail({
    contract: contractView(contract),
    termFirstDay: schedule.firstDay,
    termLastDay: schedule.lastDay,
    noticeDays: contract.rules.nonRenewalNoticeDays.value,
    noticeDeliveredBy: schedule.nonRenewalDeadline.date,
    nextTermFirstDay: next.firstDay,
    nextTermLastDay: next.lastDay,
    dispatchDeadlines: schedule.latestDispatch.map((option) => ({
      method: option.method,
      region: option.region,
      deemedDeliveryDays: option.deemedDeliveryDays,
      latestDispatchDate: option.latestDispatchDate,
    })),
    noticeAddresses: {
      partyA: noticeAddress(contract.parties.partyA),
      partyB: noticeAddress(contract.parties.partyB),
    },
  });
}

export function renewalConfirmation(contract: Contract, nextTerm: number, next: TermDates): RenderedEmail {
  if (next.term !== nextTerm) {
    throw new EmailViewError(`renewal into term ${nextTerm} given the dates of term ${next.term}`);
  }
  return renderRenewalConfirmationEmail({
    contract: contractView(contract),
    previousTermLastDay: addDays(next.firstDay, -1),
    nextTermFirstDay: next.firstDay,
    nextTermLastDay: next.lastDay,
    nextNoticeDeliveredBy: nonRenewalDeadline(next.lastDay, renewalRules(contract).nonRenewalNoticeDays).date,
  });
}

/**
 * Sent at term end after a non-renewal notice (the only path that calls it). The last period is not even
 * billed yet when the term ends, so its true-up (R-END-1) is pending.
 */
export function endOfContract(
  contract: Contract,
  lastDay: string,
  reason: "non-renewal" | "early-termination" = "non-renewal",
): RenderedEmail {
  return renderEndOfContractEmail({
    contract: contractView(contract),
    lastDay,
    reason,
    finalTrueUp: { status: "pending", period: periodOf(lastDay) },
    smsAccessCode: contract.access.smsAccessCode,
  });
}

/** R-END-1: the settlement document (结算单) once the last period closed; amounts in fen, signs resolved. */
export function settlement(
  contract: Contract,
  lastPeriod: string,
  figures: { outstandingFen: bigint; creditFen: bigint; unbilledDifferencesFen: bigint; amountFen: bigint },
  direction: "refund" | "collect" | "none",
): RenderedEmail {
  return renderSettlementEmail({
    contract: contractView(contract),
    lastPeriod,
    outstanding: formatFen(figures.outstandingFen),
    credit: formatFen(figures.creditFen),
    unbilledDifferences: formatFen(figures.unbilledDifferencesFen),
    amount: formatFen(figures.amountFen),
    direction,
    partyBAccount: partyBAccountOn(contract, shanghaiDateOf(now())),
  });
}
