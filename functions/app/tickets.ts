/**
 * Service-level tickets (R-SLA-1, R-SLA-2) as operators record them: each kind's deadline from the contract
 * (working days from the calendar, hours as elapsed time), and a ticket closed late goes to the breach
 * register against the party the clause binds (R-BREACH-1: Party B for 3.3/3.4/3.18, Party A for 2.26).
 */
import { now } from "../adapters/clock";
import { appendAuditEvent } from "../adapters/repository";
import { putBreachEntry } from "../adapters/repository/breaches";
import {
  closeTicketOnce,
  getTicket,
  listTickets,
  putTicket,
  type TicketRecord,
} from "../adapters/repository/tickets";
import { defaultCalendar } from "../core/calendar";
import type { Contract } from "../core/contract";
import {
  serviceLevelTerms,
  smsGatewayRepairSummary,
  TICKET_RULES,
  type TicketKind,
  ticketBreachId,
  ticketDeadline,
  ticketStanding,
} from "../core/service-levels";
import { formatInstant, type Period, periodOf, shanghaiDateOf } from "../core/time";
import { answerClock, startTicketClock } from "./obligation-clock";
import { contractOrReject, notInFuture, OperationRejectedError } from "./operation-input";

const KIND_WORDS: Record<TicketKind, string> = {
  "line-opening": "voice line opening",
  fault: "fault",
  "sms-gateway-fault": "SMS gateway fault",
  complaint: "complaint",
  "end-user-complaint": "end-user complaint",
};

function terms(contract: Contract) {
  return serviceLevelTerms(contract.rules.voiceLineOpeningWorkingDays.value);
}

/** A ticket id from its kind and the minute it opened (`fault-20251030T2230`), unless the operator names one. */
function ticketIdOf(kind: TicketKind, openedAt: Date): string {
  return `${kind}-${formatInstant(openedAt).slice(0, 16).replace(/[-:]/g, "")}`;
}

export async function openTicket(input: {
  contractId: string;
  kind: TicketKind;
  openedAt: Date;
  what: string;
  ticketId?: string;
}) {
  const { contract } = await contractOrReject(input.contractId);
  notInFuture(input.openedAt, "--at");
  const deadline = ticketDeadline(input.kind, input.openedAt, terms(contract), defaultCalendar());
  const ticket: TicketRecord = {
    ticketId: input.ticketId ?? ticketIdOf(input.kind, input.openedAt),
    kind: input.kind,
    openedAt: formatInstant(input.openedAt),
    dueAt: deadline.dueAt,
    provisional: deadline.provisional,
    what: input.what,
  };
  if (!(await putTicket(input.contractId, ticket))) {
    const existing = await getTicket(input.contractId, ticket.ticketId);
    if (existing?.openedAt !== ticket.openedAt || existing.kind !== ticket.kind)
      throw new OperationRejectedError(
        `ticket ${ticket.ticketId} already exists (${existing?.kind} opened ${existing?.openedAt})`,
      );
  }
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "operator",
      what: `${KIND_WORDS[input.kind]} ticket ${ticket.ticketId} opened at ${ticket.openedAt}: ${input.what}${ticket.dueAt ? ` — due ${ticket.dueAt}` : ""}`,
      rule: TICKET_RULES[input.kind].rule,
    },
    `ticket-open#${ticket.ticketId}`,
  );
  // R-SLA-1, R-SLA-2: the ObligationClock records a breach if the ticket is still open at its deadline.
  const clock =
    ticket.dueAt === null
      ? "none"
      : (await startTicketClock(input.contractId, ticket.ticketId, ticket.dueAt))
        ? "started"
        : "already-started";
  return { ...ticket, clock, party: TICKET_RULES[input.kind].party, clause: TICKET_RULES[input.kind].clause };
}

