/**
 * `npm run chaos` (ADR 0023): the same contract run, once without faults and then once per seed with a
 * random fault plan, failed executions redriven as an operator would. Each faulty run must leave what
 * the fault-free run left: the ledger, the emails sent (subject, which names kind and period, and
 * recipients) and the breach register. Anything else is a divergence, printed with its seed and plan.
 */
import { ledgerEntries, listCycles } from "../../functions/adapters/repository";
import type { Contract } from "../../functions/core/contract";
import { functionNames } from "../../workflows/states";
import type { EmbeddedApp } from "./app";
import { runContractYear } from "./contract-year";
import { type Fault, type FaultKind, type FaultPlan, faultKinds, type InjectedFault } from "./faults";
import type { Scenario } from "./scenario/schema";
import { random as seededSequence } from "./usage-generator";

/** What a run leaves behind that the parties see: compared between runs. */
export interface Outcome {
  ledger: string[];
  emails: string[];
  breaches: string[];
}

export interface ChaosOptions {
  contract: Contract;
  /** What the parties do (docs/scenarios.md). */
  scenario: Scenario;
  seeds: number;
  firstSeed?: number;
  /** The span played; the scenario's (or the contract's first term) when absent. */
  from?: string;
  to?: string;
  voiceCallsPerMonth?: number;
  smsPerMonth?: number;
  progress?: (line: string) => void;
}

export interface Divergence {
  seed: number;
  what: string;
  plan: FaultPlan;
}

export interface ChaosReport {
  span: { from: string; to: string };
  runs: number;
  faultsInjected: number;
  faultKinds: Record<FaultKind, number>;
  divergences: Divergence[];
  /**
   * Emails sent twice because the plan crashed a Lambda right after SES accepted one and before the outbox
   * marked it sent: the one window SES cannot close (no idempotency token; ADR 0012, 0022). Reported, not
   * counted as divergences.
   */
  knownDuplicateEmails: Divergence[];
  redrives: number;
}

/** Redriven a minute (virtual time) after failing, as an operator alerted by the alarm would. */
const REDRIVE_AFTER_SECONDS = 60;

/** Functions a short run of the monthly cycle invokes, and the schedule it fires. */
const CYCLE_FUNCTIONS = functionNames.filter(
  (f) =>
    ![
      "check-calendar-year",
      "continue-renewal-watch",
      "end-contract",
      "renew-term",
      "operator-command",
      "purge-personal-data",
    ].includes(f),
);

/**
 * A random fault plan for a seed: two to four faults, the first of kind `seed mod kinds` so that every
 * kind is injected in any run of at least as many seeds as there are kinds.
 */
