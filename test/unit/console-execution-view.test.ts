/**
 * How the console reads an execution history: each state succeeded, failed, caught, running or not
 * reached. The histories are written by hand in the shape of the AWS Step Functions developer guide's
 * event sequences (a Task retried after TaskFailed, a Catch after TaskFailed → TaskStateExited, an
 * uncaught TaskFailed → ExecutionFailed, a `.waitForTaskToken` task waiting after TaskSubmitted).
 */
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { readExecution } from "../../console/execution-view";

const T0 = Date.parse("2025-10-01T01:00:00+08:00");
const TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAToken1234567890abcdefSECRET";

function history(events: Array<[string, Record<string, unknown>?]>): HistoryEvent[] {
  return events.map(([type, fields], index) => ({
    id: index + 1,
    previousEventId: index,
    type,
    timestamp: new Date(T0 + index * 1000),
    ...(fields ?? {}),
  })) as HistoryEvent[];
}

const entered = (name: string, input = "{}") => ({ stateEnteredEventDetails: { name, input } });
const exited = (name: string, output = "{}", assignedVariables?: Record<string, string>) => ({
  stateExitedEventDetails: { name, output, ...(assignedVariables ? { assignedVariables } : {}) },
});

describe("reading an execution history (acceptance)", () => {
  const events = history([
    ["ExecutionStarted"],
    ["TaskStateEntered", entered("Prepare the bill")],
    ["TaskScheduled"],
    ["TaskStarted"],
    ["TaskFailed", { taskFailedEventDetails: { error: "Lambda.ServiceException", cause: "throttled" } }],
    ["TaskScheduled"],
    ["TaskStarted"],
    [
      "TaskSucceeded",
      { taskSucceededEventDetails: { output: '{"Payload":{"executionName":"c1-2025-09"}}' } },
    ],
    ["TaskStateExited", exited("Prepare the bill", '{"billTotal":"4253.20"}', { total: '"4253.20"' })],
    ["TaskStateEntered", entered("Send the bill")],
    ["TaskScheduled"],
    ["TaskFailed", { taskFailedEventDetails: { error: "MessageRejected", cause: "sandbox" } }],
    ["TaskStateExited", exited("Send the bill")],
    ["PassStateEntered", entered("Record that the bill is queued")],
    ["PassStateExited", exited("Record that the bill is queued")],
    ["TaskStateEntered", entered("Wait for Party A's reply")],
    [
      "TaskScheduled",
      {
        taskScheduledEventDetails: {
          resource: "invoke.waitForTaskToken",
          resourceType: "lambda",
          region: "us-east-1",
          parameters: JSON.stringify({ Payload: { taskToken: TOKEN } }),
          timeoutInSeconds: 3600,
        },
      },
    ],
    ["TaskStarted"],
    ["TaskSubmitted"],
  ]);
  const view = readExecution(events, true);

  it("a task that failed, was retried and then succeeded is succeeded", () => {
    expect(view.statuses.get("Prepare the bill")).toBe("succeeded");
  });

  it("a task whose failure a Catch handled (TaskFailed then the state's exit) is caught", () => {
    expect(view.statuses.get("Send the bill")).toBe("caught");
    const visit = view.visits.find((v) => v.state === "Send the bill");
    expect(visit?.errors).toEqual(["TaskFailed MessageRejected: sandbox"]);
  });

  it("a state entered and not left in a running execution is running; states never entered are absent", () => {
    expect(view.statuses.get("Record that the bill is queued")).toBe("succeeded");
    expect(view.statuses.get("Wait for Party A's reply")).toBe("running");
    expect(view.statuses.has("Close the cycle")).toBe(false);
  });

  it("each visit keeps its input, output and assigned variables", () => {
    const visit = view.visits.find((v) => v.state === "Prepare the bill");
    expect(visit?.output).toBe('{"billTotal":"4253.20"}');
    expect(visit?.variables).toEqual({ total: '"4253.20"' });
    expect(visit?.enteredAt?.toISOString()).toBe(new Date(T0 + 1000).toISOString());
  });

  it("the waiting task shows its token masked and its timeout (scheduled + 3600 s)", () => {
    expect(view.pendingTasks).toHaveLength(1);
    const [task] = view.pendingTasks;
    expect(task?.state).toBe("Wait for Party A's reply");
    expect(task?.tokenMasked).toBe("AQCEAA…");
    expect(task?.tokenMasked).not.toContain("SECRET");
    // Scheduled as the 17th event, one second apart from T0.
    expect(task?.timesOutAt?.toISOString()).toBe(new Date(T0 + 16_000 + 3_600_000).toISOString());
  });

  it("names the executions its tasks started", () => {
    expect(view.childExecutionNames).toEqual(["c1-2025-09"]);
  });
});

