/**
 * What Party B's staff record by hand (architecture §1): payments, VAT invoices, the agreed amount of a
 * re-reconciliation and written notices. Each checks its input fully before it changes anything, records
 * once (a second recording is refused), then completes the waiting task if there is one.
 */

import { now } from "../adapters/clock";
import { sendEmail } from "../adapters/mailer";
import {
  appendAuditEvent,
  auditHistory,
  type CycleRecord,
  cycleToken,
  getContract,
  getCycle,
  getLedgerEntry,
  getTerm,
  listContracts,
  listCycles,
  putLedgerEntry,
  setCycleFieldsOnce,
  setTermNoticeOnce,
  unsentOutboxEmails,
} from "../adapters/repository";
import { completeTask } from "../adapters/workflow";
import { type Contract, termStartDate } from "../core/contract";
import { formatMoney, moneyToFen, parseMoney, subtractMoney } from "../core/money";
import { assessNotice } from "../core/notices";
import { renewalSchedule } from "../core/renewal";
import { formatInstant, nextPeriod, parseLocalDate } from "../core/time";
import { emails } from "./email-views";
import {
  billedCycle,
  contractOrReject,
  instantOf,
  nonNegativeMoney,
  notInFuture,
  OperationRejectedError,
} from "./operation-input";
import { ensureTermRecord } from "./renewal-watch";
import { renewalRules } from "./rules";

// The operations' public names, wherever they are defined.
export { OperationRejectedError } from "./operation-input";
export { resendEmail, unsentEmails } from "./outbox";
export { recordPayment } from "./payments";

// --- VAT invoice (R-INV-1) ------------------------------------------------------------------------

export async function recordInvoice(input: {
  contractId: string;
  period: string;
  number: string;
  date?: string;
}) {
  const { contract } = await contractOrReject(input.contractId);
  const cycle = await billedCycle(input.contractId, input.period);
  if (!/^[0-9A-Za-z-]{6,32}$/.test(input.number))
    throw new OperationRejectedError(`not an invoice number: ${input.number}`);
  if (!cycle.payment)
    throw new OperationRejectedError(
      `no payment recorded for ${input.period}: the invoice follows the payment (R-INV-1)`,
    );
  const invoicedAt = input.date ? instantOf(input.date, "--date") : now();
  notInFuture(invoicedAt, "invoice date");
  if (cycle.invoice)
    throw new OperationRejectedError(
      `invoice for ${input.period} was already recorded: ${cycle.invoice.invoiceNumber}`,
    );
  const invoice = { invoicedAt: formatInstant(invoicedAt), invoiceNumber: input.number };
  if (!(await setCycleFieldsOnce(input.contractId, input.period, "invoice", { invoice }))) {
    throw new OperationRejectedError(`invoice for ${input.period} was already recorded`);
  }
  await appendAuditEvent({
    contractId: input.contractId,
    period: input.period,
    who: "operator",
    what: `VAT invoice ${input.number} recorded`,
    rule: "R-INV-1",
  });
  // The workflow first (ADR 0012): a failed email must not leave the cycle waiting for the invoice.
  const token = cycleToken(await getCycle(input.contractId, input.period), "invoice");
  const workflow = token ? await completeTask(token, invoice) : "not-waiting-yet";
  const email = await sendEmail({
    contractId: input.contractId,
    emailKey: `invoice#${input.period}`,
    to: [contract.parties.partyA.contact.email],
    ...emails.invoiceIssued(contract, cycle, invoice),
  }).then(
    () => "sent" as const,
    () => "queued" as const,
  );
  return { ...invoice, late: invoicedAt.getTime() > Date.parse(cycle.payment.invoiceDue), workflow, email };
}

// --- re-reconciliation agreed amount (R-RECON-3/4) ---------------------------------------------------

