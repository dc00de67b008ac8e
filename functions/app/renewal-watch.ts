/**
 * The RenewalWatch steps (R-TERM-1..4, R-NOTICE-1..3, R-END-1): one execution per term works out the
 * term's dates, reminds both contacts ahead of the non-renewal deadline, waits for a recorded written
 * notice, then renews (starting the next term's watch) or ends the contract at term end.
 */

import { now } from "../adapters/clock";
import { sendEmail } from "../adapters/mailer";
import {
  advanceTerm,
  appendAuditEvent,
  getContract,
  getTerm,
  endContract as markContractEnded,
  putTerm,
  retreatTerm,
  reviseRenewalToEnded,
  setTermOutcome,
  updateTerm,
} from "../adapters/repository";
import {
  completeTask,
  requiredEnv,
  startNamedExecution,
  stateMachineArnByName,
  stopRunningExecutions,
} from "../adapters/workflow";
import { termStartDate } from "../core/contract";
import { type RenewalSchedule, renewalSchedule, termDates } from "../core/renewal";
import { atTimeOfDay, endOfDay, formatInstant } from "../core/time";
import * as emails from "./email-views";
import { OperationRejectedError } from "./operation-input";
import { REMINDER_TIME, renewalRules } from "./rules";

export const RENEWAL_WATCH_NAME = "ContractOps-RenewalWatch";

/**
 * The RenewalWatch ARN for code outside the workflows (the ops CLI): RENEWAL_WATCH_ARN from the stack
 * outputs, or looked up by name where the command points (the embedded stack).
 */
export async function renewalWatchArn(): Promise<string> {
  const arn = process.env.RENEWAL_WATCH_ARN ?? (await stateMachineArnByName(RENEWAL_WATCH_NAME));
  if (!arn) {
    throw new OperationRejectedError(
      `no state machine ${RENEWAL_WATCH_NAME} is deployed where this command points`,
    );
  }
  return arn;
}

async function planTerm(contractId: string, term: number) {
  const { contract } = await getContract(contractId);
  const schedule = renewalSchedule(termStartDate(contract), term, renewalRules(contract));
  return { contract, schedule };
}

/** The term's record (idempotent): planned by its watch, or first touched by a notice recorded earlier. */
export async function ensureTermRecord(contractId: string, schedule: RenewalSchedule): Promise<void> {
  await putTerm({
    contractId,
    term: schedule.term,
    firstDay: schedule.firstDay,
    lastDay: schedule.lastDay,
    noticeDeadline: schedule.nonRenewalDeadline.at,
  });
}

export async function planRenewalWatch(input: { contractId: string; term: number }) {
  const { schedule } = await planTerm(input.contractId, input.term);
  await ensureTermRecord(input.contractId, schedule);
  const record = await getTerm(input.contractId, input.term);
  return {
    // "ended" when a notice already decided the term (a renewal undone, R-NOTICE-2): the watch only
    // waits for the term's end.
    outcome: record?.outcome ?? null,
    termFirstDay: schedule.firstDay,
    termLastDay: schedule.lastDay,
    reminderAt: formatInstant(atTimeOfDay(schedule.reminderDate, REMINDER_TIME)),
    noticeDeadline: schedule.nonRenewalDeadline.at,
    termEndsAt: formatInstant(endOfDay(schedule.lastDay)),
  };
}

/** AWS StartExecution: a name has 1–80 characters and is unique per state machine. */
const EXECUTION_NAME_MAX = 80;

/**
 * The RenewalWatch execution of a term: `<contractId>-term-<n>` first, then `…-c<k>` for its k-th
 * handover (ADR 0021). Short enough for a 64-character contract id, term 100 and 99,999 handovers.
 */
export function renewalWatchName(contractId: string, term: number, handover = 0): string {
  return checkedName(`${contractId}-term-${term}${handover === 0 ? "" : `-c${handover}`}`);
}

