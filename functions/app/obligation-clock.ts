/**
 * The ObligationClock workflow's steps: one execution per clock the contract starts by a recorded event —
 * a written breach notice's cure period (R-BREACH-1, 5.1), a service-level ticket's deadline (R-SLA-1,
 * R-SLA-2) or an early termination's last day (R-TERM-3, 10.1). The execution waits (Step Functions, never a Lambda) until the reminder day, then for the answer
 * until the deadline; the answer (a cure, an objection, the ticket's close) completes its task token.
 */

import { stateMachineNames } from "../../workflows/names";
import { sendEmail } from "../adapters/mailer";
import { appendAuditEvent, getContract } from "../adapters/repository";
import {
  getBreachEntry,
  putBreachEntry,
  type StoredBreachEntry,
  setBreachClockToken,
} from "../adapters/repository/breaches";
import { getTicket, setTicketClockToken } from "../adapters/repository/tickets";
import { completeTask, startNamedExecution, stateMachineArnByName } from "../adapters/workflow";
import { ARBITRATION_BODY, type BreachNotice, cureReminderDay } from "../core/breach-register";
import { cite, isContractRuleId } from "../core/clause-words";
import { renderCureDeadlineEmail } from "../core/emails/cure-deadline";
import { TICKET_RULES, ticketBreachId } from "../core/service-levels";
import { endOfDay, formatInstant, shanghaiDateOf, startOfDay } from "../core/time";
import { contractView } from "./email-views/shared";
import { endContractEarly } from "./renewal-watch";

export type ClockKind = "cure" | "ticket" | "termination";

export interface ClockInput {
  contractId: string;
  kind: ClockKind;
  /** The breach id (cure), the ticket id (ticket) or `term-<n>` (termination). */
  ref: string;
  remindAt: string | null;
  dueAt: string;
}

/** `<contractId>-<kind>-<ref>` with the characters Step Functions allows in a name, at most 80. */
export function clockExecutionName(contractId: string, kind: ClockKind, ref: string): string {
  return `${contractId}-${kind}-${ref}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80);
}

async function startClock(input: ClockInput): Promise<boolean> {
  const arn =
    process.env.OBLIGATION_CLOCK_ARN ?? (await stateMachineArnByName(stateMachineNames.obligationClock));
  if (!arn) throw new Error(`state machine ${stateMachineNames.obligationClock} is not deployed`);
  const { started } = await startNamedExecution(
    arn,
    clockExecutionName(input.contractId, input.kind, input.ref),
    input,
  );
  return started;
}

/** R-BREACH-1: the cure clock of a recorded notice: a reminder the day before, then the deadline. */
export function startCureClock(contractId: string, breachId: string, notice: BreachNotice): Promise<boolean> {
  return startClock({
    contractId,
    kind: "cure",
    ref: breachId,
    remindAt: formatInstant(startOfDay(cureReminderDay(notice))),
    dueAt: formatInstant(endOfDay(notice.cureDeadline)),
  });
}

/** R-SLA-1, R-SLA-2: a ticket's deadline (an SMS-gateway fault has none: it is judged on the month). */
export function startTicketClock(contractId: string, ticketId: string, dueAt: string): Promise<boolean> {
  return startClock({ contractId, kind: "ticket", ref: ticketId, remindAt: null, dueAt });
}

/**
 * R-TERM-3: an in-time early termination's clock, due at the end of the last day; nothing answers it, the
 * deadline ends the contract (ADR 0066).
 */
export function startTerminationClock(contractId: string, term: number, dueAt: string): Promise<boolean> {
  return startClock({ contractId, kind: "termination", ref: `term-${term}`, remindAt: null, dueAt });
}

/** Stores the wait's token; an answer recorded before the wait began completes it at once. */
export async function awaitObligation(input: {
  contractId: string;
  kind: ClockKind;
  ref: string;
  taskToken: string;
}) {
  // R-TERM-3: a termination's wait has no answer: only its deadline ends it.
  if (input.kind === "termination") return { registered: true as const };
  if (input.kind === "cure") {
    await setBreachClockToken(input.contractId, input.ref, input.taskToken);
    const entry = await getBreachEntry(input.contractId, input.ref);
    if (entry?.curedOn || entry?.objectedOn) await completeTask(input.taskToken, { answered: true });
  } else {
    await setTicketClockToken(input.contractId, input.ref, input.taskToken);
    const ticket = await getTicket(input.contractId, input.ref);
    if (ticket?.closedAt) await completeTask(input.taskToken, { answered: true });
  }
  return { registered: true as const };
}

/** The answer to a clock: completes its wait if one is waiting (the workflow first, as ADR 0012). */
export async function answerClock(taskToken: string | undefined): Promise<string> {
  return taskToken ? completeTask(taskToken, { answered: true }) : "not-waiting-yet";
}

/** What Party A reads: the obligation in the contract's words (clause-words.ts), with the register's id. */
function obligationWords(entry: StoredBreachEntry): string {
  const labels: Record<string, string> = {
    "R-BILL-1": "账单未按期发送",
    "R-PAY-1": "付款逾期",
    "R-INV-1": "发票未按期开具",
    "R-SLA-1": "语音专线未按期开通",
    "R-SLA-2": "服务时限未达到",
  };
  const label = labels[entry.rule];
  const clause = isContractRuleId(entry.rule) ? cite(entry.rule) : "";
  return `${label === undefined ? "违约事项" : `${label}${clause}`}，登记编号 ${entry.breachId}`;
}

async function cureEmail(input: { contractId: string; ref: string }, moment: "reminder" | "passed") {
  const entry = await getBreachEntry(input.contractId, input.ref);
  if (!entry?.notice) throw new Error(`breach ${input.ref} of ${input.contractId} has no written notice`);
  const { contract } = await getContract(input.contractId);
  await sendEmail({
    contractId: input.contractId,
    emailKey: `cure-${moment}#${entry.breachId}`,
    to: [contract.parties.partyA.contact.email, contract.parties.partyB.contact.email],
    ...renderCureDeadlineEmail({
      contract: contractView(contract),
      moment,
      breach: {
        description: obligationWords(entry),
        breachingParty: entry.party === "A" ? "partyA" : "partyB",
        receivedOn: entry.notice.receivedOn,
        cureDeadline: entry.notice.cureDeadline,
      },
      arbitrationBody: ARBITRATION_BODY,
    }),
  });
  return entry;
}