export async function recordAgreedAmount(input: { contractId: string; period: string; agreed: string }) {
  await contractOrReject(input.contractId);
  const agreedMoney = nonNegativeMoney(input.agreed, "--agreed");
  const cycle = await billedCycle(input.contractId, input.period);
  if (cycle.reconciliation?.outcome !== "re-reconcile") {
    throw new OperationRejectedError(`period ${input.period} is not in re-reconciliation`);
  }
  const adjustment = formatMoney(subtractMoney(agreedMoney, parseMoney(cycle.billTotal)));
  // The ledger entry first (ADR 0010): from the moment of agreement the next bill not yet prepared
  // carries it, whatever the state of this cycle. A retry after a crash finds the same entry.
  const entryId = `${input.period}#agreed-difference`;
  const recordedAt = formatInstant(now());
  const written = await putLedgerEntry(input.contractId, {
    entryId,
    period: input.period,
    kind: "agreed-difference",
    amountFen: moneyToFen(parseMoney(adjustment)),
    at: recordedAt,
    recordedAt,
    who: "operator",
    reason: `agreed amount ${formatMoney(agreedMoney)} against bill ${cycle.billTotal} (R-RECON-4)`,
  });
  const existing = written ? undefined : await getLedgerEntry(input.contractId, entryId);
  if (existing && existing.amountFen !== moneyToFen(parseMoney(adjustment))) {
    throw new OperationRejectedError(`the re-reconciliation of ${input.period} is already settled`);
  }
  const agreed = {
    agreedAmount: formatMoney(agreedMoney),
    adjustment,
    recordedAt: existing?.recordedAt ?? recordedAt,
  };
  const first = await setCycleFieldsOnce(input.contractId, input.period, "agreed", { agreed });
  if (!first && !existing) {
    throw new OperationRejectedError(`the re-reconciliation of ${input.period} is already settled`);
  }
  const carriedTo = await nextUnpreparedPeriod(input.contractId, input.period);
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "operator",
      what: `re-reconciliation agreed at ${agreed.agreedAmount}: adjustment ${adjustment} carried to ${carriedTo}`,
      rule: "R-RECON-4",
      details: { entry: entryId },
    },
    `agreed#${input.period}`,
  );
  const token = cycleToken(await getCycle(input.contractId, input.period), "agreed-amount");
  const workflow = token ? await completeTask(token, agreed) : "not-waiting-yet";
  return { ...agreed, billTotal: cycle.billTotal, carriedTo, workflow };
}

/**
 * R-RECON-4, R-END-1: where an agreed difference goes — the first period after `period` whose bill is
 * not prepared yet, or the settlement document when the contract has ended and its last period is billed.
 */
async function nextUnpreparedPeriod(contractId: string, period: string): Promise<string> {
  const record = await getContract(contractId);
  const prepared = new Set((await listCycles(contractId)).map((c) => c.period));
  let next = nextPeriod(period);
  while (prepared.has(next)) next = nextPeriod(next);
  const lastPeriod = record.status === "ended" && record.endedOn ? record.endedOn.slice(0, 7) : undefined;
  return lastPeriod !== undefined && next > lastPeriod ? "the settlement document" : `the bill for ${next}`;
}

// --- written notices (R-NOTICE-1..3, R-TERM-3) ------------------------------------------------------

export const NOTICE_METHODS = ["personal", "fax", "express", "registered"] as const;
export const NOTICE_REGIONS = ["same-city", "mainland", "hk-macao-taiwan", "abroad"] as const;

