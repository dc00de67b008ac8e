/**
 * `npm start`: a scenario (scenarios/*.json; by default the sample year) on the embedded stack and virtual
 * time. The real monthly schedule starts MonthlyKickoff on the 1st at 01:00 Asia/Shanghai; the
 * RenewalWatch of term 1 runs from the start; Party A answers by email (party-a.ts) and Party B's staff
 * record what the scenario says (party-b-staff.ts). The result is read back from DynamoDB, SES and the
 * executions — what an admin would see — not from the simulator's own plan.
 */
import { readFile } from "node:fs/promises";
import { auditHistory, getTerm, listCycles } from "../../functions/adapters/repository";
import { putComplaints, putUsage } from "../../functions/adapters/usage-store";
import type { ContractReads } from "../../functions/app/console-model";
import { putContractUnderWatch } from "../../functions/app/contracts";
import { type Contract, termStartDate } from "../../functions/core/contract";
import { formatFen } from "../../functions/core/money";
import { termDates } from "../../functions/core/renewal";
import {
  formatInstant,
  nextPeriod,
  parsePeriod,
  periodOf,
  previousPeriod,
  startOfDay,
} from "../../functions/core/time";
import { type EmbeddedApp, startEmbeddedApp } from "./app";
import { cycleProgressReader } from "./cycle-progress";
import type { FaultPlan } from "./faults";
import type { LocalTransport } from "./in-process-transport";
import { obligationsView, planObligationEvent } from "./obligation-staff";
import { PartyASimulator } from "./party-a";
import { type OperationLogEntry, PartyBStaff } from "./party-b-staff";
import {
  type ContractLedgerView,
  contractLedgerView,
  type PeriodLedgerView,
  periodLedgerViews,
} from "./scenario/ledger-view";
import { periodPlan } from "./scenario/plan";
import { loadScenarioFile, SAMPLE_YEAR } from "./scenario/sample";
import type { Scenario } from "./scenario/schema";
import { uploadScenarioUsage } from "./scenario/usage-files";
import type { SesSandbox } from "./ses-local";
import { usageCache } from "./usage-cache";
import { generateUsageContent, type UsageContent, type UsageContentOptions } from "./usage-generator";

export interface PeriodReport extends PeriodLedgerView {
  period: string;
  billTotal: string;
  billSentAt: string | null;
  billDue: string;
  reconciliation: "confirmed" | "within-tolerance" | "re-reconcile" | "no-reply" | null;
  reconciliationDeadline: string | null;
  partyAFigure: string | null;
  agreedAmount: string | null;
  adjustmentNextPeriod: string;
  paymentDue: string | null;
  paidAt: string | null;
  invoiceDue: string | null;
  invoicedAt: string | null;
  invoiceNumber: string | null;
  breaches: string[];
  closed: boolean;
}

export interface RunReport extends ContractLedgerView {
  contractId: string;
  /** The scenario file played, or null for a scenario given in code. */
  scenario: string | null;
  from: string;
  to: string;
  periods: PeriodReport[];
  renewal: {
    outcome: "renewed" | "ended" | "cancelled" | "pending";
    term: number;
    termLastDay: string | null;
    noticeDeadline: string | null;
    reminderSent: boolean;
    nextTermFirstDay: string | null;
  };
  emailsSent: number;
  /** Emails Party A's simulated contact took from the mailbox over the run: each sent email once. */
  partyAEmailsRead: number;
  stateTransitions: number;
  executions: { name: string; stateMachine: string; status: string }[];
  /** The executions that ended FAILED or TIMED_OUT, with the error and cause Step Functions recorded. */
  failures: { name: string; stateMachine: string; status: string; error: string; cause: string }[];
  virtualEnd: string;
  /** What Party B's staff recorded through the `ops` operations, refusals included. */
  operations: OperationLogEntry[];
  /** The breach register as of the run's last day and each period's service levels (R-BREACH-1, R-SLA-2). */
  obligations: Awaited<ReturnType<typeof obligationsView>>;
}

