/**
 * The monthly cycle's steps (architecture §4): each function is what one Lambda of the MonthlyCycle
 * state machine does. Every step is safe to run twice: a conditional write decides whether it happens,
 * and emails go through the outbox.
 */

import { now } from "../adapters/clock";
import { logger } from "../adapters/logger";
import { replyAddress, sendEmail } from "../adapters/mailer";
import {
  appendAuditEvent,
  appendBreachOnce,
  type Breach,
  type CycleRecord,
  closeReplyKey,
  createCycle,
  findCycle,
  getContract,
  getCycle,
  getLedgerEntry,
  getReplyKey,
  ledgerEntries,
  listCycles,
  newReplyKey,
  putLedgerEntry,
  putReplyKey,
  setCycleFieldsOnce,
  setCycleToken,
} from "../adapters/repository";
import { openUsage } from "../adapters/usage-store";
import { completeTask } from "../adapters/workflow";
import { budgetThresholdsReached } from "../core/budget";
import type { Contract } from "../core/contract";
import {
  billDue,
  breachCureDeadline,
  paymentDue,
  reconciliationDue,
  reconciliationReminderDate,
  reReconciliationDue,
} from "../core/deadlines";
import { type Carried, pendingCarries } from "../core/ledger";
import { formatMoney, moneyFromFen, moneyToFen, parseMoney, sumMoney, ZERO } from "../core/money";
import { rateUsage } from "../core/rating";
import { atTimeOfDay, formatInstant, shanghaiDateOf } from "../core/time";
import { emails } from "./email-views";
import { deadlineRules, REMINDER_TIME } from "./rules";
import { settleContract } from "./settlement";

const instant = (date: Date) => formatInstant(date);

// --- Rate usage and prepare the bill (R-PRICE-1..3, R-SMS-1, R-TRIAL-1, R-UPLINK-1, R-RECON-4) --------

export async function prepareBill(input: { contractId: string; period: string }) {
  const existing = await findCycle(input.contractId, input.period);
  if (existing) {
    // A crash after the bill was written but before its audit event: the retry finishes the step.
    await appendAuditEvent(
      {
        contractId: input.contractId,
        period: input.period,
        who: "system",
        what: `bill prepared: total ${existing.billTotal}`,
        rule: "R-BILL-1",
        details: { billId: existing.billId },
      },
      `bill-prepared#${input.period}`,
    );
    return billSummary(existing);
  }
  const record = await getContract(input.contractId);
  const contract = record.contract;
  // ADR 0010: the bill carries what the ledger has not billed yet (agreed differences, credits). The
  // charge entry fixes what this bill carries; a concurrent or retried run re-rates with the same.
  const chargeId = `${input.period}#charge`;
  const entries = await ledgerEntries(input.contractId);
  const pending =
    entries.find((e) => e.entryId === chargeId)?.carried ?? pendingCarries(entries, input.period);
  let statement = await rateWith(contract, input.period, pending);
  await putLedgerEntry(input.contractId, {
    entryId: chargeId,
    period: input.period,
    kind: "charge",
    amountFen: moneyToFen(parseMoney(statement.total)),
    at: instant(now()),
    recordedAt: instant(now()),
    who: "system",
    carried: pending,
  });
  const charge = await getLedgerEntry(input.contractId, chargeId);
  if (charge && !sameCarries(charge.carried ?? [], pending)) {
    statement = await rateWith(contract, input.period, charge.carried ?? []);
  }
  const due = billDue(input.period, deadlineRules(contract));
  const cycle: CycleRecord = {
    contractId: input.contractId,
    period: input.period,
    billId: `${input.contractId}-${input.period}`,
    billTotal: statement.total,
    billDue: due.at,
    billDueProvisional: due.provisional,
    statement,
    lastPeriod:
      record.status === "ended" && record.endedOn !== undefined && record.endedOn.startsWith(input.period),
  };
  await createCycle(cycle);
  const prepared = await getCycle(input.contractId, input.period);
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "system",
      what: `bill prepared: total ${prepared.billTotal}`,
      rule: "R-BILL-1",
      details: { billId: prepared.billId, rejectedRecords: statement.rejectedCount },
    },
    `bill-prepared#${input.period}`,
  );
  return billSummary(prepared);
}

const CARRY_LINE = {
  adjustment: { description: "对账差异调整", rule: "R-RECON-4" },
  credit: { description: "多付款结转", rule: "R-PAY-1" },
} as const;

async function rateWith(contract: Contract, period: string, carried: readonly Carried[]) {
  const [voice, sms] = await Promise.all([
    openUsage(contract.contractId, period, "voice"),
    openUsage(contract.contractId, period, "sms"),
  ]);
  return rateUsage({
    contract,
    period,
    ...(voice ? { voice } : {}),
    ...(sms ? { sms } : {}),
    adjustments: carried.map((c) => ({
      ...CARRY_LINE[c.kind],
      amount: moneyFromFen(c.amountFen),
      fromPeriod: c.sourcePeriod,
    })),
  });
}

