/**
 * Payments and corrections in the ledger (ADR 0010). A payment is an entry of its own: several may settle
 * one bill. A short payment leaves the rest owing and the payment wait open (R-PAY-2 goes on); the payment
 * that clears the bill completes the wait and starts the invoice deadline (R-INV-1); anything paid beyond
 * the bill is a credit carried to the next bill.
 */
import { now } from "../adapters/clock";
import {
  appendAuditEvent,
  type CycleRecord,
  clearPaymentOnce,
  cycleToken,
  getCycle,
  ledgerEntries,
  paymentAsYuan,
  periodLedgerAndCarried,
  periodLedgerEntries,
  putLedgerEntry,
  setCycleFieldsOnce,
} from "../adapters/repository";
import { completeTask } from "../adapters/workflow";
import type { Contract } from "../core/contract";
import { invoiceDue } from "../core/deadlines";
import { type LedgerEntry, periodBalance } from "../core/ledger";
import { maskAccount } from "../core/mask";
import { formatFen, formatMoney, moneyToFen, parseMoney } from "../core/money";
import { checkPaymentAccount } from "../core/party-changes";
import { formatInstant, shanghaiDateOf } from "../core/time";
import { PAYMENT_REVERSED } from "./cycle/waits";
import {
  billedCycle,
  contractOrReject,
  instantOf,
  notInFuture,
  OperationRejectedError,
  positiveMoney,
} from "./operation-input";
import { deadlineRules } from "./rules";

const yuan = formatFen;

export type PaymentOutcome = "paid-in-full" | "short" | "overpaid";

const OUTCOME_WORDS: Record<PaymentOutcome, (b: { outstanding: string; credit: string }) => string> = {
  "paid-in-full": () => "the bill is paid in full",
  short: (b) => `short payment: ${b.outstanding} still owing; the payment wait goes on (R-PAY-2)`,
  overpaid: (b) => `overpayment: ${b.credit} carried as a credit to the next bill`,
};

/** A bill prepared before the ledger existed has no charge entry: its bill total is its charge. */
async function ensureCharge(cycle: CycleRecord): Promise<void> {
  await putLedgerEntry(cycle.contractId, {
    entryId: `${cycle.period}#charge`,
    period: cycle.period,
    kind: "charge",
    amountFen: cycle.billTotalFen,
    at: cycle.sentAt ?? formatInstant(now()),
    recordedAt: formatInstant(now()),
    who: "system",
    carried: [],
  });
}

