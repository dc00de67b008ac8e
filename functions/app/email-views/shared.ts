import type { CycleRecord } from "../../adapters/repository";
import type { Contract } from "../../core/contract";
import { type Deadline, paymentDue, reconciliationDue, reReconciliationDue } from "../../core/deadlines";
import type { BankAccountView, ContractView, DeadlineView, DifferenceView } from "../../core/emails";
import { formatFen, formatMoney, parseMoney } from "../../core/money";
import { classifyReconciliation } from "../../core/reconciliation";
import { shanghaiDateOf } from "../../core/time";
import { deadlineRules } from "../rules";

/** A record is missing what an email about it must state; a bug upstream, never papered over. */
export class EmailViewError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EmailViewError";
  }
}

export function contractView(contract: Contract): ContractView {
  const { partyA, partyB } = contract.parties;
  return {
    contractId: contract.contractId,
    title: contract.title,
    partyAName: partyA.name,
    partyBName: partyB.name,
    partyAContactName: partyA.contact.name,
    partyBContactName: partyB.contact.name,
    partyBContactEmail: partyB.contact.email,
    partyBContactPhone: partyB.contact.phone,
  };
}

/** R-MONEY-1: the renderers want exactly 2 decimals; strict parsing refuses anything that is not money. */
export function amount(text: string): string {
  return formatMoney(parseMoney(text));
}

export function required<T>(value: T | undefined | null, what: string, cycle: CycleRecord): T {
  if (value === undefined || value === null) {
    throw new EmailViewError(`${cycle.contractId} ${cycle.period}: ${what} is not recorded`);
  }
  return value;
}

/**
 * A stored deadline with the rule's working-day count. The date shown is the stored one (what the workflow
 * waits on); R-WD-3: it is provisional when the calendar that computed it was, or when today's calendar
 * gives another day — either way it may still move.
 */
export function deadlineView(
  ruleId: string,
  workingDays: number,
  storedAt: string,
  recomputed: Deadline | null,
): DeadlineView {
  const provisional = recomputed === null ? false : recomputed.provisional || recomputed.at !== storedAt;
  return { ruleId, workingDays, dueAt: storedAt, provisional };
}

export function sentAtOf(cycle: CycleRecord): string {
  return required(cycle.sentAt, "the statement's sending time", cycle);
}

export function reconciliationDeadlineView(contract: Contract, cycle: CycleRecord): DeadlineView {
  const rules = deadlineRules(contract);
  return deadlineView(
    "R-RECON-1",
    rules.reconciliationWorkingDays,
    required(cycle.reconciliationDeadline, "the reconciliation deadline", cycle),
    reconciliationDue(new Date(sentAtOf(cycle)), rules),
  );
}

export function paymentDeadlineView(contract: Contract, cycle: CycleRecord): DeadlineView {
  const rules = deadlineRules(contract);
  return deadlineView(
    "R-PAY-1",
    rules.paymentWorkingDays,
    required(cycle.paymentDue, "the payment deadline", cycle),
    paymentDue(new Date(sentAtOf(cycle)), rules),
  );
}

/**
 * R-RECON-3 counts from the day the dispute was received. Before the workflow has stored the deadline (the
 * acknowledgement goes out first), it is computed from that day exactly as `openReReconciliation` will.
 */
export function reReconciliationDeadlineView(
  contract: Contract,
  cycle: CycleRecord,
  disputeReceivedAt: string | undefined,
): DeadlineView {
  const rules = deadlineRules(contract);
  const recomputed = disputeReceivedAt ? reReconciliationDue(new Date(disputeReceivedAt), rules) : null;
  const storedAt =
    cycle.reReconciliationDeadline ??
    required(recomputed, "the re-reconciliation deadline or the dispute's receipt", cycle).at;
  return deadlineView("R-RECON-3", rules.reReconciliationWorkingDays, storedAt, recomputed);
}

/** R-BANK-1: Party B's account in force on a day is the one with the latest `effectiveFrom` not after it. */
export function partyBAccountOn(contract: Contract, day: string): BankAccountView {
  const inForce = contract.parties.partyB.bankAccounts
    .filter((account) => account.effectiveFrom <= day)
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
  if (!inForce) {
    throw new EmailViewError(`${contract.contractId}: no Party B bank account in force on ${day} (R-BANK-1)`);
  }
  return {
    accountName: inForce.accountName,
    bank: inForce.bank,
    ...(inForce.bankCode ? { bankCode: inForce.bankCode } : {}),
    accountNumber: inForce.accountNumber,
    effectiveFrom: inForce.effectiveFrom,
  };
}

/** The account the period's statement named: the one in force on the day it was sent. */
export function statementAccount(contract: Contract, cycle: CycleRecord): BankAccountView {
  return partyBAccountOn(contract, shanghaiDateOf(new Date(sentAtOf(cycle))));
}

export function differenceView(contract: Contract, cycle: CycleRecord, claimed: string): DifferenceView {
  const tolerancePercent = contract.rules.reconciliationTolerancePercent.value;
  const classified = classifyReconciliation(formatFen(cycle.billTotalFen), claimed, tolerancePercent);
  if (classified.differencePercent === null) {
    // A zero bill: any other figure is an infinite share of it, which no percentage can state.
    throw new EmailViewError(
      `${cycle.contractId} ${cycle.period}: the bill total is zero, a difference has no percentage`,
    );
  }
  return {
    claimedAmount: classified.partyAFigure,
    differenceAmount: classified.difference,
    differencePercent: classified.differencePercent,
    tolerancePercent,
  };
}

export function claimedAmountOf(cycle: CycleRecord): string {
  return formatFen(required(cycle.reconciliation?.partyAAmountFen, "Party A's figure", cycle));
}
