/**
 * The Step Functions quotas the local runtime enforces, as AWS does, whether or not a definition sets
 * a timeout. Oracles: "Step Functions service quotas"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html): maximum execution time
 * 1 year (Standard), fails with States.Timeout; execution history 25,000 events, then the execution
 * fails; 256 KiB (262,144 bytes of UTF-8) for a task's, state's or execution's input or output and for
 * what one Assign stores (States.DataLimitExceeded, "Handling errors in Step Functions workflows":
 * not matched by States.ALL); execution history kept 90 days after close, and an execution name can
 * be reused only once the closed execution is no longer retained. The shape of the history-limit
 * failure (event 25,000 is ExecutionFailed, States.Runtime, "The execution reached the maximum number
 * of history events (25000).") is as AWS records it (get-execution-history of a looping Choice,
 * quoted in floci-io/floci#2734).
 */
import { describe, expect, it } from "vitest";
import { details, eventsOf, harness, machine, START } from "../fixtures/sfn/harness";

const DAY_MS = 86_400_000;
const KIB_256 = 262_144;

const invoke = (fn: string, extra: object = {}) => ({
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Arguments: { FunctionName: fn, Payload: "{% $states.input %}" },
  Output: "{% $states.result.Payload %}",
  ...extra,
});

describe("execution time: at most 1 year", () => {
  it("an execution still running a year after its start ends TIMED_OUT with States.Timeout, without any TimeoutSeconds", async () => {
    const h = harness();
    const r = await h.run(
      machine({ "Wait 400 days": { Type: "Wait", Seconds: 400 * 86_400, End: true } }),
      {},
      new Date(START.getTime() + 800 * DAY_MS),
    );
    expect(r.status).toBe("TIMED_OUT");
    expect(r.error).toBe("States.Timeout");
    const timedOut = eventsOf(r, "ExecutionTimedOut")[0];
    expect(details(timedOut).error).toBe("States.Timeout");
    // 365 days after the start: the quota counts from StartExecution.
    expect(timedOut?.timestamp.getTime()).toBe(START.getTime() + 365 * DAY_MS);
    expect(r.types).toContain("WaitStateAborted");
  });

  it("an execution that finishes within the year is not affected, and a shorter TimeoutSeconds still wins", async () => {
    const h = harness();
    const within = await h.run(machine({ W: { Type: "Wait", Seconds: 364 * 86_400, End: true } }));
    expect(within.status).toBe("SUCCEEDED");
    const shorter = await h.run(
      machine({ W: { Type: "Wait", Seconds: 7200, End: true } }, { TimeoutSeconds: 3600 }),
    );
    expect(shorter.status).toBe("TIMED_OUT");
    expect(eventsOf(shorter, "ExecutionTimedOut")[0]?.timestamp.getTime()).toBe(
      (shorter.events[0]?.timestamp.getTime() as number) + 3_600_000,
    );
  });
});

describe("history: at most 25,000 events", () => {
  it("a long loop fails with States.Runtime; event 25,000 is ExecutionFailed and nothing follows", async () => {
    const h = harness();
    // 10,000 rounds of 4 events would make 40,000: the quota cuts the execution short.
    const r = await h.run(
      machine({
        Init: { Type: "Pass", Assign: { i: 0 }, Next: "Loop" },
        Loop: {
          Type: "Choice",
          Choices: [{ Condition: "{% $i < 10000 %}", Next: "Count" }],
          Default: "Done",
        },
        Count: { Type: "Pass", Assign: { i: "{% $i + 1 %}" }, Next: "Loop" },
        Done: { Type: "Succeed" },
      }),
    );
    expect(r.status).toBe("FAILED");
    expect(r.error).toBe("States.Runtime");
    expect(r.cause).toBe("The execution reached the maximum number of history events (25000).");
    const { events } = await h.runtime.getExecutionHistory({
      executionArn: r.executionArn,
      reverseOrder: true,
      maxResults: 2,
    });
    expect(events[0]).toMatchObject({ id: 25_000, previousEventId: 24_999, type: "ExecutionFailed" });
    expect(details(events[0])).toEqual({
      error: "States.Runtime",
      cause: "The execution reached the maximum number of history events (25000).",
    });
    // Events 4, 5, 6, 7 are Choice entered/exited, Pass entered/exited; 24,999 is the 4th of its round.
    expect(events[1]).toMatchObject({ id: 24_999, type: "PassStateExited" });
  });
});

