/**
 * The breach register (违约登记, R-BREACH-1), Party B's liability cap (R-LIAB-1) and force majeure (R-FM-1)
 * as pure rules: each entry's standing on any day follows from what was recorded, never from when the code
 * happens to run.
 *
 * Clause 5.1: after *receiving* a written notice that states the breach (具体说明违约的书面通知), the other
 * party has 10 days (calendar days, R-WD-4) to cure it and say so in writing, or to object in writing; an
 * objection leads to negotiation (8.2) and, failing that, to arbitration at the 长春仲裁委员会 (8.3). A
 * notice counts from its deemed delivery (9.3, R-NOTICE-2), so the clock starts on that day, not on the
 * day the system noticed the breach.
 */
import { breachCureDeadline } from "./deadlines";
import { inForce, type LedgerEntry } from "./ledger";
import {
  type DeemedDeliveryTable,
  type DeliveryMethod,
  type DeliveryRegion,
  deemedDeliveryDate,
} from "./notices";
import { addDays, daysBetween, endOfDay, type LocalDate, parseLocalDate } from "./time";

/** The arbitration body clause 8.3 names (option 1 ticked). */
export const ARBITRATION_BODY = "长春仲裁委员会";

export type BreachParty = "A" | "B";

/** A written breach notice as recorded: how it went and the day it counts as received (9.3). */
export interface BreachNotice {
  method: DeliveryMethod;
  region: DeliveryRegion | null;
  /** Dispatch day for express and registered mail; the day signed or the fax report's day otherwise. */
  sentOn: LocalDate;
  receivedOn: LocalDate;
  cureDeadline: LocalDate;
}

export interface BreachEntry {
  breachId: string;
  /** The rule the breach is of (R-PAY-1, R-SLA-2 …). */
  rule: string;
  /** The party in breach: the one the clause binds. */
  party: BreachParty;
  what: string;
  /** The day the system detected it, for the breaches it detects itself. */
  detectedOn?: LocalDate;
  notice?: BreachNotice;
  /** The day the breaching party's written confirmation of the cure was received. */
  curedOn?: LocalDate;
  /** The day its written objection was received. */
  objectedOn?: LocalDate;
}

/**
 * R-BREACH-1 with R-NOTICE-2: the day a breach notice counts as received and the last day to cure or object.
 * `sentOn` is the dispatch day (express, registered) or the day of receipt itself (personal, fax).
 */
export function breachNotice(input: {
  method: DeliveryMethod;
  region: DeliveryRegion | null;
  sentOn: LocalDate;
  cureDays: number;
  /** The contract's deemed-delivery days (clause 9.3, `deemedDeliveryDays`). */
  table: DeemedDeliveryTable;
}): BreachNotice {
  const receivedOn = deemedDeliveryDate(input.method, input.region, input.sentOn, input.table);
  return {
    method: input.method,
    region: input.region,
    sentOn: parseLocalDate(input.sentOn),
    receivedOn,
    cureDeadline: breachCureDeadline(receivedOn, { breachCureDays: input.cureDays }).date,
  };
}

export type BreachState =
  /** No written notice yet: the cure period has not started (an email is not one, R-NOTICE-1). */
  | "awaiting-notice"
  /** Sent but not deemed delivered yet. */
  | "notice-in-transit"
  | "cure-period"
  | "cured"
  /** Objected in writing: the parties negotiate (8.2), then arbitrate (8.3). */
  | "negotiation"
  /** Neither cured nor objected within the period: the dispute may go to arbitration (8.3). */
  | "lapsed";

export interface BreachStanding {
  state: BreachState;
  /** The cure deadline, once a notice is recorded. */
  cureDeadline: LocalDate | null;
  /** Days left in the cure period, the deadline day included; only in `cure-period`. */
  daysLeft: number | null;
  /** A cure or objection received after the cure deadline. */
  late: boolean;
  /** What happens next, in plain English for operators. */
  next: string;
}

