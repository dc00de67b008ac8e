/**
 * What wakes a person up: a workflow execution that failed, timed out or was aborted; anything in a
 * dead-letter queue; a breach recorded (R-BREACH-1). Alarms notify one encrypted SNS topic; subscribe
 * the operators' addresses to it (docs/operations.md).
 */
import { Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";

/**
 * The breaches the workflows detect on their own (R-BREACH-1): late bill, late payment, late invoice.
 * The handlers emit `ContractOps/Breaches` (Powertools Metrics, EMF) with the dimensions `service` and `Rule`.
 */
export const BREACH_RULES = ["R-BILL-1", "R-PAY-1", "R-INV-1"] as const;

export interface ContractOpsAlarmsProps {
  stateMachines: sfn.StateMachine[];
  deadLetterQueues: Record<string, sqs.IQueue>;
}

export class ContractOpsAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ContractOpsAlarmsProps) {
    super(scope, id);
    // A customer-managed key: CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.
    const key = new kms.Key(this, "TopicKey", {
      description: "ContractOps alarm topic",
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, "Topic", {
      displayName: "ContractOps alarms",
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a resource policy, which replaces SNS's default one; without this
    // statement CloudWatch may not publish and no alarm email ever arrives. Only this account's alarms.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowCloudWatchAlarmsOfThisAccount",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            "aws:SourceArn": `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
          },
          StringEquals: { "aws:SourceAccount": stack.account },
        },
      }),
    );
    const notify = new cwActions.SnsAction(this.topic);

    const add = (id: string, description: string, metric: cloudwatch.IMetric) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(notify);
      this.alarms.push(alarm);
    };

    const period = Duration.minutes(5);
    for (const machine of props.stateMachines) {
      const name = machine.node.id;
      add(`${name}Failed`, `${name}: an execution failed`, machine.metricFailed({ period }));
      add(`${name}TimedOut`, `${name}: an execution timed out`, machine.metricTimedOut({ period }));
      add(`${name}Aborted`, `${name}: an execution was aborted`, machine.metricAborted({ period }));
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      add(
        `${name}DeadLetters`,
        `${name}: messages in the dead-letter queue`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: "Maximum" }),
      );
    }
    add(
      "BreachesRecorded",
      `A breach was recorded (R-BREACH-1: ${BREACH_RULES.join(", ")})`,
      new cloudwatch.MathExpression({
        expression: BREACH_RULES.map((_, i) => `FILL(b${i}, 0)`).join(" + "),
        label: "Breaches",
        period,
        usingMetrics: Object.fromEntries(
          BREACH_RULES.map((rule, i) => [
            `b${i}`,
            new cloudwatch.Metric({
              namespace: "ContractOps",
              metricName: "Breaches",
              dimensionsMap: { service: "contract-ops", Rule: rule },
              statistic: "Sum",
              period,
            }),
          ]),
        ),
      }),
    );
  }
}
