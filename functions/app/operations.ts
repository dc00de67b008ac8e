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
  listContracts,
  listCycles,
  putLedgerEntry,
  setCycleFieldsOnce,
  unsentOutboxEmails,
} from "../adapters/repository";
import { completeTask } from "../adapters/workflow";
import { formatFen, formatMoney } from "../core/money";
import { formatInstant, nextPeriod } from "../core/time";
import * as emails from "./email-views";
import {
  billedCycle,
  contractOrReject,
  instantOf,
  nonNegativeMoney,
  notInFuture,
  OperationRejectedError,
} from "./operation-input";

// The operations' public names, wherever they are defined.
export { recordNotice } from "./notices";
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
  // One conditional write records the invoice; the same invoice again is the retry of a recording that
  // crashed before its effects, which it finishes (each keyed by the period). Another invoice is refused.
  const candidate = { invoicedAt: formatInstant(invoicedAt), invoiceNumber: input.number };
  const first =
    !cycle.invoice &&
    (await setCycleFieldsOnce(input.contractId, input.period, "invoice", { invoice: candidate }));
  const invoice = first ? candidate : (await getCycle(input.contractId, input.period)).invoice;
  if (
    !invoice ||
    invoice.invoiceNumber !== input.number ||
    (input.date && invoice.invoicedAt !== candidate.invoicedAt)
  ) {
    throw new OperationRejectedError(
      `invoice for ${input.period} was already recorded: ${invoice?.invoiceNumber ?? "another invoice"}`,
    );
  }
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "operator",
      what: `VAT invoice ${input.number} recorded`,
      rule: "R-INV-1",
    },
    `invoice#${input.period}`,
  );
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
  return {
    ...invoice,
    late: Date.parse(invoice.invoicedAt) > Date.parse(cycle.payment.invoiceDue),
    workflow,
    email,
  };
}

// --- re-reconciliation agreed amount (R-RECON-3/4) ---------------------------------------------------

export async function recordAgreedAmount(input: { contractId: string; period: string; agreed: string }) {
  await contractOrReject(input.contractId);
  const agreedMoney = nonNegativeMoney(input.agreed, "--agreed");
  const cycle = await billedCycle(input.contractId, input.period);
  if (cycle.reconciliation?.outcome !== "re-reconcile") {
    throw new OperationRejectedError(`period ${input.period} is not in re-reconciliation`);
  }
  const adjustmentFen = agreedMoney.fen - cycle.billTotalFen;
  const adjustment = formatFen(adjustmentFen);
  const billTotal = formatFen(cycle.billTotalFen);
  // The ledger entry first (ADR 0010): from the moment of agreement the next bill not yet prepared
  // carries it, whatever the state of this cycle. A retry after a crash finds the same entry.
  const entryId = `${input.period}#agreed-difference`;
  const recordedAt = formatInstant(now());
  const written = await putLedgerEntry(input.contractId, {
    entryId,
    period: input.period,
    kind: "agreed-difference",
    amountFen: adjustmentFen,
    at: recordedAt,
    recordedAt,
    who: "operator",
    reason: `agreed amount ${formatMoney(agreedMoney)} against bill ${billTotal} (R-RECON-4)`,
  });
  const existing = written ? undefined : await getLedgerEntry(input.contractId, entryId);
  if (existing && existing.amountFen !== adjustmentFen) {
    throw new OperationRejectedError(`the re-reconciliation of ${input.period} is already settled`);
  }
  const agreed = {
    agreedAmount: formatMoney(agreedMoney),
    adjustment,
    recordedAt: existing?.recordedAt ?? recordedAt,
  };
  const first = await setCycleFieldsOnce(input.contractId, input.period, "agreed", {
    agreed: { agreedAmountFen: agreedMoney.fen, adjustmentFen, recordedAt: agreed.recordedAt },
  });
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
  return { ...agreed, billTotal, carriedTo, workflow };
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
  if (!cycle.payment && cycle.billTotalFen <= 0n)
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
