/**
 * CDK template assertions for the ContractOps stack (architecture.md): resources, their settings and IAM least
 * privilege, on the template synthesized with bundling skipped (no esbuild, no handler files needed).
 */
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { BREACH_RULES } from "../../infra/constructs/alarms";
import { INBOUND_MAIL_RETENTION_DAYS } from "../../infra/constructs/buckets";
import { buildStack } from "../../infra/synth-local";
import { functionNames, stateMachineNames } from "../../workflows/states";

/** CloudFormation JSON is untyped; the assertions navigate it freely. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties have no static type here
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json>; Metadata?: Record<string, unknown> };

let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  const { stack } = buildStack();
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const lambdaNamed = (name: string) => {
  const found = ofType("AWS::Lambda::Function").find(
    ([, r]) => r.Properties.FunctionName === `ContractOps-${name}`,
  );
  if (!found) throw new Error(`no Lambda ContractOps-${name}`);
  return found;
};
/** The statements of the inline policies attached to the role of function `name`. */
const statementsOf = (name: string): Array<Record<string, Json>> => {
  const roleId = lambdaNamed(name)[1].Properties.Role["Fn::GetAtt"][0];
  return ofType("AWS::IAM::Policy")
    .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
};
const actionsOf = (statement: Record<string, Json>): string[] => [statement.Action].flat();

describe("Lambda functions (architecture §2, style.md)", () => {
  it("one function per handler folder, each mapped to functions/<name>/handler.ts for the local runtime", () => {
    const entries = ofType("AWS::Lambda::Function")
      .map(([, r]) => r.Metadata?.["contract-ops:entry"])
      .sort();
    expect(entries).toEqual(functionNames.map((n) => `functions/${n}/handler.ts`).sort());
    for (const [, r] of ofType("AWS::Lambda::Function"))
      expect(r.Metadata?.["contract-ops:handler"]).toBe("handler");
  });

  it("Node.js 22 on arm64 with active X-Ray tracing and its own log group with a retention", () => {
    for (const [id, r] of ofType("AWS::Lambda::Function")) {
      expect(r.Properties.Runtime, id).toBe("nodejs22.x");
      expect(r.Properties.Architectures, id).toEqual(["arm64"]);
      expect(r.Properties.TracingConfig, id).toEqual({ Mode: "Active" });
      expect(r.Properties.LoggingConfig?.LogGroup, id).toBeDefined();
    }
    for (const [, r] of ofType("AWS::Logs::LogGroup"))
      expect(r.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it("ADR 0046, 0082: every function has active tracing, is not switched off, and may send traces", () => {
    for (const name of functionNames) {
      const [id, r] = lambdaNamed(name);
      expect(r.Properties.TracingConfig, id).toEqual({ Mode: "Active" });
      const env = r.Properties.Environment.Variables;
      expect(env.POWERTOOLS_TRACE_ENABLED, id).toBeUndefined();
      // What the function's subsegments need (Lambda Developer Guide, "Visualize Lambda function invocations using
      // AWS X-Ray": the execution role needs xray:PutTraceSegments and xray:PutTelemetryRecords).
      const xray = statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith("xray:")));
      expect(xray.flatMap(actionsOf), id).toEqual(
        expect.arrayContaining(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]),
      );
      for (const statement of xray) expect(statement.Effect, id).toBe("Allow");
    }
  });

  it("every function gets the table, buckets, sender and reply domain; workflow ARNs only where it starts one", () => {
    for (const name of functionNames) {
      const env = lambdaNamed(name)[1].Properties.Environment.Variables;
      expect(Object.keys(env)).toEqual(
        expect.arrayContaining([
          "CONTRACT_OPS_TABLE",
          "CONTRACT_OPS_MAIL_BUCKET",
          "CONTRACT_OPS_USAGE_BUCKET",
          "CONTRACT_OPS_MAIL_FROM",
          "CONTRACT_OPS_REPLY_DOMAIN",
        ]),
      );
      expect("MONTHLY_CYCLE_ARN" in env, name).toBe(name === "start-monthly-cycle");
      // The operator function starts term 1's watch for `ops load-contract` (ADR 0038).
      expect("RENEWAL_WATCH_ARN" in env, name).toBe(
        name === "renew-term" || name === "continue-renewal-watch" || name === "operator-command",
      );
    }
    const env = lambdaNamed("renew-term")[1].Properties.Environment.Variables;
    expect(JSON.stringify(env.RENEWAL_WATCH_ARN)).toContain(`stateMachine:${stateMachineNames.renewalWatch}`);
    expect(env.CONTRACT_OPS_REPLY_DOMAIN).toBe("reply.contract-ops.example.com");
  });

  it("the inbound-reply function parks undeliverable SES events in a dead-letter queue", () => {
    expect(lambdaNamed("inbound-reply")[1].Properties.DeadLetterConfig?.TargetArn).toBeDefined();
  });

  it("ADR 0030: the inbound-reply function has reserved concurrency, so a mail flood cannot starve the workflows", () => {
    expect(lambdaNamed("inbound-reply")[1].Properties.ReservedConcurrentExecutions).toBe(5);
  });

  it("ADR 0030: outbound statements (bank details, reply address) leave SES only over TLS", () => {
    template.hasResourceProperties("AWS::SES::ConfigurationSet", {
      DeliveryOptions: { TlsPolicy: "REQUIRE" },
    });
  });
});