describe("a kickoff's history: cycles started through a Distributed Map (acceptance)", () => {
  // The parent's events as the developer guide's Distributed Map walkthrough records them: MapRunStarted
  // carries the Map Run's ARN (ListExecutions with mapRunArn lists its child executions).
  const MAP_RUN = "arn:aws:states:us-east-1:123456789012:mapRun:ContractOps-MonthlyKickoff/StartCycles:1a2b";
  const kickoff = history([
    ["ExecutionStarted"],
    ["MapStateEntered", entered("Start each contract's monthly cycle")],
    ["MapStateStarted", { mapStateStartedEventDetails: { length: 0 } }],
    ["MapRunStarted", { mapRunStartedEventDetails: { mapRunArn: MAP_RUN } }],
    ["MapRunSucceeded"],
    ["MapStateSucceeded"],
    ["MapStateExited", exited("Start each contract's monthly cycle")],
    ["ExecutionSucceeded"],
  ]);
  // A batch child of the Map Run: its task answers with the names of the cycles it started (R-BILL-1).
  const batch = history([
    ["ExecutionStarted"],
    ["TaskStateEntered", entered("Start the monthly cycles of a batch of contracts")],
    ["TaskScheduled"],
    ["TaskStarted"],
    [
      "TaskSucceeded",
      {
        taskSucceededEventDetails: {
          output: JSON.stringify({
            Payload: {
              period: "2025-09",
              contracts: 2,
              newlyStarted: 2,
              executionNames: ["c1-2025-09", "c2-2025-09"],
            },
          }),
        },
      },
    ],
    ["TaskStateExited", exited("Start the monthly cycles of a batch of contracts")],
    ["ExecutionSucceeded"],
  ]);

  it("the kickoff names its Map Runs, whose child executions hold the batches", () => {
    expect(readExecution(kickoff, false).mapRunArns).toEqual([MAP_RUN]);
  });

  it("a batch names every cycle its task started", () => {
    expect(readExecution(batch, false).childExecutionNames).toEqual(["c1-2025-09", "c2-2025-09"]);
  });

  it("an execution without a Distributed Map has no Map Run", () => {
    expect(readExecution(batch, false).mapRunArns).toEqual([]);
  });
});

describe("reading an execution history (rejection: what is not success)", () => {
  it("an uncaught failure (TaskFailed, no exit, ExecutionFailed) is failed, and nothing is pending", () => {
    const events = history([
      ["ExecutionStarted"],
      ["TaskStateEntered", entered("Prepare the bill")],
      ["TaskScheduled"],
      ["TaskFailed", { taskFailedEventDetails: { error: "States.TaskFailed", cause: "boom" } }],
      ["ExecutionFailed", { executionFailedEventDetails: { error: "States.TaskFailed", cause: "boom" } }],
    ]);
    const view = readExecution(events, false);
    expect(view.statuses.get("Prepare the bill")).toBe("failed");
    expect(view.pendingTasks).toEqual([]);
  });

  it("a state cut off when the execution stopped is not shown as running", () => {
    const events = history([
      ["ExecutionStarted"],
      ["WaitStateEntered", entered("Wait until the reminder day")],
      ["ExecutionAborted"],
    ]);
    expect(readExecution(events, false).statuses.get("Wait until the reminder day")).toBe("failed");
  });

  it("interleaved Parallel branches are told apart by previousEventId", () => {
    const events: HistoryEvent[] = [
      { id: 1, previousEventId: 0, type: "ParallelStateEntered", ...entered("Both") },
      { id: 2, previousEventId: 1, type: "TaskStateEntered", ...entered("Left") },
      { id: 3, previousEventId: 1, type: "TaskStateEntered", ...entered("Right") },
      { id: 4, previousEventId: 3, type: "TaskFailed", taskFailedEventDetails: { error: "X" } },
      { id: 5, previousEventId: 2, type: "TaskStateExited", ...exited("Left") },
    ] as HistoryEvent[];
    const view = readExecution(events, true);
    expect(view.statuses.get("Left")).toBe("succeeded");
    expect(view.statuses.get("Right")).toBe("failed");
  });
});

