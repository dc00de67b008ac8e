/**
 * The breach register (违约登记) as operators keep it: the breaches the monthly cycle detects (late bill,
 * payment, invoice) and any other breach a party notices in writing, each with its written notice, cure or
 * objection (R-BREACH-1); Party B's liability cap from the ledger (R-LIAB-1); force majeure events (R-FM-1).
 * Every command checks its input fully before it writes, writes once, and audits who did it.
 */

import { now } from "../adapters/clock";
import { appendAuditEvent, type CycleRecord, ledgerEntries, listCycles } from "../adapters/repository";
import {
  breachEntries,
  forceMajeureEvents,
  getBreachEntry,
  putBreachEntry,
  putForceMajeure,
  type StoredBreachEntry,
  setBreachAnswerOnce,
  setBreachNoticeOnce,
  setForceMajeureFieldOnce,
} from "../adapters/repository/breaches";
import { listTickets } from "../adapters/repository/tickets";
import {
  ARBITRATION_BODY,
  type BreachEntry,
  type BreachParty,
  breachNotice,
  breachStanding,
  type ForceMajeureTerms,
  forceMajeureStanding,
  liabilityCapFen,
} from "../core/breach-register";
import type { Contract } from "../core/contract";
import { formatFen } from "../core/money";
import type { DeliveryMethod, DeliveryRegion } from "../core/notices";
import { TICKET_RULES, ticketBreachId, ticketStanding } from "../core/service-levels";
import { endOfDay, type LocalDate, shanghaiDateOf } from "../core/time";
import { answerClock, startCureClock } from "./obligation-clock";
import { contractOrReject, OperationRejectedError } from "./operation-input";
import { renewalRules } from "./rules";

/** A breach the monthly cycle detected is `<period>:<rule>`, e.g. `2025-09:R-PAY-1`. */
export function detectedId(cycle: CycleRecord, rule: string): string {
  return `${cycle.period}:${rule}`;
}

/**
 * What the system detects by itself as of the end of `asOf`: the monthly cycle's late bill, payment and
 * invoice, and service-level tickets still open past their deadline (R-SLA-1, R-SLA-2; a ticket closed late
 * is written to the register when it is closed).
 */
async function detectedBreaches(contractId: string, asOf: LocalDate): Promise<StoredBreachEntry[]> {
  const fromCycles = (await listCycles(contractId)).flatMap((cycle) =>
    (cycle.breaches ?? []).map((breach) => ({
      breachId: detectedId(cycle, breach.rule),
      rule: breach.rule,
      party: breach.party,
      what: breach.what,
      detectedOn: shanghaiDateOf(new Date(breach.noticedAt)),
    })),
  );
  const end = endOfDay(asOf);
  const overdue = (await listTickets(contractId)).flatMap((ticket) => {
    const standing = ticketStanding({ dueAt: ticket.dueAt, provisional: ticket.provisional }, undefined, end);
    if (ticket.closedAt !== undefined || standing !== "overdue" || ticket.dueAt === null) return [];
    const rule = TICKET_RULES[ticket.kind];
    return [
      {
        breachId: ticketBreachId(ticket.ticketId),
        rule: rule.rule,
        party: rule.party,
        what: `${ticket.kind} ${ticket.ticketId} (${ticket.what}) still open after ${ticket.dueAt}`,
        detectedOn: shanghaiDateOf(new Date(ticket.dueAt)),
      },
    ];
  });
  return [...fromCycles, ...overdue];
}

/** The register's entries: detected breaches, overlaid by what was recorded against them, then the others. */
async function registerEntries(contractId: string, asOf: LocalDate): Promise<StoredBreachEntry[]> {
  const recorded = new Map((await breachEntries(contractId)).map((e) => [e.breachId, e]));
  const detected = await detectedBreaches(contractId, asOf);
  const detectedIds = new Set(detected.map((e) => e.breachId));
  return [
    ...detected.map((e) => recorded.get(e.breachId) ?? e),
    ...[...recorded.values()].filter((e) => !detectedIds.has(e.breachId)),
  ];
}

export interface BreachNoticeInput {
  contractId: string;
  breachId: string;
  method: DeliveryMethod;
  region: DeliveryRegion | null;
  /** Dispatch day (express, registered) or the day of receipt (personal: signed; fax: report). */
  sentOn: LocalDate;
  /** For a breach the system did not detect: what, whose, of which rule. */
  rule?: string;
  party?: BreachParty;
  what?: string;
}