export async function recordNotice(input: {
  contractId: string;
  kind: "non-renewal" | "termination";
  method: string;
  region: string | null;
  dispatched: string;
}) {
  const record = await contractOrReject(input.contractId);
  if (!(NOTICE_METHODS as readonly string[]).includes(input.method)) {
    throw new OperationRejectedError(
      `unknown delivery method ${input.method} (one of ${NOTICE_METHODS.join(", ")})`,
    );
  }
  const method = input.method as (typeof NOTICE_METHODS)[number];
  const needsRegion = method === "express" || method === "registered";
  if (needsRegion && !(NOTICE_REGIONS as readonly string[]).includes(input.region ?? "")) {
    throw new OperationRejectedError(
      `--region is required for ${method}: one of ${NOTICE_REGIONS.join(", ")}`,
    );
  }
  let dispatched: string;
  try {
    dispatched = parseLocalDate(input.dispatched);
  } catch {
    throw new OperationRejectedError(`--dispatched is not a date (YYYY-MM-DD): ${input.dispatched}`);
  }
  const contract: Contract = record.contract;
  const term = record.term;
  const schedule = renewalSchedule(termStartDate(contract), term, renewalRules(contract));
  const deadline = schedule.nonRenewalDeadline;
  const region = needsRegion ? (input.region as (typeof NOTICE_REGIONS)[number]) : null;
  const assessment = assessNotice({ method, region, dispatched, deadline: deadline.date });
  const notice = {
    kind: input.kind,
    method,
    region,
    dispatched,
    deemedDeliveredOn: assessment.deemedDeliveredOn,
    inTime: assessment.inTime,
  };
  // The term's record may not exist yet if its RenewalWatch has not planned it.
  await ensureTermRecord(input.contractId, schedule);
  // One conditional write decides: of two operators recording at once, one records, one is refused.
  if (!(await setTermNoticeOnce(input.contractId, term, notice)))
    throw new OperationRejectedError(`a written notice for term ${term} was already recorded`);
  const termRecord = await getTerm(input.contractId, term);
  await appendAuditEvent({
    contractId: input.contractId,
    who: "operator",
    what: `written ${input.kind} notice recorded: ${method}${region ? `/${region}` : ""} dispatched ${dispatched}, deemed delivered ${assessment.deemedDeliveredOn} — ${assessment.inTime ? "in time" : "too late"}`,
    rule: "R-NOTICE-2",
    details: { deadline: deadline.date },
  });
  const token = termRecord?.noticeToken;
  const workflow = assessment.inTime && token ? await completeTask(token, notice) : "not-acted-on";
  return {
    ...notice,
    term,
    deadline: deadline.date,
    latestDispatch: schedule.latestDispatch,
    ...(assessment.inTime ? {} : { daysLate: assessment.daysLate ?? null }),
    workflow,
  };
}

// --- status and history ------------------------------------------------------------------------------

export interface ContractStatusView {
  contractId: string;
  status: string;
  term: number;
  currentPeriod: string | null;
  step: string;
  nextDeadline: string | null;
  owedBy: "Party A" | "Party B" | null;
  /** Outbox keys of emails not sent yet (ADR 0012): `ops resend` sends them. */
  unsentEmails: string[];
}

/** Each contract's latest open cycle: what it waits for, until when, and who owes it. */
export async function contractStatus(contractId?: string): Promise<ContractStatusView[]> {
  const records = contractId ? [await contractOrReject(contractId)] : await listContracts();
  const views: ContractStatusView[] = [];
  for (const record of records) {
    const cycles = await listCycles(record.contractId);
    const open = cycles.find((c) => !c.closedAt) ?? cycles.at(-1);
    views.push({
      contractId: record.contractId,
      status: record.status,
      term: record.term,
      currentPeriod: open?.period ?? null,
      ...stepOf(open),
      unsentEmails: (await unsentOutboxEmails(record.contractId)).map((e) => e.emailKey),
    });
  }
  return views;
}

function stepOf(
  cycle: CycleRecord | undefined,
): Pick<ContractStatusView, "step" | "nextDeadline" | "owedBy"> {
  if (!cycle) return { step: "no bill yet", nextDeadline: null, owedBy: null };
  if (cycle.closedAt) return { step: "closed", nextDeadline: null, owedBy: null };
  if (!cycle.sentAt) return { step: "bill to be sent", nextDeadline: cycle.billDue, owedBy: "Party B" };
  if (!cycle.reconciliation) {
    return {
      step: "awaiting reconciliation reply",
      nextDeadline: cycle.reconciliationDeadline ?? null,
      owedBy: "Party A",
    };
  }
  if (!cycle.payment && parseMoney(cycle.billTotal).fen <= 0n)
    return { step: "bill for information: nothing to pay (R-TRIAL-1)", nextDeadline: null, owedBy: null };
  if (!cycle.payment)
    return { step: "awaiting payment", nextDeadline: cycle.paymentDue ?? null, owedBy: "Party A" };
  if (cycle.reconciliation.outcome === "re-reconcile" && !cycle.agreed) {
    return {
      step: "re-reconciliation",
      nextDeadline: cycle.reReconciliationDeadline ?? null,
      owedBy: "Party B",
    };
  }
  if (!cycle.invoice)
    return { step: "awaiting VAT invoice", nextDeadline: cycle.payment.invoiceDue, owedBy: "Party B" };
  return { step: "closing", nextDeadline: null, owedBy: null };
}

export async function contractHistory(contractId: string) {
  await contractOrReject(contractId);
  return auditHistory(contractId);
}