describe("which Lambda invocation each task made, for its log lines (ADR 0092)", () => {
  // The lambda:invoke result as the Step Functions developer guide shows it in TaskSucceeded/TaskSubmitted.
  const invokeResult = (requestId: string) =>
    JSON.stringify({
      ExecutedVersion: "$LATEST",
      Payload: {},
      SdkHttpMetadata: { HttpHeaders: { "x-amzn-RequestId": requestId }, HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: requestId },
      StatusCode: 200,
    });
  const scheduled = (fn: string) => ({
    taskScheduledEventDetails: {
      resource: "invoke",
      resourceType: "lambda",
      region: "us-east-1",
      parameters: JSON.stringify({ FunctionName: fn, Payload: {} }),
    },
  });
  const FN = "arn:aws:lambda:us-east-1:123456789012:function:ContractOps-prepare-bill-1a2b3c4d";
  const events = history([
    ["ExecutionStarted"],
    ["TaskStateEntered", entered("Prepare the bill")],
    ["TaskScheduled", scheduled(FN)],
    ["TaskStarted"],
    ["TaskFailed", { taskFailedEventDetails: { error: "Lambda.Unknown", cause: "{}" } }],
    ["TaskScheduled", scheduled(`${FN}:$LATEST`)],
    ["TaskStarted"],
    [
      "TaskSucceeded",
      { taskSucceededEventDetails: { output: invokeResult("11111111-2222-4333-8444-555555555555") } },
    ],
    ["TaskStateExited", exited("Prepare the bill")],
    ["TaskStateEntered", entered("Wait for Party A's reply")],
    ["TaskScheduled", scheduled("ContractOps-await-callback")],
    ["TaskStarted"],
    [
      "TaskSubmitted",
      { taskSubmittedEventDetails: { output: invokeResult("66666666-7777-4888-9999-000000000000") } },
    ],
    ["TaskSucceeded", { taskSucceededEventDetails: { output: '{"outcome":"confirmed"}' } }],
    ["TaskStateExited", exited("Wait for Party A's reply")],
  ]);
  const { invocations } = readExecution(events, false);

  it("each attempt is one invocation, named by the function and the request id of its result", () => {
    expect(invocations.map((i) => [i.state, i.attempt, i.functionName, i.requestId])).toEqual([
      ["Prepare the bill", 1, "ContractOps-prepare-bill-1a2b3c4d", null],
      ["Prepare the bill", 2, "ContractOps-prepare-bill-1a2b3c4d", "11111111-2222-4333-8444-555555555555"],
      ["Wait for Party A's reply", 1, "ContractOps-await-callback", "66666666-7777-4888-9999-000000000000"],
    ]);
  });

  it("a callback task's invocation ends when the Lambda returned (TaskSubmitted), not at the callback", () => {
    const wait = invocations[2];
    expect(wait?.startedAt).toEqual(new Date(T0 + 10_000));
    expect(wait?.endedAt).toEqual(new Date(T0 + 12_000));
  });

  it("a failed attempt has no request id, and a task that invokes no Lambda has no invocation", () => {
    expect(invocations[0]?.requestId).toBeNull();
    const noLambda = readExecution(
      history([
        ["ExecutionStarted"],
        ["TaskStateEntered", entered("Start a cycle")],
        [
          "TaskScheduled",
          {
            taskScheduledEventDetails: {
              resource: "startExecution",
              resourceType: "states",
              region: "us-east-1",
              parameters: "{}",
            },
          },
        ],
      ]),
      true,
    );
    expect(noLambda.invocations).toEqual([]);
  });
});
