/**
 * `npm run bench:sfn`: 10,000 concurrent executions of a 12-state, monthly-cycle-shaped machine
 * (test/fixtures/sfn/monthly-cycle-shape.asl.json) on virtual time — Lambda tasks, a task-token wait
 * answered by a simulated Party A days later (or never: the 15-day timeout), a Wait until a due
 * date and a grace-period Wait. Prints executions/s, state transitions/s and peak RSS.
 * Target on the 2-core machine: all complete in < 30 s with peak RSS < 1 GB.
 */
import { readFileSync } from "node:fs";
import { LocalStepFunctions } from "../infra/local/sfn/runtime";
import { VirtualClock } from "../infra/local/sfn/virtual-clock";

const EXECUTIONS = Number(process.env.SFN_BENCH_EXECUTIONS ?? 10_000);
const DAY_MS = 86_400_000;
const start = new Date("2026-01-01T01:00:00+08:00");
const clock = new VirtualClock(start);

const handlers: Record<string, (payload: Record<string, unknown>) => Promise<unknown>> = {
  "prepare-bill": async (p) => ({
    billId: `${p.contractId}-${p.period}`,
    dueDate: new Date(clock.nowMs() + 30 * DAY_MS).toISOString(),
  }),
  "send-bill": async () => ({ sentAt: clock.now().toISOString() }),
  "await-reply": async (p) => {
    const n = Number(String(p.billId).split("-")[1]);
    if (n % 10 === 9) return null; // Party A never answers: the 15-day token timeout applies.
    const outcome = n % 10 === 8 ? "disputed" : "confirmed";
    clock.schedule(new Date(clock.nowMs() + (1 + (n % 7)) * DAY_MS), async () => {
      await runtime.sendTaskSuccess({ taskToken: String(p.taskToken), output: JSON.stringify({ outcome }) });
    });
    return null;
  },
  "record-dispute": async () => ({ recorded: true }),
  "check-payment": async (p) => ({ paid: Number(String(p.billId).split("-")[1]) % 4 !== 0 }),
  "send-reminder": async () => ({ reminded: true }),
};

const runtime = new LocalStepFunctions({
  clock,
  invokeLambda: (arn, payload, context) => {
    const handler = handlers[context.functionName];
    if (!handler) return Promise.reject(new Error(`no handler for ${arn}`));
    return handler(payload as Record<string, unknown>);
  },
});

const definition = readFileSync(
  new URL("../test/fixtures/sfn/monthly-cycle-shape.asl.json", import.meta.url),
  "utf8",
);
const { stateMachineArn } = await runtime.createStateMachine({ name: "MonthlyCycleShape", definition });

const t0 = performance.now();
const arns: string[] = [];
for (let i = 0; i < EXECUTIONS; i++) {
  const { executionArn } = await runtime.startExecution({
    stateMachineArn,
    name: `C${i}-2026-01`,
    input: JSON.stringify({ contractId: "C", period: String(i) }),
  });
  arns.push(executionArn);
}
await clock.runUntil(new Date(start.getTime() + 120 * DAY_MS));
const elapsedS = (performance.now() - t0) / 1000;

const statuses = new Map<string, number>();
let transitions = 0;
for (const executionArn of arns) {
  const { status } = await runtime.describeExecution({ executionArn });
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const { events } = await runtime.getExecutionHistory({ executionArn, maxResults: 1000 });
  transitions += events.filter((e) => e.type.endsWith("StateEntered")).length;
}
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const report = {
  executions: EXECUTIONS,
  statuses: Object.fromEntries(statuses),
  elapsedSeconds: Number(elapsedS.toFixed(2)),
  executionsPerSecond: Math.round(EXECUTIONS / elapsedS),
  stateTransitions: transitions,
  stateTransitionsPerSecond: Math.round(transitions / elapsedS),
  peakRssMb: Math.round(peakRssMb),
  virtualTimeReached: clock.now().toISOString(),
};
console.log(JSON.stringify(report, null, 2));
const ok = statuses.get("SUCCEEDED") === EXECUTIONS && elapsedS < 30 && peakRssMb < 1024;
console.log(ok ? "target met: all succeeded in < 30 s with peak RSS < 1 GB" : "TARGET MISSED");
process.exitCode = ok ? 0 : 1;
