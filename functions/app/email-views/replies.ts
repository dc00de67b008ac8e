/** Emails about Party A's replies (R-RECON-1..5): acknowledgement, needs-person, untrusted reply. */
import { now } from "../../adapters/clock";
import type { CycleRecord } from "../../adapters/repository";
import type { Contract } from "../../core/contract";
import {
  type NeedsPersonReasonCode,
  type RenderedEmail,
  type ReplyOutcomeView,
  type ReplyReadingView,
  renderNeedsPersonEmail,
  renderReplyAcknowledgementEmail,
  renderUntrustedReplyEmail,
  type UntrustedReasonView,
  type VerdictName,
} from "../../core/emails";
import { formatFen } from "../../core/money";
import type { TrustRejectionCode } from "../../core/reply/trust";
import type { ReplyDecision, ReplyReasonCode } from "../../core/reply/understand";
import { formatInstant } from "../../core/time";
import {
  amount,
  contractView,
  differenceView,
  EmailViewError,
  paymentDeadlineView,
  required,
  reReconciliationDeadlineView,
} from "./shared";

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

export function readingOf(decision: ReplyDecision): ReplyReadingView | null {
  if (decision.decision === "confirmed") return { kind: "confirm" };
  if (decision.decision === "disputed" && decision.amount !== null) {
    return { kind: "dispute", claimedAmount: amount(decision.amount) };
  }
  return null;
}

/** What the cycle recorded for the period, if the record at hand has it. */
export function recordedReading(
  cycle: CycleRecord,
): { reading: ReplyReadingView; recordedAt: string } | null {
  const recorded = cycle.reconciliation;
  if (!recorded) return null;
  const reading: ReplyReadingView =
    recorded.outcome === "confirmed" ||
    recorded.outcome === "no-reply" ||
    recorded.partyAAmountFen === undefined
      ? { kind: "confirm" }
      : { kind: "dispute", claimedAmount: formatFen(recorded.partyAAmountFen) };
  // R-RECON-5: a bill deemed accepted was recorded when its reconciliation deadline ended.
  const recordedAt = recorded.receivedAt ?? cycle.reconciliationDeadline;
  return recordedAt ? { reading, recordedAt } : null;
}

export function acknowledgementOutcome(
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

export function receivedAtOf(facts: InboundFacts | undefined): string {
  return facts?.receivedAt ?? formatInstant(now());
}

export function replyAcknowledgement(
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
    totalAmount: formatFen(cycle.billTotalFen),
    receivedAt,
    outcome: acknowledgementOutcome(contract, cycle, variant, decision, receivedAt),
  });
}

/** Only trusted senders reach a person (trust.ts checks the sender first), so From is Party A's contact. */
export function needsPerson(
  contract: Contract,
  cycle: CycleRecord,
  reason: string,
  newText: string,
  facts?: InboundFacts,
): RenderedEmail {
  return renderNeedsPersonEmail({
    contract: contractView(contract),
    period: cycle.period,
    totalAmount: formatFen(cycle.billTotalFen),
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
export function failedVerdicts(reason: string): Array<{ name: VerdictName; status: string }> {
  const names = (reason.split("：")[1] ?? "").split("、");
  return names.flatMap((raw) => {
    const name = VERDICT_NAMES[raw.trim().toUpperCase()];
    if (!name) return [];
    return [{ name, status: name === "spam" || name === "virus" ? "未通过（非 PASS）" : "FAIL" }];
  });
}

export function untrustedReason(
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

export function untrustedReply(
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