describe("payload size: 256 KiB (States.DataLimitExceeded)", () => {
  const big = "x".repeat(KIB_256);

  it("a Lambda result over 256 KiB fails the task with States.DataLimitExceeded, which States.ALL does not catch", async () => {
    const h = harness({ large: async () => ({ text: big }) });
    const r = await h.run(
      machine({
        Call: invoke("large", {
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }],
          End: true,
        }),
        Caught: { Type: "Succeed" },
      }),
    );
    expect(r.status).toBe("FAILED");
    expect(r.error).toBe("States.DataLimitExceeded");
    expect(details(eventsOf(r, "TaskFailed")[0]).error).toBe("States.DataLimitExceeded");
    expect(r.types).not.toContain("TaskSucceeded");
  });

  it("an output of exactly 256 KiB passes: the quota is inclusive", async () => {
    const h = harness();
    // {"t":"xxx…"} is 8 bytes of JSON around the string.
    const r = await h.run(
      machine({ P: { Type: "Pass", Output: { t: `{% $pad('', ${KIB_256 - 8}, 'x') %}` }, End: true } }),
    );
    expect(r.status).toBe("SUCCEEDED");
    expect(Buffer.byteLength(JSON.stringify(r.output), "utf8")).toBe(KIB_256);
  });

  it("a state output over 256 KiB (counted in UTF-8 bytes) fails the execution", async () => {
    const h = harness();
    // 87,382 three-byte characters: 262,146 bytes, under 262,144 UTF-16 code units.
    const r = await h.run(
      machine({ P: { Type: "Pass", Output: { s: "{% $pad('', 87382, '中') %}" }, End: true } }),
    );
    expect(r.status).toBe("FAILED");
    expect(r.error).toBe("States.DataLimitExceeded");
    expect(r.types).not.toContain("PassStateExited");
  });

  it("an Assign storing over 256 KiB fails the state", async () => {
    const h = harness();
    const r = await h.run(
      machine({
        P: { Type: "Pass", Assign: { big: `{% $pad('', ${KIB_256}, 'y') %}` }, Next: "Done" },
        Done: { Type: "Succeed" },
      }),
    );
    expect(r.status).toBe("FAILED");
    expect(r.error).toBe("States.DataLimitExceeded");
  });

  it("a task's input (its Arguments) over 256 KiB fails before the Lambda is invoked", async () => {
    const h = harness({ echo: async (p) => p });
    const r = await h.run(
      machine({
        Call: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Arguments: { FunctionName: "echo", Payload: { s: `{% $pad('', ${KIB_256}, 'z') %}` } },
          End: true,
        },
      }),
    );
    expect(r.status).toBe("FAILED");
    expect(r.error).toBe("States.DataLimitExceeded");
    expect(h.invocations).toHaveLength(0);
  });

  it("StartExecution refuses an input over 256 KiB, and SendTaskSuccess an output over 256 KiB", async () => {
    const h = harness({ park: async () => ({}) });
    const { stateMachineArn } = await h.runtime.createStateMachine({
      name: "Park",
      definition: JSON.stringify(
        machine({
          Wait: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
            Arguments: { FunctionName: "park", Payload: { token: "{% $states.context.Task.Token %}" } },
            End: true,
          },
        }),
      ),
    });
    await expect(
      h.runtime.startExecution({ stateMachineArn, input: JSON.stringify({ s: big }) }),
    ).rejects.toMatchObject({ name: "ValidationException" });
    const { executionArn } = await h.runtime.startExecution({ stateMachineArn, input: "{}" });
    await h.clock.runUntil(new Date(START.getTime() + 1000));
    const token = (h.invocations[0]?.payload as { token: string } | undefined)?.token ?? "";
    await expect(
      h.runtime.sendTaskSuccess({ taskToken: token, output: JSON.stringify({ s: big }) }),
    ).rejects.toMatchObject({ name: "ValidationException" });
    await h.runtime.sendTaskSuccess({ taskToken: token, output: "{}" });
    expect(await h.runtime.runExecutionToCompletion(executionArn, new Date(START.getTime() + DAY_MS))).toBe(
      "SUCCEEDED",
    );
  });
});

describe("execution names: reusable only after the closed execution's 90-day retention", () => {
  it("refuses the name of a closed execution for 90 days, then starts anew under it", async () => {
    const h = harness();
    const { stateMachineArn } = await h.runtime.createStateMachine({
      name: "Names",
      definition: JSON.stringify(machine({ P: { Type: "Pass", End: true } })),
    });
    const first = await h.runtime.startExecution({ stateMachineArn, name: "C1-2026-01", input: "{}" });
    await h.runtime.runExecutionToCompletion(first.executionArn, new Date(START.getTime() + DAY_MS));
    const closedMs = (await h.runtime.describeExecution(first)).stopDate?.getTime() as number;

    await h.clock.runUntil(new Date(closedMs + 90 * DAY_MS));
    await expect(
      h.runtime.startExecution({ stateMachineArn, name: "C1-2026-01", input: "{}" }),
    ).rejects.toMatchObject({ name: "ExecutionAlreadyExists" });
    expect((await h.runtime.describeExecution(first)).status).toBe("SUCCEEDED");

    await h.clock.runUntil(new Date(closedMs + 90 * DAY_MS + 1));
    const again = await h.runtime.startExecution({ stateMachineArn, name: "C1-2026-01", input: "{}" });
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate.getTime()).toBe(closedMs + 90 * DAY_MS + 1);
    const listed = (await h.runtime.listExecutions({ stateMachineArn })).executions;
    expect(listed.map((e) => e.startDate.getTime())).toEqual([closedMs + 90 * DAY_MS + 1]);
  });
});
