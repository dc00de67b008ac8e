/**
 * The end-to-end harness: the real application on the embedded stack (dynalite, s3rver, SES emulator,
 * SMTP, the local Step Functions runtime executing the synthesized definitions) on virtual time.
 * Expected values in the tests are worked out by hand from the contract, never by the code under test.
 */
import nodemailer from "nodemailer";
import { now } from "../../functions/adapters/clock";
import {
  type AuditEvent,
  auditHistory,
  getCycle,
  type OutboxRecord,
  outboxEmails,
  registerContract,
} from "../../functions/adapters/repository";
import { putUsage } from "../../functions/adapters/usage-store";
import { type Contract, loadContract } from "../../functions/core/contract";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { type PeriodReport, type RunReport, runContractYear } from "../../infra/local/contract-year";
import { loadScenario } from "../../infra/local/scenario/load";
import type { LocalSentEmail } from "../../infra/local/services";

export const SAMPLE_CONTRACT = "contracts/11NA0700211920254001.json";
export const PARTY_A = "mali@partya.example";
export const PARTY_B = "wangyiqun@jl.chinamobile.com";

export async function bootApp(startInstant: string, options: { schedule?: boolean } = {}) {
  const app = await startEmbeddedApp({ start: new Date(startInstant), schedule: options.schedule ?? false });
  const contract = await loadContract(SAMPLE_CONTRACT);
  await registerContract(contract);
  return { app, contract };
}

/**
 * The sample contract registered and a small month of `period` billed, run until `sentBy` (the statement's
 * deadline, R-BILL-1): the contract and the statement Party A received.
 */
export async function sampleStatementSent(app: EmbeddedApp, period: string, sentBy: string) {
  const contract = await loadContract(SAMPLE_CONTRACT);
  await registerContract(contract);
  await uploadSmallMonth(contract, period);
  await startCycle(app, contract.contractId, period);
  await runUntil(app, sentBy);
  return { contract, statement: await statementEmail(app, period) };
}

/**
 * A small usage month whose bill is worked out by hand (R-PRICE-1..3, R-SMS-1, R-UPLINK-1):
 * 61 s → 2 min, 60 s → 1 min, 0 s → 0, inbound free: 3 min × 0.06 = 0.18;
 * 64 chars + 【吉林医保】 → 1 part, 65 → 2 parts, uplink not billed: 3 × 0.04 = 0.12;
 * monthly fee 4000.00. Total 4000.30.
 */
export const SMALL_MONTH_TOTAL = "4000.30";

export async function uploadSmallMonth(contract: Contract, period: string): Promise<void> {
  const voice = [
    "call_start,duration_seconds,direction,calling_number,called_number",
    `${period}-03T10:00:00+08:00,61,outbound,043112393,13800000001`,
    `${period}-03T11:00:00+08:00,60,outbound,043112393,13800000002`,
    `${period}-04T09:00:00+08:00,0,outbound,043112393,13800000003`,
    `${period}-05T09:00:00+08:00,300,inbound,13800000004,043112393`,
  ].join("\n");
  const sms = [
    "sent_at,recipient,direction,content,content_chars",
    `${period}-03T10:00:00+08:00,13800000001,downlink,,64`,
    `${period}-03T10:05:00+08:00,13800000002,downlink,,65`,
    `${period}-03T10:09:00+08:00,13800000003,uplink,,10`,
  ].join("\n");
  await putUsage(contract.contractId, period, "voice", Buffer.from(`${voice}\n`));
  await putUsage(contract.contractId, period, "sms", Buffer.from(`${sms}\n`));
}

export async function startCycle(app: EmbeddedApp, contractId: string, period: string): Promise<string> {
  const { executionArn } = await app.stepFunctions.startExecution({
    stateMachineArn: app.stateMachineArns.monthlyCycle,
    name: `${contractId}-${period}`,
    input: JSON.stringify({ contractId, period }),
  });
  return executionArn;
}

export async function runUntil(app: EmbeddedApp, instant: string): Promise<void> {
  await app.clock.runUntil(new Date(instant));
}

