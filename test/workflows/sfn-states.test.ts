/**
 * Conformance of the local Step Functions runtime per state type, data-flow field and error path.
 * Each expectation is taken from the AWS Step Functions developer guide page cited in the test.
 */
import { describe, expect, it } from "vitest";
import { errorMatches } from "../../infra/local/sfn/runtime";
import { details, eventsOf, harness, machine, START } from "../fixtures/sfn/harness";

const DOC = "https://docs.aws.amazon.com/step-functions/latest/dg";
const DAY = 86_400_000;

const invoke = (fn: string, payload: unknown = "{% $states.input %}", extra: object = {}) => ({
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Arguments: { FunctionName: fn, Payload: payload },
  ...extra,
});

describe("Pass, Succeed, Fail", () => {
  it(`Pass without Output passes its input through; with Output it replaces it (${DOC}/state-pass.html)`, async () => {
    const { run } = harness();
    const r = await run(
      machine({
        Same: { Type: "Pass", Next: "Shaped" },
        Shaped: {
          Type: "Pass",
          Output: { total: "{% $states.input.a + $states.input.b %}", fixed: "x" },
          End: true,
        },
      }),
      { a: 2, b: 3 },
    );
    expect(r.status).toBe("SUCCEEDED");
    expect(r.output).toEqual({ total: 5, fixed: "x" });
    expect(details(eventsOf(r, "PassStateExited")[0]).output).toBe('{"a":2,"b":3}');
  });

  it(`Succeed's Output becomes the execution output (${DOC}/state-succeed.html)`, async () => {
    const r = await harness().run(machine({ Done: { Type: "Succeed", Output: "{% $states.input.x %}" } }), {
      x: [1],
    });
    expect(r.output).toEqual([1]);
    expect(r.types).toEqual([
      "ExecutionStarted",
      "SucceedStateEntered",
      "SucceedStateExited",
      "ExecutionSucceeded",
    ]);
  });

  it(`Fail with JSONata Error and Cause fails the execution with them (${DOC}/state-fail.html)`, async () => {
    const r = await harness().run(
      machine({
        Stop: {
          Type: "Fail",
          Error: "{% 'Bill.' & $states.input.kind %}",
          Cause: "{% 'period ' & $states.input.p %}",
        },
      }),
      { kind: "Late", p: "2026-01" },
    );
    expect(r.status).toBe("FAILED");
    expect([r.error, r.cause]).toEqual(["Bill.Late", "period 2026-01"]);
    expect(r.types.slice(-2)).toEqual(["FailStateEntered", "ExecutionFailed"]);
    expect(details(r.events.at(-1))).toEqual({ error: "Bill.Late", cause: "period 2026-01" });
  });
});

describe("Assign and variables", () => {
  it(`Assign is evaluated with the values at state entry, after Output, and is visible only to later states (${DOC}/workflow-variables.html)`, async () => {
    const r = await harness().run(
      machine({
        Init: { Type: "Pass", Assign: { x: 1 }, Next: "Bump" },
        Bump: {
          Type: "Pass",
          Assign: { x: "{% $x + 1 %}", y: "{% $x %}" },
          Output: { seen: "{% $x %}" },
          Next: "Read",
        },
        Read: {
          Type: "Pass",
          Output: { x: "{% $x %}", y: "{% $y %}", before: "{% $states.input.seen %}" },
          End: true,
        },
      }),
    );
    // In Bump, Output and y both read the entry value 1; the new x = 2 is seen by Read only.
    expect(r.output).toEqual({ x: 2, y: 1, before: 1 });
    const bumpExit = details(eventsOf(r, "PassStateExited")[1]);
    expect(bumpExit.assignedVariables).toEqual({ x: "2", y: "1" });
    expect(bumpExit.assignedVariablesDetails).toEqual({ truncated: false });
  });

  it(`Parallel branches and Map iterations read outer variables; their assignments stay inside (${DOC}/workflow-variables.html, Variable scope)`, async () => {
    const r = await harness().run(
      machine({
        Init: { Type: "Pass", Assign: { rate: 10 }, Next: "Both" },
        Both: {
          Type: "Parallel",
          Branches: [
            {
              StartAt: "Inner",
              States: {
                Inner: { Type: "Pass", Assign: { local: 5 }, Next: "Use" },
                Use: { Type: "Pass", Output: "{% $rate + $local %}", End: true },
              },
            },
          ],
          Next: "After",
        },
        After: {
          Type: "Pass",
          Output: { result: "{% $states.input %}", local: "{% $exists($local) %}" },
          End: true,
        },
      }),
    );
    expect(r.output).toEqual({ result: [15], local: false });
  });

  it(`Choice rule Assign adds to the state-level Assign (${DOC}/state-choice.html)`, async () => {
    const r = await harness().run(
      machine({
        Pick: {
          Type: "Choice",
          Assign: { path: "default", seen: true },
          Choices: [{ Condition: "{% $states.input.n > 1 %}", Assign: { path: "big" }, Next: "Done" }],
          Default: "Done",
        },
        Done: { Type: "Pass", Output: { path: "{% $path %}", seen: "{% $seen %}" }, End: true },
      }),
      { n: 2 },
    );
    expect(r.output).toEqual({ path: "big", seen: true });
  });
});