export interface RunOptions {
  contract: Contract;
  from?: string;
  to?: string;
  seed?: number;
  voiceCallsPerMonth?: number;
  smsPerMonth?: number;
  /** What the parties do; default the sample year (scenarios/sample-year.json). */
  scenario?: Scenario;
  /** The file the scenario came from, for the report. */
  scenarioSource?: string;
  progress?: (line: string) => void;
  /** Failures injected into the run (ADR 0022). */
  faults?: FaultPlan;
  /** SES sandbox mode: mail only to these verified identities, MessageRejected otherwise (`npm start --ses-sandbox`). */
  sesSandbox?: SesSandbox;
  /** How the stack's clients reach DynamoDB and S3 (ADR 0077); default "in-process", "http" over 127.0.0.1. */
  transport?: LocalTransport;
  /**
   * Reads what the run left behind, after the report and before the stack stops: `npm run chaos`, the
   * console's contract page for out/report.html, and `--serve` keeping the console up until Ctrl-C.
   */
  inspect?: (app: EmbeddedApp, report: RunReport, read: ContractReads) => Promise<void>;
  /** Where generated months are kept between runs (ADR 0098); generated afresh every run when absent. */
  usageCacheDir?: string;
}

function periodsBetween(from: string, to: string): string[] {
  const periods: string[] = [];
  for (let p = parsePeriod(from); p <= parsePeriod(to); p = nextPeriod(p)) periods.push(p);
  return periods;
}

/** The first term's periods: from the month the contract takes effect to the month before its last day's. */
export function defaultRange(contract: Contract): { from: string; to: string } {
  const start = termStartDate(contract);
  const { lastDay } = termDates(start, 1, contract.rules.termYears.value);
  return { from: periodOf(start), to: previousPeriod(periodOf(lastDay)) };
}

/**
 * The scenario a run plays (the sample year unless given) and the periods it bills: the options (command-line
 * flags) override the scenario's own from/to.
 */
export async function runPeriods(
  options: Pick<RunOptions, "contract" | "scenario" | "from" | "to">,
): Promise<{ scenario: Scenario; range: { from: string; to: string }; periods: string[] }> {
  const scenario = options.scenario ?? (await loadScenarioFile(SAMPLE_YEAR));
  const from = options.from ?? scenario.from;
  const to = options.to ?? scenario.to;
  const range = {
    ...defaultRange(options.contract),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
  const periods = periodsBetween(range.from, range.to);
  if (periods.length === 0) throw new Error(`--from ${range.from} is after --to ${range.to}`);
  return { scenario, range, periods };
}

export async function runContractYear(options: RunOptions): Promise<RunReport> {
  const { contract } = options;
  const { scenario, range, periods } = await runPeriods(options);
  const scenarioSource = options.scenario ? (options.scenarioSource ?? null) : SAMPLE_YEAR;
  const progress = options.progress ?? (() => {});
  const termStart = termStartDate(contract);
  // Start just before the kickoff that bills `from` (01:00 on the 1st of the next month), so no earlier
  // period is billed; never before the contract takes effect.
  const kickoffDay = `${nextPeriod(range.from)}-01`;
  const start = startOfDay(kickoffDay > termStart ? kickoffDay : termStart);
  // Run until just before the kickoff that would bill the period after `to`: the last period's cycle
  // (bill on the 1st, reply, payment, invoice) closes within that month.
  const end = startOfDay(`${nextPeriod(nextPeriod(range.to))}-01`);

  const usage = generatedUsage(options, scenario, periods);
  const app = await startEmbeddedApp({
    start,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.sesSandbox ? { sesSandbox: options.sesSandbox } : {}),
    transport: options.transport ?? "in-process",
  });
  const staff = new PartyBStaff(app, contract.contractId);
  const partyA = new PartyASimulator({
    app,
    contract,
    plan: (period) => periodPlan(scenario, period),
    staff,
  });
  try {
    for (const period of periods) {
      const given = scenario.usageFiles?.[period];
      if (!scenarioFilesUploaded(given) && given?.complaints)
        await putComplaints(contract.contractId, await readFile(given.complaints, "utf8"));
      if (given && scenarioFilesUploaded(given)) {
        // The scenario's own files for this period (a hand-computed month, a Chinese Windows export).
        await uploadScenarioUsage(contract.contractId, period, given);
        progress(`usage ${period}: the scenario's files uploaded`);
        continue;
      }
      const month = await usage(period);
      await putUsage(contract.contractId, period, "voice", month.voice);
      await putUsage(contract.contractId, period, "sms", month.sms);
      progress(`usage ${period}: ${month.voiceRows} voice CDRs, ${month.smsRows} SMS records uploaded`);
    }
    await putContractUnderWatch(contract);
    partyA.start(start, end);
    for (const notice of scenario.notices ?? []) staff.planNotice(notice);
    for (const correction of scenario.corrections ?? []) staff.planCorrection(correction);
    for (const event of scenario.events ?? []) planObligationEvent(staff, contract.contractId, event);
    // Progress on the virtual clock: one line per month, read by key (ADR 0057).
    const readProgress = cycleProgressReader(contract.contractId);
    for (let p = range.from; `${p}-01` <= end.toISOString().slice(0, 10); p = nextPeriod(p)) {
      // At 23:00 on the 1st, after that day's kickoff has billed the month before.
      const at = new Date(startOfDay(`${p}-01`).getTime() + 23 * 3600_000);
      if (at.getTime() > start.getTime()) {
        app.clock.schedule(at, async () => {
          const { prepared, closed } = await readProgress();
          progress(`${p}: ${prepared} bills prepared, ${closed} cycles closed`);
        });
      }
    }
    await app.clock.runUntil(end);
    const { collected, read } = await collectReport(app, contract, range, periods, end);
    const report: RunReport = {
      scenario: scenarioSource,
      ...collected,
      partyAEmailsRead: partyA.emailsRead,
      operations: staff.log,
    };
    await options.inspect?.(app, report, read);
    return report;
  } finally {
    partyA.close();
    await app.stop();
  }
}

