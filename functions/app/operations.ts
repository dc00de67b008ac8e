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
  findCycle,
  getContract,
  getCycle,
  getTerm,
  listContracts,
  listCycles,
  NotFoundError,
  setCycleFieldsOnce,
  setTermNoticeOnce,
} from "../adapters/repository";
import { completeTask } from "../adapters/workflow";
import { type Contract, termStartDate } from "../core/contract";
import { invoiceDue } from "../core/deadlines";
import { formatMoney, InvalidMoneyError, parseMoney, subtractMoney } from "../core/money";
import { assessNotice } from "../core/notices";
import { adjustmentForNextPeriod } from "../core/reconciliation";
import { renewalSchedule } from "../core/renewal";
import { formatInstant, parseLocalDate, parsePeriod, startOfDay } from "../core/time";
import { emails } from "./email-views";
import { ensureTermRecord } from "./renewal-watch";
import { deadlineRules, renewalRules } from "./rules";

/** Input an operator can fix (exit 1 in the CLI): nothing was changed. */
export class OperationRejectedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OperationRejectedError";
  }
}

function money(text: string, what: string) {
  try {
    return parseMoney(text);
  } catch (error) {
    if (error instanceof InvalidMoneyError)
      throw new OperationRejectedError(`${what} is not an amount of money: ${JSON.stringify(text)}`);
    throw error;
  }
}

/**
 * A date (`YYYY-MM-DD`: the start of that day, Asia/Shanghai — deadlines count from the day, R-WD-2, so the
 * hour does not matter and a payment recorded on the day it arrived is never "in the future") or an ISO
 * instant with an offset.
 */
function instantOf(text: string, what: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    try {
      return startOfDay(parseLocalDate(text));
    } catch {
      throw new OperationRejectedError(`${what} is not a date: ${text}`);
    }
  }
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ||
    Number.isNaN(Date.parse(text))
  ) {
    throw new OperationRejectedError(`${what} is not a date (YYYY-MM-DD) or an instant with offset: ${text}`);
  }
  return new Date(text);
}

async function contractOrReject(contractId: string) {
  try {
    return await getContract(contractId);
  } catch (error) {
    if (error instanceof NotFoundError) throw new OperationRejectedError(`unknown contract ${contractId}`);
    throw error;
  }
}

async function billedCycle(contractId: string, period: string): Promise<CycleRecord> {
  try {
    parsePeriod(period);
  } catch {
    throw new OperationRejectedError(`not a period (YYYY-MM): ${period}`);
  }
  const cycle = await findCycle(contractId, period);
  if (!cycle?.sentAt)
    throw new OperationRejectedError(`period ${period} of contract ${contractId} has not been billed yet`);
  return cycle;
}

function notInFuture(at: Date, what: string): void {
  if (at.getTime() > now().getTime())
    throw new OperationRejectedError(`${what} ${formatInstant(at)} is in the future`);
}

// --- payment (R-PAY-1) → invoice due (R-INV-1) --------------------------------------------------------

export async function recordPayment(input: {
  contractId: string;
  period: string;
  amount: string;
  date: string;
}) {
  const { contract } = await contractOrReject(input.contractId);
  const amount = money(input.amount, "--amount");
  const paidAt = instantOf(input.date, "--date");
  const cycle = await billedCycle(input.contractId, input.period);
  notInFuture(paidAt, "payment date");
  if (cycle.payment)
    throw new OperationRejectedError(
      `payment for ${input.period} was already recorded on ${cycle.payment.paidAt}`,
    );
  const due = invoiceDue(paidAt, deadlineRules(contract));
  const payment = { paidAt: formatInstant(paidAt), amount: formatMoney(amount), invoiceDue: due.at };
  if (!(await setCycleFieldsOnce(input.contractId, input.period, "payment", { payment }))) {
    throw new OperationRejectedError(`payment for ${input.period} was already recorded`);
  }
  const shortfall = subtractMoney(parseMoney(cycle.billTotal), amount);
  await appendAuditEvent({
    contractId: input.contractId,
    period: input.period,
    who: "operator",
    what: `payment recorded: ${payment.amount} on ${payment.paidAt}`,
    rule: "R-PAY-1",
    details: { invoiceDue: due.at, billTotal: cycle.billTotal, differenceFromBill: formatMoney(shortfall) },
  });
  const token = cycleToken(await getCycle(input.contractId, input.period), "payment");
  const workflow = token ? await completeTask(token, payment) : "not-waiting-yet";
  return {
    ...payment,
    billTotal: cycle.billTotal,
    late: paidAt.getTime() > Date.parse(cycle.paymentDue ?? ""),
    workflow,
  };
}

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
  await sendEmail({
    contractId: input.contractId,
    emailKey: `invoice#${input.period}`,
    to: [contract.parties.partyA.contact.email],
    ...emails.invoiceIssued(contract, cycle, invoice),
  });
  const token = cycleToken(await getCycle(input.contractId, input.period), "invoice");
  const workflow = token ? await completeTask(token, invoice) : "not-waiting-yet";
  return { ...invoice, late: invoicedAt.getTime() > Date.parse(cycle.payment.invoiceDue), workflow };
}

// --- re-reconciliation agreed amount (R-RECON-3/4) ---------------------------------------------------

export async function recordAgreedAmount(input: { contractId: string; period: string; agreed: string }) {
  await contractOrReject(input.contractId);
  const agreedMoney = money(input.agreed, "--agreed");
  const cycle = await billedCycle(input.contractId, input.period);
  if (cycle.reconciliation?.outcome !== "re-reconcile") {
    throw new OperationRejectedError(`period ${input.period} is not in re-reconciliation`);
  }
  const adjustment = adjustmentForNextPeriod(cycle.billTotal, formatMoney(agreedMoney));
  const agreed = { agreedAmount: formatMoney(agreedMoney), adjustment, recordedAt: formatInstant(now()) };
  if (!(await setCycleFieldsOnce(input.contractId, input.period, "agreed", { agreed }))) {
    throw new OperationRejectedError(`the re-reconciliation of ${input.period} is already settled`);
  }
  await appendAuditEvent({
    contractId: input.contractId,
    period: input.period,
    who: "operator",
    what: `re-reconciliation agreed at ${agreed.agreedAmount}: adjustment ${adjustment} carried to the next period`,
    rule: "R-RECON-4",
  });
  const token = cycleToken(await getCycle(input.contractId, input.period), "agreed-amount");
  const workflow = token ? await completeTask(token, agreed) : "not-waiting-yet";
  return { ...agreed, billTotal: cycle.billTotal, workflow };
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