export async function closeTicket(input: {
  contractId: string;
  ticketId: string;
  closedAt: Date;
  travelMinutes: number;
}) {
  await contractOrReject(input.contractId);
  notInFuture(input.closedAt, "--at");
  const ticket = await getTicket(input.contractId, input.ticketId);
  if (!ticket)
    throw new OperationRejectedError(`unknown ticket ${input.ticketId} of contract ${input.contractId}`);
  if (input.closedAt.getTime() < Date.parse(ticket.openedAt))
    throw new OperationRejectedError(
      `--at ${formatInstant(input.closedAt)} is before the ticket opened (${ticket.openedAt})`,
    );
  if (input.travelMinutes > 0 && ticket.kind !== "sms-gateway-fault")
    throw new OperationRejectedError("--travel-minutes only applies to an SMS gateway fault (3.18)");
  const closedAt = formatInstant(input.closedAt);
  if (!(await closeTicketOnce(input.contractId, input.ticketId, closedAt, input.travelMinutes)))
    throw new OperationRejectedError(`ticket ${input.ticketId} was already closed at ${ticket.closedAt}`);
  const workflow = await answerClock((await getTicket(input.contractId, input.ticketId))?.clockToken);
  const standing = ticketStanding(
    { dueAt: ticket.dueAt, provisional: ticket.provisional },
    input.closedAt,
    input.closedAt,
  );
  const rule = TICKET_RULES[ticket.kind];
  if (standing === "late") {
    // R-BREACH-1: a late ticket is a breach of the party its clause binds; its cure clock waits for a notice.
    await putBreachEntry(input.contractId, {
      breachId: ticketBreachId(ticket.ticketId),
      rule: rule.rule,
      party: rule.party,
      what: `${KIND_WORDS[ticket.kind]} ${ticket.ticketId} (${ticket.what}) closed ${closedAt}, due ${ticket.dueAt}`,
      detectedOn: shanghaiDateOf(input.closedAt),
    });
  }
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "operator",
      what: `ticket ${ticket.ticketId} closed at ${closedAt}: ${standing}${standing === "late" ? ` — breach ${ticketBreachId(ticket.ticketId)} of Party ${rule.party} in the register` : ""}`,
      rule: rule.rule,
    },
    `ticket-close#${ticket.ticketId}`,
  );
  return {
    ticketId: ticket.ticketId,
    kind: ticket.kind,
    openedAt: ticket.openedAt,
    dueAt: ticket.dueAt,
    closedAt,
    standing,
    party: rule.party,
    workflow,
  };
}

/**
 * The tickets opened or closed in a month with their standing at the month's end (or now, if earlier), and
 * the month's SMS-gateway average repair time against 6 hours (R-SLA-2, 3.18).
 */
export async function serviceLevelSummary(input: { contractId: string; period: Period }) {
  const { contract } = await contractOrReject(input.contractId);
  return summarizeServiceLevels(contract, await listTickets(input.contractId), input.period, now());
}

/**
 * `serviceLevelSummary` of the contract's tickets already read: a view of many months (the run report, the
 * console's contract page) reads them once rather than once a month.
 */
export function summarizeServiceLevels(
  contract: Contract,
  allTickets: readonly TicketRecord[],
  period: Period,
  asOf: Date,
) {
  const inPeriod = (instant: string | undefined) =>
    instant !== undefined && periodOf(shanghaiDateOf(new Date(instant))) === period;
  const tickets = allTickets.filter((t) => inPeriod(t.openedAt) || inPeriod(t.closedAt));
  const gateway = smsGatewayRepairSummary(
    tickets
      .filter((t) => t.kind === "sms-gateway-fault" && inPeriod(t.closedAt))
      .map((t) => ({
        openedAt: new Date(t.openedAt),
        closedAt: new Date(t.closedAt as string),
        travelMinutes: t.travelMinutes ?? 0,
      })),
    terms(contract),
  );
  return {
    period,
    // The clock's task token stays in the table (never shown).
    tickets: tickets.map(({ clockToken: _token, ...t }) => ({
      ...t,
      party: TICKET_RULES[t.kind].party,
      standing: ticketStanding(
        { dueAt: t.dueAt, provisional: t.provisional },
        t.closedAt ? new Date(t.closedAt) : undefined,
        asOf,
      ),
    })),
    smsGateway: gateway,
  };
}