describe("ADR 0032: the operator role", () => {
  const operatorStatements = () => {
    const [roleId] =
      ofType("AWS::IAM::Role").find(([, r]) => r.Properties.RoleName === "ContractOpsOperator") ?? [];
    expect(roleId).toBeDefined();
    return {
      role: resources[roleId as string] as Resource,
      statements: ofType("AWS::IAM::Policy")
        .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<Record<string, Json>>),
    };
  };

  it("can be assumed only with MFA", () => {
    const { role } = operatorStatements();
    const trust = role.Properties.AssumeRolePolicyDocument.Statement[0];
    expect(trust.Condition).toEqual({ Bool: { "aws:MultiFactorAuthPresent": "true" } });
  });

  it("ADR 0038: reads the table item by item and writes none of it: every write goes through the operator function", () => {
    const { statements } = operatorStatements();
    const allowed = statements.filter((s) => s.Effect === "Allow").flatMap(actionsOf);
    expect(allowed).toEqual(expect.arrayContaining(["dynamodb:Query", "lambda:InvokeFunctionUrl"]));
    for (const action of allowed)
      expect(action).not.toMatch(
        /\*|dynamodb:(Put|Update|Delete|BatchWrite|TransactWrite|PartiQL|Restore)|states:|ses:/,
      );
    const denied = statements.filter((s) => s.Effect === "Deny").flatMap(actionsOf);
    expect(denied).toEqual(
      expect.arrayContaining([
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
      ]),
    );
  });
});