/** R-BREACH-1: the day before the cure deadline, both contacts are reminded (once per breach). */
export async function remindObligation(input: { contractId: string; kind: ClockKind; ref: string }) {
  if (input.kind !== "cure") return { reminded: false };
  const entry = await getBreachEntry(input.contractId, input.ref);
  if (entry?.curedOn || entry?.objectedOn) return { reminded: false };
  await cureEmail(input, "reminder");
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "system",
      what: `reminder: the cure period of breach ${input.ref} ends ${entry?.notice?.cureDeadline}`,
      rule: "R-BREACH-1",
    },
    `cure-reminder#${input.ref}`,
  );
  return { reminded: true };
}

/**
 * The deadline passed without an answer. A cure period: the entry has lapsed (the register derives it from
 * the dates); both contacts are told. A ticket: it is a breach of the party its clause binds.
 */
export async function obligationDeadlinePassed(input: { contractId: string; kind: ClockKind; ref: string }) {
  if (input.kind === "termination") {
    const { ended } = await endContractEarly({
      contractId: input.contractId,
      term: Number(input.ref.slice(5)),
    });
    return { lapsed: ended };
  }
  if (input.kind === "cure") {
    const entry = await getBreachEntry(input.contractId, input.ref);
    if (entry?.curedOn || entry?.objectedOn) return { lapsed: false };
    await cureEmail(input, "passed");
    await appendAuditEvent(
      {
        contractId: input.contractId,
        who: "system",
        what: `breach ${input.ref}: neither cured nor objected by ${entry?.notice?.cureDeadline}; the dispute may go to ${ARBITRATION_BODY}`,
        rule: "R-BREACH-1",
      },
      `cure-lapsed#${input.ref}`,
    );
    return { lapsed: true };
  }
  const ticket = await getTicket(input.contractId, input.ref);
  if (!ticket || ticket.closedAt || ticket.dueAt === null) return { lapsed: false };
  const rule = TICKET_RULES[ticket.kind];
  await putBreachEntry(input.contractId, {
    breachId: ticketBreachId(ticket.ticketId),
    rule: rule.rule,
    party: rule.party,
    what: `${ticket.kind} ${ticket.ticketId} (${ticket.what}) still open after ${ticket.dueAt}`,
    detectedOn: shanghaiDateOf(new Date(ticket.dueAt)),
  });
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "system",
      what: `ticket ${ticket.ticketId} not closed by ${ticket.dueAt}: breach ${ticketBreachId(ticket.ticketId)} of Party ${rule.party} in the register`,
      rule: rule.rule,
    },
    `ticket-overdue#${ticket.ticketId}`,
  );
  return { lapsed: true };
}