describe("Choice", () => {
  const choice = machine({
    Route: {
      Type: "Choice",
      Choices: [
        { Condition: "{% $states.input.reply = 'confirm' %}", Next: "Confirmed" },
        { Condition: "{% $states.input.reply = 'dispute' %}", Output: { disputed: true }, Next: "Disputed" },
      ],
      Default: "Silent",
    },
    Confirmed: { Type: "Succeed" },
    Disputed: { Type: "Succeed" },
    Silent: { Type: "Succeed", Output: "silent" },
  });

  it(`takes the first rule whose Condition is true, else Default (${DOC}/state-choice.html)`, async () => {
    const h = harness();
    expect((await h.run(choice, { reply: "dispute" })).output).toEqual({ disputed: true });
    expect((await h.run(choice, { reply: "confirm" })).output).toEqual({ reply: "confirm" });
    expect((await h.run(choice, { reply: "?" })).output).toBe("silent");
  });

  it(`fails with States.NoChoiceMatched when nothing matches and there is no Default (${DOC}/concepts-error-handling.html)`, async () => {
    const r = await harness().run(
      machine({
        C: { Type: "Choice", Choices: [{ Condition: "{% false %}", Next: "D" }] },
        D: { Type: "Succeed" },
      }),
    );
    expect([r.status, r.error]).toEqual(["FAILED", "States.NoChoiceMatched"]);
  });

  it(`a non-boolean Condition is a States.QueryEvaluationError (${DOC}/transforming-data.html)`, async () => {
    const r = await harness().run(
      machine({
        C: { Type: "Choice", Choices: [{ Condition: "{% 'yes' %}", Next: "D" }] },
        D: { Type: "Succeed" },
      }),
    );
    expect([r.status, r.error]).toEqual(["FAILED", "States.QueryEvaluationError"]);
    expect(r.types).toContain("EvaluationFailed");
  });
});

describe("Wait", () => {
  it(`Seconds and Timestamp (also as JSONata) wait on the virtual clock (${DOC}/state-wait.html)`, async () => {
    const h = harness();
    const r = await h.run(
      machine({
        Short: { Type: "Wait", Seconds: "{% $states.input.s %}", Next: "Until" },
        Until: { Type: "Wait", Timestamp: "2026-03-01T00:00:00+08:00", Next: "Now" },
        Now: { Type: "Pass", Output: "{% $now() %}", End: true },
      }),
      { s: 3600 },
    );
    const exits = eventsOf(r, "WaitStateExited").map((e) => e.timestamp.toISOString());
    expect(exits).toEqual(["2026-01-01T01:00:00.000Z", "2026-02-28T16:00:00.000Z"]);
    expect(r.output).toBe("2026-02-28T16:00:00.000Z");
  });

  it("a year of monthly Waits completes with the clock at the last one (discrete-event time)", async () => {
    const h = harness();
    const r = await h.run(
      machine({
        Loop: { Type: "Pass", Assign: { months: "{% $exists($months) ? $months + 1 : 1 %}" }, Next: "Month" },
        Month: { Type: "Wait", Seconds: 30 * 86400, Next: "More?" },
        "More?": {
          Type: "Choice",
          Choices: [{ Condition: "{% $months < 12 %}", Next: "Loop" }],
          Default: "Done",
        },
        Done: { Type: "Succeed", Output: "{% $months %}" },
      }),
    );
    expect(r.output).toBe(12);
    expect(h.clock.nowMs() - START.getTime()).toBe(360 * DAY);
  });

  it("a Timestamp that is not ISO 8601 fails with States.QueryEvaluationError", async () => {
    const r = await harness().run(machine({ W: { Type: "Wait", Timestamp: "{% 'tomorrow' %}", End: true } }));
    expect(r.error).toBe("States.QueryEvaluationError");
  });
});

