/**
 * The fault plan's mechanics (ADR 0022) on the real embedded stack: each kind of fault happens where the
 * plan says and is reported as AWS reports it (error names from the Lambda and SDK documentation:
 * Runtime.ExitError, Sandbox.Timedout, SES Throttling, DynamoDB ConditionalCheckFailedException and
 * ProvisionedThroughputExceededException); the SDK's own retries absorb throttling as on AWS.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getCycle, registerContract } from "../../functions/adapters/repository";
import { loadContract } from "../../functions/core/contract";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { type FaultPlan, FaultPlanError, loadFaultPlan } from "../../infra/local/faults";
import { emailsTo, PARTY_A, SAMPLE_CONTRACT, uploadSmallMonth } from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const CYCLE_START = "2025-10-01T01:00:00+08:00";
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:ContractOps-${name}`;

async function boot(faults: FaultPlan) {
  app = await startEmbeddedApp({ start: new Date(CYCLE_START), schedule: false, faults });
  const contract = await loadContract(SAMPLE_CONTRACT);
  await registerContract(contract);
  await uploadSmallMonth(contract, "2025-09");
  return { app, contractId: contract.contractId };
}

async function invoke(a: EmbeddedApp, name: string, event: unknown) {
  return a.stack.invokeLambda(fnArn(name), event, { functionName: `ContractOps-${name}`, awsRequestId: "t" });
}

describe("fault plan", () => {
  it("crashes a Lambda before its first SDK call: nothing written; the next invocation is unharmed", async () => {
    const { app: a, contractId } = await boot({
      faults: [{ kind: "crash", function: "prepare-bill", call: 1, when: "before" }],
    });
    const event = { contractId, period: "2025-09" };
    await expect(invoke(a, "prepare-bill", event)).rejects.toMatchObject({ name: "Runtime.ExitError" });
    await expect(getCycle(contractId, "2025-09")).rejects.toThrow();
    await expect(invoke(a, "prepare-bill", event)).resolves.toMatchObject({ billTotal: "4000.30" });
    expect(a.stack.faults?.injected.map((f) => f.kind)).toEqual(["crash"]);
  });

  it("crashes after an SDK call has taken effect; a crash in one invocation only, by invocation index", async () => {
    const { app: a, contractId } = await boot({
      faults: [{ kind: "crash", function: "send-bill", invocation: 2, call: 1, when: "after" }],
    });
    const event = { contractId, period: "2025-09" };
    await invoke(a, "prepare-bill", event);
    await invoke(a, "send-bill", event);
    // The second invocation's first call is a read: it is answered, then the process dies.
    await expect(invoke(a, "send-bill", event)).rejects.toMatchObject({ name: "Runtime.ExitError" });
    expect(a.stack.faults?.injected[0]?.where).toMatch(/^send-bill invocation 2, crash after \(call 1: /);
    expect(await emailsTo(a, PARTY_A)).toHaveLength(1);
  });

  it("times a Lambda out at the named call (Sandbox.Timedout, as Lambda reports a timeout)", async () => {
    const { app: a, contractId } = await boot({
      faults: [{ kind: "timeout", function: "prepare-bill", call: 2 }],
    });
    await expect(invoke(a, "prepare-bill", { contractId, period: "2025-09" })).rejects.toMatchObject({
      name: "Sandbox.Timedout",
    });
  });

  it("SES Throttling twice is absorbed by the SDK's retries (3 attempts); five times fails the send", async () => {
    const { app: a, contractId } = await boot({
      faults: [
        { kind: "ses-throttle", function: "send-bill", invocation: 1, call: 1, times: 2 },
        { kind: "ses-throttle", function: "send-bill", invocation: 2, call: 1, times: 5 },
      ],
    });
    const event = { contractId, period: "2025-09" };
    await invoke(a, "prepare-bill", event);
    await invoke(a, "send-bill", event);
    expect(await emailsTo(a, PARTY_A)).toHaveLength(1);
    // A second send of the same statement is skipped by the outbox (already sent): no SendEmail call, so
    // the second throttle never fires.
    await invoke(a, "send-bill", event);
    expect(a.stack.faults?.injected.map((f) => f.kind)).toEqual(["ses-throttle"]);
  });

  it("SES Throttling beyond the SDK's attempts surfaces as the step's error", async () => {
    const { app: a, contractId } = await boot({
      faults: [{ kind: "ses-throttle", function: "send-bill", call: 1, times: 5 }],
    });
    const event = { contractId, period: "2025-09" };
    await invoke(a, "prepare-bill", event);
    await expect(invoke(a, "send-bill", event)).rejects.toMatchObject({ name: "Throttling" });
    expect(await emailsTo(a, PARTY_A)).toHaveLength(0);
  });

  it("DynamoDB ProvisionedThroughputExceeded once is retried by the SDK; eight times fails the step", async () => {
    const { app: a, contractId } = await boot({
      faults: [
        { kind: "ddb-throughput-exceeded", function: "prepare-bill", invocation: 1, call: 1, times: 1 },
        { kind: "ddb-throughput-exceeded", function: "send-bill", call: 1, times: 8 },
      ],
    });
    const event = { contractId, period: "2025-09" };
    await expect(invoke(a, "prepare-bill", event)).resolves.toMatchObject({ billTotal: "4000.30" });
    await expect(invoke(a, "send-bill", event)).rejects.toMatchObject({
      name: "ProvisionedThroughputExceededException",
    });
  });

  it("ConditionalCheckFailed on a conditional write: the write was made (by a twin), this caller is refused", async () => {
    const { app: a, contractId } = await boot({
      faults: [{ kind: "ddb-conditional-check-failed", function: "send-bill", call: 1 }],
    });
    const event = { contractId, period: "2025-09" };
    await invoke(a, "prepare-bill", event);
    await invoke(a, "send-bill", event).catch(() => undefined);
    expect(a.stack.faults?.injected.map((f) => f.kind)).toEqual(["ddb-conditional-check-failed"]);
    // Whatever the step made of the refusal, the conditional write it lost is in the table.
    expect((await getCycle(contractId, "2025-09")).replyKey).toMatch(/./);
  });

  it("a crash fails the MonthlyCycle; the plan's redrive resumes it at the failed step: one bill, one statement", async () => {
    const { app: a, contractId } = await boot({
      faults: [{ kind: "crash", function: "send-bill", operation: "SendEmail", call: 1, when: "before" }],
      redriveAfterSeconds: 60,
    });
    const { executionArn } = await a.stepFunctions.startExecution({
      stateMachineArn: a.stateMachineArns.monthlyCycle,
      name: `${contractId}-2025-09`,
      input: JSON.stringify({ contractId, period: "2025-09" }),
    });
    await a.clock.runUntil(new Date("2025-10-01T01:00:30+08:00"));
    expect((await a.stepFunctions.describeExecution({ executionArn })).status).toBe("FAILED");
    const failed = (await a.stepFunctions.getExecutionHistory({ executionArn, maxResults: 1000 })).events;
    expect(failed.at(-1)?.executionFailedEventDetails).toMatchObject({ error: "Runtime.ExitError" });
    await a.clock.runUntil(new Date("2025-10-01T01:05:00+08:00"));
    const described = await a.stepFunctions.describeExecution({ executionArn });
    expect(described).toMatchObject({ status: "RUNNING", redriveCount: 1 });
    expect(await emailsTo(a, PARTY_A)).toHaveLength(1);
    const entered = (await a.stepFunctions.getExecutionHistory({ executionArn, maxResults: 1000 })).events
      .filter((e) => e.type === "TaskStateEntered")
      .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
    // The bill was prepared once; sending was entered twice (crashed, redriven).
    expect(entered.filter((n) => n === "Rate usage and prepare the bill")).toHaveLength(1);
    expect(entered.filter((n) => n === "Send the bill to Party A")).toHaveLength(2);
  });

  it("delivers a schedule's firing twice: the kickoff runs twice, one MonthlyCycle per contract and period", async () => {
    app = await startEmbeddedApp({
      start: new Date("2025-10-01T00:30:00+08:00"),
      faults: { faults: [{ kind: "duplicate-schedule", schedule: "ContractOps-MonthlyKickoff", firing: 1 }] },
    });
    const contract = await loadContract(SAMPLE_CONTRACT);
    await registerContract(contract);
    await uploadSmallMonth(contract, "2025-09");
    await app.clock.runUntil(new Date("2025-10-01T02:00:00+08:00"));
    const kickoffs = await app.stepFunctions.listExecutions({
      stateMachineArn: app.stateMachineArns.monthlyKickoff,
    });
    expect(kickoffs.executions).toHaveLength(2);
    const cycles = await app.stepFunctions.listExecutions({
      stateMachineArn: app.stateMachineArns.monthlyCycle,
    });
    expect(cycles.executions.map((e) => e.name)).toEqual([`${contract.contractId}-2025-09`]);
    expect(await emailsTo(app, PARTY_A)).toHaveLength(1);
  });

  it("reads a plan from a file, and refuses a malformed one naming the field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fault-plan-"));
    try {
      const good = join(dir, "good.json");
      await writeFile(good, JSON.stringify({ faults: [{ kind: "duplicate-inbound", delivery: 1 }] }));
      expect(loadFaultPlan(good).faults).toEqual([{ kind: "duplicate-inbound", delivery: 1 }]);
      const bad = join(dir, "bad.json");
      await writeFile(bad, JSON.stringify({ faults: [{ kind: "crash", function: "no-such", call: 0 }] }));
      expect(() => loadFaultPlan(bad)).toThrow(FaultPlanError);
      expect(() => loadFaultPlan(bad)).toThrow(/function/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
