/** After the statement: reminders, overdue, breach, dispute, budget, calendar and invoice emails. */

import { now } from "../../adapters/clock";
import type { Breach, CycleRecord } from "../../adapters/repository";
import { clauseWords, isContractRuleId } from "../../core/clause-words";
import type { Contract } from "../../core/contract";
import { invoiceDue } from "../../core/deadlines";
import {
  type RenderedEmail,
  renderBreachRecordedEmail,
  renderBudgetWarningEmail,
  renderCalendarProvisionalEmail,
  renderDeadlinesMovedEmail,
  renderInvoiceIssuedEmail,
  renderOverdueNoticeEmail,
  renderReconciliationReminderEmail,
  renderReReconciliationOpenedEmail,
  renderReReconciliationUnresolvedEmail,
} from "../../core/emails";
import { formatInstantDay, formatPeriod, formatYuan } from "../../core/emails/format";
import { formatFen, formatMoney, parseMoney, percentOfText, subtractMoney } from "../../core/money";
import { formatInstant, shanghaiDateOf } from "../../core/time";
import { deadlineRules } from "../rules";
import {
  amount,
  claimedAmountOf,
  contractView,
  deadlineView,
  differenceView,
  paymentDeadlineView,
  reconciliationDeadlineView,
  required,
  reReconciliationDeadlineView,
  sentAtOf,
  statementAccount,
} from "./shared";

export function reconciliationReminder(contract: Contract, cycle: CycleRecord): RenderedEmail {
  return renderReconciliationReminderEmail({
    contract: contractView(contract),
    period: cycle.period,
    totalAmount: formatFen(cycle.billTotalFen),
    statementSentAt: sentAtOf(cycle),
    reconciliationDeadline: reconciliationDeadlineView(contract, cycle),
  });
}

/** R-RECON-3 passed without an agreed amount: the bill stands (R-RECON-4), referred to negotiation (8.2). */
export function reReconciliationUnresolved(contract: Contract, cycle: CycleRecord): RenderedEmail {
  return renderReReconciliationUnresolvedEmail({
    contract: contractView(contract),
    period: cycle.period,
    totalAmount: formatFen(cycle.billTotalFen),
    claimedAmount: claimedAmountOf(cycle),
    reReconciliationDeadline: reReconciliationDeadlineView(contract, cycle, cycle.reconciliation?.receivedAt),
  });
}

/** R-PAY-2: the account is the statement's, shown masked by the renderer. */
export function overdueNotice(contract: Contract, cycle: CycleRecord): RenderedEmail {
  return renderOverdueNoticeEmail({
    contract: contractView(contract),
    period: cycle.period,
    amountDue: formatFen(cycle.billTotalFen),
    statementSentAt: sentAtOf(cycle),
    paymentDeadline: paymentDeadlineView(contract, cycle),
    asOf: formatInstant(now()),
    paymentAccount: statementAccount(contract, cycle),
  });
}

/**
 * The register's `what` is English for operators; the email words the known breaches in Chinese, and any other
 * by the clause it breaks (R-BREACH-1: failing any clause is a breach).
 */
export function breachDescription(cycle: CycleRecord, breach: Breach): string {
  const period = formatPeriod(cycle.period);
  switch (breach.rule) {
    case "R-BILL-1":
      return `${period}账单晚于发送期限（${formatInstantDay(cycle.billDue)}）发出`;
    case "R-PAY-1":
      return `${period}账单付款逾期（应付 ${formatYuan(formatFen(cycle.billTotalFen))}${cycle.paymentDue ? `，截止 ${formatInstantDay(cycle.paymentDue)}` : ""}）`;
    case "R-INV-1":
      return `${period}账单的增值税普通发票未在期限内开具${cycle.payment ? `（截止 ${formatInstantDay(cycle.payment.invoiceDue)}）` : ""}`;
    default:
      return `${period}未按${isContractRuleId(breach.rule) ? clauseWords(breach.rule) : "合同"}的约定履行`;
  }
}

/**
 * R-BREACH-1: the cure period runs from a written notice (5.1, R-NOTICE-1). The register's `cureDeadline` is
 * counted from the moment the system recorded the breach, which is no written notice, so it is not shown.
 */