describe("Task (Lambda)", () => {
  it(`lambda:invoke returns { Payload, StatusCode, … } and the history has TaskScheduled/Started/Succeeded (${DOC}/connect-lambda.html)`, async () => {
    const r = await harness({ rate: async (p) => ({ fen: p.units * 3 }) }).run(
      machine({
        Rate: invoke("rate", { units: "{% $states.input.u %}" }, { TimeoutSeconds: 30, End: true }),
      }),
      { u: 7 },
    );
    expect(r.output).toMatchObject({ Payload: { fen: 21 }, StatusCode: 200, ExecutedVersion: "$LATEST" });
    expect(r.types).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    const scheduled = details(eventsOf(r, "TaskScheduled")[0]);
    expect(scheduled).toEqual({
      resourceType: "lambda",
      resource: "invoke",
      region: "ap-east-1",
      parameters: '{"FunctionName":"rate","Payload":{"units":7}}',
      timeoutInSeconds: 30,
    });
    expect(r.events.map((e) => [e.id, e.previousEventId])).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
      [7, 6],
    ]);
  });

  it(`a bare function ARN resource returns the payload itself, with LambdaFunction* events (${DOC}/connect-lambda.html)`, async () => {
    const r = await harness({ echo: async (p) => ({ got: p }) }).run(
      machine({
        Echo: { Type: "Task", Resource: "arn:aws:lambda:ap-east-1:123456789012:function:echo", End: true },
      }),
      { a: 1 },
    );
    expect(r.output).toEqual({ got: { a: 1 } });
    expect(r.types).toContain("LambdaFunctionScheduled");
    expect(r.types).toContain("LambdaFunctionSucceeded");
  });

  it(`a handler exception fails the task with Error = errorType and Cause = {errorMessage, errorType, trace} (${DOC}/connect-lambda.html)`, async () => {
    class BillNotFoundError extends Error {
      constructor(m: string) {
        super(m);
        this.name = "BillNotFoundError";
      }
    }
    const r = await harness({
      f: async () => {
        throw new BillNotFoundError("no bill C1-2026-01");
      },
    }).run(machine({ T: invoke("f", {}, { End: true }) }));
    expect([r.status, r.error]).toEqual(["FAILED", "BillNotFoundError"]);
    const cause = JSON.parse(r.cause as string);
    expect(cause).toMatchObject({ errorMessage: "no bill C1-2026-01", errorType: "BillNotFoundError" });
    expect(Array.isArray(cause.trace)).toBe(true);
    expect(details(eventsOf(r, "TaskFailed")[0])).toMatchObject({
      resourceType: "lambda",
      error: "BillNotFoundError",
    });
  });
});