/** The watch restarted for a term whose renewal a late-recorded, in-time notice undid: `…-term-<n>-notice`. */
export function noticeWatchName(contractId: string, term: number): string {
  return checkedName(`${contractId}-term-${term}-notice`);
}

function checkedName(name: string): string {
  if (name.length > EXECUTION_NAME_MAX) {
    throw new RangeError(
      `execution name ${name} has ${name.length} characters; Step Functions allows ${EXECUTION_NAME_MAX}`,
    );
  }
  return name;
}

/** Every execution of a term's watch: the first, its handovers and a restart after a notice. */
function isWatchOf(contractId: string, term: number): (name: string) => boolean {
  const base = `${contractId}-term-${term}`;
  return (name) =>
    name === base || (/^-(c\d+|notice)$/.test(name.slice(base.length)) && name.startsWith(base));
}

/**
 * R-NOTICE-2, R-TERM-3, R-TERM-4 (合同第十条10.1款): a notice deemed delivered by `term`'s deadline but
 * recorded after the watch renewed it. The renewal is undone — the term ends, the next one is cancelled and
 * its watch stopped, the contract goes back to `term` — and a watch of `term` waits for its last day and
 * ends the contract. Every write is set-or-same and the contract's term moves back last, so a retry after
 * a crash at any line finishes the undo. Returns what was undone, in words.
 */
export async function undoRenewal(
  contractId: string,
  term: number,
  schedule: RenewalSchedule,
): Promise<string> {
  const next = term + 1;
  const arn = await renewalWatchArn();
  await reviseRenewalToEnded(contractId, term);
  await setTermOutcome(contractId, next, "cancelled");
  await stopRunningExecutions(
    arn,
    isWatchOf(contractId, next),
    `renewal of term ${term} undone by an in-time notice (R-NOTICE-2)`,
  );
  await startNamedExecution(arn, noticeWatchName(contractId, term), { contractId, term });
  const undid = `the automatic renewal of term ${term} into term ${next} (from ${schedule.nextTermFirstDay})`;
  await appendAuditEvent(
    {
      contractId,
      who: "system",
      what: `a written notice deemed delivered in time for term ${term} was recorded after the renewal: undid ${undid}; the contract ends on ${schedule.lastDay}`,
      rule: "R-TERM-3",
    },
    `renewal-undone#${term}`,
  );
  await retreatTerm(contractId, next);
  return undid;
}

/**
 * Starts handover `handover` of the term's watch (idempotent by name: a retried step starts nothing
 * new); the calling execution then ends.
 */
export async function continueRenewalWatch(input: { contractId: string; term: number; handover: number }) {
  const executionName = renewalWatchName(input.contractId, input.term, input.handover);
  const { started } = await startNamedExecution(requiredEnv("RENEWAL_WATCH_ARN"), executionName, {
    contractId: input.contractId,
    term: input.term,
    handover: input.handover,
  });
  // The name links this execution to the one it starts (the console's parent/child links).
  return { started, executionName };
}

export async function sendRenewalReminder(input: { contractId: string; term: number }) {
  // R-TERM-3: a term ending early by a written termination notice has no renewal to remind of.
  if ((await getTerm(input.contractId, input.term))?.notice?.kind === "termination") return { sent: false };
  const { contract, schedule } = await planTerm(input.contractId, input.term);
  const { sent } = await sendEmail({
    contractId: input.contractId,
    emailKey: `renewal-reminder#${input.term}`,
    to: [contract.parties.partyA.contact.email, contract.parties.partyB.contact.email],
    ...emails.renewalReminder(contract, schedule),
  });
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "system",
      what: `renewal reminder sent for term ${input.term}: notice must be deemed delivered by ${schedule.nonRenewalDeadline.date}`,
      rule: "R-NOTICE-3",
    },
    `renewal-reminder#${input.term}`,
  );
  return { sent };
}

