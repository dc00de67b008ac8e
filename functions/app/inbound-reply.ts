/**
 * Party A's emailed reconciliation reply (R-RECON-1), as SES (or the local SMTP server) delivers it:
 * the raw message in S3, the receipt with its verdicts in the event. It acts only on what is certain (docs/replies.md;
 * ADR 0030): a trusted sender on an open reply key, a confirmation or a dispute with one figure.
 * Everything else is recorded, reported to Party B's contact, and changes nothing.
 */
import { awsConfig, inboundMailObjectKey } from "../adapters/aws-config";
import { now } from "../adapters/clock";
import { correlate } from "../adapters/correlation";
import { readInboundHead, readInboundMessage } from "../adapters/inbound-mail";
import { logger } from "../adapters/logger";
import { sendEmail } from "../adapters/mailer";
import { countMetric } from "../adapters/metrics";
import {
  appendAuditEvent,
  type CycleRecord,
  claimInboundMessage,
  getContract,
  getCycle,
  getReplyKey,
  type ReplyKeyRecord,
  recordInboundRejection,
  sentEmailKeys,
} from "../adapters/repository";
import type { SesInboundEvent, SesInboundRecord } from "../adapters/ses-event";
import { retention } from "../core/deadlines";
import { formatFen } from "../core/money";
import { printableLine } from "../core/printable";
import { decideReply } from "../core/reply/decide";
import {
  decodeEncodedWords,
  envelopeAddress,
  type HeaderSection,
  headerValues,
  MAX_HEADER_BYTES,
  readHeaderSection,
} from "../core/reply/headers";
import {
  assessEnvelope,
  assessTrust,
  referencedMessageIdKeys,
  replyKeyFromRecipients,
  type StatementFacts,
} from "../core/reply/trust";
import type { ReplyDecision } from "../core/reply/understand";
import { formatInstant, shanghaiDateOf } from "../core/time";
import type { InboundFacts } from "./email-views";
import * as emails from "./email-views";
import { recordReconciliationOutcome } from "./reconciliation-decision";
import { deadlineRules } from "./rules";

export type InboundOutcome = "decided" | "needs-person" | "already-recorded" | "late" | "untrusted";

export interface InboundResult {
  sesMessageId: string;
  outcome: InboundOutcome;
  reasonCode?: string;
  decision?: ReplyDecision["decision"];
}

export async function handleInboundEmail(event: SesInboundEvent): Promise<InboundResult[]> {
  const results: InboundResult[] = [];
  for (const record of event.Records) {
    const result = await handleOne(record);
    if (result.outcome === "decided") countMetric("RepliesUnderstood");
    if (result.outcome === "needs-person") countMetric("RepliesNeedingAPerson");
    results.push(result);
  }
  return results;
}

/**
 * What was sent for the key's period, to tie a reply to its statement (R-RECON-1, ADR 0030): of the emails the
 * reply names, those of this period and those of others. Each named id is looked up by its pointer (ADR 0085),
 * so a reply reads as much in the contract's tenth year as in its first.
 */
async function statementFacts(
  key: ReplyKeyRecord,
  cycle: CycleRecord | undefined,
  headers: HeaderSection,
  sentIdsIndexed: boolean,
): Promise<StatementFacts> {
  const named = await sentEmailKeys(key.contractId, referencedMessageIdKeys(headers), sentIdsIndexed);
  const periodOf = (emailKey: string) => /#(\d{4}-\d{2})(?:#|$)/.exec(emailKey)?.[1];
  const sent = [...named].map(([messageId, emailKey]) => ({ messageId, period: periodOf(emailKey) }));
  return {
    sentAt: cycle?.sentAt ? new Date(cycle.sentAt) : null,
    messageIds: sent.filter((e) => e.period === key.period).map((e) => e.messageId),
    otherMessageIds: sent
      .filter((e) => e.period !== undefined && e.period !== key.period)
      .map((e) => e.messageId),
  };
}

const NO_STATEMENT: StatementFacts = { sentAt: null, messageIds: [], otherMessageIds: [] };