describe("Retry and Catch", () => {
  it(`retries count per retrier, back off by BackoffRate, and expose RetryCount (${DOC}/concepts-error-handling.html)`, async () => {
    let calls = 0;
    const r = await harness({
      flaky: async (p) => {
        calls++;
        if (calls < 3) throw Object.assign(new Error("busy"), { name: "Lambda.TooManyRequestsException" });
        return p;
      },
    }).run(
      machine({
        T: invoke(
          "flaky",
          { retry: "{% $states.context.State.RetryCount %}" },
          {
            Retry: [
              {
                ErrorEquals: ["Lambda.TooManyRequestsException"],
                IntervalSeconds: 3,
                MaxAttempts: 2,
                BackoffRate: 2,
              },
            ],
            End: true,
          },
        ),
      }),
    );
    expect(r.status).toBe("SUCCEEDED");
    expect(calls).toBe(3);
    expect(r.output).toMatchObject({ Payload: { retry: 2 } });
    const scheduledAt = eventsOf(r, "TaskScheduled").map(
      (e) => (e.timestamp.getTime() - START.getTime()) / 1000,
    );
    expect(scheduledAt).toEqual([0, 3, 9]);
    expect(r.types.filter((t) => t === "TaskStateEntered")).toHaveLength(1);
  });

  it(`MaxAttempts exhausted goes to Catch; MaxDelaySeconds caps the backoff (${DOC}/concepts-error-handling.html)`, async () => {
    let calls = 0;
    const r = await harness({
      down: async () => {
        calls++;
        throw Object.assign(new Error("down"), { name: "Upstream" });
      },
    }).run(
      machine({
        T: invoke(
          "down",
          {},
          {
            Retry: [
              {
                ErrorEquals: ["States.TaskFailed"],
                IntervalSeconds: 10,
                MaxAttempts: 3,
                BackoffRate: 10,
                MaxDelaySeconds: 60,
              },
            ],
            Catch: [{ ErrorEquals: ["States.ALL"], Next: "Handled" }],
            Next: "Handled",
          },
        ),
        Handled: { Type: "Pass", End: true },
      }),
    );
    expect(calls).toBe(4);
    const at = eventsOf(r, "TaskScheduled").map((e) => (e.timestamp.getTime() - START.getTime()) / 1000);
    expect(at).toEqual([0, 10, 70, 130]);
    expect(r.output).toMatchObject({ Error: "Upstream" });
  });

  it("JitterStrategy FULL keeps each delay within [0, computed delay]", async () => {
    let calls = 0;
    const r = await harness({
      f: async () => {
        calls++;
        if (calls <= 3) throw new Error("x");
        return {};
      },
    }).run(
      machine({
        T: invoke(
          "f",
          {},
          {
            Retry: [
              { ErrorEquals: ["States.ALL"], IntervalSeconds: 100, BackoffRate: 1, JitterStrategy: "FULL" },
            ],
            End: true,
          },
        ),
      }),
    );
    const at = eventsOf(r, "TaskScheduled").map((e) => e.timestamp.getTime());
    for (let i = 1; i < at.length; i++)
      expect((at[i] as number) - (at[i - 1] as number)).toBeLessThanOrEqual(100_000);
    expect(r.status).toBe("SUCCEEDED");
  });

  it(`a Catch's Output and Assign see $states.errorOutput; default output is the error output (${DOC}/workflow-variables.html)`, async () => {
    const r = await harness({
      f: async () => {
        throw Object.assign(new Error("mail server said no"), { name: "Mail.Rejected" });
      },
    }).run(
      machine({
        Init: { Type: "Pass", Assign: { attempts: 0 }, Next: "Send" },
        Send: invoke(
          "f",
          {},
          {
            Catch: [
              {
                ErrorEquals: ["Mail.Rejected"],
                Assign: { failure: "{% $states.errorOutput.Error %}", inputKept: "{% $states.input.k %}" },
                Next: "Report",
              },
            ],
            Next: "Report",
          },
        ),
        Report: {
          Type: "Pass",
          Output: { failure: "{% $failure %}", k: "{% $inputKept %}", caught: "{% $states.input.Error %}" },
          End: true,
        },
      }),
      { k: "v" },
    );
    expect(r.output).toEqual({ failure: "Mail.Rejected", k: "v", caught: "Mail.Rejected" });
    expect(details(eventsOf(r, "TaskStateExited")[0]).assignedVariables).toEqual({
      failure: '"Mail.Rejected"',
      inputKept: '"v"',
    });
  });

  it(`a JSONata error is States.QueryEvaluationError and can be caught (${DOC}/concepts-error-handling.html)`, async () => {
    const r = await harness({ f: async () => ({}) }).run(
      machine({
        T: invoke(
          "f",
          { x: "{% $states.input.missing %}" },
          { Catch: [{ ErrorEquals: ["States.QueryEvaluationError"], Next: "C" }], Next: "C" },
        ),
        C: { Type: "Pass", End: true },
      }),
    );
    expect(r.status).toBe("SUCCEEDED");
    expect(r.output).toMatchObject({ Error: "States.QueryEvaluationError" });
    expect((r.output as { Cause: string }).Cause).toContain("'T'");
  });

  it(`error-name wildcards: States.ALL, States.TaskFailed excludes timeouts, States.Timeout covers heartbeat (${DOC}/concepts-error-handling.html)`, () => {
    expect(errorMatches(["States.ALL"], "Anything")).toBe(true);
    expect(errorMatches(["States.ALL"], "States.Runtime")).toBe(false);
    expect(errorMatches(["States.TaskFailed"], "Lambda.Unknown")).toBe(true);
    expect(errorMatches(["States.TaskFailed"], "States.Timeout")).toBe(false);
    expect(errorMatches(["States.Timeout"], "States.HeartbeatTimeout")).toBe(true);
    expect(errorMatches(["States.HeartbeatTimeout"], "States.Timeout")).toBe(false);
  });
});

