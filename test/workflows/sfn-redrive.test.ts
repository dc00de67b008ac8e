/**
 * RedriveExecution on the local runtime, against the Step Functions documentation
 * (API reference RedriveExecution, DescribeExecution redriveCount/redriveStatus/redriveStatusReason,
 * ExecutionRedrivenEventDetails; developer guide "Redriving executions"):
 * - only an unsuccessful (FAILED, TIMED_OUT, ABORTED) Standard execution may be redriven, within 14 days
 *   of its stop, else ExecutionNotRedrivable;
 * - it continues from the unsuccessful state with that state's input; successful steps are not rerun,
 *   variables assigned before it are kept; same execution ARN;
 * - the history continues with ExecutionRedriven { redriveCount }; DescribeExecution reports the count,
 *   redriveDate and REDRIVABLE / NOT_REDRIVABLE with its reason; $states.context.Execution.RedriveCount.
 */
import { describe, expect, it } from "vitest";
import { harness, machine, START } from "../fixtures/sfn/harness";

const DAY = 86_400_000;

function flaky() {
  let failuresLeft = 1;
  return {
    handlers: {
      prepare: async (p: { n: number }) => ({ n: p.n + 1 }),
      send: async (p: { n: number; redrives: number }) => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          const error = new Error("killed");
          error.name = "Runtime.ExitError";
          throw error;
        }
        return { sent: p.n, redrives: p.redrives };
      },
    },
  };
}

const definition = machine({
  "Prepare the bill": {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Arguments: { FunctionName: "prepare", Payload: "{% $states.input %}" },
    Assign: { prepared: "{% $states.result.Payload.n %}" },
    Output: "{% $states.result.Payload %}",
    Next: "Send the bill",
  },
  "Send the bill": {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Arguments: {
      FunctionName: "send",
      Payload: { n: "{% $prepared %}", redrives: "{% $states.context.Execution.RedriveCount %}" },
    },
    Output: "{% $states.result.Payload %}",
    End: true,
  },
});

describe("RedriveExecution", () => {
  it("restarts a FAILED execution from the failed state, keeping its input and variables; successful steps are not rerun", async () => {
    const { handlers } = flaky();
    const h = harness(handlers);
    const arn = await h.start(definition, { n: 1 });
    await h.runtime.runExecutionToCompletion(arn, new Date(START.getTime() + DAY));
    expect((await h.result(arn)).status).toBe("FAILED");
    expect(await h.runtime.describeExecution({ executionArn: arn })).toMatchObject({
      redriveCount: 0,
      redriveStatus: "REDRIVABLE",
    });

    await h.clock.runUntil(new Date(START.getTime() + 60_000));
    const { redriveDate } = await h.runtime.redriveExecution({ executionArn: arn });
    expect(redriveDate).toBeInstanceOf(Date);
    await h.runtime.runExecutionToCompletion(arn, new Date(START.getTime() + DAY));
    const after = await h.result(arn);
    expect(after.status).toBe("SUCCEEDED");
    // prepare ran once; send ran twice (failed, then redriven) with $prepared = 2 kept from before.
    expect(h.invocations.map((i) => i.functionName)).toEqual(["prepare", "send", "send"]);
    expect(after.output).toEqual({ sent: 2, redrives: 1 });
    const types = after.types;
    const failedAt = types.indexOf("ExecutionFailed");
    expect(types[failedAt + 1]).toBe("ExecutionRedriven");
    expect(types.at(-1)).toBe("ExecutionSucceeded");
    const redriven = after.events.find((e) => e.type === "ExecutionRedriven");
    expect(redriven?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    // The redriven part enters the failed state again, never the one that succeeded.
    const enteredAfter = after.events
      .slice(failedAt)
      .filter((e) => e.type === "TaskStateEntered")
      .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
    expect(enteredAfter).toEqual(["Send the bill"]);
    const described = await h.runtime.describeExecution({ executionArn: arn });
    expect(described).toMatchObject({ redriveCount: 1, redriveStatus: "NOT_REDRIVABLE" });
    expect(described.redriveStatusReason).toBe("Execution is SUCCEEDED and cannot be redriven");
    expect(described.redriveDate).toBeInstanceOf(Date);
  });

  it("refuses a RUNNING or SUCCEEDED execution with ExecutionNotRedrivable", async () => {
    const h = harness({ prepare: async (p) => p, send: async (p) => p });
    const arn = await h.start(definition, { n: 1 });
    await expect(h.runtime.redriveExecution({ executionArn: arn })).rejects.toMatchObject({
      name: "ExecutionNotRedrivable",
    });
    await h.runtime.runExecutionToCompletion(arn, new Date(START.getTime() + DAY));
    await expect(h.runtime.redriveExecution({ executionArn: arn })).rejects.toMatchObject({
      name: "ExecutionNotRedrivable",
    });
  });

  it("redrives an ABORTED execution; refuses one that closed more than 14 days ago", async () => {
    const waiting = machine({
      "Wait a day": { Type: "Wait", Seconds: 86_400, Next: "Done" },
      Done: { Type: "Succeed" },
    });
    const h = harness({});
    const aborted = await h.start(waiting, {});
    await h.runtime.stopExecution({ executionArn: aborted });
    expect((await h.runtime.describeExecution({ executionArn: aborted })).redriveStatus).toBe("REDRIVABLE");
    await h.runtime.redriveExecution({ executionArn: aborted });
    await h.runtime.runExecutionToCompletion(aborted, new Date(START.getTime() + 3 * DAY));
    expect((await h.result(aborted)).status).toBe("SUCCEEDED");

    const old = await h.start(waiting, {});
    await h.runtime.stopExecution({ executionArn: old });
    await h.clock.runUntil(new Date(h.clock.nowMs() + 15 * DAY));
    const described = await h.runtime.describeExecution({ executionArn: old });
    expect(described.redriveStatus).toBe("NOT_REDRIVABLE");
    expect(described.redriveStatusReason).toBe("Execution redrivable period exceeded");
    await expect(h.runtime.redriveExecution({ executionArn: old })).rejects.toMatchObject({
      name: "ExecutionNotRedrivable",
    });
  });

  it("is answered over the HTTP API as @aws-sdk/client-sfn calls it", async () => {
    const { RedriveExecutionCommand, SFNClient } = await import("@aws-sdk/client-sfn");
    const { startStepFunctionsApi } = await import("../../infra/local/sfn/http-api");
    const { handlers } = flaky();
    const h = harness(handlers);
    const arn = await h.start(definition, { n: 1 });
    await h.runtime.runExecutionToCompletion(arn, new Date(START.getTime() + DAY));
    const api = await startStepFunctionsApi(h.runtime, { port: 0 });
    const client = new SFNClient({
      endpoint: api.endpoint,
      region: "ap-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      const answer = await client.send(new RedriveExecutionCommand({ executionArn: arn }));
      expect(answer.redriveDate).toBeInstanceOf(Date);
      await h.runtime.runExecutionToCompletion(arn, new Date(START.getTime() + DAY));
      expect((await h.result(arn)).status).toBe("SUCCEEDED");
    } finally {
      client.destroy();
      await api.stop();
    }
  });
});
