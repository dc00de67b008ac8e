/**
 * ADR 0038 on the synthesized template: the audit trail cannot be rewritten by the ContractOpsOperator role
 * because that role cannot write the table at all. It reads, and invokes the operator function through a
 * function URL with auth type AWS_IAM (AWS::Lambda::Url AuthType, the IAM condition key
 * lambda:FunctionUrlAuthType, and since October 2025 lambda:InvokeFunction with lambda:InvokedViaFunctionUrl,
 * Lambda developer guide "Control access to function URLs"). The writers of the table are the functions,
 * listed here by hand from docs/workflows.md plus the operator function and the personal-data function:
 * no other role writes. ADR 0083: `purge-personal-data` runs in the personal-data function behind a URL of
 * its own, the only role that may delete usage files; the operator function has no S3 grant at all.
 */
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { buildStack } from "../../infra/synth-local";

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties have no static type here
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json> };

let resources: Record<string, Resource>;
let outputs: Record<string, Json>;

beforeAll(() => {
  const { stack } = buildStack();
  const template = Template.fromStack(stack).toJSON();
  resources = template.Resources as Record<string, Resource>;
  outputs = template.Outputs as Record<string, Json>;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const actionsOf = (statement: Record<string, Json>): string[] => [statement.Action].flat();
const statementsOfRole = (roleId: string): Array<Record<string, Json>> =>
  ofType("AWS::IAM::Policy")
    .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);

const WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:TransactWriteItems",
];

function operatorRoleId(): string {
  const [roleId] =
    ofType("AWS::IAM::Role").find(([, r]) => r.Properties.RoleName === "ContractOpsOperator") ?? [];
  if (!roleId) throw new Error("no ContractOpsOperator role");
  return roleId;
}

function functionId(name: string): string {
  const [id] =
    ofType("AWS::Lambda::Function").find(([, r]) => r.Properties.FunctionName === `ContractOps-${name}`) ??
    [];
  if (!id) throw new Error(`no ContractOps-${name} function`);
  return id;
}
const operatorFunctionId = () => functionId("operator-command");
const personalDataFunctionId = () => functionId("purge-personal-data");

function roleOfFunction(id: string): string {
  return (resources[id] as Resource).Properties.Role["Fn::GetAtt"][0];
}

function tableId(): string {
  const [id] = ofType("AWS::DynamoDB::GlobalTable")[0] ?? [];
  if (!id) throw new Error("no table");
  return id;
}

