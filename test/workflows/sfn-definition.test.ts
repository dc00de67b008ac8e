/**
 * Conformance — what the local runtime rejects at load. A definition it cannot run faithfully, or one
 * AWS itself rejects, fails with InvalidDefinition naming the state and the field.
 * Source for the JSONata field set: "Transforming data with JSONata in Step Functions"
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html ("your workflow fields
 * will be reduced from five JSONPath fields (InputPath, Parameters, ResultSelector, ResultPath, and
 * OutputPath) to only two fields: Arguments and Output").
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDefinition } from "../../infra/local/sfn/definition";
import { harness, machine } from "../fixtures/sfn/harness";

const lambdaTask = {
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Arguments: { FunctionName: "f", Payload: "{% $states.input %}" },
  End: true,
};

function rejects(definition: object, ...fragments: string[]) {
  let message = "";
  try {
    parseDefinition(definition);
  } catch (error) {
    expect((error as Error).name).toBe("InvalidDefinition");
    message = (error as Error).message;
  }
  expect(message, "definition should have been rejected").not.toBe("");
  for (const f of fragments) expect(message).toContain(f);
}

describe("sfn definition loading (rejections)", () => {
  it.each([
    ["Parameters", { Parameters: { a: 1 } }],
    ["ResultPath", { ResultPath: "$.x" }],
    ["InputPath", { InputPath: "$" }],
    ["OutputPath", { OutputPath: "$" }],
    ["ResultSelector", { ResultSelector: { "a.$": "$.b" } }],
  ])("rejects the JSONPath-only field %s in a JSONata Task, naming state and field", (field, extra) => {
    rejects(
      machine({ "Bill the contract": { ...lambdaTask, ...extra } }),
      "Bill the contract",
      `'${field}'`,
      "JSONPath-only",
    );
  });

  it("rejects ItemsPath in a JSONata Map and Variable in a Choice rule", () => {
    const processor = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
    rejects(
      machine({ M: { Type: "Map", ItemsPath: "$.items", ItemProcessor: processor, End: true } }),
      "'M'",
      "'ItemsPath'",
    );
    rejects(
      machine({
        C: { Type: "Choice", Choices: [{ Variable: "$.a", StringEquals: "x", Next: "D" }], Default: "D" },
        D: { Type: "Succeed" },
      }),
      "'C'",
      "'Variable'",
    );
  });

  it("rejects an unknown field and an unknown state type", () => {
    rejects(machine({ P: { Type: "Pass", Foo: 1, End: true } }), "'P'", "'Foo'");
    rejects(machine({ P: { Type: "Sleep", End: true } }), "'P'", "'Type'");
  });

  it("rejects a Resource other than Lambda invoke / waitForTaskToken / a function ARN, naming the state", () => {
    rejects(
      machine({ "Queue it": { ...lambdaTask, Resource: "arn:aws:states:::sqs:sendMessage" } }),
      "'Queue it'",
      "sqs:sendMessage",
    );
    rejects(
      machine({ T: { ...lambdaTask, Resource: "arn:aws:states:::lambda:invoke.sync" } }),
      "'T'",
      "Resource",
    );
  });

  it("rejects a JSONPath state machine (no top-level QueryLanguage) and a JSONPath state", () => {
    rejects({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }, "QueryLanguage");
    rejects(machine({ P: { Type: "Pass", QueryLanguage: "JSONPath", End: true } }), "'P'", "QueryLanguage");
  });

  it("rejects transitions to missing states, unreachable states and Next+End together", () => {
    rejects(machine({ P: { Type: "Pass", Next: "Nowhere" } }), "'P'", "Nowhere");
    rejects(
      machine({ P: { Type: "Pass", End: true }, Q: { Type: "Pass", End: true } }),
      "'Q'",
      "unreachable",
    );
    rejects(machine({ P: { Type: "Pass", Next: "Q", End: true }, Q: { Type: "Succeed" } }), "'P'", "'Next'");
  });

  it("rejects States.ALL that is not alone in the last retrier (error handling page)", () => {
    rejects(
      machine({
        T: { ...lambdaTask, Retry: [{ ErrorEquals: ["States.ALL"] }, { ErrorEquals: ["X"] }] },
      }),
      "'T'",
      "States.ALL",
    );
  });

  it("rejects a JSONata syntax error, naming state and field", () => {
    rejects(
      machine({ P: { Type: "Pass", Output: { a: "{% $states.input.( %}" }, End: true } }),
      "'P'",
      "Output.a",
    );
  });

  it("rejects distributed Map fields and Credentials rather than half-running them", () => {
    const processor = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
    rejects(
      machine({ M: { Type: "Map", ItemReader: {}, ItemProcessor: processor, End: true } }),
      "'M'",
      "'ItemReader'",
    );
    rejects(machine({ T: { ...lambdaTask, Credentials: { RoleArn: "x" } } }), "'T'", "'Credentials'");
  });

  it("rejects HeartbeatSeconds >= TimeoutSeconds and a Wait with both Seconds and Timestamp", () => {
    rejects(
      machine({
        T: {
          ...lambdaTask,
          Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
          TimeoutSeconds: 10,
          HeartbeatSeconds: 10,
        },
      }),
      "'T'",
      "HeartbeatSeconds",
    );
    rejects(
      machine({ W: { Type: "Wait", Seconds: 1, Timestamp: "2026-01-01T00:00:00Z", End: true } }),
      "'W'",
    );
  });

  it("CreateStateMachine answers InvalidDefinition for a rejected definition", async () => {
    const { runtime } = harness();
    await expect(
      runtime.createStateMachine({
        name: "bad",
        definition: JSON.stringify(machine({ P: { Type: "Pass", Result: 1, End: true } })),
      }),
    ).rejects.toMatchObject({ name: "InvalidDefinition" });
  });

  it("accepts the monthly-cycle-shaped fixture (12 states)", () => {
    const text = readFileSync(
      new URL("../fixtures/sfn/monthly-cycle-shape.asl.json", import.meta.url),
      "utf8",
    );
    expect(parseDefinition(text).stateCount).toBe(12);
  });
});
