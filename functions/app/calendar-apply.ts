/**
 * `ops calendar apply`: a year's official calendar enters a running stack (R-WD-3, ADR 0041/0042).
 * 1. The year is stored in the table, so every handler counts working days with it from now on.
 * 2. Every stored deadline of an open cycle that came from the year's provisional calendar is recomputed
 *    (core/calendar-recompute.ts decides which), each cycle in one conditional write.
 * 3. A reconciliation, payment, re-reconciliation or invoice wait whose deadline moved is re-armed through the
 *    workflow: its task is completed with `{deadlinesMoved: true, …}` and the state machine waits again from the
 *    new instants — the execution's history is never edited.
 * 4. Both contacts of each contract get one email listing what moved, citing the notice.
 * Every step is safe to repeat: a second run finds nothing left to move, re-arms what a crash may have left
 * (harmless twice: the wait restarts with the same instants) and the email goes once (outbox key).
 */
import { listCalendarYears, putCalendarYear } from "../adapters/calendar-store";
import { now } from "../adapters/clock";
import { sendEmail } from "../adapters/mailer";
import {
  appendAuditEvent,
  type CalendarMove,
  type CycleRecord,
  getReplyKey,
  listContracts,
  listCycles,
  moveCycleDeadlines,
} from "../adapters/repository";
import { completeTask } from "../adapters/workflow";
import { type OfficialYear, shippedOfficialYears, WorkingDayCalendar } from "../core/calendar";
import {
  type CycleDeadlineFacts,
  type CycleDeadlineField,
  type DeadlineMove,
  movedDeadlines,
} from "../core/calendar-recompute";
import * as emails from "./email-views";
import { deadlineRules, REMINDER_TIME } from "./rules";

export interface CalendarApplyReport {
  year: number;
  dryRun: boolean;
  source: string;
  contracts: Array<{
    contractId: string;
    moves: Array<DeadlineMove & { period: string }>;
    /** Periods whose waiting reconciliation was re-armed with the moved deadlines. */
    rearmed: string[];
    emailed: boolean;
  }>;
}

function factsOf(cycle: CycleRecord): CycleDeadlineFacts {
  const breached = (rule: string) => (cycle.breaches ?? []).some((b) => b.rule === rule);
  const disputed =
    cycle.reconciliation?.outcome === "re-reconcile" ? cycle.reconciliation.receivedAt : undefined;
  return {
    period: cycle.period,
    billDue: cycle.billDue,
    ...(cycle.sentAt !== undefined ? { sentAt: cycle.sentAt } : {}),
    ...(cycle.reminderAt !== undefined ? { reminderAt: cycle.reminderAt } : {}),
    ...(cycle.reconciliationDeadline !== undefined
      ? { reconciliationDeadline: cycle.reconciliationDeadline }
      : {}),
    ...(cycle.paymentDue !== undefined ? { paymentDue: cycle.paymentDue } : {}),
    reconciliationDecided: cycle.reconciliation !== undefined,
    ...(disputed !== undefined ? { disputeReceivedAt: disputed } : {}),
    ...(cycle.reReconciliationDeadline !== undefined
      ? { reReconciliationDeadline: cycle.reReconciliationDeadline }
      : {}),
    agreedDecided: cycle.agreed !== undefined,
    paymentDecided: cycle.payment !== undefined || breached("R-PAY-1"),
    ...(cycle.payment ? { paidAt: cycle.payment.paidAt, invoiceDue: cycle.payment.invoiceDue } : {}),
    invoiceDecided: cycle.invoice !== undefined || breached("R-INV-1"),
  };
}

const movedThisYear = (cycle: CycleRecord, year: number, fields: CycleDeadlineField[]) =>
  (cycle.calendarMoves ?? []).some((m) => m.year === year && fields.includes(m.field));

/**
 * Re-arms the reconciliation wait of a cycle whose reminder, deadline or payment due date this year moved,
 * while no reply is recorded: the wait restarts from the new instants, and `$sent` carries the new payment due
 * date to the payment wait that follows. The token under the bill's reply key is the wait's; if the workflow
 * has moved on, it is closed and nothing happens.
 */
async function rearmReconciliation(cycle: CycleRecord, year: number): Promise<boolean> {
  const moved = movedThisYear(cycle, year, ["reminderAt", "reconciliationDeadline", "paymentDue"]);
  if (!moved || cycle.reconciliation || !cycle.replyKey) return false;
  const waiting = await getReplyKey(cycle.replyKey);
  if (!waiting?.open) return false;
  const outcome = await completeTask(waiting.taskToken, {
    deadlinesMoved: true,
    sent: {
      sentAt: cycle.sentAt,
      reminderAt: cycle.reminderAt ?? null,
      reconciliationDeadline: cycle.reconciliationDeadline,
      paymentDue: cycle.paymentDue,
      lateBill: cycle.lateBill === true,
    },
  });
  return outcome === "completed";
}

