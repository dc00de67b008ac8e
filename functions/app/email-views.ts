/**
 * From the domain records (contract, cycle, breach, renewal schedule) to the flat view models of the email
 * renderers in `core/emails`. Every figure shown comes from a record or is recomputed by the same core rule
 * the workflow used; where a record lacks something an email needs, the caller may pass it in `InboundFacts`,
 * and otherwise the email says less rather than something made up.
 */
import { now } from "../adapters/clock";
import type { Breach, CycleRecord } from "../adapters/repository";
import { usageObjectKey } from "../adapters/usage-store";
import {
  type Contract,
  contractService,
  KNOWN_SERVICES,
  type ServiceName,
  termStartDate,
} from "../core/contract";
import {
  type Deadline,
  invoiceDue,
  paymentDue,
  reconciliationDue,
  reReconciliationDue,
} from "../core/deadlines";
import {
  type BankAccountView,
  type ContractView,
  type DeadlineView,
  type DifferenceView,
  type NeedsPersonReasonCode,
  type NoticeAddressView,
  type RenderedEmail,
  type ReplyOutcomeView,
  type ReplyReadingView,
  renderBreachRecordedEmail,
  renderBudgetWarningEmail,
  renderCalendarProvisionalEmail,
  renderDeadlinesMovedEmail,
  renderEndOfContractEmail,
  renderInvoiceIssuedEmail,
  renderNeedsPersonEmail,
  renderOverdueNoticeEmail,
  renderReconciliationReminderEmail,
  renderRenewalConfirmationEmail,
  renderRenewalReminderEmail,
  renderReplyAcknowledgementEmail,
  renderReReconciliationOpenedEmail,
  renderReReconciliationUnresolvedEmail,
  renderSettlementEmail,
  renderStatementEmail,
  renderUntrustedReplyEmail,
  renderUsageMissingEmail,
  type StatementLineView,
  type UntrustedReasonView,
  type UsageSummaryItem,
  type VerdictName,
} from "../core/emails";
import { formatInstantDay, formatPeriod, formatYuan } from "../core/emails/format";
import { formatFen, formatMoney, parseMoney, percentOfText, subtractMoney } from "../core/money";
import { classifyReconciliation } from "../core/reconciliation";
import { nonRenewalDeadline, type RenewalSchedule, type TermDates, termDates } from "../core/renewal";
import type { TrustRejectionCode } from "../core/reply/trust";
import type { ReplyDecision, ReplyReasonCode } from "../core/reply/understand";
import { type Statement, type StatementLine, statementSchema } from "../core/statement";
import { addDays, formatInstant, periodOf, shanghaiDateOf } from "../core/time";
import { deadlineRules, renewalRules } from "./rules";

/** A record is missing what an email about it must state; a bug upstream, never papered over. */
export class EmailViewError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EmailViewError";
  }
}

/**
 * What the inbound handler knows about a message and the cycle record does not. All optional so the current
 * call sites keep working; each missing fact is handled where it is used (see the members below).
 */
export interface InboundFacts {
  /** ISO instant with offset. Without it, the handling time is shown: the handler runs on delivery. */
  receivedAt?: string;
  /** The From address as the message gave it. */
  fromAddress?: string;
  subject?: string;
  messageId?: string;
  /** understand.ts's code, mapped to the needs-person email's reason by `NEEDS_PERSON_REASONS`. */
  reasonCode?: ReplyReasonCode;
  /** SES verdicts that did not pass, as SES reported them. */
  verdicts?: Array<{ name: VerdictName; status: string }>;
  /** For a duplicate: when the same message was first received. No record keeps this today. */
  firstReceivedAt?: string;
}

export type AcknowledgementVariant =
  | "confirmed"
  | "within-tolerance"
  | "re-reconcile"
  | "needs-person"
  | "already-recorded"
  | "late";

/** Shown where the handler did not pass a header: the email says it was not recorded rather than guess. */
const NOT_RECORDED = "（未记录）";