const sameCarries = (a: readonly Carried[], b: readonly Carried[]) =>
  a.length === b.length &&
  a.every(
    (c, i) =>
      c.kind === b[i]?.kind && c.sourcePeriod === b[i]?.sourcePeriod && c.amountFen === b[i]?.amountFen,
  );

function billSummary(cycle: CycleRecord) {
  return {
    billId: cycle.billId,
    billTotal: cycle.billTotal,
    billDue: cycle.billDue,
    lastPeriod: cycle.lastPeriod,
  };
}

// --- Send the bill to Party A (R-BILL-1, R-RECON-1, R-PAY-1) ----------------------------------------

export async function sendBill(input: { contractId: string; period: string }) {
  const { contract } = await getContract(input.contractId);
  let cycle = await getCycle(input.contractId, input.period);
  if (!cycle.replyKey) {
    // The email's sending is its receipt (R-BILL-1 → R-RECON-1, R-PAY-1 count from it).
    const sentAt = now();
    const rules = deadlineRules(contract);
    const reconciliation = reconciliationDue(sentAt, rules);
    const reminderDay = reconciliationReminderDate(reconciliation);
    const reminderAt = atTimeOfDay(reminderDay.date, REMINDER_TIME);
    const payment = paymentDue(sentAt, rules);
    await setCycleFieldsOnce(input.contractId, input.period, "replyKey", {
      replyKey: newReplyKey(),
      sentAt: instant(sentAt),
      reconciliationDeadline: reconciliation.at,
      reminderAt: reminderAt.getTime() > sentAt.getTime() ? instant(reminderAt) : null,
      paymentDue: payment.at,
      lateBill: sentAt.getTime() > Date.parse(cycle.billDue),
    });
    cycle = await getCycle(input.contractId, input.period);
  }
  const replyKey = cycle.replyKey as string;
  const rendered = emails.statement(contract, cycle);
  await sendEmail({
    contractId: input.contractId,
    emailKey: `statement#${input.period}`,
    to: [contract.parties.partyA.contact.email],
    replyTo: replyAddress(replyKey),
    ...rendered,
  });
  // R-TRIAL-1: a bill of 0.00 or less is sent for information; no payment, no invoice, no breach arises.
  const paymentExpected = parseMoney(cycle.billTotal).fen > 0n;
  if (cycle.lateBill && paymentExpected) {
    await recordBreachOnce(contract, cycle, {
      rule: "R-BILL-1",
      party: "B",
      what: `bill for ${input.period} sent after its due date ${cycle.billDue}`,
    });
  }
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "system",
      what: "bill emailed to Party A's contact",
      rule: "R-BILL-1",
      details: { sentAt: cycle.sentAt, reconciliationDeadline: cycle.reconciliationDeadline },
    },
    `bill-sent#${input.period}`,
  );
  return {
    sentAt: cycle.sentAt as string,
    reminderAt: cycle.reminderAt ?? null,
    reconciliationDeadline: cycle.reconciliationDeadline as string,
    paymentDue: cycle.paymentDue as string,
    lateBill: cycle.lateBill === true,
    paymentExpected,
  };
}

// --- Token waits: register the task token where the answer will find it -----------------------------

export type Awaiting = "reconciliation-reply" | "agreed-amount" | "payment" | "invoice";

/**
 * Stores the token of a waiting task. If the awaited fact was recorded before the wait began (a payment
 * recorded while the reconciliation was still open, a reply that raced a timeout), the task is completed
 * at once with it: the write-then-read order on both sides guarantees one of them sees the other.
 */
export async function awaitCycleCallback(input: {
  contractId: string;
  period: string;
  awaiting: Awaiting;
  taskToken: string;
}): Promise<{ registered: true }> {
  const { contractId, period, awaiting, taskToken } = input;
  if (awaiting === "reconciliation-reply") {
    const cycle = await getCycle(contractId, period);
    const replyKey = cycle.replyKey as string;
    const existing = await getReplyKey(replyKey);
    await putReplyKey(
      {
        replyKey,
        contractId,
        period,
        taskToken,
        open: existing?.open ?? true,
        deadline: cycle.reconciliationDeadline as string,
      },
      new Date(Date.parse(cycle.reconciliationDeadline as string) + 400 * 86_400_000),
    );
    const decided = (await getCycle(contractId, period)).reconciliation;
    if (decided) await completeTask(taskToken, decided);
    return { registered: true };
  }
  await setCycleToken(contractId, period, awaiting, taskToken);
  const cycle = await getCycle(contractId, period);
  const already = awaitedFact(cycle, awaiting);
  if (already) await completeTask(taskToken, already);
  return { registered: true };
}

