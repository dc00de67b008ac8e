/**
 * A Map in DISTRIBUTED mode on the local runtime. Oracles: the parent's event sequence and the
 * DescribeMapRun shape recorded on AWS in LocalStack's snapshot tests (test_map_item_reader_base_json,
 * test_map_item_reader_json_no_json_list_object, test_list_map_runs_and_describe_map_run), the
 * ItemBatcher child input `{ Items, BatchInput }` and the failure thresholds of the developer guide
 * ("Using Map state in Distributed mode"), counted by hand below.
 */
import { describe, expect, it } from "vitest";
import { LocalStepFunctions } from "../../infra/local/sfn/runtime";
import { VirtualClock } from "../../infra/local/sfn/virtual-clock";
import { details, eventsOf, harness, machine, START } from "../fixtures/sfn/harness";

const distributed = (extra: object, processor: Record<string, object>) => ({
  Type: "Map",
  ItemProcessor: {
    ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
    StartAt: Object.keys(processor)[0],
    States: processor,
  },
  End: true,
  ...extra,
});

const double = { Double: { Type: "Pass", Output: "{% $states.input * 2 %}", End: true } };
// A child fails for a negative item.
const failNegative = {
  Check: {
    Type: "Choice",
    Choices: [{ Condition: "{% $states.input < 0 %}", Next: "Refuse" }],
    Default: "Keep",
  },
  Refuse: { Type: "Fail", Error: "Item.Negative" },
  Keep: { Type: "Pass", End: true },
};