/**
 * understand.ts's reasons → the needs-person email's. Codes of a clear answer appear here only when a person
 * is asked anyway (a dispute after the period was closed); the Chinese reason then says why.
 */
export const NEEDS_PERSON_REASONS: Record<ReplyReasonCode, NeedsPersonReasonCode> = {
  "confirm-word": "other",
  "dispute-with-figure": "other",
  // A dispute that names the bill's own total contradicts itself.
  "figure-equals-bill": "conflicting-instructions",
  "both-confirm-and-dispute": "conflicting-instructions",
  "two-different-figures": "several-amounts",
  "dispute-without-figure": "amount-missing",
  // A figure that is not the total, with no word saying whether it is a dispute: no instruction given.
  "figure-without-dispute-word": "no-instruction",
  "no-recognisable-answer": "no-instruction",
  // Covers an undecodable body as well as an unreadable figure, so not "amount-unreadable".
  unreadable: "other",
};

/** trust.ts's SES verdict names as its reason sentence writes them → the untrusted-reply email's names. */
const VERDICT_NAMES: Record<string, VerdictName> = {
  SPF: "SPF",
  DKIM: "DKIM",
  DMARC: "DMARC",
  SPAM: "spam",
  VIRUS: "virus",
};

// --- shared pieces ---------------------------------------------------------------------------------

