/**
 * From `cdk synth` output to the local runtime: intrinsics in DefinitionString resolved, Lambda ARNs
 * mapped to handler modules via the contract-ops:entry metadata, handlers run in-process.
 * Intrinsic semantics: CloudFormation "Intrinsic function reference" (Fn::Join, Fn::GetAtt, Fn::Sub, Ref).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock, useClock } from "../../functions/adapters/clock";
import { lambdaInvokerFromTemplate, loadStateMachinesFromTemplate } from "../../infra/local/sfn/cdk-template";
import { LocalStepFunctions } from "../../infra/local/sfn/runtime";
import { VirtualClock } from "../../infra/local/sfn/virtual-clock";

const repoRoot = resolve(import.meta.dirname, "../..");
const template = JSON.parse(
  readFileSync(resolve(repoRoot, "test/fixtures/sfn/cdk-template.json"), "utf8"),
) as {
  Resources: Record<string, { Properties: Record<string, unknown> }>;
};
const options = { region: "ap-east-1", accountId: "123456789012", repoRoot };

afterEach(() => useClock(systemClock));

describe("loadStateMachinesFromTemplate", () => {
  it("resolves Fn::Join / Fn::GetAtt Arn / Ref AWS::Partition and Fn::Sub with DefinitionSubstitutions", () => {
    const { stateMachines, functions } = loadStateMachinesFromTemplate(template, options);
    expect(stateMachines.map((m) => m.name)).toEqual(["MonthlyCycle", "RenewalWatchStateMachine1F2E3D4C"]);
    const monthly = stateMachines[0]?.definition as {
      States: Record<string, { Resource: string; Arguments: { FunctionName?: string } }>;
    };
    expect(monthly.States["Send the bill"]?.Resource).toBe("arn:aws:states:::lambda:invoke");
    expect(monthly.States["Send the bill"]?.Arguments.FunctionName).toBe(
      "arn:aws:lambda:ap-east-1:123456789012:function:contract-ops-send-bill",
    );
    expect(monthly.States["Check payment"]?.Resource).toBe(
      "arn:aws:lambda:ap-east-1:123456789012:function:CheckPaymentFunction0D1E2F3A",
    );
    const renewal = stateMachines[1]?.definition as {
      States: { Check: { Arguments: { Payload: unknown } } };
    };
    expect(renewal.States.Check.Arguments.Payload).toEqual({ billId: "R-1", region: "ap-east-1" });

    expect(functions.get("arn:aws:lambda:ap-east-1:123456789012:function:contract-ops-send-bill")).toEqual({
      logicalId: "SendBillFunction6B3F3A0C",
      functionName: "contract-ops-send-bill",
      entry: resolve(repoRoot, "test/fixtures/sfn/handlers/send-bill.ts"),
      handler: "handler",
      // No Timeout or MemorySize in the fixture: CloudFormation's defaults.
      timeoutSeconds: 3,
      memoryMb: 128,
    });
  });

  it("fails clearly on an intrinsic it cannot resolve", () => {
    const broken = structuredClone(template);
    (
      broken.Resources.MonthlyCycleStateMachine9A8B7C6D as { Properties: Record<string, unknown> }
    ).Properties.DefinitionString = {
      "Fn::Join": ["", ["{", { "Fn::ImportValue": "SharedTable" }, "}"]],
    };
    expect(() => loadStateMachinesFromTemplate(broken, options)).toThrow(
      /MonthlyCycleStateMachine9A8B7C6D.*Fn::ImportValue/,
    );
    const badRef = structuredClone(template);
    (
      badRef.Resources.MonthlyCycleStateMachine9A8B7C6D as { Properties: Record<string, unknown> }
    ).Properties.DefinitionString = {
      "Fn::Join": ["", ["{", { Ref: "SomeBucket" }, "}"]],
    };
    expect(() => loadStateMachinesFromTemplate(badRef, options)).toThrow(/Ref SomeBucket/);
  });

  it("runs the synthesized definition with the handler modules (middy handler, virtual clock through the adapter)", async () => {
    const { stateMachines, functions } = loadStateMachinesFromTemplate(template, options);
    const clock = new VirtualClock(new Date("2026-02-01T01:00:00+08:00"));
    useClock(clock);
    const runtime = new LocalStepFunctions({
      clock,
      invokeLambda: lambdaInvokerFromTemplate(functions),
      ...options,
    });
    const monthly = stateMachines[0] as { name: string; definition: object };
    const { stateMachineArn } = await runtime.createStateMachine({
      name: monthly.name,
      definition: JSON.stringify(monthly.definition),
    });
    const ok = await runtime.startExecution({
      stateMachineArn,
      input: JSON.stringify({ billId: "C1-2026-01" }),
    });
    await runtime.runExecutionToCompletion(ok.executionArn, new Date("2026-03-01T00:00:00Z"));
    const d = await runtime.describeExecution({ executionArn: ok.executionArn });
    expect(JSON.parse(d.output as string)).toEqual({
      billId: "C1-2026-01",
      sentAt: "2026-01-31T17:00:00.000Z",
      by: "contract-ops-send-bill",
      paid: true,
    });

    const missing = await runtime.startExecution({
      stateMachineArn,
      input: JSON.stringify({ billId: "missing" }),
    });
    await runtime.runExecutionToCompletion(missing.executionArn, new Date("2026-03-01T00:00:00Z"));
    expect(await runtime.describeExecution({ executionArn: missing.executionArn })).toMatchObject({
      status: "FAILED",
      error: "BillNotFound",
    });
  });
});