/** R-BREACH-1: where an entry stands at the end of `asOf`. Events after `asOf` are not known yet. */
export function breachStanding(entry: BreachEntry, asOf: LocalDate): BreachStanding {
  const notice = entry.notice;
  if (!notice || notice.sentOn > asOf) {
    return {
      state: "awaiting-notice",
      cureDeadline: null,
      daysLeft: null,
      late: false,
      next: "the other party may send a written breach notice (clause 5.1, 9.1); the cure period starts on its receipt",
    };
  }
  const deadline = notice.cureDeadline;
  if (notice.receivedOn > asOf) {
    return {
      state: "notice-in-transit",
      cureDeadline: deadline,
      daysLeft: null,
      late: false,
      next: `the notice counts as received on ${notice.receivedOn} (clause 9.3); cure or objection due by ${deadline}`,
    };
  }
  const answered = (day: LocalDate | undefined) => day !== undefined && day <= asOf;
  if (answered(entry.curedOn)) {
    return {
      state: "cured",
      cureDeadline: deadline,
      daysLeft: null,
      late: (entry.curedOn as LocalDate) > deadline,
      next: "none: the breaching party bears the actual loss it caused (clause 5.1)",
    };
  }
  if (answered(entry.objectedOn)) {
    return {
      state: "negotiation",
      cureDeadline: deadline,
      daysLeft: null,
      late: (entry.objectedOn as LocalDate) > deadline,
      next: `negotiation (clause 8.2); if it fails, arbitration at the ${ARBITRATION_BODY} (clause 8.3)`,
    };
  }
  if (asOf > deadline) {
    return {
      state: "lapsed",
      cureDeadline: deadline,
      daysLeft: null,
      late: false,
      next: `neither cured nor objected by ${deadline}: the dispute may be submitted to the ${ARBITRATION_BODY} (clause 8.3)`,
    };
  }
  return {
    state: "cure-period",
    cureDeadline: deadline,
    daysLeft: daysBetween(asOf, deadline) + 1,
    late: false,
    next: `cure and confirm in writing, or object in writing, by ${deadline} (clause 5.1)`,
  };
}

/** The day before the cure deadline: both contacts are reminded (R-BREACH-1). */
export function cureReminderDay(notice: BreachNotice): LocalDate {
  return addDays(notice.cureDeadline, -1);
}

/**
 * R-LIAB-1 (5.3): Party B's total liability under the contract never exceeds the fees Party A actually paid —
 * the payments in force in the ledger made by the end of `asOf`. A reversed payment (ADR 0010) was never
 * paid, so it does not count even on the days before its reversal was recorded.
 */
export function liabilityCapFen(entries: readonly LedgerEntry[], asOf: LocalDate): bigint {
  const end = endOfDay(parseLocalDate(asOf)).getTime();
  let capFen = 0n;
  for (const entry of inForce(entries)) {
    if (entry.kind === "payment" && Date.parse(entry.at) <= end) capFen += entry.amountFen;
  }
  return capFen;
}

export interface ForceMajeureTerms {
  /** R-FM-1 (7.3): days an event must last before the parties negotiate (30). */
  forceMajeureDays: number;
  /** R-FM-1 (7.3): days from a written request to negotiate before either may terminate (10). */
  forceMajeureNegotiationDays: number;
}

export interface ForceMajeureStanding {
  /** Days the event has lasted by `asOf` (first and last day counted). */
  daysLasted: number;
  /** The day the event reaches the 30 days (its 30th day), whether or not it lasts that long. */
  negotiationOpensOn: LocalDate;
  /** True once the event has lasted the 30 days. */
  negotiationOpen: boolean;
  /** Last day of the 10 days from the written request, when one was sent. */
  negotiationEndsOn: LocalDate | null;
  /** From this day either party may terminate without liability, unless they agreed. */
  terminationRightFrom: LocalDate | null;
  terminationRight: boolean;
}

/**
 * R-FM-1 (7.3): an event lasting 30 days or more → the parties negotiate changing or ending the contract; if
 * they cannot agree within 10 days from the day one of them sent a written request (发出协商书面通知之日起, the
 * sending day, not receipt), either may terminate without liability. The event runs `from`–`to` inclusive;
 * `to` null means it is still going on.
 */
export function forceMajeureStanding(
  event: { from: LocalDate; to: LocalDate | null; negotiationRequestedOn: LocalDate | null },
  terms: ForceMajeureTerms,
  asOf: LocalDate,
): ForceMajeureStanding {
  const lastDay = event.to === null || event.to > asOf ? asOf : event.to;
  const daysLasted = lastDay < event.from ? 0 : daysBetween(event.from, lastDay) + 1;
  const negotiationOpensOn = addDays(event.from, terms.forceMajeureDays - 1);
  const negotiationOpen = daysLasted >= terms.forceMajeureDays;
  const request = event.negotiationRequestedOn;
  // A request sent before the 30 days are reached is not yet the one clause 7.3 counts from.
  const counted = request !== null && request <= asOf && negotiationOpen ? request : null;
  const countedFrom = counted !== null && counted < negotiationOpensOn ? negotiationOpensOn : counted;
  const negotiationEndsOn =
    countedFrom === null ? null : addDays(countedFrom, terms.forceMajeureNegotiationDays);
  const terminationRightFrom = negotiationEndsOn === null ? null : addDays(negotiationEndsOn, 1);
  return {
    daysLasted,
    negotiationOpensOn,
    negotiationOpen,
    negotiationEndsOn,
    terminationRightFrom,
    terminationRight: terminationRightFrom !== null && asOf >= terminationRightFrom,
  };
}
