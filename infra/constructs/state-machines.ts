/**
 * The three Standard state machines (architecture §4), JSONata query language at the top level, logging
 * of every event and X-Ray tracing. Execution data is not logged: the callback tasks' inputs carry task
 * tokens, which must never reach a log (team rules).
 */
import { type CfnElement, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { type CalendarCheckFunctions, calendarCheckDefinition } from "../../workflows/calendar-check";
import { type MonthlyCycleFunctions, monthlyCycleDefinition } from "../../workflows/monthly-cycle";
import {
  KICKOFF_MANIFEST_PREFIX,
  type MonthlyKickoffFunctions,
  monthlyKickoffDefinition,
  START_CYCLES_LABEL,
} from "../../workflows/monthly-kickoff";
import { type ObligationClockFunctions, obligationClockDefinition } from "../../workflows/obligation-clock";
import { type RenewalWatchFunctions, renewalWatchDefinition } from "../../workflows/renewal-watch";
import { type FunctionName, stateMachineNames } from "../../workflows/states";
import type { ContractOpsBuckets } from "./buckets";
import { deploymentSuffix } from "./contract-function";
import type { ContractOpsFunctions } from "./functions";
import { nagArnPrefix } from "./nag-arn";

const monthlyKickoffFunctions = ["list-active-contracts", "start-monthly-cycle"] as const;
const monthlyCycleFunctions = [
  "prepare-bill",
  "report-bill-failure",
  "send-bill",
  "await-callback",
  "send-reminder",
  "record-missed-deadline",
  "open-re-reconciliation",
  "close-cycle",
] as const;
const calendarCheckFunctions = ["check-calendar-year"] as const;
const obligationClockFunctions = ["obligation-clock"] as const;
const renewalWatchFunctions = [
  "plan-renewal-watch",
  "send-renewal-reminder",
  "await-callback",
  "renew-term",
  "continue-renewal-watch",
  "end-contract",
] as const;

export class ContractOpsStateMachines extends Construct {
  readonly monthlyKickoff: sfn.StateMachine;
  readonly monthlyCycle: sfn.StateMachine;
  readonly renewalWatch: sfn.StateMachine;
  readonly calendarCheck: sfn.StateMachine;
  readonly obligationClock: sfn.StateMachine;

  constructor(scope: Construct, id: string, functions: ContractOpsFunctions, buckets: ContractOpsBuckets) {
    super(scope, id);

    const machine = (
      id: string,
      name: string,
      comment: string,
      invoked: readonly FunctionName[],
      build: (scope: Construct) => sfn.IChainable,
    ) => {
      const stateMachine = new sfn.StateMachine(this, id, {
        stateMachineName: name,
        comment,
        stateMachineType: sfn.StateMachineType.STANDARD,
        queryLanguage: sfn.QueryLanguage.JSONATA,
        definitionBody: sfn.DefinitionBody.fromChainable(build(new Construct(this, `${id}States`))),
        tracingEnabled: true,
        logs: {
          destination: new logs.LogGroup(this, `${id}Logs`, {
            // The /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy from growing per machine;
            // the deployment suffix lets a stack be created again after a rolled-back first deploy (ADR 0020).
            logGroupName: `/aws/vendedlogs/states/${name}-${deploymentSuffix(this)}`,
            retention: logs.RetentionDays.ONE_YEAR,
            removalPolicy: RemovalPolicy.RETAIN,
          }),
          level: sfn.LogLevel.ALL,
          includeExecutionData: false,
        },
      });
      Validations.of(stateMachine).acknowledge(
        {
          id: "AwsSolutions-IAM5[Resource::*]",
          reason:
            "Only X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs vended delivery (logs:CreateLogDelivery, …): neither supports resource-level permissions.",
        },
        ...invoked.map((fn) => ({
          id: functions.byName[fn].invokeGrantFinding,
          reason: `The Lambda integration grants ContractOps-${fn} and its qualified ARNs (<arn>:*, versions and aliases of this one function).`,
        })),
      );
      return stateMachine;
    };

    this.monthlyCycle = machine(
      "MonthlyCycle",
      stateMachineNames.monthlyCycle,
      "One contract, one billing period: bill, reconciliation, payment, VAT invoice, close (R-BILL-1 … R-BUDGET-1).",
      monthlyCycleFunctions,
      (scope) =>
        monthlyCycleDefinition(scope, functions.lambdas(monthlyCycleFunctions) as MonthlyCycleFunctions),
    );
    this.monthlyKickoff = machine(
      "MonthlyKickoff",
      stateMachineNames.monthlyKickoff,
      "Scheduled on the 1st at 01:00 Asia/Shanghai: one MonthlyCycle per active contract (R-PERIOD-1, R-BILL-1).",
      monthlyKickoffFunctions,
      (scope) =>
        monthlyKickoffDefinition(
          scope,
          functions.lambdas(monthlyKickoffFunctions) as MonthlyKickoffFunctions,
          buckets.usage,
        ),
    );
    const kickoffId = Stack.of(this).getLogicalId(this.monthlyKickoff.node.defaultChild as CfnElement);
    const kickoffName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${kickoffId}"}]}]}`;
    const executions = `${nagArnPrefix(this, "states")}:execution:${kickoffName}`;
    Validations.of(this.monthlyKickoff).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(buckets.usage.node.defaultChild as CfnElement)}.Arn>/${KICKOFF_MANIFEST_PREFIX}*]`,
        reason:
          "The Distributed Map reads the manifest its list step wrote, kickoff/<execution name>.jsonl, a name known only at run time; read-only and limited to that prefix (ADR 0051).",
      },
      {
        id: `AwsSolutions-IAM5[Resource::${executions}:*]`,
        reason:
          "A Distributed Map describes and stops the child executions it started, whose names Step Functions draws at run time; limited to this machine's executions (CDK DistributedMap).",
      },
      {
        id: `AwsSolutions-IAM5[Resource::${executions}/${START_CYCLES_LABEL}:*]`,
        reason:
          "Redriving a Map Run redrives its child executions of <machine>/<label>; limited to this machine's StartCycles children (CDK DistributedMap).",
      },
    );
    this.renewalWatch = machine(
      "RenewalWatch",
      stateMachineNames.renewalWatch,
      "One contract term: non-renewal reminder, written notice deadline, then renew or end (R-TERM-2, R-TERM-3, R-NOTICE-3, R-END-1).",
      renewalWatchFunctions,
      (scope) =>
        renewalWatchDefinition(scope, functions.lambdas(renewalWatchFunctions) as RenewalWatchFunctions),
    );
    this.calendarCheck = machine(
      "CalendarCheck",
      stateMachineNames.calendarCheck,
      "Scheduled in November–December: warns Party B's contact while next year's working-day calendar is provisional (R-WD-3).",
      calendarCheckFunctions,
      (scope) =>
        calendarCheckDefinition(scope, functions.lambdas(calendarCheckFunctions) as CalendarCheckFunctions),
    );
    this.obligationClock = machine(
      "ObligationClock",
      stateMachineNames.obligationClock,
      "One dated obligation started by a recorded event: a written breach notice's cure period, a service-level ticket's deadline (R-BREACH-1, R-SLA-1, R-SLA-2).",
      obligationClockFunctions,
      (scope) =>
        obligationClockDefinition(
          scope,
          functions.lambdas(obligationClockFunctions) as ObligationClockFunctions,
        ),
    );
  }

  get all(): sfn.StateMachine[] {
    return [
      this.monthlyKickoff,
      this.monthlyCycle,
      this.renewalWatch,
      this.calendarCheck,
      this.obligationClock,
    ];
  }
}
