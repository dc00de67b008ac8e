/**
 * The history a runtime error inside a Map or Parallel leaves: the state-level failure event AWS writes
 * (`MapIterationFailed`, `MapStateFailed`, `ParallelStateFailed`) before the execution fails or a catcher
 * takes over, once per state and not once per retry, and `EvaluationFailed` (error, cause, state, location)
 * followed by `MapStateFailed` when the Map's `Items` do not evaluate to an array.
 *
 * The expected sequences are executions recorded against AWS Step Functions and published with
 * LocalStack's parity tests (tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json:
 * test_map_state_catch_empty_fail, test_map_state_catch, test_map_state_retry, test_parallel_state_fail,
 * test_parallel_state_catch, test_parallel_state_retry, test_map_state_items_eval_jsonata_fail,
 * test_map_state_items_input_types), with the event types listed in the API reference
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html).
 */
import { describe, expect, it } from "vitest";
import { details, eventsOf, harness, machine } from "../fixtures/sfn/harness";

const failItem = {
  StartAt: "HandleItemFail",
  States: { HandleItemFail: { Type: "Fail", Error: "HandleItemFailError", Cause: "HandleItemFailCause" } },
};

const failBranch = {
  StartAt: "FailBranch",
  States: { FailBranch: { Type: "Fail", Error: "FailureType", Cause: "Cause description" } },
};

describe("a failure inside a Map", () => {
  it("uncaught: MapIterationFailed, MapStateFailed, ExecutionFailed with the iteration's error", async () => {
    const r = await harness().run(
      machine({
        Start: { Type: "Pass", Output: [1], Next: "MapState" },
        MapState: { Type: "Map", ItemProcessor: failItem, End: true },
      }),
    );
    expect(r.types).toEqual([
      "ExecutionStarted",
      "PassStateEntered",
      "PassStateExited",
      "MapStateEntered",
      "MapStateStarted",
      "MapIterationStarted",
      "FailStateEntered",
      "MapIterationFailed",
      "MapStateFailed",
      "ExecutionFailed",
    ]);
    expect(details(eventsOf(r, "MapIterationFailed")[0])).toEqual({ index: 0, name: "MapState" });
    expect(details(r.events.at(-1))).toEqual({ error: "HandleItemFailError", cause: "HandleItemFailCause" });
  });

  it("caught: MapStateFailed, then MapStateExited and the catcher's next state", async () => {
    const r = await harness().run(
      machine({
        Start: { Type: "Pass", Output: [1], Next: "MapState" },
        MapState: {
          Type: "Map",
          ItemProcessor: failItem,
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Final" }],
          End: true,
        },
        Final: { Type: "Pass", End: true },
      }),
    );
    expect(r.types.slice(3)).toEqual([
      "MapStateEntered",
      "MapStateStarted",
      "MapIterationStarted",
      "FailStateEntered",
      "MapIterationFailed",
      "MapStateFailed",
      "MapStateExited",
      "PassStateEntered",
      "PassStateExited",
      "ExecutionSucceeded",
    ]);
  });

  it("retried: each attempt starts the Map again; MapStateFailed is written once, when the retries are spent", async () => {
    const r = await harness().run(
      machine({
        Start: { Type: "Pass", Output: [1], Next: "MapState" },
        MapState: {
          Type: "Map",
          ItemProcessor: failItem,
          Retry: [{ ErrorEquals: ["HandleItemFailError"], IntervalSeconds: 1, MaxAttempts: 2 }],
          End: true,
        },
      }),
    );
    const attempt = ["MapStateStarted", "MapIterationStarted", "FailStateEntered", "MapIterationFailed"];
    expect(r.types).toEqual([
      "ExecutionStarted",
      "PassStateEntered",
      "PassStateExited",
      "MapStateEntered",
      ...attempt,
      ...attempt,
      ...attempt,
      "MapStateFailed",
      "ExecutionFailed",
    ]);
  });
});