describe("Parallel and Map", () => {
  it(`Parallel runs branches on Arguments and outputs their results in branch order (${DOC}/state-parallel.html)`, async () => {
    const r = await harness().run(
      machine({
        Both: {
          Type: "Parallel",
          Arguments: { n: "{% $states.input.n %}" },
          Branches: [
            {
              StartAt: "Slow",
              States: {
                Slow: { Type: "Wait", Seconds: 60, Next: "A" },
                A: { Type: "Pass", Output: "{% $states.input.n * 2 %}", End: true },
              },
            },
            { StartAt: "B", States: { B: { Type: "Pass", Output: "{% $states.input.n + 1 %}", End: true } } },
          ],
          Output: { results: "{% $states.result %}" },
          End: true,
        },
      }),
      { n: 5 },
    );
    expect(r.output).toEqual({ results: [10, 6] });
    expect(r.types).toContain("ParallelStateStarted");
    expect(r.types).toContain("ParallelStateSucceeded");
  });

  it(`a failing branch fails the Parallel state with the branch's error, catchable (${DOC}/state-parallel.html)`, async () => {
    const r = await harness().run(
      machine({
        Both: {
          Type: "Parallel",
          Branches: [
            { StartAt: "Forever", States: { Forever: { Type: "Wait", Seconds: 999999, End: true } } },
            { StartAt: "Boom", States: { Boom: { Type: "Fail", Error: "Branch.Broke" } } },
          ],
          Catch: [{ ErrorEquals: ["Branch.Broke"], Next: "Caught" }],
          End: true,
        },
        Caught: { Type: "Pass", End: true },
      }),
    );
    expect(r.status).toBe("SUCCEEDED");
    expect(r.output).toEqual({ Error: "Branch.Broke" });
    // The sibling still waiting is aborted before the Parallel state fails.
    expect(r.types.indexOf("WaitStateAborted")).toBeGreaterThan(-1);
    expect(r.types.indexOf("WaitStateAborted")).toBeLessThan(r.types.indexOf("ParallelStateFailed"));
  });

  it(`Map with ItemSelector sees $states.context.Map.Item.Index and .Value (${DOC}/state-map-inline.html)`, async () => {
    const r = await harness().run(
      machine({
        Each: {
          Type: "Map",
          Items: "{% $states.input.lines %}",
          ItemSelector: {
            index: "{% $states.context.Map.Item.Index %}",
            value: "{% $states.context.Map.Item.Value %}",
            period: "{% $states.input.period %}",
          },
          ItemProcessor: {
            ProcessorConfig: { Mode: "INLINE" },
            StartAt: "Line",
            States: {
              Line: {
                Type: "Pass",
                Output: "{% $states.input.period & '#' & $states.input.index & '=' & $states.input.value %}",
                End: true,
              },
            },
          },
          End: true,
        },
      }),
      { period: "2026-01", lines: ["a", "b", "c"] },
    );
    expect(r.output).toEqual(["2026-01#0=a", "2026-01#1=b", "2026-01#2=c"]);
    expect(details(eventsOf(r, "MapStateStarted")[0])).toEqual({ length: 3 });
    expect(eventsOf(r, "MapIterationSucceeded").map((e) => details(e))).toEqual([
      { name: "Each", index: 0 },
      { name: "Each", index: 1 },
      { name: "Each", index: 2 },
    ]);
  });

  it(`MaxConcurrency bounds the iterations running at once (${DOC}/state-map-inline.html)`, async () => {
    let running = 0;
    let peak = 0;
    const h = harness({
      work: async (p, ctx) => {
        running++;
        peak = Math.max(peak, running);
        await ctx.clock.track(new Promise((r) => setTimeout(r, 2)));
        running--;
        return p;
      },
    });
    const r = await h.run(
      machine({
        Each: {
          Type: "Map",
          MaxConcurrency: 2,
          ItemProcessor: {
            StartAt: "W",
            States: {
              W: invoke("work", "{% $states.input %}", { Output: "{% $states.result.Payload %}", End: true }),
            },
          },
          End: true,
        },
      }),
      [1, 2, 3, 4, 5],
    );
    expect(r.output).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });
});