/**
 * R-BREACH-1, R-NOTICE-2: records a written breach notice; the cure period runs from its deemed receipt
 * (9.3). A breach the cycle detected is named by its id; any other needs its rule, party and description.
 */
export async function recordBreachNotice(input: BreachNoticeInput) {
  const record = await contractOrReject(input.contractId);
  const known =
    (await getBreachEntry(input.contractId, input.breachId)) ??
    (await detectedBreaches(input.contractId, shanghaiDateOf(now()))).find(
      (e) => e.breachId === input.breachId,
    );
  let entry: StoredBreachEntry;
  if (known) {
    // The same description again is a retry of the command that created the entry.
    const differs =
      (input.rule !== undefined && input.rule !== known.rule) ||
      (input.party !== undefined && input.party !== known.party) ||
      (input.what !== undefined && input.what !== known.what);
    if (differs) {
      throw new OperationRejectedError(
        `breach ${input.breachId} is already in the register as ${known.rule}, Party ${known.party}: "${known.what}"`,
      );
    }
    entry = known;
  } else {
    if (input.rule === undefined || input.party === undefined || input.what === undefined) {
      throw new OperationRejectedError(
        `breach ${input.breachId} is not in the register: a new breach needs --rule, --party and --what`,
      );
    }
    entry = { breachId: input.breachId, rule: input.rule, party: input.party, what: input.what };
  }
  const today = shanghaiDateOf(now());
  if (input.sentOn > today)
    throw new OperationRejectedError(`the notice's day ${input.sentOn} is in the future`);
  const notice = breachNotice({
    method: input.method,
    region: input.region,
    sentOn: input.sentOn,
    cureDays: record.contract.rules.breachCureDays.value,
    table: renewalRules(record.contract).deemedDeliveryDays,
  });
  await putBreachEntry(input.contractId, entry);
  if (!(await setBreachNoticeOnce(input.contractId, entry.breachId, notice))) {
    throw new OperationRejectedError(
      `a different written notice of breach ${entry.breachId} was already recorded`,
    );
  }
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "operator",
      what: `written breach notice recorded for ${entry.breachId} (${entry.rule}, Party ${entry.party}): ${notice.method}${notice.region ? `/${notice.region}` : ""} ${notice.sentOn}, received ${notice.receivedOn}, cure or objection due ${notice.cureDeadline}`,
      rule: "R-BREACH-1",
      details: { breachId: entry.breachId, cureDeadline: notice.cureDeadline },
    },
    `breach-notice#${entry.breachId}`,
  );
  // R-BREACH-1: the ObligationClock reminds the day before and records the lapse at the deadline.
  const clock = (await startCureClock(input.contractId, entry.breachId, notice))
    ? "started"
    : "already-started";
  return { breachId: entry.breachId, rule: entry.rule, party: entry.party, ...notice, clock };
}

/** R-BREACH-1: the breaching party's written cure confirmation or objection, received on `on`. */
export async function recordBreachAnswer(input: {
  contractId: string;
  breachId: string;
  answer: "cure" | "objection";
  on: LocalDate;
}) {
  await contractOrReject(input.contractId);
  const entry = await getBreachEntry(input.contractId, input.breachId);
  if (!entry?.notice) {
    throw new OperationRejectedError(
      `breach ${input.breachId} has no written notice recorded: record it first (record-breach-notice); the cure period runs from its receipt`,
    );
  }
  if (input.on > shanghaiDateOf(now())) throw new OperationRejectedError(`--on ${input.on} is in the future`);
  if (input.on < entry.notice.receivedOn) {
    throw new OperationRejectedError(
      `--on ${input.on} is before the notice was received (${entry.notice.receivedOn})`,
    );
  }
  const field = input.answer === "cure" ? "curedOn" : "objectedOn";
  if (!(await setBreachAnswerOnce(input.contractId, input.breachId, field, input.on))) {
    throw new OperationRejectedError(
      `breach ${input.breachId} already has ${entry.curedOn ? `a cure recorded (${entry.curedOn})` : entry.objectedOn ? `an objection recorded (${entry.objectedOn})` : "an answer recorded"}`,
    );
  }
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "operator",
      what: `${input.answer === "cure" ? "cure confirmed in writing" : "written objection received"} for breach ${input.breachId} on ${input.on}${input.on > entry.notice.cureDeadline ? ` — after the cure deadline ${entry.notice.cureDeadline}` : ""}`,
      rule: "R-BREACH-1",
      details: { breachId: input.breachId },
    },
    `breach-${input.answer}#${input.breachId}`,
  );
  const workflow = await answerClock((await getBreachEntry(input.contractId, input.breachId))?.clockToken);
  const updated: BreachEntry = { ...entry, [field]: input.on };
  return { breachId: input.breachId, ...breachStanding(updated, input.on), workflow };
}

