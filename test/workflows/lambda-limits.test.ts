/**
 * Lambda's timeout and memory come from the synthesized function (`Timeout`, `MemorySize`; CloudFormation's
 * defaults 3 s and 128 MB when absent: AWS::Lambda::Function, CloudFormation template reference). A handler still
 * running at its timeout fails as Lambda reports it: errorType `Sandbox.Timedout`, message
 * "RequestId: <id> Error: Task timed out after <n>.00 seconds" — the Step Functions error is `Sandbox.Timedout`.
 * The timeout is wall time (a Lambda's own time); the tests use a handler that never returns, so no race.
 */
import { describe, expect, it } from "vitest";
import { lambdaInvokerFromTemplate, loadStateMachinesFromTemplate } from "../../infra/local/sfn/cdk-template";
import { LocalStepFunctions } from "../../infra/local/sfn/runtime";
import { VirtualClock } from "../../infra/local/sfn/virtual-clock";
import { machine, START } from "../fixtures/sfn/harness";

const fn = (handler: string, properties: object) => ({
  Type: "AWS::Lambda::Function",
  Properties: { FunctionName: `limits-${handler}`, Handler: "index.handler", ...properties },
  Metadata: {
    "contract-ops:entry": "test/fixtures/sfn/handlers/lambda-limits.ts",
    "contract-ops:handler": handler,
  },
});

const { functions } = loadStateMachinesFromTemplate(
  {
    Resources: {
      Hang: fn("hang", { Timeout: 1 }),
      Context: fn("context", { Timeout: 20, MemorySize: 512 }),
      Defaults: fn("context", { FunctionName: "limits-defaults" }),
    },
  },
  { region: "ap-east-1", accountId: "123456789012", repoRoot: process.cwd() },
);
const invoke = lambdaInvokerFromTemplate(functions);
const arn = (name: string) => `arn:aws:lambda:ap-east-1:123456789012:function:${name}`;

describe("Lambda timeout and memory from the template", () => {
  it("a handler still running at its Timeout fails with Sandbox.Timedout", async () => {
    await expect(
      invoke(arn("limits-hang"), {}, { functionName: "limits-hang", awsRequestId: "r-1" }),
    ).rejects.toMatchObject({
      name: "Sandbox.Timedout",
      message: "RequestId: r-1 Error: Task timed out after 1.00 seconds",
    });
  });

  it("the context reports the template's MemorySize and a remaining time within its Timeout; defaults 128 MB, 3 s", async () => {
    const reported = (await invoke(
      arn("limits-context"),
      {},
      { functionName: "limits-context", awsRequestId: "r-2" },
    )) as {
      memoryLimitInMB: string;
      remainingAtMostMs: number;
    };
    expect(reported.memoryLimitInMB).toBe("512");
    expect(reported.remainingAtMostMs).toBeLessThanOrEqual(20_000);
    expect(reported.remainingAtMostMs).toBeGreaterThan(0);
    const defaults = (await invoke(
      arn("limits-defaults"),
      {},
      { functionName: "limits-defaults", awsRequestId: "r-3" },
    )) as {
      memoryLimitInMB: string;
      remainingAtMostMs: number;
    };
    expect(defaults.memoryLimitInMB).toBe("128");
    expect(defaults.remainingAtMostMs).toBeLessThanOrEqual(3_000);
  });

  it("in a state machine the task fails with Error Sandbox.Timedout, as in its history", async () => {
    const clock = new VirtualClock(START);
    const sfn = new LocalStepFunctions({
      clock,
      invokeLambda: invoke,
      region: "ap-east-1",
      accountId: "123456789012",
    });
    const { stateMachineArn } = await sfn.createStateMachine({
      name: "Hang",
      definition: JSON.stringify(
        machine({
          Call: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Arguments: { FunctionName: "limits-hang", Payload: {} },
            End: true,
          },
        }),
      ),
    });
    const { executionArn } = await sfn.startExecution({ stateMachineArn, input: "{}" });
    await sfn.runExecutionToCompletion(executionArn, new Date(START.getTime() + 86_400_000));
    expect(await sfn.describeExecution({ executionArn })).toMatchObject({
      status: "FAILED",
      error: "Sandbox.Timedout",
    });
  });
});