describe("Step Functions JSONata functions and $states.context", () => {
  it(`$partition, $range, $hash, $parse, $random(seed), $uuid (${DOC}/transforming-data.html)`, async () => {
    const r = await harness().run(
      machine({
        F: {
          Type: "Pass",
          Output: {
            partition: "{% $partition([1,2,3,4,5], 2) %}",
            range: "{% $range(0, 10, 5) %}",
            hash: "{% $hash('abc', 'SHA-256') %}",
            parsed: "{% $parse('{\"a\":1}') %}",
            sameRandom: "{% $random(7) = $random(7) %}",
            uuid: "{% $length($uuid()) %}",
          },
          End: true,
        },
      }),
    );
    expect(r.output).toEqual({
      partition: [[1, 2], [3, 4], [5]],
      range: [0, 5, 10],
      hash: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      parsed: { a: 1 },
      sameRandom: true,
      uuid: 36,
    });
  });

  it(`$states.context carries Execution, StateMachine and State (${DOC}/input-output-contextobject.html)`, async () => {
    const h = harness();
    const arn = await h.start(
      machine({ C: { Type: "Pass", Output: "{% $states.context %}", End: true } }),
      { a: 1 },
      "ctx-run",
    );
    await h.runtime.runExecutionToCompletion(arn, new Date(START.getTime() + DAY));
    const r = await h.result(arn);
    expect(r.output).toMatchObject({
      Execution: { Id: arn, Name: "ctx-run", Input: { a: 1 }, StartTime: START.toISOString() },
      StateMachine: { Name: "M1" },
      State: { Name: "C", EnteredTime: START.toISOString(), RetryCount: 0 },
    });
  });

  it(`an execution over its TimeoutSeconds ends TIMED_OUT (${DOC}/statemachine-structure.html)`, async () => {
    const r = await harness().run(
      machine({ W: { Type: "Wait", Seconds: 7200, End: true } }, { TimeoutSeconds: 3600 }),
    );
    expect(r.status).toBe("TIMED_OUT");
    expect(r.types.slice(-2)).toEqual(["WaitStateAborted", "ExecutionTimedOut"]);
    expect(r.types).not.toContain("WaitStateExited");
  });
});

describe("Lambda results", () => {
  it("a result that cannot be serialised fails the task with Runtime.MarshalError instead of hanging", async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const r = await harness({ f: async () => circular }).run(
      machine({
        T: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Arguments: { FunctionName: "f" },
          End: true,
        },
      }),
    );
    expect([r.status, r.error]).toEqual(["FAILED", "Runtime.MarshalError"]);
  });
});
