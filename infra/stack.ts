/**
 * The ContractOps stack: one construct per concern (architecture §3) — table, buckets, email, functions,
 * state machines, schedule, alarms. Deployment-specific values come from CDK context (`mailDomain`).
 */
import { CfnOutput, Duration, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { ContractOpsAlarms } from "./constructs/alarms";
import { ContractOpsBuckets } from "./constructs/buckets";
import { ContractOpsEmail, DEFAULT_MAIL_DOMAIN } from "./constructs/email";
import { ContractOpsFunctions } from "./constructs/functions";
import { ContractOpsOperatorFunction } from "./constructs/operator-function";
import { ContractOpsOperatorRole } from "./constructs/operator-role";
import { ContractOpsOperatorTrail } from "./constructs/operator-trail";
import { ContractOpsPersonalDataFunction } from "./constructs/personal-data-function";
import { CalendarCheckSchedule, MonthlyKickoffSchedule } from "./constructs/schedule";
import { ContractOpsStateMachines } from "./constructs/state-machines";
import { ContractOpsTable } from "./constructs/table";

export { STACK_NAME } from "./stack-name";

export class ContractOpsStack extends Stack {
  readonly table: ContractOpsTable;
  readonly buckets: ContractOpsBuckets;
  readonly email: ContractOpsEmail;
  readonly functions: ContractOpsFunctions;
  readonly stateMachines: ContractOpsStateMachines;
  readonly schedule: MonthlyKickoffSchedule;
  readonly alarms: ContractOpsAlarms;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // Server access logs are delivered under a bucket policy, not the legacy log-delivery ACL.
    this.node.setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
    const mailDomain = String(this.node.tryGetContext("mailDomain") ?? DEFAULT_MAIL_DOMAIN);

    this.table = new ContractOpsTable(this, "Data");
    this.buckets = new ContractOpsBuckets(this, "Buckets");
    this.email = new ContractOpsEmail(this, "Email", { mailDomain });

    const inboundDeadLetterQueue = new sqs.Queue(this, "InboundReplyDeadLetterQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(inboundDeadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is itself the dead-letter queue of the inbound-reply Lambda (asynchronous SES invocations).",
    });

    this.functions = new ContractOpsFunctions(this, "Functions", {
      table: this.table,
      buckets: this.buckets,
      email: this.email,
      inboundDeadLetterQueue,
    });
    this.email.receiveReplies(this.buckets.mail, this.functions.byName["inbound-reply"].fn);

    this.stateMachines = new ContractOpsStateMachines(this, "Workflows", this.functions, this.buckets);
    this.schedule = new MonthlyKickoffSchedule(
      this,
      "MonthlyKickoffSchedule",
      this.stateMachines.monthlyKickoff,
    );
    new CalendarCheckSchedule(this, "CalendarCheckSchedule", this.stateMachines.calendarCheck, this.schedule);
    this.alarms = new ContractOpsAlarms(this, "Alarms", {
      stateMachines: this.stateMachines.all,
      deadLetterQueues: {
        MonthlyKickoffSchedule: this.schedule.deadLetterQueue,
        InboundReply: inboundDeadLetterQueue,
      },
    });

    // ADR 0038: operator writes run in the operator function, behind its AWS_IAM function URL.
    const operatorFunction = new ContractOpsOperatorFunction(this, "OperatorFunction", {
      fn: this.functions.byName["operator-command"],
    });
    // ADR 0083: deleting usage files on request runs in a function of its own, behind its own URL.
    const personalDataFunction = new ContractOpsPersonalDataFunction(this, "PersonalDataFunction", {
      fn: this.functions.byName["purge-personal-data"],
      usageBucket: this.buckets.usage,
    });
    const operator = new ContractOpsOperatorRole(this, "Operator", {
      table: this.table,
      usageBucket: this.buckets.usage,
      operatorFunction,
      personalDataFunction,
    });
    // ADR 0037: every write to the table with the caller's ARN, in a record the operator role cannot change.
    const operatorTrail = new ContractOpsOperatorTrail(this, "OperatorTrail", {
      table: this.table,
      accessLogs: this.buckets.accessLogs,
    });
    operatorTrail.denyTampering(operator.role);
    // `ops --profile` reads the names below from this stack's outputs (bin/stack-outputs.ts).
    operator.role.addToPolicy(
      new iam.PolicyStatement({ actions: ["cloudformation:DescribeStacks"], resources: [this.stackId] }),
    );

    new CfnOutput(this, "OperatorRoleArn", { value: operator.role.roleArn });
    new CfnOutput(this, "OperatorFunctionUrl", { value: operatorFunction.url.url });
    new CfnOutput(this, "PersonalDataFunctionUrl", { value: personalDataFunction.url.url });
    new CfnOutput(this, "AlarmTopicArn", { value: this.alarms.topic.topicArn });
    new CfnOutput(this, "MonthlyCycleArn", { value: this.stateMachines.monthlyCycle.stateMachineArn });
    new CfnOutput(this, "RenewalWatchArn", { value: this.stateMachines.renewalWatch.stateMachineArn });
    new CfnOutput(this, "ObligationClockArn", { value: this.stateMachines.obligationClock.stateMachineArn });
    new CfnOutput(this, "MonthlyKickoffArn", { value: this.stateMachines.monthlyKickoff.stateMachineArn });
    new CfnOutput(this, "InboundMailBucket", { value: this.buckets.mail.bucketName });
    new CfnOutput(this, "UsageBucket", { value: this.buckets.usage.bucketName });
    // CloudFormation generates the table's name; the ops CLI reads it from here (docs/operations.md, Deploy).
    new CfnOutput(this, "TableName", { value: this.table.table.tableName });
    // The sender and reply domain of the emails the CLI sends (record-invoice, resend …), read with the rest.
    new CfnOutput(this, "MailFrom", { value: this.email.mailFrom });
    new CfnOutput(this, "ReplyDomain", { value: this.email.replyDomain });
  }
}