export function breachRecorded(contract: Contract, cycle: CycleRecord, breach: Breach): RenderedEmail {
  return renderBreachRecordedEmail({
    contract: contractView(contract),
    breach: {
      ruleId: breach.rule,
      description: breachDescription(cycle, breach),
      breachingParty: breach.party === "A" ? "partyA" : "partyB",
      recordedAt: breach.noticedAt,
      cureDays: contract.rules.breachCureDays.value,
      writtenNotice: null,
    },
  });
}

export function reReconciliationOpened(
  contract: Contract,
  cycle: CycleRecord,
  partyAAmount: string,
): RenderedEmail {
  const difference = differenceView(contract, cycle, amount(partyAAmount));
  return renderReReconciliationOpenedEmail({
    contract: contractView(contract),
    period: cycle.period,
    totalAmount: formatFen(cycle.billTotalFen),
    claimedAmount: difference.claimedAmount,
    differenceAmount: difference.differenceAmount,
    differencePercent: difference.differencePercent,
    tolerancePercent: difference.tolerancePercent,
    reReconciliationDeadline: reReconciliationDeadlineView(contract, cycle, cycle.reconciliation?.receivedAt),
    paymentDeadline: paymentDeadlineView(contract, cycle),
    isFinalPeriod: cycle.lastPeriod,
  });
}

/**
 * R-BUDGET-1. The share used is rounded down, so the email never shows a threshold reached before it is.
 * The caller does not say which period crossed it, so the email names none.
 */
export function budgetWarning(contract: Contract, billedTotal: string, percent: string): RenderedEmail {
  const budget = parseMoney(contract.budget);
  const billed = parseMoney(billedTotal);
  const usedPercent = percentOfText(billed.fen, budget.fen, 2, "down");
  return renderBudgetWarningEmail({
    contract: contractView(contract),
    thresholdPercent: percent,
    budgetAmount: formatMoney(budget),
    billedTotalAmount: formatMoney(billed),
    usedPercent,
    period: null,
    remainingAmount: formatMoney(subtractMoney(budget, billed)),
  });
}

/** R-WD-3: to Party B's contact, while next year's calendar is still provisional in November–December. */
export function calendarProvisional(contract: Contract, year: number, checkedOn: string): RenderedEmail {
  return renderCalendarProvisionalEmail({ contract: contractView(contract), year, checkedOn });
}

/** R-WD-3: the deadlines an official calendar moved, to both contacts, citing the notice. */
export function deadlinesMoved(
  contract: Contract,
  notice: { year: number; title: string; date: string | null },
  moves: Array<{ period: string; rule: string; from: string; to: string }>,
): RenderedEmail {
  return renderDeadlinesMovedEmail({
    contract: contractView(contract),
    year: notice.year,
    noticeTitle: notice.title,
    noticeDate: notice.date,
    moves: moves.map((m) => ({ period: m.period, ruleId: m.rule, from: m.from, to: m.to })),
  });
}

/**
 * The invoice covers the payment received (R-INV-1); the record keeps no separate invoice amount or 发票代码,
 * so the amount shown is the payment's and no code is shown.
 */
export function invoiceIssued(
  contract: Contract,
  cycle: CycleRecord,
  invoice: { invoicedAt: string; invoiceNumber: string },
): RenderedEmail {
  const payment = required(cycle.payment, "the payment", cycle);
  const rules = deadlineRules(contract);
  return renderInvoiceIssuedEmail({
    contract: contractView(contract),
    period: cycle.period,
    invoiceNumber: invoice.invoiceNumber,
    invoiceCode: null,
    invoiceAmount: formatFen(payment.amountFen),
    issuedOn: shanghaiDateOf(new Date(invoice.invoicedAt)),
    paymentAmount: formatFen(payment.amountFen),
    paymentReceivedOn: shanghaiDateOf(new Date(payment.paidAt)),
    invoiceDeadline: deadlineView(
      "R-INV-1",
      rules.invoiceWorkingDays,
      payment.invoiceDue,
      invoiceDue(new Date(payment.paidAt), rules),
    ),
  });
}