describe("IAM least privilege (architecture §8)", () => {
  /** AWS offers no resource-level permission for these, so `Resource: "*"` is the only form they take. */
  const onlyStarActions = new Set([
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
  ]);

  it('no IAM statement has Resource "*" except for X-Ray and log delivery actions', () => {
    for (const [id, policy] of ofType("AWS::IAM::Policy")) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        if ([statement.Resource].flat().includes("*")) {
          for (const action of actionsOf(statement))
            expect(onlyStarActions.has(action), `${id}: ${action}`).toBe(true);
        }
        for (const action of actionsOf(statement))
          expect(action.endsWith(":*"), `${id}: ${action}`).toBe(false);
      }
    }
  });

  it("start-monthly-cycle may only start ContractOps-MonthlyCycle; await-callback may not start anything", () => {
    const statements = statementsOf("start-monthly-cycle").filter((s) =>
      actionsOf(s)[0]?.startsWith("states:"),
    );
    expect(statements).toHaveLength(1);
    expect(actionsOf(statements[0] ?? {})).toEqual(["states:StartExecution"]);
    expect(JSON.stringify(statements[0]?.Resource)).toContain(
      `:stateMachine:${stateMachineNames.monthlyCycle}"`,
    );
    const awaitActions = statementsOf("await-callback").flatMap(actionsOf);
    expect(awaitActions).not.toContain("states:StartExecution");
    expect(statementsOf("list-active-contracts").flatMap(actionsOf)).not.toContain("dynamodb:PutItem");
  });

  it("ADR 0051: list-active-contracts writes only kickoff/ manifests; the kickoff's role reads only those", () => {
    const writes = statementsOf("list-active-contracts").filter((s) =>
      actionsOf(s).some((a) => a.startsWith("s3:")),
    );
    expect(writes.map(actionsOf)).toEqual([["s3:PutObject"]]);
    expect(JSON.stringify(writes[0]?.Resource)).toMatch(/"\/kickoff\/\*"/);
    const kickoffRole = ofType("AWS::IAM::Policy").filter(([id]) => id.includes("MonthlyKickoff"));
    const reads = kickoffRole
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<Record<string, Json>>)
      .filter((s) => actionsOf(s).some((a) => a.startsWith("s3:")));
    expect(reads.map(actionsOf)).toEqual([["s3:GetObject"]]);
    expect(JSON.stringify(reads[0]?.Resource)).toMatch(/"\/kickoff\/\*"/);
  });

  it("inbound-reply reads only inbound/ objects and answers only the two callback workflows", () => {
    const statements = statementsOf("inbound-reply");
    const s3 = statements.filter((s) => actionsOf(s).includes("s3:GetObject"));
    expect(s3).toHaveLength(1);
    expect(JSON.stringify(s3[0]?.Resource)).toMatch(/"\/inbound\/\*"/);
    const answer = statements.find((s) => actionsOf(s).includes("states:SendTaskSuccess"));
    expect(actionsOf(answer ?? {}).sort()).toEqual(["states:SendTaskFailure", "states:SendTaskSuccess"]);
    const arns = JSON.stringify(answer?.Resource);
    expect(arns).toContain(`stateMachine:${stateMachineNames.monthlyCycle}"`);
    expect(arns).toContain(`stateMachine:${stateMachineNames.renewalWatch}"`);
    expect(arns).not.toContain(stateMachineNames.monthlyKickoff);
  });

  it("table grants name the table and its GSI1, never index/*", () => {
    const text = JSON.stringify(ofType("AWS::IAM::Policy"));
    expect(text).toContain("/index/GSI1");
    expect(text).not.toContain("/index/*");
  });
});

describe("table, buckets and email", () => {
  it("one on-demand table with PITR, encryption, TTL expiresAt and GSI1, retained on delete", () => {
    template.hasResource("AWS::DynamoDB::GlobalTable", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [
          { AttributeName: "PK", KeyType: "HASH" },
          { AttributeName: "SK", KeyType: "RANGE" },
        ],
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        SSESpecification: Match.objectLike({ SSEEnabled: true }),
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: "GSI1" })],
        Replicas: [
          Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
      }),
    });
  });

  it("every bucket is encrypted, private, versioned, TLS-only and retained", () => {
    const buckets = ofType("AWS::S3::Bucket");
    // Inbound mail, usage files, their access logs, and the operator trail's log files (ADR 0037).
    expect(buckets).toHaveLength(4);
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.BucketEncryption, id).toBeDefined();
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.VersioningConfiguration, id).toEqual({ Status: "Enabled" });
      expect((resources[id] as unknown as { DeletionPolicy: string }).DeletionPolicy).toBe("Retain");
    }
    for (const [, policy] of ofType("AWS::S3::BucketPolicy")) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it("R-RETAIN-1: inbound mail expires after 13 months, with server access logs kept", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Prefix: "inbound/",
            ExpirationInDays: INBOUND_MAIL_RETENTION_DAYS,
            Status: "Enabled",
          }),
        ],
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: "inbound-mail/" }),
    });
  });

  it("replies to reply.<mailDomain> are stored under inbound/ first, then handed to inbound-reply", () => {
    template.hasResourceProperties("AWS::SES::ReceiptRule", {
      Rule: Match.objectLike({
        Recipients: ["reply.contract-ops.example.com"],
        ScanEnabled: true,
        TlsPolicy: "Require",
        Actions: [
          { S3Action: Match.objectLike({ ObjectKeyPrefix: "inbound/" }) },
          { LambdaAction: Match.objectLike({ InvocationType: "Event" }) },
        ],
      }),
    });
    template.hasResourceProperties("AWS::SES::EmailIdentity", {
      EmailIdentity: "contract-ops.example.com",
      ConfigurationSetAttributes: Match.anyValue(),
    });
  });

  it("ADR 0030: only the replies receipt rule may invoke inbound-reply and write inbound/ (aws:SourceArn)", () => {
    const ruleArn = /:ses:.*:receipt-rule-set\/ContractOps:receipt-rule\/contract-ops-replies/;
    const [, permission] =
      ofType("AWS::Lambda::Permission").find(([, r]) => r.Properties.Principal === "ses.amazonaws.com") ?? [];
    expect(JSON.stringify(permission?.Properties.SourceArn)).toMatch(ruleArn);
    const sesStatements = ofType("AWS::S3::BucketPolicy")
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<Record<string, Json>>)
      .filter((st) => st.Principal?.Service === "ses.amazonaws.com");
    const deny = sesStatements.find((st) => st.Effect === "Deny");
    expect(deny?.Action).toBe("s3:PutObject");
    expect(JSON.stringify(deny?.Condition?.ArnNotEquals?.["aws:SourceArn"])).toMatch(ruleArn);
  });

  it("the mail domain comes from the mailDomain context", () => {
    const { stack } = buildStack({ context: { mailDomain: "ops.example.org" } });
    const other = Template.fromStack(stack);
    other.hasResourceProperties("AWS::SES::EmailIdentity", { EmailIdentity: "ops.example.org" });
    other.hasResourceProperties("AWS::SES::ReceiptRule", {
      Rule: Match.objectLike({ Recipients: ["reply.ops.example.org"] }),
    });
  });
});