describe("ADR 0038: the operator function behind an AWS_IAM function URL", () => {
  it("the operator function and the personal-data function have one function URL each, with auth type AWS_IAM, each a stack output", () => {
    const urls = ofType("AWS::Lambda::Url");
    expect(urls).toHaveLength(2);
    for (const [fnId, output] of [
      [operatorFunctionId(), "OperatorFunctionUrl"],
      [personalDataFunctionId(), "PersonalDataFunctionUrl"],
    ] as const) {
      const found = urls.find(
        ([, url]) =>
          JSON.stringify(url.Properties.TargetFunctionArn) ===
          JSON.stringify({ "Fn::GetAtt": [fnId, "Arn"] }),
      );
      expect(found, output).toBeDefined();
      const [id, url] = found as [string, Resource];
      expect(url.Properties.AuthType).toBe("AWS_IAM");
      expect(outputs[output]?.Value).toEqual({ "Fn::GetAtt": [id, "FunctionUrl"] });
    }
  });

  it("R-RETAIN-1 (ADR 0083): only the personal-data function may delete usage files; the operator function has no S3 grant", () => {
    const deleters = ofType("AWS::IAM::Policy").flatMap(([, policy]) =>
      (policy.Properties.PolicyDocument.Statement as Array<Record<string, Json>>).some(
        (s) => s.Effect === "Allow" && actionsOf(s).some((a) => a === "s3:DeleteObject" || a === "s3:*"),
      )
        ? (policy.Properties.Roles as Array<{ Ref: string }>).map((r) => r.Ref)
        : [],
    );
    expect(deleters).toEqual([roleOfFunction(personalDataFunctionId())]);
    const operatorS3 = statementsOfRole(roleOfFunction(operatorFunctionId())).filter((s) =>
      actionsOf(s).some((a) => a.startsWith("s3:")),
    );
    expect(operatorS3).toEqual([]);
    // Its list is of usage/ only; its table grant is the audit entry's PutItem and UpdateItem, no read.
    const personal = statementsOfRole(roleOfFunction(personalDataFunctionId()));
    const list = personal.filter((s) => actionsOf(s).includes("s3:ListBucket"));
    expect(list.map((s) => s.Condition)).toEqual([{ StringLike: { "s3:prefix": ["usage/*"] } }]);
    expect(
      personal
        .flatMap(actionsOf)
        .filter((a) => a.startsWith("dynamodb:"))
        .sort(),
    ).toEqual(["dynamodb:PutItem", "dynamodb:UpdateItem"]);
  });

  it("the operator role may invoke those URLs only as AWS_IAM, and each function only through its URL; MFA stays", () => {
    const roleId = operatorRoleId();
    const role = resources[roleId] as Resource;
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      Bool: { "aws:MultiFactorAuthPresent": "true" },
    });
    const lambda = statementsOfRole(roleId).filter((s) => actionsOf(s).some((a) => a.startsWith("lambda:")));
    for (const fnArn of [
      { "Fn::GetAtt": [operatorFunctionId(), "Arn"] },
      { "Fn::GetAtt": [personalDataFunctionId(), "Arn"] },
    ]) {
      expect(lambda).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: "Allow",
            Action: "lambda:InvokeFunctionUrl",
            Resource: fnArn,
            Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "AWS_IAM" } },
          }),
          expect.objectContaining({
            Effect: "Allow",
            Action: "lambda:InvokeFunction",
            Resource: fnArn,
            Condition: { Bool: { "lambda:InvokedViaFunctionUrl": true } },
          }),
        ]),
      );
    }
    expect(lambda).toHaveLength(4);
  });

  it("the operator role has no PutItem, UpdateItem, DeleteItem, BatchWriteItem or TransactWriteItems on the table: each is denied", () => {
    const statements = statementsOfRole(operatorRoleId());
    const allowed = statements.filter((s) => s.Effect === "Allow").flatMap(actionsOf);
    for (const action of WRITE_ACTIONS) expect(allowed).not.toContain(action);
    expect(allowed.filter((a) => a.startsWith("dynamodb:")).sort()).toEqual([
      "dynamodb:GetItem",
      "dynamodb:Query",
      "dynamodb:Scan",
    ]);
    const denies = statements.filter((s) => s.Effect === "Deny");
    const deniedOnTable = denies
      .filter((s) => JSON.stringify(s.Resource).includes(tableId()))
      .flatMap(actionsOf);
    for (const action of WRITE_ACTIONS) expect(deniedOnTable).toContain(action);
  });

  it("only function roles write the table: the workflow and inbound functions of docs/workflows.md, the operator function and the personal-data function", () => {
    const writers = ofType("AWS::IAM::Policy").flatMap(([, policy]) => {
      const writes = (policy.Properties.PolicyDocument.Statement as Array<Record<string, Json>>).some(
        (s) =>
          s.Effect === "Allow" &&
          actionsOf(s).some((a) => WRITE_ACTIONS.includes(a) || a === "dynamodb:*") &&
          JSON.stringify(s.Resource).includes(tableId()),
      );
      return writes ? (policy.Properties.Roles as Array<{ Ref: string }>).map((r) => r.Ref) : [];
    });
    const functionOfRole = (roleId: string) =>
      ofType("AWS::Lambda::Function").find(
        ([, fn]) => JSON.stringify(fn.Properties.Role) === JSON.stringify({ "Fn::GetAtt": [roleId, "Arn"] }),
      )?.[1].Properties.FunctionName as string | undefined;
    expect(writers).not.toContain(operatorRoleId());
    expect(writers.map((roleId) => functionOfRole(roleId) ?? `not a function: ${roleId}`).sort()).toEqual(
      [
        "prepare-bill",
        "send-bill",
        "await-callback",
        "send-reminder",
        "record-missed-deadline",
        "open-re-reconciliation",
        "close-cycle",
        "plan-renewal-watch",
        "send-renewal-reminder",
        "renew-term",
        "end-contract",
        "check-calendar-year",
        "obligation-clock",
        "inbound-reply",
        "operator-command",
        "purge-personal-data",
        "report-bill-failure",
      ]
        .map((name) => `ContractOps-${name}`)
        .sort(),
    );
  });
});