type ScenarioUsageFiles = NonNullable<Scenario["usageFiles"]>[string];

/**
 * Whether a period's usage is the scenario's own files rather than generated: a complaints feed alone leaves the
 * month's usage generated (the feed is the port's, not the month's).
 */
function scenarioFilesUploaded(given: ScenarioUsageFiles | undefined): boolean {
  return (
    given !== undefined &&
    (given.voice !== undefined || given.sms !== undefined || given.complaints === undefined)
  );
}

/** The periods whose usage a run generates: every one whose files the scenario does not give. */
export function generatedPeriods(scenario: Scenario, periods: string[]): string[] {
  return periods.filter((period) => !scenarioFilesUploaded(scenario.usageFiles?.[period]));
}

/**
 * Cached months read ahead of their upload: a year's, the sample scenario's whole run. A longer run holds at most
 * these (1.5 MB each for the sample contract's volumes) rather than every month's bytes at once.
 */
const MONTHS_READ_AHEAD = 12;

/**
 * The generated usage of each period whose files the scenario does not give (ADR 0098). With a cache of generated
 * months, the first MONTHS_READ_AHEAD months' entries are asked for at once, before the stack boots, and each
 * upload asks for one more: the reads wait on the disk, not on this thread, so they are done while the stack boots
 * instead of one by one between the uploads, the thread idle (ADR 0111). Without a cache, a month is generated
 * when it is asked for.
 */
export function generatedUsage(
  options: Pick<RunOptions, "contract" | "seed" | "voiceCallsPerMonth" | "smsPerMonth" | "usageCacheDir">,
  scenario: Scenario,
  periods: string[],
): (period: string) => Promise<UsageContent> {
  const months = new Map<string, UsageContentOptions>();
  const generated = new Set(generatedPeriods(scenario, periods));
  for (const [index, period] of periods.entries()) {
    if (!generated.has(period)) continue;
    months.set(period, {
      contract: options.contract,
      period,
      seed: (options.seed ?? scenario.seed ?? 20250715) + index,
      voiceCalls: options.voiceCallsPerMonth ?? scenario.usage?.voiceCallsPerMonth ?? 24_000,
      smsMessages: options.smsPerMonth ?? scenario.usage?.smsPerMonth ?? 600,
    });
  }
  const monthOf = (period: string): UsageContentOptions => {
    const month = months.get(period);
    if (month === undefined) throw new Error(`${period}'s usage is not generated in this run`);
    return month;
  };
  if (options.usageCacheDir === undefined) return async (period) => generateUsageContent(monthOf(period));
  const cache = usageCache(options.usageCacheDir);
  const read = (month: UsageContentOptions) => cache.then((c) => c.content(month));
  const ahead = new Map<string, Promise<UsageContent>>();
  const unread = [...months.values()];
  const readAhead = () => {
    for (let month = unread.shift(); month !== undefined; month = unread.shift()) {
      const reading = read(month);
      // Awaited when its period is uploaded; until then a failed read is no unhandled rejection (a run whose stack
      // fails to boot reports that failure, not this one).
      reading.catch(() => undefined);
      ahead.set(month.period, reading);
      if (ahead.size >= MONTHS_READ_AHEAD) return;
    }
  };
  readAhead();
  return async (period) => {
    const reading = ahead.get(period);
    if (reading === undefined) return read(monthOf(period));
    ahead.delete(period);
    readAhead();
    return reading;
  };
}