async function handleOne(record: SesInboundRecord): Promise<InboundResult> {
  const { mail, receipt } = record.ses;
  const sesMessageId = mail.messageId;
  const receivedAt = new Date(receipt.timestamp ?? now().toISOString());
  const replyKey = replyKeyFromRecipients(receipt.recipients, awsConfig().replyDomain);
  const keyRecord = replyKey ? await getReplyKey(replyKey) : undefined;
  if (keyRecord) correlate({ contractId: keyRecord.contractId, period: keyRecord.period });
  const cycle = keyRecord ? await getCycle(keyRecord.contractId, keyRecord.period) : undefined;
  const contractRecord = keyRecord ? await getContract(keyRecord.contractId) : undefined;
  const contract = contractRecord?.contract;
  const verdicts = {
    spf: receipt.spfVerdict.status,
    dkim: receipt.dkimVerdict.status,
    dmarc: receipt.dmarcVerdict.status,
    spam: receipt.spamVerdict.status,
    virus: receipt.virusVerdict.status,
  };
  const envelope = {
    envelopeSender: mail.source,
    designatedContactEmail: contract?.parties.partyA.contact.email ?? "",
    verdicts,
    replyKeyKnown: keyRecord !== undefined,
  };
  // Both the S3 object and the Message-ID are claimed: a redelivery repeats either one.
  const claim = { sesMessageId, receivedAt: formatInstant(receivedAt) };
  const claims = [await claimInboundMessage(`s3:${inboundMailObjectKey(sesMessageId)}`, claim)];
  const baseFacts: InboundFacts = {
    receivedAt: formatInstant(receivedAt),
    // The envelope sender SES received the mail from, only when it is a plain address (ADR 0030).
    fromAddress: envelopeAddress(mail.source) ?? "（非规范地址）",
    messageId: sesMessageId,
    verdicts: VERDICT_NAMES.filter(([, key]) => verdicts[key] !== "PASS").map(([name, key]) => ({
      name,
      status: verdicts[key],
    })),
  };
  // Parse last (ADR 0030): a forged envelope or a failed verdict is refused before the message is read.
  const early = claims[0] && !seenBefore(claims[0], sesMessageId) ? assessEnvelope(envelope) : null;
  if (early) {
    await reportUntrusted(keyRecord, cycle, early.reasonCode, early.reason, sesMessageId, {
      ...baseFacts,
      subject: subjectOf(mail.commonHeaders.subject ?? ""),
    });
    return { sesMessageId, outcome: "untrusted", reasonCode: early.reasonCode };
  }
  const headers = readHeaderSection(await readInboundHead(sesMessageId, MAX_HEADER_BYTES + 4));
  const messageId = headerValues(headers, "message-id")[0]?.trim() || null;
  claims.push(await claimInboundMessage(`msgid:${messageId ?? sesMessageId}`, claim));
  const earlier = claims.find((c) => seenBefore(c, sesMessageId));
  const facts: InboundFacts = {
    ...baseFacts,
    subject: subjectOf(decodeEncodedWords(headerValues(headers, "subject")[0] ?? "")),
    ...(earlier && !earlier.claimed ? { firstReceivedAt: earlier.firstReceivedAt } : {}),
  };
  const trust = assessTrust({
    ...envelope,
    headers,
    // A retry of the message whose decision closed the key finds the key closed by itself: still open to it.
    replyKeyOpen: keyRecord?.open === true || cycle?.reconciliation?.sesMessageId === sesMessageId,
    alreadyProcessed: earlier !== undefined,
    receivedAt,
    deadline: keyRecord ? new Date(keyRecord.deadline) : null,
    // A message seen before is refused as a duplicate whatever it names: nothing to look up for it.
    statement:
      keyRecord && !earlier
        ? await statementFacts(keyRecord, cycle, headers, contractRecord?.sentMessageIdsIndexed === true)
        : NO_STATEMENT,
  });

  if (!trust.trusted && trust.reasonCode !== "closed-reply-key") {
    await reportUntrusted(keyRecord, cycle, trust.reasonCode, trust.reason, sesMessageId, facts);
    return { sesMessageId, outcome: "untrusted", reasonCode: trust.reasonCode };
  }
  // From here the sender is the designated contact of a known cycle: only now is the body read.
  const { parsed, decision } = await decideReply(
    await readInboundMessage(sesMessageId),
    formatFen(cycle?.billTotalFen ?? 0n),
  );
  facts.messageId = parsed.messageId ?? sesMessageId;
  facts.reasonCode = decision.reasonCode;
  // Trusted (or only closed) means the reply key is known (ADR 0030), so its cycle and contract exist.
  if (!keyRecord || !cycle || !contract) {
    throw new Error(`reply ${sesMessageId}: trusted without its reply key, cycle or contract`);
  }
  const key = keyRecord;
  const bill = cycle;
  const theContract = contract;
  const late = receivedAt.getTime() > Date.parse(key.deadline);
  if (late) {
    // R-RECON-1: recorded and shown in the cycle's history; it does not reopen a closed step.
    await appendAuditEvent({
      contractId: key.contractId,
      period: key.period,
      who: "party-a",
      what: `reply received after the reconciliation deadline (${decision.decision}); recorded as late`,
      rule: "R-RECON-1",
      details: { sesMessageId, reasonCode: decision.reasonCode },
    });
    await acknowledge(theContract, bill, sesMessageId, "late", decision, facts);
    return { sesMessageId, outcome: "late", decision: decision.decision };
  }
  if (!trust.trusted) {
    // A second reply after the decision: a dispute inside the objection window (R-RETAIN-1) goes to a
    // person; anything else is acknowledged as already recorded.
    const { objectionWindowEnd } = retention(
      new Date(bill.sentAt ?? bill.billDue),
      deadlineRules(theContract),
    );
    const objectionWindowOpen = receivedAt.getTime() <= Date.parse(objectionWindowEnd.at);
    if (decision.decision === "disputed" && objectionWindowOpen) {
      await handToPerson(
        theContract,
        bill,
        sesMessageId,
        "已确认账期之后收到的异议（在异议期内）",
        decision,
        parsed.newText,
        facts,
      );
      return { sesMessageId, outcome: "needs-person", decision: decision.decision };
    }
    await acknowledge(theContract, bill, sesMessageId, "already-recorded", decision, facts);
    return { sesMessageId, outcome: "already-recorded", decision: decision.decision };
  }
  if (decision.decision === "needs-person") {
    // The token stays open: a person reads it and the deadline still runs.
    await handToPerson(theContract, bill, sesMessageId, decision.reason, decision, parsed.newText, facts);
    return {
      sesMessageId,
      outcome: "needs-person",
      reasonCode: decision.reasonCode,
      decision: decision.decision,
    };
  }
  const decided = await recordReconciliationOutcome(theContract, bill, {
    decision: decision.decision === "confirmed" ? "confirmed" : "disputed",
    partyAAmount: decision.amount ?? formatFen(bill.billTotalFen),
    receivedAt,
    who: "party-a",
    sesMessageId,
    details: { sesMessageId, reasonCode: decision.reasonCode },
  });
  if (!decided) {
    await acknowledge(theContract, bill, sesMessageId, "already-recorded", decision, facts);
    return { sesMessageId, outcome: "already-recorded", decision: decision.decision };
  }
  const { outcome } = decided;
  await acknowledge(theContract, bill, sesMessageId, outcome, decision, facts);
  return { sesMessageId, outcome: "decided", decision: decision.decision };
}