export async function recordPayment(input: {
  contractId: string;
  period: string;
  amount: string;
  date: string;
  /** The account Party A paid into, from its bank slip: checked against the one in force (R-BANK-1). */
  account?: string;
}) {
  const { contract } = await contractOrReject(input.contractId);
  if (input.account !== undefined && !/^\d{8,32}$/.test(input.account))
    throw new OperationRejectedError("--account is not an account number of 8–32 digits");
  // No single payment exceeds the whole contract (R-BUDGET-1's total): beyond it is a typo, not money.
  const amount = positiveMoney(input.amount, "--amount", {
    amount: parseMoney(contract.budget),
    why: "the whole contract's total",
  });
  const paidAt = instantOf(input.date, "--date");
  const cycle = await billedCycle(input.contractId, input.period);
  notInFuture(paidAt, "--date");
  const sentDay = shanghaiDateOf(new Date(cycle.sentAt as string));
  if (shanghaiDateOf(paidAt) < sentDay) {
    throw new OperationRejectedError(
      `--date ${input.date} is before the bill for ${input.period} was sent (${sentDay}): a payment follows the bill`,
    );
  }
  await ensureCharge(cycle);
  // One read of this period's entries (ADR 0086): the payment's number, then its balance with the payment.
  const before = await periodLedgerEntries(input.contractId, input.period);
  const sequence = before.filter((e) => e.kind === "payment").length + 1;
  const entryId = `${input.period}#payment#${String(sequence).padStart(3, "0")}`;
  const payment: LedgerEntry = {
    entryId,
    period: input.period,
    kind: "payment",
    amountFen: moneyToFen(amount),
    at: formatInstant(paidAt),
    recordedAt: formatInstant(now()),
    who: "operator",
  };
  // The id is this period's next number: a payment recorded at the same moment took it, and this one is refused.
  // With the period as read, the ledger notes the payment for the next bill only if it leaves a credit (ADR 0097).
  const written = await putLedgerEntry(input.contractId, payment, before);
  if (!written) {
    throw new OperationRejectedError(
      `another payment for ${input.period} was recorded at the same moment: check \`ops status\`, then record this one again if it is a separate payment`,
    );
  }
  const balance = periodBalance([...before, payment], input.period);
  const outcome: PaymentOutcome =
    balance.outstandingFen > 0n ? "short" : balance.creditFen > 0n ? "overpaid" : "paid-in-full";
  const figures = { outstanding: yuan(balance.outstandingFen), credit: yuan(balance.creditFen) };
  // The payment that clears the bill is "the payment received" that R-INV-1 counts from.
  const due = invoiceDue(paidAt, deadlineRules(contract));
  const cleared = balance.outstandingFen === 0n;
  if (cleared) {
    await setCycleFieldsOnce(input.contractId, input.period, "payment", {
      payment: { paidAt: formatInstant(paidAt), amountFen: balance.paidFen, invoiceDue: due.at },
    });
  }
  await appendAuditEvent({
    contractId: input.contractId,
    period: input.period,
    who: "operator",
    what: `payment ${entryId} recorded: ${formatMoney(amount)} on ${formatInstant(paidAt)} — ${OUTCOME_WORDS[outcome](figures)}`,
    rule: outcome === "short" ? "R-PAY-2" : "R-PAY-1",
    details: { entry: entryId, billTotal: yuan(cycle.billTotalFen), paid: yuan(balance.paidFen), ...figures },
  });
  const account = input.account === undefined ? null : await paymentAccount(contract, input, entryId, paidAt);
  const current = await getCycle(input.contractId, input.period);
  const clearing = cleared ? current.payment : undefined;
  const token = clearing ? cycleToken(current, "payment") : undefined;
  const workflow = !cleared
    ? "still-waiting"
    : token && clearing
      ? await completeTask(token, paymentAsYuan(clearing))
      : "not-waiting-yet";
  return {
    entry: entryId,
    paidAt: formatInstant(paidAt),
    amount: formatMoney(amount),
    invoiceDue: cleared ? (current.payment?.invoiceDue ?? due.at) : null,
    billTotal: yuan(cycle.billTotalFen),
    paid: yuan(balance.paidFen),
    outstanding: figures.outstanding,
    creditCarried: figures.credit,
    outcome,
    message: OUTCOME_WORDS[outcome](figures),
    late: paidAt.getTime() > Date.parse(cycle.paymentDue ?? ""),
    workflow,
    ...(account ? { account } : {}),
  };
}

/**
 * R-BANK-1: a payment into an account of Party B that is not in force on its day (an old account after a
 * notified change, or a typo) is flagged for people and audited, never refused: the money was paid.
 */
async function paymentAccount(
  contract: Contract,
  input: { contractId: string; period: string; account?: string },
  entryId: string,
  paidAt: Date,
) {
  const paidInto = input.account as string;
  const check = checkPaymentAccount(contract, shanghaiDateOf(paidAt), paidInto);
  const view = {
    paidInto: maskAccount(paidInto),
    inForce: check.inForce ? maskAccount(check.inForce.accountNumber) : null,
    notInForce: !check.matches,
  };
  if (!check.matches) {
    await appendAuditEvent(
      {
        contractId: input.contractId,
        period: input.period,
        who: "system",
        what: `payment ${entryId} went to account ${view.paidInto}, not to Party B's account in force ${view.inForce ?? "(none)"} on ${shanghaiDateOf(paidAt)}`,
        rule: "R-BANK-1",
        details: { entry: entryId },
      },
      `payment-account#${entryId}`,
    );
  }
  return view;
}

// --- corrections: a reversing entry, never an edit (ADR 0010) ---------------------------------------

/**
 * Reverses one ledger entry with who, when and why, and the workflow follows: a payment while the bill is
 * not yet cleared (the wait simply goes on); the payment that cleared the bill, while no VAT invoice was
 * issued on it (the cycle goes back to waiting for payment, R-PAY-2 counting from the original due date);
 * an agreed difference no bill has carried yet.
 */
