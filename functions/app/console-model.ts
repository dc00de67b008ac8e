/**
 * The console's read model (architecture §9): what each contract waits for, from whom, until when, and
 * under which rule; each contract's periods, ledger, emails, terms and breaches. Read-only over the same
 * table the workflows write, so it answers alike on the embedded stack and on AWS.
 */
import * as z from "zod";
import {
  type AuditEvent,
  auditHistory,
  type ContractRecord,
  type CycleRecord,
  getContract,
  getTerm,
  ledgerEntries,
  listContracts,
  listCycles,
  type OutboxRecord,
  outboxEmails,
  type TermRecord,
} from "../adapters/repository";
import { type ContractBalance, contractBalance, type LedgerEntry } from "../core/ledger";
import { type Statement, statementSchema } from "../core/statement";
import { endOfDay, formatInstant, type LocalDate } from "../core/time";
import { type ContractObligations, contractObligations } from "./console-obligations";
import { type PortThrottleView, portThrottle } from "./console-throttle";
import type { Awaiting } from "./cycle/waits";

/**
 * What an open task waits for: what a cycle's callback steps await (Party A's reply or payment, the
 * agreed amount, Party B's invoice), and before them Party B's bill, or the usage file a held bill waits for; beside them a written notice, an open
 * service ticket (R-SLA-1, R-SLA-2) and a breach's cure or objection within its cure period (R-BREACH-1).
 */
export type TaskWaitsFor =
  | Awaiting
  | "bill"
  | "usage-file"
  | "non-renewal-notice"
  | "ticket"
  | "breach-answer";

export interface OpenTask {
  contractId: string;
  period: string | null;
  waitsFor: TaskWaitsFor;
  /** Who owes it: the party whose step it is ("either" for a notice either side may give). */
  owedBy: "A" | "B" | "either";
  deadline: string | null;
  /** The rule that sets the deadline; the console names its clause in words beside it. */
  rule: string;
  overdue: boolean;
}

const overdue = (deadline: string | null, at: Date) =>
  deadline !== null && Date.parse(deadline) < at.getTime();

/** A bill of 0.00 or less is sent for information: nothing to pay or invoice (R-TRIAL-1). */
const nothingToPay = (cycle: CycleRecord) => cycle.billTotalFen <= 0n;

/** Every task a cycle still waits for; re-reconciliation runs beside the payment (R-RECON-3, R-RECON-4). */
export function openTasksOfCycle(cycle: CycleRecord, at: Date): OpenTask[] {
  if (cycle.closedAt) return [];
  const task = (
    waitsFor: TaskWaitsFor,
    owedBy: OpenTask["owedBy"],
    deadline: string | null,
    rule: string,
  ) => ({
    contractId: cycle.contractId,
    period: cycle.period,
    waitsFor,
    owedBy,
    deadline,
    rule,
    overdue: overdue(deadline, at),
  });
  if (!cycle.sentAt) return [task("bill", "B", cycle.billDue, "R-BILL-1")];
  if (!cycle.reconciliation)
    return [task("reconciliation-reply", "A", cycle.reconciliationDeadline ?? null, "R-RECON-1")];
  const tasks: OpenTask[] = [];
  if (cycle.reconciliation.outcome === "re-reconcile" && !cycle.agreed) {
    tasks.push(task("agreed-amount", "B", cycle.reReconciliationDeadline ?? null, "R-RECON-3"));
  }
  if (nothingToPay(cycle)) return tasks;
  if (!cycle.payment) tasks.push(task("payment", "A", cycle.paymentDue ?? null, "R-PAY-1"));
  else if (!cycle.invoice) tasks.push(task("invoice", "B", cycle.payment.invoiceDue, "R-INV-1"));
  return tasks;
}

/** What the bill step records when it holds a bill for a missing usage file (R-BILL-1, ADR 0044). */
export const usageHoldDetailsSchema = z.object({
  missingUsage: z.array(z.string()),
  /** The last working day's check: after it the bill goes out with what was received. */
  lastCheckAt: z.string(),
});

/**
 * A bill held for a missing usage file (R-BILL-1, ADR 0044) has no cycle record yet: it waits for Party B's
 * staff to upload the file until the last check, read from the hold's audit event.
 */