/**
 * Re-arms the running payment, re-reconciliation or invoice wait whose deadline this year moved, while its
 * fact is unrecorded; each state machine branch waits again until the instant handed over. A stored token
 * whose wait has ended is closed and nothing happens.
 */
async function rearmCycleWaits(cycle: CycleRecord, year: number): Promise<boolean> {
  const waits: Array<{ open: boolean; token: string | undefined; answer: Record<string, unknown> }> = [
    {
      open: movedThisYear(cycle, year, ["paymentDue"]) && !cycle.payment,
      token: cycle.paymentToken,
      answer: { deadlinesMoved: true, paymentDue: cycle.paymentDue },
    },
    {
      open: movedThisYear(cycle, year, ["reReconciliationDeadline"]) && !cycle.agreed,
      token: cycle.agreedAmountToken,
      answer: { deadlinesMoved: true, reReconciliationDeadline: cycle.reReconciliationDeadline },
    },
    {
      open: movedThisYear(cycle, year, ["invoiceDue"]) && !cycle.invoice,
      token: cycle.invoiceToken,
      answer: { deadlinesMoved: true, invoiceDue: cycle.payment?.invoiceDue },
    },
  ];
  let rearmed = false;
  for (const wait of waits) {
    if (wait.open && wait.token && (await completeTask(wait.token, wait.answer)) === "completed")
      rearmed = true;
  }
  return rearmed;
}

export async function applyCalendarYear(input: {
  year: OfficialYear;
  dryRun: boolean;
}): Promise<CalendarApplyReport> {
  const { year, dryRun } = input;
  const at = now();
  const stackYears = (await listCalendarYears()).filter((y) => y.year !== year.year);
  // What the stack counted with before this year was official, and what it counts with now.
  const otherYears = [...shippedOfficialYears(), ...stackYears].filter((y) => y.year !== year.year);
  const before = new WorkingDayCalendar(otherYears);
  const after = new WorkingDayCalendar([...otherYears, year]);
  if (!dryRun) await putCalendarYear(year, at);

  const report: CalendarApplyReport = { year: year.year, dryRun, source: year.source, contracts: [] };
  for (const record of await listContracts()) {
    const { contract } = record;
    const rules = deadlineRules(contract);
    const entry: CalendarApplyReport["contracts"][number] = {
      contractId: contract.contractId,
      moves: [],
      rearmed: [],
      emailed: false,
    };
    const movedHere: Array<CalendarMove & { period: string }> = [];
    for (const cycle of await listCycles(contract.contractId)) {
      if (cycle.closedAt) continue;
      const moves = movedDeadlines({
        facts: factsOf(cycle),
        rules,
        reminderTime: REMINDER_TIME,
        before,
        after,
        now: at,
      });
      entry.moves.push(...moves.map((m) => ({ ...m, period: cycle.period })));
      if (dryRun) continue;
      const stamped: CalendarMove[] = moves.map((m) => ({ ...m, year: year.year }));
      if (stamped.length > 0 && (await moveCycleDeadlines(contract.contractId, cycle.period, stamped))) {
        await appendAuditEvent({
          contractId: contract.contractId,
          period: cycle.period,
          who: "operator",
          what: `deadlines moved by the official ${year.year} calendar: ${stamped.map((m) => `${m.name} ${m.from} → ${m.to}`).join("; ")}`,
          rule: "R-WD-3",
          details: { source: year.source },
        });
      }
    }
    if (!dryRun) {
      // Re-read: what this run and any earlier, interrupted run moved is on the cycles now.
      for (const cycle of await listCycles(contract.contractId)) {
        for (const move of cycle.calendarMoves ?? []) {
          if (move.year === year.year) movedHere.push({ ...move, period: cycle.period });
        }
        const rearmed = [
          await rearmReconciliation(cycle, year.year),
          await rearmCycleWaits(cycle, year.year),
        ];
        if (rearmed.some(Boolean)) entry.rearmed.push(cycle.period);
      }
      if (movedHere.length > 0) {
        const { sent } = await sendEmail({
          contractId: contract.contractId,
          emailKey: `calendar-moved#${year.year}`,
          to: [contract.parties.partyA.contact.email, contract.parties.partyB.contact.email],
          ...emails.deadlinesMoved(
            contract,
            { year: year.year, title: year.notice?.title ?? year.source, date: year.notice?.date ?? null },
            movedHere,
          ),
        });
        entry.emailed = sent;
      }
    }
    if (entry.moves.length > 0 || entry.rearmed.length > 0 || entry.emailed) report.contracts.push(entry);
  }
  return report;
}
