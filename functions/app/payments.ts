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
  cycleToken,
  getCycle,
  ledgerEntries,
  putLedgerEntry,
  setCycleFieldsOnce,
} from "../adapters/repository";
import { completeTask } from "../adapters/workflow";
import { invoiceDue } from "../core/deadlines";
import { periodBalance } from "../core/ledger";
import { formatFen, formatMoney, moneyToFen, parseMoney } from "../core/money";
import { formatInstant, shanghaiDateOf } from "../core/time";
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
    amountFen: moneyToFen(parseMoney(cycle.billTotal)),
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
}) {
  const { contract } = await contractOrReject(input.contractId);
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
  const before = await ledgerEntries(input.contractId);
  const sequence = before.filter((e) => e.period === input.period && e.kind === "payment").length + 1;
  const entryId = `${input.period}#payment#${String(sequence).padStart(3, "0")}`;
  const written = await putLedgerEntry(input.contractId, {
    entryId,
    period: input.period,
    kind: "payment",
    amountFen: moneyToFen(amount),
    at: formatInstant(paidAt),
    recordedAt: formatInstant(now()),
    who: "operator",
  });
  if (!written) {
    throw new OperationRejectedError(
      `another payment for ${input.period} was recorded at the same moment: check \`ops status\`, then record this one again if it is a separate payment`,
    );
  }
  const balance = periodBalance(await ledgerEntries(input.contractId), input.period);
  const outcome: PaymentOutcome =
    balance.outstandingFen > 0n ? "short" : balance.creditFen > 0n ? "overpaid" : "paid-in-full";
  const figures = { outstanding: yuan(balance.outstandingFen), credit: yuan(balance.creditFen) };
  // The payment that clears the bill is "the payment received" that R-INV-1 counts from.
  const due = invoiceDue(paidAt, deadlineRules(contract));
  const cleared = balance.outstandingFen === 0n;
  if (cleared) {
    await setCycleFieldsOnce(input.contractId, input.period, "payment", {
      payment: { paidAt: formatInstant(paidAt), amount: yuan(balance.paidFen), invoiceDue: due.at },
    });
  }
  await appendAuditEvent({
    contractId: input.contractId,
    period: input.period,
    who: "operator",
    what: `payment recorded: ${formatMoney(amount)} on ${formatInstant(paidAt)} — ${OUTCOME_WORDS[outcome](figures)}`,
    rule: outcome === "short" ? "R-PAY-2" : "R-PAY-1",
    details: { entry: entryId, billTotal: cycle.billTotal, paid: yuan(balance.paidFen), ...figures },
  });
  const current = await getCycle(input.contractId, input.period);
  const token = cleared && current.payment ? cycleToken(current, "payment") : undefined;
  const workflow = !cleared
    ? "still-waiting"
    : token
      ? await completeTask(token, current.payment)
      : "not-waiting-yet";
  return {
    entry: entryId,
    paidAt: formatInstant(paidAt),
    amount: formatMoney(amount),
    invoiceDue: cleared ? (current.payment?.invoiceDue ?? due.at) : null,
    billTotal: cycle.billTotal,
    paid: yuan(balance.paidFen),
    outstanding: figures.outstanding,
    creditCarried: figures.credit,
    outcome,
    message: OUTCOME_WORDS[outcome](figures),
    late: paidAt.getTime() > Date.parse(cycle.paymentDue ?? ""),
    workflow,
  };
}
