/**
 * R-WD-3: when a year's official calendar is loaded, every stored deadline that was computed from that
 * year's provisional calendar is recomputed. A deadline moves only when
 * - it is still what the calendar without the new year gives (it was computed from the provisional year,
 *   not typed in, corrected or computed from another calendar),
 * - the new calendar gives another instant, and
 * - nothing has been decided about it: its fact is not recorded (reply, payment, agreed amount, invoice),
 *   and it has not passed yet — a deadline that passed has had its consequence, which is never reopened.
 * See docs/decisions/0042-recompute-provisional-deadlines.md.
 */
import type { WorkingDayCalendar } from "./calendar";
import {
  billDue,
  type DeadlineRules,
  invoiceDue,
  paymentDue,
  reconciliationDue,
  reconciliationReminderDate,
  reReconciliationDue,
} from "./deadlines";
import { atTimeOfDay, formatInstant, type Period } from "./time";

/** The stored deadline fields of a billing cycle (`payment.invoiceDue` for the invoice). */
export type CycleDeadlineField =
  | "billDue"
  | "reminderAt"
  | "reconciliationDeadline"
  | "paymentDue"
  | "reReconciliationDeadline"
  | "invoiceDue";

/** What the recompute needs to know about one cycle: its inputs, its stored deadlines, what is decided. */
export interface CycleDeadlineFacts {
  period: Period;
  sentAt?: string;
  billDue: string;
  reminderAt?: string | null;
  reconciliationDeadline?: string;
  paymentDue?: string;
  reconciliationDecided: boolean;
  /** When Party A's dispute beyond tolerance was received (R-RECON-3 counts from it). */
  disputeReceivedAt?: string;
  reReconciliationDeadline?: string;
  agreedDecided: boolean;
  paymentDecided: boolean;
  paidAt?: string;
  invoiceDue?: string;
  invoiceDecided: boolean;
}

export interface DeadlineMove {
  field: CycleDeadlineField;
  rule: string;
  /** What is due, in plain English (as `Deadline.name`). */
  name: string;
  from: string;
  to: string;
}

/** Both calendars' answer for one stored deadline. */
interface Candidate {
  field: CycleDeadlineField;
  rule: string;
  name: string;
  stored: string | null | undefined;
  decided: boolean;
  compute: (calendar: WorkingDayCalendar) => string | null;
}

export function movedDeadlines(input: {
  facts: CycleDeadlineFacts;
  rules: DeadlineRules;
  /** The time of day reminders go out (R-RECON-5), as the cycle stored them. */
  reminderTime: string;
  before: WorkingDayCalendar;
  after: WorkingDayCalendar;
  now: Date;
}): DeadlineMove[] {
  const { facts, rules, reminderTime, before, after, now } = input;
  const candidates: Candidate[] = [
    {
      field: "billDue",
      rule: "R-BILL-1",
      name: "bill due",
      stored: facts.billDue,
      // Once the bill is sent, whether it was late is decided (R-BREACH-1).
      decided: facts.sentAt !== undefined,
      compute: (calendar) => billDue(facts.period, rules, calendar).at,
    },
  ];
  const sentAt = facts.sentAt;
  if (sentAt !== undefined) {
    const sent = new Date(sentAt);
    candidates.push(
      {
        field: "reminderAt",
        rule: "R-RECON-5",
        name: "reconciliation reminder",
        stored: facts.reminderAt,
        decided: facts.reconciliationDecided,
        // As the bill's sending stores it: the reminder day's office hour, or none when that is not after the sending.
        compute: (calendar) => {
          const day = reconciliationReminderDate(reconciliationDue(sent, rules, calendar), rules, calendar);
          const at = atTimeOfDay(day.date, reminderTime);
          return at.getTime() > sent.getTime() ? formatInstant(at) : null;
        },
      },
      {
        field: "reconciliationDeadline",
        rule: "R-RECON-1",
        name: "reconciliation due",
        stored: facts.reconciliationDeadline,
        decided: facts.reconciliationDecided,
        compute: (calendar) => reconciliationDue(sent, rules, calendar).at,
      },
      {
        field: "paymentDue",
        rule: "R-PAY-1",
        name: "payment due",
        stored: facts.paymentDue,
        decided: facts.paymentDecided,
        compute: (calendar) => paymentDue(sent, rules, calendar).at,
      },
    );
  }
  const disputed = facts.disputeReceivedAt;
  if (disputed !== undefined && facts.reReconciliationDeadline !== undefined) {
    candidates.push({
      field: "reReconciliationDeadline",
      rule: "R-RECON-3",
      name: "re-reconciliation due",
      stored: facts.reReconciliationDeadline,
      decided: facts.agreedDecided,
      compute: (calendar) => reReconciliationDue(new Date(disputed), rules, calendar).at,
    });
  }
  const paidAt = facts.paidAt;
  if (paidAt !== undefined && facts.invoiceDue !== undefined) {
    candidates.push({
      field: "invoiceDue",
      rule: "R-INV-1",
      name: "invoice due",
      stored: facts.invoiceDue,
      decided: facts.invoiceDecided,
      compute: (calendar) => invoiceDue(new Date(paidAt), rules, calendar).at,
    });
  }

  const moves: DeadlineMove[] = [];
  for (const candidate of candidates) {
    const { stored } = candidate;
    if (candidate.decided || stored === undefined || stored === null) continue;
    if (Date.parse(stored) <= now.getTime()) continue;
    const was = candidate.compute(before);
    if (was !== stored) continue;
    const next = candidate.compute(after);
    if (next === null || next === was) continue;
    moves.push({
      field: candidate.field,
      rule: candidate.rule,
      name: candidate.name,
      from: stored,
      to: next,
    });
  }
  return moves;
}