function contractView(contract: Contract): ContractView {
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
function amount(text: string): string {
  return formatMoney(parseMoney(text));
}

function required<T>(value: T | undefined | null, what: string, cycle: CycleRecord): T {
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
function deadlineView(
  ruleId: string,
  workingDays: number,
  storedAt: string,
  recomputed: Deadline | null,
): DeadlineView {
  const provisional = recomputed === null ? false : recomputed.provisional || recomputed.at !== storedAt;
  return { ruleId, workingDays, dueAt: storedAt, provisional };
}

function sentAtOf(cycle: CycleRecord): string {
  return required(cycle.sentAt, "the statement's sending time", cycle);
}

function reconciliationDeadlineView(contract: Contract, cycle: CycleRecord): DeadlineView {
  const rules = deadlineRules(contract);
  return deadlineView(
    "R-RECON-1",
    rules.reconciliationWorkingDays,
    required(cycle.reconciliationDeadline, "the reconciliation deadline", cycle),
    reconciliationDue(new Date(sentAtOf(cycle)), rules),
  );
}

function paymentDeadlineView(contract: Contract, cycle: CycleRecord): DeadlineView {
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
function reReconciliationDeadlineView(
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
function partyBAccountOn(contract: Contract, day: string): BankAccountView {
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
function statementAccount(contract: Contract, cycle: CycleRecord): BankAccountView {
  return partyBAccountOn(contract, shanghaiDateOf(new Date(sentAtOf(cycle))));
}

function differenceView(contract: Contract, cycle: CycleRecord, claimed: string): DifferenceView {
  const tolerancePercent = contract.rules.reconciliationTolerancePercent.value;
  const classified = classifyReconciliation(cycle.billTotal, claimed, tolerancePercent);
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

function claimedAmountOf(cycle: CycleRecord): string {
  return amount(required(cycle.reconciliation?.partyAAmount, "Party A's figure", cycle));
}

// --- the statement (R-BILL-1) ----------------------------------------------------------------------

function parsedStatement(cycle: CycleRecord): Statement {
  const result = statementSchema.safeParse(cycle.statement);
  if (!result.success) {
    throw new EmailViewError(`${cycle.contractId} ${cycle.period}: the stored statement is malformed`, {
      cause: result.error,
    });
  }
  return result.data;
}

function isPricedService(service: string): service is ServiceName {
  return (KNOWN_SERVICES as readonly string[]).includes(service);
}

/** rating.ts writes an adjustment's period into its description: "<description>（2025-09 账期）". */
const ADJUSTMENT_SOURCE = /^(.*)（(\d{4}-\d{2}) 账期）$/u;

function lineView(contract: Contract, line: StatementLine): StatementLineView {
  if (line.service === "adjustment") {
    const match = ADJUSTMENT_SOURCE.exec(line.description);
    if (!match?.[2]) {
      throw new EmailViewError(`adjustment line "${line.description}" names no source period (R-RECON-4)`);
    }
    return {
      kind: "adjustment",
      description: (match[1] ?? "").trim() || "对账差异调整",
      quantity: null,
      unit: null,
      unitPrice: null,
      amount: amount(line.amount),
      sourcePeriod: match[2],
    };
  }
  // R-TRIAL-1: the renderer adds its own trial wording, so the service's plain name is used, not rating's.
  const trialName =
    line.trial && isPricedService(line.service)
      ? contractService(contract, line.service)?.description
      : undefined;
  return {
    kind: line.trial ? "trial" : "charge",
    description: trialName ?? line.description,
    quantity: line.quantity,
    unit: line.unitLabel,
    unitPrice: line.unitPrice,
    amount: amount(line.amount),
  };
}

/** "75236" → "75,236"; the digits are grouped as text (quantities may carry decimals). */
function grouped(value: number | string): string {
  const [whole = "", fraction] = String(value).split(".");
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? digits : `${digits}.${fraction}`;
}

function usageSummary(contract: Contract, usage: Statement["usage"]): UsageSummaryItem[] {
  const items: UsageSummaryItem[] = [];
  if (usage.voiceRecords > 0) {
    items.push({
      label: "主叫通话",
      value: `${grouped(usage.voiceOutboundCalls)} 次，计费时长 ${grouped(usage.voiceMinutesBilled)} 分钟（R-PRICE-2）`,
    });
    if (usage.voiceTrialMinutes !== "0") {
      items.push({
        label: "试用期主叫通话",
        value: `${grouped(usage.voiceTrialMinutes)} 分钟，不计费（R-TRIAL-1）`,
      });
    }
    if (usage.voiceInboundCalls > 0) {
      items.push({ label: "被叫通话", value: `${grouped(usage.voiceInboundCalls)} 次，免费` });
    }
  }
  if (usage.smsRecords > 0) {
    items.push({
      label: "下行短信",
      value: `${grouped(usage.smsDownlinkMessages)} 条，按每条 ${contract.rules.smsPartLength.value} 字拆分后计费 ${grouped(usage.smsParts)} 条（R-SMS-1）`,
    });
    if (usage.smsTrialParts > 0) {
      items.push({ label: "试用期短信", value: `${grouped(usage.smsTrialParts)} 条，不计费（R-TRIAL-1）` });
    }
    if (usage.smsUplinkIgnored > 0) {
      items.push({ label: "上行短信", value: `${grouped(usage.smsUplinkIgnored)} 条，不计费（R-UPLINK-1）` });
    }
  }
  return items;
}

function statement(contract: Contract, cycle: CycleRecord): RenderedEmail {
  const rated = parsedStatement(cycle);
  return renderStatementEmail({
    contract: contractView(contract),
    period: cycle.period,
    sentAt: sentAtOf(cycle),
    lines: rated.lines.map((line) => lineView(contract, line)),
    totalAmount: amount(rated.total),
    usage: usageSummary(contract, rated.usage),
    rejectedRecordCount: rated.rejectedCount,
    ...(rated.missingUsage ? { missingUsage: rated.missingUsage } : {}),
    reconciliationDeadline: reconciliationDeadlineView(contract, cycle),
    paymentDeadline: paymentDeadlineView(contract, cycle),
    tolerancePercent: contract.rules.reconciliationTolerancePercent.value,
    reReconciliationWorkingDays: contract.rules.reReconciliationWorkingDays.value,
    paymentAccount: statementAccount(contract, cycle),
    bankChangeNoticeDays: contract.rules.bankChangeNoticeDays.value,
    isFinalPeriod: cycle.lastPeriod,
  });
}

/** To Party B's contact: the bill went out without usage files its services call for (never a silent bill). */
function usageMissing(contract: Contract, cycle: CycleRecord, bucket: string): RenderedEmail {
  const rated = parsedStatement(cycle);
  return renderUsageMissingEmail({
    contract: contractView(contract),
    period: cycle.period,
    totalAmount: amount(rated.total),
    missing: (rated.missingUsage ?? []).map((file) => ({
      file,
      objectKey: usageObjectKey(contract.contractId, cycle.period, file),
    })),
    bucket,
  });
}

// --- the monthly cycle's other emails --------------------------------------------------------------

function reconciliationReminder(contract: Contract, cycle: CycleRecord): RenderedEmail {
  return renderReconciliationReminderEmail({
    contract: contractView(contract),
    period: cycle.period,
    totalAmount: amount(cycle.billTotal),
    statementSentAt: sentAtOf(cycle),
    reconciliationDeadline: reconciliationDeadlineView(contract, cycle),
  });
}

/** R-RECON-3 passed without an agreed amount: the bill stands (R-RECON-4), referred to negotiation (8.2). */
function reReconciliationUnresolved(contract: Contract, cycle: CycleRecord): RenderedEmail {
  return renderReReconciliationUnresolvedEmail({
    contract: contractView(contract),
    period: cycle.period,
    totalAmount: amount(cycle.billTotal),
    claimedAmount: claimedAmountOf(cycle),
    reReconciliationDeadline: reReconciliationDeadlineView(contract, cycle, cycle.reconciliation?.receivedAt),
  });
}

/** R-PAY-2: the account is the statement's, shown masked by the renderer. */
function overdueNotice(contract: Contract, cycle: CycleRecord): RenderedEmail {
  return renderOverdueNoticeEmail({
    contract: contractView(contract),
    period: cycle.period,
    amountDue: amount(cycle.billTotal),
    statementSentAt: sentAtOf(cycle),
    paymentDeadline: paymentDeadlineView(contract, cycle),
    asOf: formatInstant(now()),
    paymentAccount: statementAccount(contract, cycle),
  });
}

/** The register's `what` is English for operators; the email words the known breaches in Chinese. */
function breachDescription(cycle: CycleRecord, breach: Breach): string {
  const period = formatPeriod(cycle.period);
  switch (breach.rule) {
    case "R-BILL-1":
      return `${period}账单晚于发送期限（${formatInstantDay(cycle.billDue)}）发出`;
    case "R-PAY-1":
      return `${period}账单付款逾期（应付 ${formatYuan(amount(cycle.billTotal))}${cycle.paymentDue ? `，截止 ${formatInstantDay(cycle.paymentDue)}` : ""}）`;
    case "R-INV-1":
      return `${period}账单的增值税普通发票未在期限内开具${cycle.payment ? `（截止 ${formatInstantDay(cycle.payment.invoiceDue)}）` : ""}`;
    default:
      return breach.what;
  }
}

/**
 * R-BREACH-1: the cure period runs from a written notice (5.1, R-NOTICE-1). The register's `cureDeadline` is
 * counted from the moment the system recorded the breach, which is no written notice, so it is not shown.
 */
function breachRecorded(contract: Contract, cycle: CycleRecord, breach: Breach): RenderedEmail {
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

function reReconciliationOpened(contract: Contract, cycle: CycleRecord, partyAAmount: string): RenderedEmail {
  const difference = differenceView(contract, cycle, amount(partyAAmount));
  return renderReReconciliationOpenedEmail({
    contract: contractView(contract),
    period: cycle.period,
    totalAmount: amount(cycle.billTotal),
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
function budgetWarning(contract: Contract, billedTotal: string, percent: string): RenderedEmail {
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
function calendarProvisional(contract: Contract, year: number, checkedOn: string): RenderedEmail {
  return renderCalendarProvisionalEmail({ contract: contractView(contract), year, checkedOn });
}

/** R-WD-3: the deadlines an official calendar moved, to both contacts, citing the notice. */
function deadlinesMoved(
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

// --- replies (R-RECON-1..5) ------------------------------------------------------------------------

function readingOf(decision: ReplyDecision): ReplyReadingView | null {
  if (decision.decision === "confirmed") return { kind: "confirm" };
  if (decision.decision === "disputed" && decision.amount !== null) {
    return { kind: "dispute", claimedAmount: amount(decision.amount) };
  }
  return null;
}

/** What the cycle recorded for the period, if the record at hand has it. */
function recordedReading(cycle: CycleRecord): { reading: ReplyReadingView; recordedAt: string } | null {
  const recorded = cycle.reconciliation;
  if (!recorded) return null;
  const reading: ReplyReadingView =
    recorded.outcome === "confirmed" || recorded.outcome === "no-reply" || !recorded.partyAAmount
      ? { kind: "confirm" }
      : { kind: "dispute", claimedAmount: amount(recorded.partyAAmount) };
  // R-RECON-5: a bill deemed accepted was recorded when its reconciliation deadline ended.
  const recordedAt = recorded.receivedAt ?? cycle.reconciliationDeadline;
  return recordedAt ? { reading, recordedAt } : null;
}

function acknowledgementOutcome(
  contract: Contract,
  cycle: CycleRecord,
  variant: AcknowledgementVariant,
  decision: ReplyDecision,
  receivedAt: string,
): ReplyOutcomeView {
  const reading = readingOf(decision);
  switch (variant) {
    case "confirmed":
      return { kind: "confirmed" };
    case "within-tolerance":
    case "re-reconcile": {
      const claimed = reading?.kind === "dispute" ? reading.claimedAmount : null;
      const difference = differenceView(
        contract,
        cycle,
        required(claimed, "Party A's disputed figure", cycle),
      );
      if (variant === "within-tolerance") return { kind: "within-tolerance", ...difference };
      return {
        kind: "re-reconcile",
        ...difference,
        reReconciliationDeadline: reReconciliationDeadlineView(contract, cycle, receivedAt),
        paymentDeadline: paymentDeadlineView(contract, cycle),
        isFinalPeriod: cycle.lastPeriod,
      };
    }
    case "needs-person":
      return { kind: "needs-person", understood: decision.understood };
    case "already-recorded": {
      const recorded = recordedReading(cycle);
      // The record at hand predates the decision that beat this reply: a person says what was recorded.
      return recorded
        ? {
            kind: "already-recorded",
            recorded: recorded.reading,
            recordedAt: recorded.recordedAt,
            understood: decision.understood,
          }
        : { kind: "needs-person", understood: decision.understood };
    }
    case "late":
      // A late reply that cannot be read has no reading to repeat back: a person follows it up.
      return reading
        ? {
            kind: "late",
            reading,
            reconciliationDueAt: required(cycle.reconciliationDeadline, "the reconciliation deadline", cycle),
          }
        : { kind: "needs-person", understood: decision.understood };
  }
}

function receivedAtOf(facts: InboundFacts | undefined): string {
  return facts?.receivedAt ?? formatInstant(now());
}

function replyAcknowledgement(
  contract: Contract,
  cycle: CycleRecord,
  variant: AcknowledgementVariant,
  decision: ReplyDecision,
  facts?: InboundFacts,
): RenderedEmail {
  const receivedAt = receivedAtOf(facts);
  return renderReplyAcknowledgementEmail({
    contract: contractView(contract),
    period: cycle.period,
    totalAmount: amount(cycle.billTotal),
    receivedAt,
    outcome: acknowledgementOutcome(contract, cycle, variant, decision, receivedAt),
  });
}

/** Only trusted senders reach a person (trust.ts checks the sender first), so From is Party A's contact. */
function needsPerson(
  contract: Contract,
  cycle: CycleRecord,
  reason: string,
  newText: string,
  facts?: InboundFacts,
): RenderedEmail {
  return renderNeedsPersonEmail({
    contract: contractView(contract),
    period: cycle.period,
    totalAmount: amount(cycle.billTotal),
    receivedAt: receivedAtOf(facts),
    fromAddress: facts?.fromAddress ?? contract.parties.partyA.contact.email,
    reason: { code: facts?.reasonCode ? NEEDS_PERSON_REASONS[facts.reasonCode] : "other", detail: reason },
    replyText: newText,
  });
}

/**
 * trust.ts lists SPF/DKIM/DMARC only when they FAIL and spam/virus whenever they do not PASS; without the
 * verdicts themselves, the names are read back from its reason sentence and the status stated as far as known.
 */
function failedVerdicts(reason: string): Array<{ name: VerdictName; status: string }> {
  const names = (reason.split("：")[1] ?? "").split("、");
  return names.flatMap((raw) => {
    const name = VERDICT_NAMES[raw.trim().toUpperCase()];
    if (!name) return [];
    return [{ name, status: name === "spam" || name === "virus" ? "未通过（非 PASS）" : "FAIL" }];
  });
}

function untrustedReason(
  contract: Contract,
  reasonCode: string,
  reason: string,
  facts?: InboundFacts,
): UntrustedReasonView {
  switch (reasonCode as TrustRejectionCode) {
    case "unknown-reply-key":
      return { code: "unknown-key" };
    case "closed-reply-key":
      return { code: "closed-key" };
    case "sender-not-contact":
    case "return-path-not-contact":
    case "from-not-sender":
    case "repeated-header":
    case "header-unreadable":
      return { code: "spoofed-sender", expectedSender: contract.parties.partyA.contact.email };
    case "verdict-failed":
    case "not-authenticated":
      return { code: "failed-verdicts", verdicts: facts?.verdicts ?? failedVerdicts(reason) };
    case "references-other-statement":
    case "dated-before-statement":
      return { code: "other-statement" };
    case "duplicate":
      if (!facts?.firstReceivedAt) {
        throw new EmailViewError(
          "duplicate message: the first receipt time is not known, so it cannot be stated",
        );
      }
      return { code: "duplicate", firstReceivedAt: facts.firstReceivedAt };
    default:
      throw new EmailViewError(`unknown trust rejection code ${JSON.stringify(reasonCode)}`);
  }
}

function untrustedReply(
  contract: Contract,
  cycle: CycleRecord,
  reasonCode: string,
  reason: string,
  facts?: InboundFacts,
): RenderedEmail {
  return renderUntrustedReplyEmail({
    contract: contractView(contract),
    period: cycle.period,
    reason: untrustedReason(contract, reasonCode, reason, facts),
    receivedAt: receivedAtOf(facts),
    fromAddress: facts?.fromAddress ?? NOT_RECORDED,
    subject: facts?.subject ?? NOT_RECORDED,
    messageId: facts?.messageId ?? NOT_RECORDED,
  });
}

// --- payment and invoice (R-INV-1) -----------------------------------------------------------------

/**
 * The invoice covers the payment received (R-INV-1); the record keeps no separate invoice amount or 发票代码,
 * so the amount shown is the payment's and no code is shown.
 */
function invoiceIssued(
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
    invoiceAmount: amount(payment.amount),
    issuedOn: shanghaiDateOf(new Date(invoice.invoicedAt)),
    paymentAmount: amount(payment.amount),
    paymentReceivedOn: shanghaiDateOf(new Date(payment.paidAt)),
    invoiceDeadline: deadlineView(
      "R-INV-1",
      rules.invoiceWorkingDays,
      payment.invoiceDue,
      invoiceDue(new Date(payment.paidAt), rules),
    ),
  });
}

// --- term, renewal and end (R-TERM-1..4, R-NOTICE-1..3, R-END-1) -----------------------------------

/** 9.4 of the contract; both parties write 传真：【/】, and the contract data has no fax field. */
function noticeAddress(party: Contract["parties"]["partyA"]): NoticeAddressView {
  return {
    name: party.name,
    address: party.address,
    postcode: party.postcode,
    contactName: party.contact.name,
    phone: party.contact.phone,
    fax: null,
  };
}

function renewalReminder(contract: Contract, schedule: RenewalSchedule): RenderedEmail {
  const next = termDates(termStartDate(contract), schedule.term + 1, renewalRules(contract).termYears);
  return renderRenewalReminderEmail({
    contract: contractView(contract),
    termFirstDay: schedule.firstDay,
    termLastDay: schedule.lastDay,
    noticeDays: contract.rules.nonRenewalNoticeDays.value,
    noticeDeliveredBy: schedule.nonRenewalDeadline.date,
    nextTermFirstDay: next.firstDay,
    nextTermLastDay: next.lastDay,
    dispatchDeadlines: schedule.latestDispatch.map((option) => ({
      method: option.method,
      region: option.region,
      deemedDeliveryDays: option.deemedDeliveryDays,
      latestDispatchDate: option.latestDispatchDate,
    })),
    noticeAddresses: {
      partyA: noticeAddress(contract.parties.partyA),
      partyB: noticeAddress(contract.parties.partyB),
    },
  });
}

function renewalConfirmation(contract: Contract, nextTerm: number, next: TermDates): RenderedEmail {
  if (next.term !== nextTerm) {
    throw new EmailViewError(`renewal into term ${nextTerm} given the dates of term ${next.term}`);
  }
  return renderRenewalConfirmationEmail({
    contract: contractView(contract),
    previousTermLastDay: addDays(next.firstDay, -1),
    nextTermFirstDay: next.firstDay,
    nextTermLastDay: next.lastDay,
    nextNoticeDeliveredBy: nonRenewalDeadline(next.lastDay, renewalRules(contract).nonRenewalNoticeDays).date,
  });
}

/**
 * Sent at term end after a non-renewal notice (the only path that calls it). The last period is not even
 * billed yet when the term ends, so its true-up (R-END-1) is pending.
 */
function endOfContract(contract: Contract, lastDay: string): RenderedEmail {
  return renderEndOfContractEmail({
    contract: contractView(contract),
    lastDay,
    reason: "non-renewal",
    finalTrueUp: { status: "pending", period: periodOf(lastDay) },
    smsAccessCode: contract.access.smsAccessCode,
  });
}

/** R-END-1: the settlement document (结算单) once the last period closed; amounts in fen, signs resolved. */
function settlement(
  contract: Contract,
  lastPeriod: string,
  figures: { outstandingFen: bigint; creditFen: bigint; unbilledDifferencesFen: bigint; amountFen: bigint },
  direction: "refund" | "collect" | "none",
): RenderedEmail {
  return renderSettlementEmail({
    contract: contractView(contract),
    lastPeriod,
    outstanding: formatFen(figures.outstandingFen),
    credit: formatFen(figures.creditFen),
    unbilledDifferences: formatFen(figures.unbilledDifferencesFen),
    amount: formatFen(figures.amountFen),
    direction,
    partyBAccount: partyBAccountOn(contract, shanghaiDateOf(now())),
  });
}

/** Every outbound email of the application layer, keyed by what it is about. */
export const emails = {
  statement,
  usageMissing,
  reconciliationReminder,
  reReconciliationUnresolved,
  overdueNotice,
  breachRecorded,
  reReconciliationOpened,
  budgetWarning,
  calendarProvisional,
  deadlinesMoved,
  replyAcknowledgement,
  needsPerson,
  untrustedReply,
  invoiceIssued,
  renewalReminder,
  renewalConfirmation,
  endOfContract,
  settlement,
};