/** Stores the written-notice token; a notice recorded before the wait began completes it at once. */
export async function awaitWrittenNotice(input: { contractId: string; term: number; taskToken: string }) {
  await updateTerm(input.contractId, input.term, { noticeToken: input.taskToken });
  const term = await getTerm(input.contractId, input.term);
  if (term?.notice?.inTime) await completeTask(input.taskToken, term.notice);
  return { registered: true as const };
}

export async function renewTerm(input: { contractId: string; term: number }) {
  const { contract, schedule: dates } = await planTerm(input.contractId, input.term);
  const nextTerm = input.term + 1;
  // Every write is repeatable, none is skipped on a retry: a run that crashed after any of them
  // finishes the rest (the outcome, then the contract's term, then the audit event).
  await setTermOutcome(input.contractId, input.term, "renewed");
  await advanceTerm(input.contractId, input.term);
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "system",
      what: `no written non-renewal notice by the deadline: renewed for term ${nextTerm} from ${dates.nextTermFirstDay}`,
      rule: "R-TERM-2",
    },
    `renewed#${input.term}`,
  );
  const next = termDates(termStartDate(contract), nextTerm, renewalRules(contract).termYears);
  await sendEmail({
    contractId: input.contractId,
    emailKey: `renewal-confirmation#${input.term}`,
    to: [contract.parties.partyA.contact.email, contract.parties.partyB.contact.email],
    ...emails.renewalConfirmation(contract, nextTerm, next),
  });
  const executionName = renewalWatchName(input.contractId, nextTerm);
  const { started } = await startNamedExecution(requiredEnv("RENEWAL_WATCH_ARN"), executionName, {
    contractId: input.contractId,
    term: nextTerm,
  });
  return { nextTerm, started, executionName };
}

export async function endContractAtTermEnd(input: { contractId: string; term: number }) {
  const { contract, schedule: dates } = await planTerm(input.contractId, input.term);
  // As in renewTerm: each write is repeatable, so a retry after a crash completes the ones left.
  await setTermOutcome(input.contractId, input.term, "ended");
  await markContractEnded(input.contractId, dates.lastDay);
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "system",
      what: `contract ended at the end of term ${input.term} (${dates.lastDay}); the last period is settled both ways and the SMS access code is taken back`,
      rule: "R-END-1",
      details: { endedAt: formatInstant(now()) },
    },
    `ended#${input.term}`,
  );
  await sendEmail({
    contractId: input.contractId,
    emailKey: `end-of-contract#${input.term}`,
    to: [contract.parties.partyA.contact.email, contract.parties.partyB.contact.email],
    ...emails.endOfContract(contract, dates.lastDay),
  });
  return { ended: true as const };
}

/**
 * R-TERM-3, R-END-1: the end of the early end date — the term ends, the contract ends on that day (billed for
 * its period, never after), both contacts are told. Every write is set-or-same (a retry finishes the rest);
 * the term's watch, reaching its own end later, finds it all done.
 */
export async function endContractEarly(input: { contractId: string; term: number }) {
  const notice = (await getTerm(input.contractId, input.term))?.notice;
  if (notice?.kind !== "termination" || notice.endsOn === undefined) return { ended: false as const };
  const { contract } = await getContract(input.contractId);
  await setTermOutcome(input.contractId, input.term, "ended");
  await markContractEnded(input.contractId, notice.endsOn);
  await appendAuditEvent(
    {
      contractId: input.contractId,
      who: "system",
      what: `contract ended early on ${notice.endsOn} by the written termination notice of ${notice.dispatched}; the last period is settled both ways and the SMS access code is taken back`,
      rule: "R-TERM-3",
    },
    `ended#${input.term}`,
  );
  await sendEmail({
    contractId: input.contractId,
    emailKey: `end-of-contract#${input.term}`,
    to: [contract.parties.partyA.contact.email, contract.parties.partyB.contact.email],
    ...emails.endOfContract(contract, notice.endsOn, "early-termination"),
  });
  return { ended: true as const };
}