export function openTasksOfHeldBills(
  contractId: string,
  history: readonly AuditEvent[],
  cycles: readonly CycleRecord[],
  at: Date,
): OpenTask[] {
  const billed = new Set(cycles.map((c) => c.period));
  return history.flatMap((event) => {
    const hold = usageHoldDetailsSchema.safeParse(event.details);
    if (!hold.success || event.period === undefined || billed.has(event.period)) return [];
    return [
      {
        contractId,
        period: event.period,
        waitsFor: "usage-file" as const,
        owedBy: "B" as const,
        deadline: hold.data.lastCheckAt,
        rule: "R-BILL-1",
        overdue: overdue(hold.data.lastCheckAt, at),
      },
    ];
  });
}

/** A term still open to a non-renewal notice (R-TERM-3): either party may give one until the deadline. */
export function openTaskOfTerm(term: TermRecord | undefined): OpenTask[] {
  if (!term || term.outcome || term.notice) return [];
  return [
    {
      contractId: term.contractId,
      period: null,
      waitsFor: "non-renewal-notice",
      owedBy: "either",
      deadline: term.noticeDeadline,
      rule: "R-TERM-3",
      // Nobody owes a notice: past its deadline the term simply renews (R-TERM-2).
      overdue: false,
    },
  ];
}

/** An open ticket waits for the party its clause binds until its deadline (R-SLA-1, R-SLA-2, 2.26, 3.3, 3.4). */
export function openTasksOfTickets(
  contractId: string,
  tickets: ContractObligations["tickets"],
  at: Date,
): OpenTask[] {
  return tickets
    .filter((ticket) => ticket.closedAt === undefined && ticket.dueAt !== null)
    .map((ticket) => ({
      contractId,
      period: null,
      waitsFor: "ticket" as const,
      owedBy: ticket.party,
      deadline: ticket.dueAt,
      rule: ticket.kind === "line-opening" ? "R-SLA-1" : "R-SLA-2",
      overdue: overdue(ticket.dueAt, at),
    }));
}

/**
 * A breach whose written notice has started the cure period waits for the breaching party's written cure
 * or objection until the end of the cure deadline (R-BREACH-1, 5.1); once lapsed it is the register's.
 */
export function openTasksOfBreaches(
  contractId: string,
  register: ContractObligations["register"],
): OpenTask[] {
  return register.breaches
    .filter((b) => (b.state === "cure-period" || b.state === "notice-in-transit") && b.cureDeadline !== null)
    .map((b) => ({
      contractId,
      period: null,
      waitsFor: "breach-answer" as const,
      owedBy: b.party,
      deadline: formatInstant(endOfDay(b.cureDeadline as LocalDate)),
      rule: "R-BREACH-1",
      overdue: false,
    }));
}

const obligationTasks = (contractId: string, o: ContractObligations, at: Date) => [
  ...openTasksOfTickets(contractId, o.tickets, at),
  ...openTasksOfBreaches(contractId, o.register),
];

/** Overdue first, then the nearest deadline first. */
export function byUrgency(a: OpenTask, b: OpenTask): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  return (a.deadline ?? "9999").localeCompare(b.deadline ?? "9999");
}

/** A breach register entry (R-BREACH-1) of a contract, as the overview lists them across contracts. */
export type BreachRow = ContractObligations["register"]["breaches"][number] & { contractId: string };

export interface ContractSummary {
  record: ContractRecord;
  currentPeriod: string | null;
  /** The latest cycle's state in a few words (machine-readable; the page translates it). */
  state: "no-bill-yet" | "open" | "closed" | "ended";
  tasks: OpenTask[];
  breaches: BreachRow[];
  unsentEmails: OutboxRecord[];
}

export interface Overview {
  contracts: ContractSummary[];
  tasks: OpenTask[];
  breaches: BreachRow[];
}