describe("Distributed Map: a Map Run of child executions", () => {
  it("runs each item as a child execution; the parent's history has the Map Run events in AWS's order", async () => {
    const { run, runtime } = harness();
    const r = await run(
      machine({ Each: distributed({ Items: "{% $states.input.xs %}", Label: "each" }, double) }),
      {
        xs: [1, 2, 3],
      },
    );
    expect(r.status).toBe("SUCCEEDED");
    expect(r.output).toEqual([2, 4, 6]);
    expect(r.types).toEqual([
      "ExecutionStarted",
      "MapStateEntered",
      "MapStateStarted",
      "MapRunStarted",
      "MapRunSucceeded",
      "MapStateSucceeded",
      "MapStateExited",
      "ExecutionSucceeded",
    ]);
    const mapRunArn = details(eventsOf(r, "MapRunStarted")[0]).mapRunArn as string;
    expect(mapRunArn).toMatch(/^arn:aws:states:ap-east-1:123456789012:mapRun:M1\/each:/);
    const described = await runtime.describeMapRun({ mapRunArn });
    expect(described.status).toBe("SUCCEEDED");
    expect(described.executionCounts).toMatchObject({ total: 3, succeeded: 3, failed: 0, running: 0 });
    expect(described.itemCounts).toMatchObject({ total: 3, succeeded: 3 });
    const listed = await runtime.listMapRuns({ executionArn: r.executionArn });
    expect(listed.mapRuns.map((m) => m.mapRunArn)).toEqual([mapRunArn]);
    // The children are executions of the state machine `M1/each`, not listed among state machines.
    const children = await runtime.listExecutions({
      stateMachineArn: described.executionArn.replace(/:execution:M1:.*/, ":stateMachine:M1/each"),
    });
    expect(children.executions).toHaveLength(3);
    // ListExecutions with the Map Run's ARN lists the same children (API reference: mapRunArn).
    const byMapRun = await runtime.listExecutions({ mapRunArn });
    expect(byMapRun.executions.map((e) => e.executionArn)).toEqual(
      children.executions.map((e) => e.executionArn),
    );
    expect((await runtime.listStateMachines()).stateMachines.map((m) => m.name)).toEqual(["M1"]);
  });

  it("1 failed item of 4 is 25 %: tolerated at 30 %, the run succeeds and reports the failure", async () => {
    const { run, runtime } = harness();
    const r = await run(
      machine({ Each: distributed({ Items: [1, -1, 2, 3], ToleratedFailurePercentage: 30 }, failNegative) }),
    );
    expect(r.status).toBe("SUCCEEDED");
    const [mapRun] = (await runtime.listMapRuns({ executionArn: r.executionArn })).mapRuns;
    const described = await runtime.describeMapRun({ mapRunArn: mapRun?.mapRunArn as string });
    expect(described.itemCounts).toMatchObject({ total: 4, succeeded: 3, failed: 1 });
    expect(described.toleratedFailurePercentage).toBe(30);
  });

  it("1 failed item of 4 beyond 20 % fails the Map Run, then the state, then the execution", async () => {
    const r = await harness().run(
      machine({
        Each: distributed(
          { Items: [1, -1, 2, 3], ToleratedFailurePercentage: 20, MaxConcurrency: 1 },
          failNegative,
        ),
      }),
    );
    expect(r.status).toBe("FAILED");
    expect(r.error).toBe("States.ExceedToleratedFailureThreshold");
    expect(r.types.slice(-3)).toEqual(["MapRunFailed", "MapStateFailed", "ExecutionFailed"]);
  });

  it("ItemBatcher: 5 items at most 2 per batch are 3 child executions, each given { Items, BatchInput }", async () => {
    const r = await harness().run(
      machine({
        Each: distributed(
          {
            Items: [1, 2, 3, 4, 5],
            ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { period: "2026-01" } },
          },
          { Echo: { Type: "Pass", End: true } },
        ),
      }),
    );
    expect(r.output).toEqual([
      { Items: [1, 2], BatchInput: { period: "2026-01" } },
      { Items: [3, 4], BatchInput: { period: "2026-01" } },
      { Items: [5], BatchInput: { period: "2026-01" } },
    ]);
  });

  it("ItemReader reads the items from an S3 JSON object; an object that is no array fails with States.ItemReaderFailed", async () => {
    const objects: Record<string, string> = { "in/list.json": "[10,20]", "in/object.json": '{"a":1}' };
    const clock = new VirtualClock(START);
    const runtime = new LocalStepFunctions({
      clock,
      invokeLambda: async () => undefined,
      readS3Object: async (_bucket, key) => objects[key] ?? "",
    });
    const reading = (key: string) =>
      machine({
        Each: distributed(
          {
            ItemReader: {
              Resource: "arn:aws:states:::s3:getObject",
              ReaderConfig: { InputType: "JSON" },
              Arguments: { Bucket: "work", Key: key },
            },
          },
          double,
        ),
      });
    const runIt = async (name: string, key: string) => {
      const { stateMachineArn } = await runtime.createStateMachine({
        name,
        definition: JSON.stringify(reading(key)),
      });
      const { executionArn } = await runtime.startExecution({ stateMachineArn });
      await runtime.runExecutionToCompletion(executionArn, new Date(START.getTime() + 86_400_000));
      const d = await runtime.describeExecution({ executionArn });
      const { events } = await runtime.getExecutionHistory({ executionArn });
      return { ...d, types: events.map((e) => e.type) };
    };
    const ok = await runIt("Reads", "in/list.json");
    expect(ok.status).toBe("SUCCEEDED");
    expect(JSON.parse(ok.output as string)).toEqual([20, 40]);
    const bad = await runIt("ReadsObject", "in/object.json");
    expect(bad.error).toBe("States.ItemReaderFailed");
    expect(bad.types).toEqual([
      "ExecutionStarted",
      "MapStateEntered",
      "MapStateStarted",
      "MapRunStarted",
      "MapRunFailed",
      "MapStateFailed",
      "ExecutionFailed",
    ]);
  });

  it("refuses a Label with a forbidden character, ResultWriter, and distributed fields on an inline Map", async () => {
    const { runtime } = harness();
    const create = (state: object) =>
      runtime.createStateMachine({ name: "Bad", definition: JSON.stringify(machine({ Each: state })) });
    await expect(create(distributed({ Items: [], Label: "label_?" }, double))).rejects.toThrow(
      /Label contains invalid character: '\?'/,
    );
    await expect(create(distributed({ Items: [], ResultWriter: {} }, double))).rejects.toThrow(
      /ResultWriter/,
    );
    await expect(
      create({
        Type: "Map",
        Items: [],
        ToleratedFailurePercentage: 5,
        ItemProcessor: { StartAt: "Double", States: double },
        End: true,
      }),
    ).rejects.toThrow(/DISTRIBUTED mode only/);
  });
});