export async function correctEntry(input: {
  contractId: string;
  period: string;
  entry: string;
  reason: string;
}) {
  const record = await contractOrReject(input.contractId);
  const cycle = await billedCycle(input.contractId, input.period);
  const reason = input.reason.trim();
  if (reason.length < 3)
    throw new OperationRejectedError(
      `--reason ${JSON.stringify(input.reason)}: say why (at least 3 characters)`,
    );
  // The period alone, and what bills carried from it (ADR 0097); a contract whose ledger is not indexed yet
  // is read whole for that.
  const { entries, carriedFrom } = await periodLedgerAndCarried(input.contractId, input.period);
  const target = entries.find((e) => e.entryId === input.entry);
  if (!target) {
    const ids = entries.filter((e) => e.kind !== "reversal").map((e) => e.entryId);
    throw new OperationRejectedError(
      `--entry ${input.entry}: no such entry for ${input.period} (entries: ${ids.join(", ") || "none"})`,
    );
  }
  if (entries.some((e) => e.kind === "reversal" && e.reverses === target.entryId))
    throw new OperationRejectedError(`--entry ${input.entry} is already reversed`);
  if (target.kind === "payment" && cycle.invoice) {
    throw new OperationRejectedError(
      `--entry ${input.entry}: VAT invoice ${cycle.invoice.invoiceNumber} was issued on this payment (R-INV-1); record the difference as a further payment instead`,
    );
  }
  if (target.kind === "payment" && cycle.breaches?.some((b) => b.rule === "R-INV-1")) {
    throw new OperationRejectedError(
      `--entry ${input.entry}: the invoice for ${input.period} is already overdue on this payment (R-INV-1); record the difference as a further payment instead`,
    );
  }
  if (target.kind === "agreed-difference") {
    const carried =
      record.carriesIndexed === true
        ? carriedFrom
        : (await ledgerEntries(input.contractId)).flatMap((e) =>
            e.kind === "charge" ? (e.carried ?? []) : [],
          );
    const billed = carried.some((c) => c.kind === "adjustment" && c.sourcePeriod === input.period);
    if (billed)
      throw new OperationRejectedError(
        `--entry ${input.entry}: the difference is already on a bill; record the correction by agreement on a later period`,
      );
  }
  if (target.kind !== "payment" && target.kind !== "agreed-difference")
    throw new OperationRejectedError(
      `--entry ${input.entry} is a ${target.kind}: only payments and agreed differences are corrected by hand`,
    );
  const at = formatInstant(now());
  const reversalId = `${target.entryId}#reversal`;
  const reversal: LedgerEntry = {
    entryId: reversalId,
    period: input.period,
    kind: "reversal",
    amountFen: -target.amountFen,
    at,
    recordedAt: at,
    who: "operator",
    reason,
    reverses: target.entryId,
  };
  // Written once under its fixed id: a retry or a concurrent twin writes nothing new, and the balance is
  // the ledger as read with this reversal in it.
  await putLedgerEntry(input.contractId, reversal);
  const balance = periodBalance([...entries, reversal], input.period);
  const workflow = await reopenPaymentWait(cycle, balance.outstandingFen);
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "operator",
      what: `ledger entry ${target.entryId} (${target.kind} ${formatFen(target.amountFen)}) reversed: ${reason}${workflow === "payment-wait-reopened" ? "; the bill is owing again and the cycle waits for payment (R-PAY-2 from the original due date)" : ""}`,
      rule: target.kind === "payment" ? "R-PAY-1" : "R-RECON-4",
      details: { entry: reversalId, outstanding: yuan(balance.outstandingFen) },
    },
    `reversal#${target.entryId}`,
  );
  return {
    entry: reversalId,
    reverses: target.entryId,
    kind: target.kind,
    amount: formatFen(target.amountFen),
    reason,
    billTotal: yuan(cycle.billTotalFen),
    paid: yuan(balance.paidFen),
    outstanding: yuan(balance.outstandingFen),
    workflow,
  };
}

/**
 * A reversal that leaves the cleared bill owing again takes the payment back from the cycle and ends its
 * invoice wait with {@link PAYMENT_REVERSED}; the workflow returns to the payment wait, whose timeout is
 * still the original due date (R-PAY-2). If the invoice wait has not begun, it finds no payment and ends
 * the same way (the write-then-read order of awaitCycleCallback).
 */
async function reopenPaymentWait(
  cycle: CycleRecord,
  outstandingFen: bigint,
): Promise<"payment-wait-reopened" | "unchanged"> {
  if (!cycle.payment || outstandingFen <= 0n) return "unchanged";
  await clearPaymentOnce(cycle.contractId, cycle.period, cycle.payment.paidAt);
  const token = cycleToken(await getCycle(cycle.contractId, cycle.period), "invoice");
  if (token) await completeTask(token, PAYMENT_REVERSED);
  return "payment-wait-reopened";
}