describe("a failure inside a Parallel", () => {
  it("uncaught: ParallelStateFailed, then ExecutionFailed with the branch's error", async () => {
    const r = await harness().run(
      machine({ ParallelState: { Type: "Parallel", Branches: [failBranch], End: true } }),
    );
    expect(r.types).toEqual([
      "ExecutionStarted",
      "ParallelStateEntered",
      "ParallelStateStarted",
      "FailStateEntered",
      "ParallelStateFailed",
      "ExecutionFailed",
    ]);
    expect(details(r.events.at(-1))).toEqual({ error: "FailureType", cause: "Cause description" });
  });

  it("caught: ParallelStateFailed, then ParallelStateExited and the catcher's next state", async () => {
    const r = await harness().run(
      machine({
        ParallelState: {
          Type: "Parallel",
          Branches: [failBranch],
          Catch: [{ ErrorEquals: ["FailureType"], Next: "Final" }],
          End: true,
        },
        Final: { Type: "Pass", End: true },
      }),
    );
    expect(r.types).toEqual([
      "ExecutionStarted",
      "ParallelStateEntered",
      "ParallelStateStarted",
      "FailStateEntered",
      "ParallelStateFailed",
      "ParallelStateExited",
      "PassStateEntered",
      "PassStateExited",
      "ExecutionSucceeded",
    ]);
  });

  it("retried: ParallelStateStarted per attempt, ParallelStateFailed once at the end", async () => {
    const r = await harness().run(
      machine({
        ParallelState: {
          Type: "Parallel",
          Branches: [failBranch],
          Retry: [{ ErrorEquals: ["FailureType"], IntervalSeconds: 1, MaxAttempts: 2 }],
          End: true,
        },
      }),
    );
    expect(r.types).toEqual([
      "ExecutionStarted",
      "ParallelStateEntered",
      "ParallelStateStarted",
      "FailStateEntered",
      "ParallelStateStarted",
      "FailStateEntered",
      "ParallelStateStarted",
      "FailStateEntered",
      "ParallelStateFailed",
      "ExecutionFailed",
    ]);
  });
});

describe("a Map whose items are not an array", () => {
  for (const [kind, expression, shown] of [
    ["number", "1", "1"],
    ["string", "'string'", '"string"'],
    ["boolean", "true", "true"],
    ["object", "{'foo': 'bar'}", '{"foo":"bar"}'],
    ["null", "null", "null"],
  ] as const) {
    it(`Items evaluating to a ${kind}: EvaluationFailed (States.QueryEvaluationError, location Items), MapStateFailed, ExecutionFailed`, async () => {
      const r = await harness().run(
        machine({
          MapIterateState: {
            Type: "Map",
            Items: `{% ${expression} %}`,
            ItemProcessor: { StartAt: "Pass", States: { Pass: { Type: "Pass", End: true } } },
            End: true,
          },
        }),
      );
      expect(r.types).toEqual([
        "ExecutionStarted",
        "MapStateEntered",
        "EvaluationFailed",
        "MapStateFailed",
        "ExecutionFailed",
      ]);
      const cause = `An error occurred while executing the state 'MapIterateState' (entered at the event id #2). The JSONata expression '${expression}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '${kind}' for value: ${shown}`;
      expect(details(eventsOf(r, "EvaluationFailed")[0])).toEqual({
        error: "States.QueryEvaluationError",
        cause,
        location: "Items",
        state: "MapIterateState",
      });
      expect(details(r.events.at(-1))).toEqual({ error: "States.QueryEvaluationError", cause });
      expect([r.status, r.error]).toEqual(["FAILED", "States.QueryEvaluationError"]);
    });
  }

  it("no Items and an input that is not an array: EvaluationFailed without a location, MapStateFailed", async () => {
    const r = await harness().run(
      machine({
        Start: { Type: "Pass", Output: { foo: "bar" }, Next: "MapIterateState" },
        MapIterateState: {
          Type: "Map",
          ItemProcessor: { StartAt: "Pass", States: { Pass: { Type: "Pass", End: true } } },
          End: true,
        },
      }),
    );
    expect(r.types.slice(3)).toEqual([
      "MapStateEntered",
      "EvaluationFailed",
      "MapStateFailed",
      "ExecutionFailed",
    ]);
    expect(details(eventsOf(r, "EvaluationFailed")[0])).toEqual({
      error: "States.QueryEvaluationError",
      cause: `An error occurred while executing the state 'MapIterateState' (entered at the event id #4). Map state input must be an array but was: {"foo":"bar"}`,
      state: "MapIterateState",
    });
  });

  // No recording of a caught Items failure was found: the order below keeps the recorded uncaught one
  // (EvaluationFailed, MapStateFailed) and continues as the recorded caught Map does (MapStateExited).
  it("the error is catchable as States.QueryEvaluationError after MapStateFailed", async () => {
    const r = await harness().run(
      machine({
        MapIterateState: {
          Type: "Map",
          Items: "{% 1 %}",
          ItemProcessor: { StartAt: "Pass", States: { Pass: { Type: "Pass", End: true } } },
          Catch: [{ ErrorEquals: ["States.QueryEvaluationError"], Next: "Final" }],
          End: true,
        },
        Final: { Type: "Pass", End: true },
      }),
    );
    expect(r.status).toBe("SUCCEEDED");
    expect(r.types.slice(1, 5)).toEqual([
      "MapStateEntered",
      "EvaluationFailed",
      "MapStateFailed",
      "MapStateExited",
    ]);
  });
});