describe("workflows, schedule and alarms", () => {
  it("Standard state machines with fixed names, logging of all events without execution data, tracing", () => {
    const machines = ofType("AWS::StepFunctions::StateMachine");
    expect(machines.map(([, m]) => m.Properties.StateMachineName).sort()).toEqual(
      Object.values(stateMachineNames).sort(),
    );
    for (const [, m] of machines) {
      expect(m.Properties.StateMachineType).toBe("STANDARD");
      expect(m.Properties.TracingConfiguration).toEqual({ Enabled: true });
      expect(m.Properties.LoggingConfiguration).toMatchObject({ Level: "ALL", IncludeExecutionData: false });
    }
  });

  it("R-PERIOD-1: MonthlyKickoff starts at 01:00 on the 1st, Asia/Shanghai, with retries and a dead-letter queue", () => {
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "cron(0 1 1 * ? *)",
      ScheduleExpressionTimezone: "Asia/Shanghai",
      State: "ENABLED",
      Target: Match.objectLike({
        Arn: { Ref: Match.stringLikeRegexp("MonthlyKickoff") },
        Input: JSON.stringify({ scheduledTime: "<aws.scheduler.scheduled-time>" }),
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 43_200 },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });

  it("R-WD-3: CalendarCheck starts at 09:00 on the 1st and 15th of Nov and Dec, in the kickoff's schedule group", () => {
    const schedules = ofType("AWS::Scheduler::Schedule").map(([, s]) => s.Properties);
    const targeting = (name: string) => schedules.find((s) => JSON.stringify(s.Target.Arn).includes(name));
    const check = targeting("CalendarCheck");
    const monthly = targeting("MonthlyKickoff");
    expect(schedules).toHaveLength(2);
    expect(check).toMatchObject({
      ScheduleExpression: "cron(0 9 1,15 11,12 ? *)",
      ScheduleExpressionTimezone: "Asia/Shanghai",
      State: "ENABLED",
      Target: {
        Input: JSON.stringify({ scheduledTime: "<aws.scheduler.scheduled-time>" }),
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 43_200 },
        DeadLetterConfig: monthly?.Target.DeadLetterConfig,
      },
    });
    expect(check?.GroupName).toEqual(monthly?.GroupName);
  });

  it("alarms: failed, timed-out and aborted executions per machine, dead letters, breaches; all to an encrypted topic", () => {
    const alarms = ofType("AWS::CloudWatch::Alarm").map(([, a]) => a.Properties);
    for (const metric of ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"]) {
      expect(alarms.filter((a) => a.MetricName === metric && a.Namespace === "AWS/States")).toHaveLength(
        Object.values(stateMachineNames).length,
      );
    }
    expect(alarms.filter((a) => a.MetricName === "ApproximateNumberOfMessagesVisible")).toHaveLength(2);
    const breaches = alarms.filter((a) =>
      JSON.stringify(a.Metrics ?? []).includes('"MetricName":"Breaches"'),
    );
    expect(breaches).toHaveLength(1);
    for (const rule of BREACH_RULES) expect(JSON.stringify(breaches[0]?.Metrics)).toContain(rule);
    for (const alarm of alarms) expect(alarm.AlarmActions).toHaveLength(1);
    template.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
  });
});