export async function contractsOverview(at: Date): Promise<Overview> {
  const contracts: ContractSummary[] = [];
  for (const record of await listContracts()) {
    const cycles = await listCycles(record.contractId);
    const latest = cycles.at(-1);
    const term = await getTerm(record.contractId, record.term);
    const obligations = await contractObligations(record.contract, at);
    const held = openTasksOfHeldBills(record.contractId, await auditHistory(record.contractId), cycles, at);
    const tasks = [
      ...held,
      ...cycles.flatMap((c) => openTasksOfCycle(c, at)),
      ...(record.status === "active" ? openTaskOfTerm(term) : []),
      ...obligationTasks(record.contractId, obligations, at),
    ].sort(byUrgency);
    contracts.push({
      record,
      currentPeriod: held[0]?.period ?? cycles.find((c) => !c.closedAt)?.period ?? latest?.period ?? null,
      state:
        record.status === "ended"
          ? "ended"
          : held.length > 0 || cycles.some((c) => !c.closedAt)
            ? "open"
            : !latest
              ? "no-bill-yet"
              : "closed",
      tasks,
      breaches: obligations.register.breaches.map((b) => ({ ...b, contractId: record.contractId })),
      unsentEmails: (await outboxEmails(record.contractId)).filter((e) => e.state !== "sent"),
    });
  }
  return {
    contracts,
    tasks: contracts.flatMap((c) => c.tasks).sort(byUrgency),
    // The latest detected or noticed first; a breach noticed in writing only has its notice's day.
    breaches: contracts
      .flatMap((c) => c.breaches)
      .sort((a, b) =>
        (b.detectedOn ?? b.notice?.receivedOn ?? "").localeCompare(
          a.detectedOn ?? a.notice?.receivedOn ?? "",
        ),
      ),
  };
}

export interface PeriodDetail {
  cycle: CycleRecord;
  /** The bill as prepared; null when the stored statement does not read as one. */
  statement: Statement | null;
  tasks: OpenTask[];
}

export interface ReceivedReply {
  sesMessageId: string;
  period: string | null;
  at: string;
  what: string;
}

export interface ContractDetail {
  record: ContractRecord;
  periods: PeriodDetail[];
  ledger: LedgerEntry[];
  balance: ContractBalance;
  emails: OutboxRecord[];
  received: ReceivedReply[];
  terms: TermRecord[];
  termTask: OpenTask[];
  /** Bills held for a missing usage file: no cycle record yet (ADR 0044). */
  heldBillTasks: OpenTask[];
  /** Open tickets and breaches in their cure period. */
  obligationTasks: OpenTask[];
  obligations: ContractObligations;
  /** The SMS port's rate on every day of each period, from the stored complaints feed (R-THROTTLE-1). */
  throttle: PortThrottleView;
  history: AuditEvent[];
}

/**
 * Records a caller has just read and hands over instead of their being read again (ADR 0057): `npm start`'s
 * report reads them after the run, with the stack quiescent, so they are what a read here would return.
 */
export interface ContractReads {
  cycles: CycleRecord[];
  history: AuditEvent[];
}

export async function contractDetail(
  contractId: string,
  at: Date,
  read?: ContractReads,
): Promise<ContractDetail> {
  const record = await getContract(contractId);
  const cycles = read?.cycles ?? (await listCycles(contractId));
  const ledger = await ledgerEntries(contractId);
  const terms: TermRecord[] = [];
  for (let term = 1; term <= record.term + 1; term++) {
    const found = await getTerm(contractId, term);
    if (found) terms.push(found);
  }
  const history = read?.history ?? (await auditHistory(contractId));
  const obligations = await contractObligations(record.contract, at);
  const received = new Map<string, ReceivedReply>();
  for (const event of history) {
    const id = event.details?.sesMessageId;
    if (event.who === "party-a" && typeof id === "string" && !received.has(id)) {
      received.set(id, { sesMessageId: id, period: event.period ?? null, at: event.at, what: event.what });
    }
  }
  return {
    record,
    periods: cycles.map((cycle) => {
      const parsed = statementSchema.safeParse(cycle.statement);
      return { cycle, statement: parsed.success ? parsed.data : null, tasks: openTasksOfCycle(cycle, at) };
    }),
    ledger,
    balance: contractBalance(ledger),
    emails: await outboxEmails(contractId),
    received: [...received.values()],
    terms,
    termTask: record.status === "active" ? openTaskOfTerm(terms.find((t) => t.term === record.term)) : [],
    heldBillTasks: openTasksOfHeldBills(contractId, history, cycles, at),
    obligations,
    obligationTasks: obligationTasks(contractId, obligations, at),
    throttle: await portThrottle(
      record.contract,
      cycles.map((c) => c.period),
      at,
    ),
    history,
  };
}
