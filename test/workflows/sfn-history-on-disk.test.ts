/**
 * With a data directory, a closed execution's history is kept in a file there (ADR 0072) and GetExecutionHistory
 * answers from it exactly as AWS records a Lambda task (Developer Guide, "Call Lambda with Step Functions":
 * TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded, TaskStateExited; every event's
 * previousEventId the one before it). The expected events are written out by hand below.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalStepFunctions } from "../../infra/local/sfn/runtime";
import { VirtualClock } from "../../infra/local/sfn/virtual-clock";

const START = new Date("2025-09-01T01:00:00.000Z");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function closedExecution(dataDir: string | undefined) {
  const clock = new VirtualClock(START);
  const runtime = new LocalStepFunctions({
    clock,
    region: "ap-east-1",
    accountId: "123456789012",
    ...(dataDir === undefined ? {} : { dataDir }),
    invokeLambda: async (_arn, payload) => ({ 合计: `${(payload as { fen: number }).fen * 3} 分` }),
  });
  const { stateMachineArn } = await runtime.createStateMachine({
    name: "Bill",
    definition: JSON.stringify({
      QueryLanguage: "JSONata",
      StartAt: "Rate",
      States: {
        Rate: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Arguments: { FunctionName: "rate", Payload: { fen: "{% $states.input.fen %}" } },
          Output: "{% $states.result.Payload %}",
          End: true,
        },
      },
    }),
  });
  const { executionArn } = await runtime.startExecution({
    stateMachineArn,
    name: "SCALE0000001-2025-08",
    input: JSON.stringify({ fen: 7 }),
  });
  await runtime.runExecutionToCompletion(executionArn, new Date(START.getTime() + 60_000));
  return { runtime, executionArn };
}

const at = START.toISOString();
/** The history as recorded, by hand: ids, types and the fields this execution's events carry. */
const expected = [
  { id: 1, previousEventId: 0, type: "ExecutionStarted" },
  { id: 2, previousEventId: 1, type: "TaskStateEntered", stateEnteredEventDetails: { name: "Rate" } },
  {
    id: 3,
    previousEventId: 2,
    type: "TaskScheduled",
    taskScheduledEventDetails: {
      resourceType: "lambda",
      resource: "invoke",
      region: "ap-east-1",
      parameters: '{"FunctionName":"rate","Payload":{"fen":7}}',
    },
  },
  { id: 4, previousEventId: 3, type: "TaskStarted" },
  { id: 5, previousEventId: 4, type: "TaskSucceeded" },
  {
    id: 6,
    previousEventId: 5,
    type: "TaskStateExited",
    stateExitedEventDetails: { name: "Rate", output: '{"合计":"21 分"}' },
  },
  {
    id: 7,
    previousEventId: 6,
    type: "ExecutionSucceeded",
    executionSucceededEventDetails: { output: '{"合计":"21 分"}' },
  },
];

describe("closed executions' histories in the data directory", () => {
  it("are written to a file there and read back as recorded, in pages and in reverse", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "contract-ops-sfn-history-"));
    dirs.push(dataDir);
    const { runtime, executionArn } = await closedExecution(dataDir);
    const file = join(dataDir, "execution-histories.deflated");
    expect(statSync(file).size).toBe(0);

    runtime.compactHistory(executionArn);
    expect(statSync(file).size).toBeGreaterThan(0);
    const { events } = await runtime.getExecutionHistory({ executionArn });
    expect(events).toMatchObject(expected);
    expect(events.every((event) => event.timestamp.toISOString() === at)).toBe(true);
    // Reading it did not bring it back into memory: compacting again has nothing to write.
    const size = statSync(file).size;
    runtime.compactHistories();
    expect(statSync(file).size).toBe(size);

    runtime.compactHistory(executionArn);
    const first = await runtime.getExecutionHistory({ executionArn, maxResults: 4 });
    runtime.compactHistory(executionArn);
    const rest = await runtime.getExecutionHistory({ executionArn, nextToken: first.nextToken as string });
    expect([...first.events, ...rest.events]).toMatchObject(expected);
    runtime.compactHistory(executionArn);
    const reversed = await runtime.getExecutionHistory({ executionArn, reverseOrder: true });
    expect(reversed.events).toMatchObject([...expected].reverse());

    runtime.compactHistory(executionArn);
    runtime.closeHistoryStore();
    await expect(runtime.getExecutionHistory({ executionArn })).rejects.toThrow(
      "execution-histories.deflated: read after the store was closed",
    );
  });

  it("read the same as the histories kept in memory without a data directory", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "contract-ops-sfn-history-"));
    dirs.push(dataDir);
    const onDisk = await closedExecution(dataDir);
    const inMemory = await closedExecution(undefined);
    onDisk.runtime.compactHistory(onDisk.executionArn);
    inMemory.runtime.compactHistory(inMemory.executionArn);
    expect(await onDisk.runtime.getExecutionHistory({ executionArn: onDisk.executionArn })).toEqual(
      await inMemory.runtime.getExecutionHistory({ executionArn: inMemory.executionArn }),
    );
    onDisk.runtime.closeHistoryStore();
  });
});

describe("a waiting execution's history in the data directory", () => {
  it("is compacted while the clock jumps, and the execution goes on from it with consecutive events", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "contract-ops-sfn-history-"));
    dirs.push(dataDir);
    const clock = new VirtualClock(START);
    const runtime = new LocalStepFunctions({ clock, dataDir, invokeLambda: async () => ({}) });
    const quietAt: string[] = [];
    clock.whenQuiet(3_600_000, () => {
      quietAt.push(clock.now().toISOString());
      runtime.compactHistories();
    });
    const { stateMachineArn } = await runtime.createStateMachine({
      name: "AwaitReply",
      definition: JSON.stringify({
        QueryLanguage: "JSONata",
        StartAt: "Wait for the reply",
        States: {
          "Wait for the reply": { Type: "Wait", Seconds: 3 * 86_400, Next: "Remind" },
          Remind: { Type: "Wait", Seconds: 60, Next: "Closed" },
          Closed: { Type: "Succeed" },
        },
      }),
    });
    const { executionArn } = await runtime.startExecution({ stateMachineArn, input: "{}" });
    const file = join(dataDir, "execution-histories.deflated");

    await clock.runUntil(new Date(START.getTime() + 86_400_000));
    // The jump to the day's end, with the execution waiting: compacted before it.
    expect(quietAt).toEqual([START.toISOString()]);
    expect(statSync(file).size).toBeGreaterThan(0);
    const waiting = await runtime.getExecutionHistory({ executionArn });
    expect(waiting.events.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, "ExecutionStarted"],
      [2, 1, "WaitStateEntered"],
    ]);

    await runtime.runExecutionToCompletion(executionArn, new Date(START.getTime() + 5 * 86_400_000));
    // Then the jump to the end of the three days; not the 60-second wait's.
    expect(quietAt).toEqual([START.toISOString(), new Date(START.getTime() + 86_400_000).toISOString()]);
    runtime.compactHistories();
    const closed = await runtime.getExecutionHistory({ executionArn });
    expect(closed.events.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, "ExecutionStarted"],
      [2, 1, "WaitStateEntered"],
      [3, 2, "WaitStateExited"],
      [4, 3, "WaitStateEntered"],
      [5, 4, "WaitStateExited"],
      [6, 5, "SucceedStateEntered"],
      [7, 6, "SucceedStateExited"],
      [8, 7, "ExecutionSucceeded"],
    ]);
    runtime.closeHistoryStore();
  });
});
