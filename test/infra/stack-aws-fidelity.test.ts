/**
 * What would fail on AWS although every local run passes: the alarm topic's policy, listing rights that
 * turn a missing usage file into 404 instead of 403, SES sandbox authorization, and log group names that
 * survive a rolled-back first deploy. Oracles are the AWS documentation cited per test.
 */
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAIL_DOMAIN } from "../../infra/constructs/email";
import { buildStack } from "../../infra/synth-local";
import { functionNames } from "../../workflows/states";

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties have no static type here
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json>; DeletionPolicy?: string };

let resources: Record<string, Resource>;

beforeAll(() => {
  const { stack } = buildStack();
  resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const statementsOf = (name: string): Array<Record<string, Json>> => {
  const fn = ofType("AWS::Lambda::Function").find(
    ([, r]) => r.Properties.FunctionName === `ContractOps-${name}`,
  );
  if (!fn) throw new Error(`no Lambda ContractOps-${name}`);
  const roleId = fn[1].Properties.Role["Fn::GetAtt"][0];
  return ofType("AWS::IAM::Policy")
    .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
};
const actionsOf = (statement: Record<string, Json>): string[] => [statement.Action].flat();

describe("AWS behaviour the embedded stack cannot show", () => {
  it("CloudWatch alarms may publish to the TLS-only topic, only this account's alarms (aws:SourceArn)", () => {
    const policies = ofType("AWS::SNS::TopicPolicy");
    expect(policies).toHaveLength(1);
    const statements: Array<Record<string, Json>> = policies[0]?.[1].Properties.PolicyDocument.Statement;
    const fromAlarms = statements.filter(
      (s) => s.Effect === "Allow" && s.Principal?.Service === "cloudwatch.amazonaws.com",
    );
    expect(fromAlarms).toHaveLength(1);
    expect(actionsOf(fromAlarms[0] ?? {})).toEqual(["sns:Publish"]);
    const sourceArn = JSON.stringify(fromAlarms[0]?.Condition?.ArnLike?.["aws:SourceArn"]);
    expect(sourceArn).toContain(":cloudwatch:");
    expect(sourceArn).toContain(":alarm:*");
    expect(sourceArn).toContain("AWS::AccountId");
    // The TLS-only deny that enforceSSL adds is still there.
    expect(
      statements.some((s) => s.Effect === "Deny" && JSON.stringify(s.Condition).includes("SecureTransport")),
    ).toBe(true);
  });

  it("prepare-bill may list the usage bucket (a missing key is 404 NoSuchKey, not 403), so may the personal-data function under usage/ (purge-personal-data, ADR 0083); nothing else lists", () => {
    const list = statementsOf("prepare-bill").filter((s) => actionsOf(s).includes("s3:ListBucket"));
    expect(list).toHaveLength(1);
    // Unconditioned: a GetObject's request context has no s3:prefix, so a prefix condition would not count
    // for the 404 (ADR 0025; test/e2e/missing-usage.test.ts fails under IAM enforcement with one).
    expect(list[0]?.Condition).toBeUndefined();
    // ListBucket applies to the bucket ARN itself, not to its objects.
    expect(JSON.stringify(list[0]?.Resource)).not.toContain("/*");
    // The personal-data function lists only to purge, always with a usage/ prefix.
    const purgeList = statementsOf("purge-personal-data").filter((s) =>
      actionsOf(s).includes("s3:ListBucket"),
    );
    expect(purgeList).toHaveLength(1);
    expect(purgeList[0]?.Condition).toEqual({ StringLike: { "s3:prefix": ["usage/*"] } });
    expect(JSON.stringify(purgeList[0]?.Resource)).not.toContain("/*");
    const listers: readonly string[] = ["prepare-bill", "purge-personal-data"];
    for (const name of functionNames.filter((n) => !listers.includes(n)))
      expect(statementsOf(name).flatMap(actionsOf), name).not.toContain("s3:ListBucket");
  });

  it("SES sandbox: sending is allowed on the account's identities (recipients too) but only from the sender", () => {
    const send = statementsOf("send-bill").filter((s) => actionsOf(s).includes("ses:SendEmail"));
    expect(send).toHaveLength(1);
    expect(JSON.stringify(send[0]?.Resource)).toContain(":identity/*");
    expect(send[0]?.Condition).toEqual({
      StringEquals: { "ses:FromAddress": `billing@${DEFAULT_MAIL_DOMAIN}` },
    });
  });

  it("SES sandbox: the operator function (ops resend, ADR 0038) may send on the account's identities, only from the sender", () => {
    const send = statementsOf("operator-command").filter((s) => actionsOf(s).includes("ses:SendEmail"));
    expect(send).toHaveLength(1);
    expect(JSON.stringify(send[0]?.Resource)).toContain(":identity/*");
    expect(send[0]?.Condition).toEqual({
      StringEquals: { "ses:FromAddress": `billing@${DEFAULT_MAIL_DOMAIN}` },
    });
  });

  it("every log group's name carries the stack id's suffix, so a stack created again gets fresh names", () => {
    const groups = ofType("AWS::Logs::LogGroup").filter(([, g]) => g.Properties.LogGroupName !== undefined);
    expect(groups.length).toBeGreaterThanOrEqual(functionNames.length + 3);
    for (const [id, group] of groups) {
      expect(group.DeletionPolicy, id).toBe("Retain");
      expect(JSON.stringify(group.Properties.LogGroupName), id).toContain('"Ref":"AWS::StackId"');
    }
  });
});
