/**
 * cdk-nag AwsSolutions over the whole stack (architecture §8): zero unacknowledged findings, errors or
 * warnings, and every acknowledgement carries a written reason.
 */
import { Validations } from "aws-cdk-lib";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { buildStack } from "../../infra/synth-local";

function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const found: Array<{ path: string; id: string; reason: string }> = [];
  for (const node of root.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        found.push({ path: node.node.path, id, reason: String(reason) });
      }
    }
  }
  return found;
}

describe("cdk-nag AwsSolutions", () => {
  const { app, stack } = buildStack();

  it("reports no finding that is not acknowledged (errors and warnings alike)", () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(", ")}`,
    );
    expect(findings).toEqual([]);
  });

  it("every acknowledgement is an AwsSolutions rule with a written reason", () => {
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(40);
    }
  });

  it("acknowledges wildcard resources only for X-Ray/log delivery, run-time object keys, qualified Lambda ARNs and RenewalWatch executions", () => {
    const wildcards = acknowledgements(stack)
      .filter((a) => a.id.startsWith("AwsSolutions-IAM5"))
      .map((a) => a.id.replace(/^.*?(AwsSolutions-IAM5)/, "$1"));
    for (const id of wildcards) {
      expect(id).toMatch(
        /^AwsSolutions-IAM5\[Resource::(\*|<Buckets(Usage|InboundMail)[0-9A-F]{8}\.Arn>\/(usage|inbound)\/\*|<Functions[a-z]+Function[0-9A-F]{8}\.Arn>:\*|arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:ContractOps-RenewalWatch:\*)\]$/,
      );
    }
  });

  // `cdk synth` and `cdk deploy` give the stack a concrete region (and an account when credentials resolve one),
  // so the ARNs cdk-nag reads name us-east-1 where the environment-agnostic stack has <AWS::Region>.
  it.each([
    ["a region only (the CLI without credentials)", { region: "us-east-1" }],
    ["an account and a region (the CLI with credentials)", { account: "123456789012", region: "cn-north-1" }],
  ])("reports no unacknowledged finding for a stack with %s", (_label, env) => {
    const { app: located } = buildStack({ env });
    const report = new AwsSolutionsChecks(located).validateScope(located);
    const findings = report.violations.map(
      (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(", ")}`,
    );
    expect(findings).toEqual([]);
  });

  it("a finding that is not acknowledged is reported (the check is live)", () => {
    const { app: bare } = buildStack();
    new Bucket(bare.node.findChild("ContractOps"), "Unlogged");
    const report = new AwsSolutionsChecks(bare).validateScope(bare);
    expect(report.violations.map((v) => v.ruleName)).toContain("AwsSolutions-S1");
  });
});