async function collectReport(
  app: Awaited<ReturnType<typeof startEmbeddedApp>>,
  contract: Contract,
  range: { from: string; to: string },
  periods: string[],
  end: Date,
): Promise<{
  collected: Omit<RunReport, "partyAEmailsRead" | "operations" | "scenario">;
  read: ContractReads;
}> {
  const cycles = await listCycles(contract.contractId);
  const history = await auditHistory(contract.contractId);
  const wanted = new Set(periods);
  const reports: PeriodReport[] = [];
  const reported = cycles.filter((cycle) => wanted.has(cycle.period));
  for (const { cycle: c, view: ledgerView } of await periodLedgerViews(contract.contractId, reported)) {
    reports.push({
      period: c.period,
      billTotal: formatFen(c.billTotalFen),
      billSentAt: c.sentAt ?? null,
      billDue: c.billDue,
      reconciliation: c.reconciliation?.outcome ?? null,
      reconciliationDeadline: c.reconciliationDeadline ?? null,
      partyAFigure:
        c.reconciliation?.partyAAmountFen === undefined ? null : formatFen(c.reconciliation.partyAAmountFen),
      agreedAmount: c.agreed && "agreedAmountFen" in c.agreed ? formatFen(c.agreed.agreedAmountFen) : null,
      adjustmentNextPeriod: formatFen(c.adjustmentNextPeriodFen ?? 0n),
      paymentDue: c.paymentDue ?? null,
      paidAt: c.payment?.paidAt ?? null,
      invoiceDue: c.payment?.invoiceDue ?? null,
      invoicedAt: c.invoice?.invoicedAt ?? null,
      invoiceNumber: c.invoice?.invoiceNumber ?? null,
      breaches: (c.breaches ?? []).map((b) => b.rule),
      closed: c.closedAt !== undefined,
      ...ledgerView,
    });
  }
  const term1 = await getTerm(contract.contractId, 1);
  const term2 = await getTerm(contract.contractId, 2);
  const all = [];
  for (const arn of Object.values(app.stateMachineArns)) {
    const listed = await app.stepFunctions.listExecutions({ stateMachineArn: arn, maxResults: 1000 });
    all.push(...listed.executions.map((e) => ({ ...e, stateMachine: arn.split(":").at(-1) ?? arn })));
  }
  let stateTransitions = 0;
  for (const execution of all) {
    const history = await app.stepFunctions.getExecutionHistory({
      executionArn: execution.executionArn,
      maxResults: 10_000,
    });
    stateTransitions += history.events.filter((e) => e.type.endsWith("StateEntered")).length;
  }
  const failures = [];
  for (const execution of all.filter((e) => e.status === "FAILED" || e.status === "TIMED_OUT")) {
    const described = await app.stepFunctions.describeExecution({ executionArn: execution.executionArn });
    failures.push({
      name: execution.name,
      stateMachine: execution.stateMachine,
      status: execution.status,
      error: described.error ?? "",
      cause: described.cause ?? "",
    });
  }
  // Only how many: the bodies are kept deflated (ses-local's spill store) and would each be inflated for nothing.
  const sent = await app.stack.sentEmails({ bodies: false });
  const collected: Omit<RunReport, "partyAEmailsRead" | "operations" | "scenario"> = {
    contractId: contract.contractId,
    from: range.from,
    to: range.to,
    periods: reports,
    renewal: {
      outcome: term1?.outcome ?? "pending",
      term: 1,
      termLastDay: term1?.lastDay ?? null,
      noticeDeadline: term1?.noticeDeadline ?? null,
      reminderSent: history.some((e) => e.rule === "R-NOTICE-3"),
      nextTermFirstDay: term2?.firstDay ?? null,
    },
    emailsSent: sent.length,
    stateTransitions,
    executions: all.map((e) => ({ name: e.name, stateMachine: e.stateMachine, status: e.status })),
    failures,
    virtualEnd: formatInstant(end),
    ...(await contractLedgerView(contract.contractId)),
    obligations: await obligationsView(contract.contractId, periods, end),
  };
  return { collected, read: { cycles, history } };
}
