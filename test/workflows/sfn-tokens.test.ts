/**
 * Conformance of callback tasks (`arn:aws:states:::lambda:invoke.waitForTaskToken`) and the task-token
 * API. Expected behaviour from "Wait for a Callback with Task Token"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token)
 * and the API reference of SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html).
 */
import { describe, expect, it } from "vitest";
import { details, eventsOf, harness, machine, START, type TestHandler } from "../fixtures/sfn/harness";

const HOUR = 3_600_000;

function awaitReply(extra: object = {}) {
  return machine({
    Await: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      Arguments: {
        FunctionName: "await-reply",
        Payload: { token: "{% $states.context.Task.Token %}", input: "{% $states.input %}" },
      },
      ...extra,
      End: true,
    },
  });
}

/** Party A answers `delayMs` of virtual time after the bill is sent. */
const repliesAfter =
  (delayMs: number, output: unknown): TestHandler =>
  async (p, ctx) => {
    ctx.clock.schedule(new Date(ctx.clock.nowMs() + delayMs), async () => {
      await ctx.runtime.sendTaskSuccess({ taskToken: p.token, output: JSON.stringify(output) });
    });
    return null;
  };

describe("waitForTaskToken", () => {
  it("the token reaches the Lambda via $states.context.Task.Token; SendTaskSuccess output is the task result", async () => {
    const h = harness({ "await-reply": repliesAfter(5 * HOUR, { outcome: "confirmed" }) });
    const r = await h.run(awaitReply({ TimeoutSeconds: 86400 }), { bill: "B1" });
    expect(r.status).toBe("SUCCEEDED");
    expect(r.output).toEqual({ outcome: "confirmed" });
    expect(r.types).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    expect(eventsOf(r, "TaskSucceeded")[0]?.timestamp.getTime()).toBe(START.getTime() + 5 * HOUR);
    expect(details(eventsOf(r, "TaskScheduled")[0])).toMatchObject({
      resource: "invoke.waitForTaskToken",
      timeoutInSeconds: 86400,
    });
  });

  it("a token task times out after TimeoutSeconds with States.Timeout (TaskTimedOut event), catchable", async () => {
    const h = harness({ "await-reply": async () => null });
    const r = await h.run(
      machine({
        Await: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
          Arguments: { FunctionName: "await-reply", Payload: { token: "{% $states.context.Task.Token %}" } },
          TimeoutSeconds: "{% 15 * 86400 %}",
          Catch: [{ ErrorEquals: ["States.Timeout"], Output: { deemed: true }, Next: "Deemed" }],
          End: true,
        },
        Deemed: { Type: "Pass", End: true },
      }),
    );
    expect(r.output).toEqual({ deemed: true });
    const timedOut = eventsOf(r, "TaskTimedOut")[0];
    expect(timedOut?.timestamp.getTime()).toBe(START.getTime() + 15 * 86_400_000);
    expect(details(timedOut)).toMatchObject({
      resourceType: "lambda",
      resource: "invoke.waitForTaskToken",
      error: "States.Timeout",
    });
  });

  it("SendTaskHeartbeat keeps a task alive past HeartbeatSeconds; without it the task fails with States.HeartbeatTimeout", async () => {
    const heartbeating: TestHandler = async (p, ctx) => {
      for (let t = 50; t < 300; t += 50) {
        ctx.clock.schedule(new Date(ctx.clock.nowMs() + t * 1000), () =>
          ctx.runtime.sendTaskHeartbeat({ taskToken: p.token }).then(() => undefined),
        );
      }
      ctx.clock.schedule(new Date(ctx.clock.nowMs() + 300_000), () =>
        ctx.runtime.sendTaskSuccess({ taskToken: p.token, output: '"done"' }).then(() => undefined),
      );
      return null;
    };
    const alive = await harness({ "await-reply": heartbeating }).run(
      awaitReply({ TimeoutSeconds: 600, HeartbeatSeconds: 60 }),
    );
    expect([alive.status, alive.output]).toEqual(["SUCCEEDED", "done"]);

    const silent = await harness({ "await-reply": async () => null }).run(
      awaitReply({ TimeoutSeconds: 600, HeartbeatSeconds: 60 }),
    );
    expect([silent.status, silent.error]).toEqual(["FAILED", "States.HeartbeatTimeout"]);
    expect(eventsOf(silent, "TaskTimedOut")[0]?.timestamp.getTime()).toBe(START.getTime() + 60_000);
  });

  it("SendTaskSuccess after the timeout answers TaskTimedOut; a garbage token answers InvalidToken", async () => {
    let token = "";
    const h = harness({
      "await-reply": async (p) => {
        token = p.token;
        return null;
      },
    });
    const r = await h.run(awaitReply({ TimeoutSeconds: 60 }));
    expect(r.error).toBe("States.Timeout");
    await expect(h.runtime.sendTaskSuccess({ taskToken: token, output: "{}" })).rejects.toMatchObject({
      name: "TaskTimedOut",
    });
    await expect(h.runtime.sendTaskHeartbeat({ taskToken: token })).rejects.toMatchObject({
      name: "TaskTimedOut",
    });
    await expect(h.runtime.sendTaskSuccess({ taskToken: "not-a-token", output: "{}" })).rejects.toMatchObject(
      { name: "InvalidToken" },
    );
  });

  it("SendTaskFailure fails the task with its error and cause; a second callback answers TaskTimedOut", async () => {
    let token = "";
    const h = harness({
      "await-reply": async (p, ctx) => {
        token = p.token;
        ctx.clock.schedule(new Date(ctx.clock.nowMs() + HOUR), async () => {
          await ctx.runtime.sendTaskFailure({
            taskToken: p.token,
            error: "Reply.Disputed",
            cause: "figure differs",
          });
        });
        return null;
      },
    });
    const r = await h.run(awaitReply());
    expect([r.status, r.error, r.cause]).toEqual(["FAILED", "Reply.Disputed", "figure differs"]);
    expect(details(eventsOf(r, "TaskFailed")[0])).toMatchObject({
      error: "Reply.Disputed",
      cause: "figure differs",
    });
    await expect(h.runtime.sendTaskSuccess({ taskToken: token, output: "{}" })).rejects.toMatchObject({
      name: "TaskTimedOut",
    });
  });

  it("a callback sent by the Lambda before it returns is applied after TaskSubmitted", async () => {
    const h = harness({
      "await-reply": async (p, ctx) => {
        await ctx.runtime.sendTaskSuccess({ taskToken: p.token, output: '{"early":true}' });
        return { accepted: true };
      },
    });
    const r = await h.run(awaitReply());
    expect(r.output).toEqual({ early: true });
    expect(r.types.indexOf("TaskSubmitted")).toBeLessThan(r.types.indexOf("TaskSucceeded"));
  });

  it("StopExecution aborts a waiting execution and closes its token (TaskTimedOut afterwards)", async () => {
    let token = "";
    const h = harness({
      "await-reply": async (p) => {
        token = p.token;
        return null;
      },
    });
    const arn = await h.start(awaitReply());
    await h.clock.runUntil(new Date(START.getTime() + HOUR));
    expect((await h.runtime.describeExecution({ executionArn: arn })).status).toBe("RUNNING");
    await h.runtime.stopExecution({
      executionArn: arn,
      error: "Ops.Cancelled",
      cause: "contract terminated",
    });
    const r = await h.result(arn);
    expect([r.status, r.error]).toEqual(["ABORTED", "Ops.Cancelled"]);
    expect(r.types.slice(-2)).toEqual(["TaskStateAborted", "ExecutionAborted"]);
    await expect(h.runtime.sendTaskSuccess({ taskToken: token, output: "{}" })).rejects.toMatchObject({
      name: "TaskTimedOut",
    });
  });
});