function awaitedFact(cycle: CycleRecord, awaiting: Exclude<Awaiting, "reconciliation-reply">): unknown {
  if (awaiting === "payment") return cycle.payment;
  if (awaiting === "invoice") return cycle.invoice;
  return cycle.agreed && "agreedAmount" in cycle.agreed ? cycle.agreed : undefined;
}

// --- Remind Party A that the reconciliation is due (R-RECON-5) ---------------------------------------

export async function sendReconciliationReminder(input: { contractId: string; period: string }) {
  const cycle = await getCycle(input.contractId, input.period);
  if (cycle.reconciliation) return { sent: false };
  const { contract } = await getContract(input.contractId);
  const rendered = emails.reconciliationReminder(contract, cycle);
  const { sent } = await sendEmail({
    contractId: input.contractId,
    emailKey: `reconciliation-reminder#${input.period}`,
    to: [contract.parties.partyA.contact.email],
    replyTo: replyAddress(cycle.replyKey as string),
    ...rendered,
  });
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "system",
      what: "reconciliation reminder sent",
      rule: "R-RECON-5",
    },
    `reconciliation-reminder#${input.period}`,
  );
  return { sent };
}

// --- Deadlines that passed without the awaited fact --------------------------------------------------

export type Missed = "reconciliation-reply" | "agreed-amount" | "payment" | "invoice";

export async function recordMissedDeadline(input: { contractId: string; period: string; missed: Missed }) {
  const { contractId, period, missed } = input;
  const { contract } = await getContract(contractId);
  const cycle = await getCycle(contractId, period);
  switch (missed) {
    case "reconciliation-reply": {
      // R-RECON-5: no reply by the deadline → the bill is deemed accepted.
      const recorded = await setCycleFieldsOnce(contractId, period, "reconciliation", {
        reconciliation: { outcome: "no-reply" },
      });
      if (cycle.replyKey) await closeReplyKey(cycle.replyKey);
      // The recorded outcome (a reply that raced the deadline and won is kept), for the workflow's $reply.
      const reconciliation = (await getCycle(contractId, period)).reconciliation;
      if (reconciliation?.outcome === "no-reply") {
        await appendAuditEvent(
          {
            contractId,
            period,
            who: "system",
            what: "no reply by the reconciliation deadline: bill deemed accepted",
            rule: "R-RECON-5",
          },
          `deemed-accepted#${period}`,
        );
      }
      return { recorded, reconciliation };
    }
    case "agreed-amount": {
      const recorded = await setCycleFieldsOnce(contractId, period, "agreed", {
        agreed: { unresolved: true, recordedAt: instant(now()) },
      });
      const agreed = (await getCycle(contractId, period)).agreed;
      if (agreed && "unresolved" in agreed) {
        // Finished on every run (each effect keyed by step), so a crash after the write loses nothing.
        await appendAuditEvent(
          {
            contractId,
            period,
            who: "system",
            what: "re-reconciliation not agreed by its deadline: referred to negotiation, no adjustment carried",
            rule: "R-RECON-3",
          },
          `re-reconciliation-unresolved#${period}`,
        );
        await sendEmail({
          contractId,
          emailKey: `re-reconciliation-unresolved#${period}`,
          to: [contract.parties.partyB.contact.email],
          ...emails.reReconciliationUnresolved(contract, cycle),
        });
      }
      return { recorded };
    }
    case "payment": {
      // A token timeout capped by the execution's one-year budget can fire before the real deadline.
      if (now().getTime() < Date.parse(cycle.paymentDue ?? "")) return { recorded: false };
      const recorded = await recordBreachOnce(contract, cycle, {
        rule: "R-PAY-1",
        party: "A",
        what: `payment of ${cycle.billTotal} for ${period} not received by ${cycle.paymentDue}`,
      });
      await sendEmail({
        contractId,
        emailKey: `overdue-notice#${period}`,
        to: [contract.parties.partyA.contact.email],
        ...emails.overdueNotice(contract, cycle),
      });
      return { recorded };
    }
    case "invoice": {
      if (now().getTime() < Date.parse(cycle.payment?.invoiceDue ?? "")) return { recorded: false };
      const recorded = await recordBreachOnce(contract, cycle, {
        rule: "R-INV-1",
        party: "B",
        what: `VAT invoice for ${period} not issued by ${cycle.payment?.invoiceDue ?? "its due date"}`,
      });
      return { recorded };
    }
  }
}

/**
 * Adds a breach to the register once per rule and cycle (R-BREACH-1) and tells Party B's contact. The
 * audit event and the email are keyed by the breach, and done on every run: a retry after a crash
 * between the write and the email sends the email (of the breach as first recorded) exactly once.
 */