/**
 * Whether a claim shows another message received before this one. SES invokes this Lambda
 * asynchronously and at least once, and Lambda retries a failed invocation: the same SES message
 * claimed by an earlier delivery is this reply again, to be finished, not a second message.
 */
function seenBefore(claim: Awaited<ReturnType<typeof claimInboundMessage>>, sesMessageId: string): boolean {
  return !claim.claimed && claim.firstSesMessageId !== sesMessageId;
}

/**
 * The only text of an untrusted message that reaches Party B's inbox: its subject, cut short and with
 * control and invisible characters escaped (ADR 0030).
 */
function subjectOf(subject: string): string {
  return printableLine(subject, 60);
}

/** The receipt's verdicts under the names the emails use. */
const VERDICT_NAMES = [
  ["SPF", "spf"],
  ["DKIM", "dkim"],
  ["DMARC", "dmarc"],
  ["spam", "spam"],
  ["virus", "virus"],
] as const;

type Contract = Awaited<ReturnType<typeof getContract>>["contract"];

async function acknowledge(
  contract: Contract,
  cycle: CycleRecord,
  sesMessageId: string,
  variant: "confirmed" | "within-tolerance" | "re-reconcile" | "needs-person" | "already-recorded" | "late",
  decision: ReplyDecision,
  facts: InboundFacts,
): Promise<void> {
  await sendEmail({
    contractId: contract.contractId,
    emailKey: `ack#${cycle.period}#${sesMessageId}`,
    to: [contract.parties.partyA.contact.email],
    ...emails.replyAcknowledgement(contract, cycle, variant, decision, facts),
  });
}

async function handToPerson(
  contract: Contract,
  cycle: CycleRecord,
  sesMessageId: string,
  reason: string,
  decision: ReplyDecision,
  newText: string,
  facts: InboundFacts,
): Promise<void> {
  await appendAuditEvent({
    contractId: contract.contractId,
    period: cycle.period,
    who: "party-a",
    what: `reply needs a person: ${reason}`,
    rule: "R-RECON-1",
    details: { sesMessageId, reasonCode: decision.reasonCode },
  });
  await sendEmail({
    contractId: contract.contractId,
    emailKey: `needs-person#${cycle.period}#${sesMessageId}`,
    to: [contract.parties.partyB.contact.email],
    ...emails.needsPerson(contract, cycle, reason, newText, facts),
  });
  await acknowledge(contract, cycle, sesMessageId, "needs-person", decision, facts);
}

async function reportUntrusted(
  keyRecord: ReplyKeyRecord | undefined,
  cycle: CycleRecord | undefined,
  reasonCode: string,
  reason: string,
  sesMessageId: string,
  facts: InboundFacts,
): Promise<void> {
  logger.warn("inbound reply not trusted", { reasonCode, sesMessageId });
  await recordInboundRejection(`s3:${inboundMailObjectKey(sesMessageId)}`, reasonCode, reason);
  // Without a known reply key the message belongs to no contract: it stays recorded with its reason (and
  // in the mail bucket) for an operator; there is no contact to tell.
  if (!keyRecord || !cycle) return;
  const { contract } = await getContract(keyRecord.contractId);
  await appendAuditEvent({
    contractId: keyRecord.contractId,
    period: keyRecord.period,
    who: "system",
    what: `inbound reply not acted on: ${reason}`,
    rule: "R-RECON-1",
    details: { sesMessageId, reasonCode },
  });
  await sendEmail({
    contractId: keyRecord.contractId,
    // At most one notice per reply key and day: a flood of forged mail must not become a flood of email.
    emailKey: `untrusted#${keyRecord.period}#${shanghaiDateOf(new Date(facts.receivedAt ?? now()))}`,
    to: [contract.parties.partyB.contact.email],
    ...emails.untrustedReply(contract, cycle, reasonCode, reason, facts),
  });
}