export function faultPlanFor(seed: number): FaultPlan {
  const random = seededSequence(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const make = (kind: FaultKind): Fault => {
    // Half the faults name an invocation; the others hit the first invocation they fit.
    const fn = pick(CYCLE_FUNCTIONS);
    const target = random() < 0.5 ? { function: fn } : { function: fn, invocation: between(1, 3) };
    switch (kind) {
      case "crash":
        return { kind, ...target, call: between(1, 6), when: pick(["before", "after"] as const) };
      case "timeout":
        return { kind, ...target, call: between(1, 6) };
      case "ses-throttle":
        return {
          kind,
          function: pick(["send-bill", "send-reminder", "inbound-reply"] as const),
          call: 1,
          times: between(1, 4),
        };
      case "ddb-conditional-check-failed":
        return { kind, ...target, call: between(1, 3) };
      case "ddb-throughput-exceeded":
        return { kind, ...target, call: between(1, 3), times: between(1, 4) };
      case "duplicate-inbound":
        return { kind, delivery: between(1, 3) };
      case "duplicate-schedule":
        return { kind, schedule: "ContractOps-MonthlyKickoff", firing: between(1, 2) };
    }
  };
  const first = faultKinds[seed % faultKinds.length] as FaultKind;
  const faults = [make(first)];
  const more = between(1, 3);
  for (let i = 0; i < more; i++) faults.push(make(pick(faultKinds)));
  return { faults, redriveAfterSeconds: REDRIVE_AFTER_SECONDS };
}

/** The ledger, the emails and the breach register of the run's contract, as sorted comparable lines. */
export async function observe(app: EmbeddedApp, contractId: string): Promise<Outcome> {
  const ledger = (await ledgerEntries(contractId)).map(
    (e) =>
      `${e.period} ${e.kind} ${e.amountFen} ${(e.carried ?? []).map((c) => `${c.kind}:${c.sourcePeriod}:${c.amountFen}`).join(",")}`,
  );
  const emails = (await app.stack.sentEmails()).map((m) => `${m.subject} → ${[...m.to].sort().join(",")}`);
  const breaches = (await listCycles(contractId)).flatMap((c) =>
    (c.breaches ?? []).map((b) => `${c.period} ${b.rule} party ${b.party}`),
  );
  return { ledger: ledger.sort(), emails: emails.sort(), breaches: breaches.sort() };
}

/** Each difference between two outcomes, in words: what is missing, what is extra. */
export function differences(expected: Outcome, actual: Outcome): string[] {
  const found: string[] = [];
  for (const part of ["ledger", "emails", "breaches"] as const) {
    const left = countOf(expected[part]);
    const right = countOf(actual[part]);
    for (const key of new Set([...left.keys(), ...right.keys()])) {
      const want = left.get(key) ?? 0;
      const got = right.get(key) ?? 0;
      if (want !== got) found.push(`${part}: ${key} — expected ${want}, found ${got}`);
    }
  }
  return found;
}

/** `emails: … — expected n, found n+1`: one email sent once more than in the fault-free run. */
function isOneExtraEmail(line: string): boolean {
  const counts = /^emails: .* — expected (\d+), found (\d+)$/.exec(line);
  return counts !== null && Number(counts[2]) === Number(counts[1]) + 1;
}

function countOf(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

async function redriveCount(app: EmbeddedApp): Promise<number> {
  let total = 0;
  for (const stateMachineArn of Object.values(app.stateMachineArns)) {
    const { executions } = await app.stepFunctions.listExecutions({ stateMachineArn, maxResults: 1000 });
    for (const { executionArn } of executions) {
      total += (await app.stepFunctions.describeExecution({ executionArn })).redriveCount;
    }
  }
  return total;
}

async function runOnce(options: ChaosOptions, faults: FaultPlan | undefined) {
  let outcome: Outcome | undefined;
  let redrives = 0;
  let injected: InjectedFault[] = [];
  const run = await runContractYear({
    contract: options.contract,
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
    ...(options.voiceCallsPerMonth ? { voiceCallsPerMonth: options.voiceCallsPerMonth } : {}),
    ...(options.smsPerMonth ? { smsPerMonth: options.smsPerMonth } : {}),
    scenario: options.scenario,
    ...(faults ? { faults } : {}),
    inspect: async (app) => {
      outcome = await observe(app, options.contract.contractId);
      redrives = await redriveCount(app);
      injected = [...(app.stack.faults?.injected ?? [])];
    },
  });
  return { outcome: outcome as Outcome, redrives, injected, span: { from: run.from, to: run.to } };
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const progress = options.progress ?? (() => {});
  const baseline = await runOnce(options, undefined);
  progress(
    `fault-free run: ${baseline.outcome.emails.length} emails, ${baseline.outcome.ledger.length} ledger entries`,
  );
  const faultKindCounts = Object.fromEntries(faultKinds.map((k) => [k, 0])) as Record<FaultKind, number>;
  const report: ChaosReport = {
    span: baseline.span,
    runs: 0,
    faultsInjected: 0,
    faultKinds: faultKindCounts,
    divergences: [],
    knownDuplicateEmails: [],
    redrives: 0,
  };
  const first = options.firstSeed ?? 1;
  for (let seed = first; seed < first + options.seeds; seed++) {
    const plan = faultPlanFor(seed);
    let what: string[];
    try {
      const run = await runOnce(options, plan);
      report.redrives += run.redrives;
      report.faultsInjected += run.injected.length;
      for (const fault of run.injected) faultKindCounts[fault.kind] += 1;
      what = differences(baseline.outcome, run.outcome);
      const crashedAfterSend = run.injected.some(
        (f) => f.kind === "crash" && /crash after \(call \d+: SendEmail\)/.test(f.where),
      );
      const known = what.filter((w) => crashedAfterSend && isOneExtraEmail(w));
      for (const w of known) report.knownDuplicateEmails.push({ seed, what: w, plan });
      what = what.filter((w) => !known.includes(w));
      progress(
        `seed ${seed}: ${run.injected.length} faults, ${run.redrives} redrives, ${what.length} divergences`,
      );
    } catch (error) {
      what = [`the run failed: ${(error as Error).message}`];
    }
    report.runs += 1;
    for (const w of what) report.divergences.push({ seed, what: w, plan });
  }
  return report;
}