async function recordBreachOnce(
  contract: Contract,
  cycle: CycleRecord,
  breach: Omit<Breach, "noticedAt" | "cureDeadline">,
): Promise<boolean> {
  const noticedAt = now();
  const cure = breachCureDeadline(shanghaiDateOf(noticedAt), deadlineRules(contract));
  const candidate: Breach = { ...breach, noticedAt: instant(noticedAt), cureDeadline: cure.at };
  const recorded = await appendBreachOnce(cycle.contractId, cycle.period, candidate);
  if (recorded) {
    logger.metric("BreachesRecorded", { Rule: breach.rule }, noticedAt);
    logger.warn("breach recorded", { contractId: cycle.contractId, period: cycle.period, rule: breach.rule });
  }
  const current = await getCycle(cycle.contractId, cycle.period);
  const full = (current.breaches ?? []).find((b) => b.rule === breach.rule) ?? candidate;
  await appendAuditEvent(
    {
      contractId: cycle.contractId,
      period: cycle.period,
      who: "system",
      what: `breach recorded: ${full.what}`,
      rule: full.rule,
      details: { party: full.party, cureDeadline: full.cureDeadline },
    },
    `breach#${cycle.period}#${breach.rule}`,
  );
  await sendEmail({
    contractId: cycle.contractId,
    emailKey: `breach#${cycle.period}#${breach.rule}`,
    to: [contract.parties.partyB.contact.email],
    ...emails.breachRecorded(contract, current, full),
  });
  return recorded;
}

// --- Re-reconciliation (R-RECON-3, R-RECON-4) --------------------------------------------------------

export async function openReReconciliation(input: {
  contractId: string;
  period: string;
  partyAAmount: string;
  receivedAt: string;
}) {
  const { contract } = await getContract(input.contractId);
  const deadline = reReconciliationDue(new Date(input.receivedAt), deadlineRules(contract));
  await setCycleFieldsOnce(input.contractId, input.period, "reReconciliationDeadline", {
    reReconciliationDeadline: deadline.at,
  });
  const cycle = await getCycle(input.contractId, input.period);
  await sendEmail({
    contractId: input.contractId,
    emailKey: `re-reconciliation#${input.period}`,
    to: [contract.parties.partyA.contact.email, contract.parties.partyB.contact.email],
    ...emails.reReconciliationOpened(contract, cycle, input.partyAAmount),
  });
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "system",
      what: `re-reconciliation opened: Party A's figure ${input.partyAAmount} vs bill ${cycle.billTotal}`,
      rule: "R-RECON-3",
      details: { deadline: cycle.reReconciliationDeadline },
    },
    `re-reconciliation-opened#${input.period}`,
  );
  return { reReconciliationDeadline: cycle.reReconciliationDeadline as string };
}

// --- Close the cycle (R-RECON-4, R-END-1, R-BUDGET-1) -----------------------------------------------

export async function closeCycle(input: { contractId: string; period: string }) {
  const { contractId, period } = input;
  const record = await getContract(contractId);
  const contract = record.contract;
  const cycle = await getCycle(contractId, period);
  // The agreed difference is in the ledger since it was recorded (ADR 0010): the next bill not yet
  // prepared carries it, or, after the last period, the settlement document does (R-END-1).
  const adjustment =
    cycle.agreed && "agreedAmount" in cycle.agreed ? parseMoney(cycle.agreed.adjustment) : ZERO;
  const adjustmentText = cycle.lastPeriod ? "0.00" : formatMoney(adjustment);
  await setCycleFieldsOnce(contractId, period, "closedAt", {
    closedAt: instant(now()),
    adjustmentNextPeriod: adjustmentText,
  });
  await appendAuditEvent(
    {
      contractId,
      period,
      who: "system",
      what: "cycle closed",
      rule: "R-RECON-4",
      details: { adjustmentNextPeriod: adjustmentText },
    },
    `cycle-closed#${period}`,
  );
  if (cycle.lastPeriod) await settleContract(contract, period);
  // Budget warnings are keyed by threshold in the outbox: checking again after a crash sends each once.
  await checkBudget(contract);
  return { closed: true, adjustmentNextPeriod: adjustmentText };
}

/** R-BUDGET-1: warn both contacts once at each threshold of the contract total; never block billing. */
async function checkBudget(contract: Contract): Promise<void> {
  const cycles = await listCycles(contract.contractId);
  const billed = sumMoney(cycles.map((c) => parseMoney(c.billTotal)));
  const budget = parseMoney(contract.budget);
  const percents = contract.rules.budgetWarningPercents.value;
  for (const percent of budgetThresholdsReached(billed.fen, budget.fen, percents)) {
    await sendEmail({
      contractId: contract.contractId,
      emailKey: `budget#${percent}`,
      to: [contract.parties.partyA.contact.email, contract.parties.partyB.contact.email],
      ...emails.budgetWarning(contract, formatMoney(billed), percent),
    });
  }
}
