/**
 * ADR 0037: the operator role cannot rewrite the record of what operators did. IAM cannot make a PutItem
 * conditional (the condition keys of DynamoDB are LeadingKeys, Attributes, Select, ReturnValues… — none reads
 * the ConditionExpression), so the record that cannot be rewritten is CloudTrail's: the table's data events
 * (writes, with the caller's ARN), log file integrity validation, a bucket under Object Lock, and explicit
 * denies on the operator role. Checked on the synthesized template, against the CloudFormation resource
 * reference's property names (AWS::CloudTrail::Trail EventSelectors/DataResources, AWS::S3::Bucket
 * ObjectLockConfiguration).
 */
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { buildStack } from "../../infra/synth-local";

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties have no static type here
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json> };

let resources: Record<string, Resource>;

beforeAll(() => {
  const { stack } = buildStack();
  resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function operatorStatements(): Array<Record<string, Json>> {
  const [roleId] =
    ofType("AWS::IAM::Role").find(([, r]) => r.Properties.RoleName === "ContractOpsOperator") ?? [];
  return ofType("AWS::IAM::Policy")
    .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

describe("ADR 0037: a record of operator writes the operator role cannot rewrite", () => {
  it("a trail logs every write to the table (DynamoDB data events) with integrity validation", () => {
    const trails = ofType("AWS::CloudTrail::Trail");
    expect(trails).toHaveLength(1);
    const [, trail] = trails[0] as [string, Resource];
    expect(trail.Properties.EnableLogFileValidation).toBe(true);
    expect(trail.Properties.IsLogging).toBe(true);
    // The table is a TableV2 (AWS::DynamoDB::GlobalTable); its ARN is what the selector names.
    const [tableId] = ofType("AWS::DynamoDB::GlobalTable")[0] ?? [];
    expect(tableId).toBeDefined();
    const selectors = trail.Properties.EventSelectors as Json[];
    const tableSelector = selectors.find((s) =>
      s.DataResources?.some((d: Json) => d.Type === "AWS::DynamoDB::Table"),
    );
    expect(tableSelector.ReadWriteType).toBe("WriteOnly");
    expect(JSON.stringify(tableSelector.DataResources)).toContain(tableId);
  });

  it("its bucket locks the log files (Object Lock) for the retention and its grace", () => {
    const [, trail] = ofType("AWS::CloudTrail::Trail")[0] as [string, Resource];
    const bucketId = trail.Properties.S3BucketName.Ref;
    const bucket = resources[bucketId] as Resource;
    expect(bucket.Properties.ObjectLockEnabled).toBe(true);
    const retention = bucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention;
    expect(retention.Mode).toBe("GOVERNANCE");
    // 13 × 31 days of the inbound replies' window + 31 days' grace (ADR 0033): 434 days.
    expect(retention.Days).toBe(434);
  });

  it("the operator role is denied stopping or changing the trail and writing or deleting in its bucket", () => {
    const denies = operatorStatements().filter((s) => s.Effect === "Deny");
    const denied = denies.flatMap((s) => list(s.Action));
    for (const action of [
      "cloudtrail:StopLogging",
      "cloudtrail:DeleteTrail",
      "cloudtrail:PutEventSelectors",
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
      "s3:BypassGovernanceRetention",
      "s3:PutObjectRetention",
      "s3:PutBucketPolicy",
      "s3:PutLifecycleConfiguration",
    ]) {
      expect(denied, action).toContain(action);
    }
    const [, trail] = ofType("AWS::CloudTrail::Trail")[0] as [string, Resource];
    const bucketId = trail.Properties.S3BucketName.Ref;
    // Nothing the role is allowed touches the trail's bucket.
    const allowed = operatorStatements().filter((s) => s.Effect === "Allow");
    expect(JSON.stringify(allowed)).not.toContain(bucketId);
  });

  it("the operator role still cannot delete table items, batch-write or change the table (ADR 0032)", () => {
    const denied = operatorStatements()
      .filter((s) => s.Effect === "Deny")
      .flatMap((s) => list(s.Action));
    expect(denied).toEqual(expect.arrayContaining(["dynamodb:DeleteItem", "dynamodb:BatchWriteItem"]));
  });
});