/** Names of the states an execution entered, in order (from GetExecutionHistory, as the console shows). */
export async function statesEntered(app: EmbeddedApp, executionArn: string): Promise<string[]> {
  const { events } = await app.stepFunctions.getExecutionHistory({ executionArn, maxResults: 10_000 });
  return events
    .filter((e) => e.type.endsWith("StateEntered"))
    .map((e) => (e as { stateEnteredEventDetails?: { name: string } }).stateEnteredEventDetails?.name ?? "");
}

export async function executionStatus(app: EmbeddedApp, executionArn: string): Promise<string> {
  return (await app.stepFunctions.describeExecution({ executionArn })).status;
}

export async function emailsTo(app: EmbeddedApp, address: string): Promise<LocalSentEmail[]> {
  return (await app.stack.sentEmails()).filter((e) => e.to.includes(address));
}

export async function statementEmail(app: EmbeddedApp, period: string): Promise<LocalSentEmail> {
  const [year, month] = period.split("-");
  const found = (await emailsTo(app, PARTY_A)).filter((e) =>
    e.subject.startsWith(`${year}年${Number(month)}月账单`),
  );
  if (found.length !== 1) throw new Error(`expected one statement for ${period}, found ${found.length}`);
  return found[0] as LocalSentEmail;
}

/** Party A's contact answers through the local SMTP server, as a mail client would. */
export async function replyAsPartyA(
  app: EmbeddedApp,
  to: string,
  text: string,
  options: { from?: string; messageId?: string } = {},
): Promise<void> {
  const { host, port } = app.stack.endpoints.smtp;
  const transport = nodemailer.createTransport({ host, port, secure: false, ignoreTLS: true });
  try {
    await app.clock.track(
      transport.sendMail({
        from: options.from ?? `麻丽丽 <${PARTY_A}>`,
        to,
        subject: "回复：账单",
        // A client stamps its own clock: here the stack's virtual time, so Date is never before the statement.
        date: now(),
        text,
        ...(options.messageId ? { messageId: options.messageId } : {}),
      }),
    );
    // The SMTP server hands the message to the inbound handler after accepting it; let it finish.
    await app.clock.idle();
  } finally {
    transport.close();
  }
}

export const cycleOf = (contractId: string, period: string) => getCycle(contractId, period);

/** Plays a shipped scenario file (scenarios/*.json) as `npm start -- --scenario <file>` does. */
export async function playScenario(path: string): Promise<RunReport> {
  const { scenario, contract } = await loadScenario(path);
  return runContractYear({ contract, scenario, scenarioSource: path });
}

/** One period's row of a run, or an error naming the period. */
export function periodRow(report: RunReport, period: string): PeriodReport {
  const row = report.periods.find((p) => p.period === period);
  if (!row) throw new Error(`no report row for ${period}`);
  return row;
}

/**
 * Plays a shipped scenario and keeps what the SES emulator sent, the outbox (when each email was sent, on the
 * stack's clock) and the audit trail, read before the stack stops: what Party A and Party B received.
 */
export async function playScenarioWithMail(
  path: string,
): Promise<{ report: RunReport; sent: LocalSentEmail[]; audit: AuditEvent[]; outbox: OutboxRecord[] }> {
  const { scenario, contract } = await loadScenario(path);
  let sent: LocalSentEmail[] = [];
  let audit: AuditEvent[] = [];
  let outbox: OutboxRecord[] = [];
  const report = await runContractYear({
    contract,
    scenario,
    scenarioSource: path,
    inspect: async (app) => {
      sent = await app.stack.sentEmails();
      audit = await auditHistory(contract.contractId);
      outbox = await outboxEmails(contract.contractId);
    },
  });
  return { report, sent, audit, outbox };
}

/** The one statement (账单) of a period among the emails sent to Party A, or an error naming the period. */
export function statementOf(sent: readonly LocalSentEmail[], period: string): LocalSentEmail {
  const [year, month] = period.split("-");
  const found = sent.filter(
    (e) => e.to.includes(PARTY_A) && e.subject.startsWith(`${year}年${Number(month)}月账单｜`),
  );
  if (found.length !== 1) throw new Error(`expected one statement for ${period}, found ${found.length}`);
  return found[0] as LocalSentEmail;
}