/** R-FM-1: a force majeure event, its end once known and the written request to negotiate. */
export async function recordForceMajeure(input: {
  contractId: string;
  from: LocalDate;
  to: LocalDate | null;
  what: string;
  negotiationRequestedOn: LocalDate | null;
  asOf: LocalDate;
}) {
  const record = await contractOrReject(input.contractId);
  if (input.to !== null && input.to < input.from)
    throw new OperationRejectedError(`--to ${input.to} is before --from ${input.from}`);
  if (input.negotiationRequestedOn !== null && input.negotiationRequestedOn < input.from) {
    throw new OperationRejectedError(
      `--negotiation-requested ${input.negotiationRequestedOn} is before the event began (${input.from})`,
    );
  }
  const created = await putForceMajeure(input.contractId, {
    from: input.from,
    to: input.to,
    what: input.what,
    negotiationRequestedOn: input.negotiationRequestedOn,
  });
  if (!created) {
    for (const field of ["to", "negotiationRequestedOn"] as const) {
      const value = input[field];
      if (value !== null && !(await setForceMajeureFieldOnce(input.contractId, input.from, field, value))) {
        throw new OperationRejectedError(
          `the force majeure event from ${input.from} already has a different ${field === "to" ? "end (--to)" : "negotiation request (--negotiation-requested)"}`,
        );
      }
    }
  }
  await appendAuditEvent({
    contractId: input.contractId,
    who: "operator",
    what: `force majeure from ${input.from}${input.to ? ` to ${input.to}` : " (ongoing)"}: ${input.what}${input.negotiationRequestedOn ? `; written request to negotiate sent ${input.negotiationRequestedOn}` : ""}`,
    rule: "R-FM-1",
  });
  const event = (await forceMajeureEvents(input.contractId)).find((e) => e.from === input.from);
  if (!event) throw new Error(`force majeure event from ${input.from} vanished after it was written`);
  return { ...event, ...forceMajeureStanding(event, forceMajeureTerms(record.contract), input.asOf) };
}

function forceMajeureTerms(contract: Contract): ForceMajeureTerms {
  return {
    forceMajeureDays: contract.rules.forceMajeureDays.value,
    forceMajeureNegotiationDays: contract.rules.forceMajeureNegotiationDays.value,
  };
}

/**
 * The register as of the end of `asOf`: every entry's standing (R-BREACH-1), Party B's liability cap
 * (R-LIAB-1, 5.3) and the force majeure events (R-FM-1).
 */
export async function breachRegister(input: { contractId: string; asOf: LocalDate }) {
  const record = await contractOrReject(input.contractId);
  const entries = (await registerEntries(input.contractId, input.asOf)).filter(
    (e) => e.detectedOn === undefined || e.detectedOn <= input.asOf,
  );
  const capFen = liabilityCapFen(await ledgerEntries(input.contractId), input.asOf);
  const terms = forceMajeureTerms(record.contract);
  return {
    contractId: input.contractId,
    asOf: input.asOf,
    /** R-LIAB-1: yuan with 2 decimals (R-MONEY-1). */
    liabilityCap: formatFen(capFen),
    arbitration: ARBITRATION_BODY,
    breaches: entries.map((entry) => ({
      breachId: entry.breachId,
      rule: entry.rule,
      party: entry.party,
      what: entry.what,
      detectedOn: entry.detectedOn ?? null,
      notice: entry.notice ?? null,
      curedOn: entry.curedOn ?? null,
      objectedOn: entry.objectedOn ?? null,
      ...breachStanding(entry, input.asOf),
    })),
    forceMajeure: (await forceMajeureEvents(input.contractId))
      .filter((event) => event.from <= input.asOf)
      .map((event) => ({ ...event, ...forceMajeureStanding(event, terms, input.asOf) })),
  };
}
