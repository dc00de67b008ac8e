/**
 * Building blocks shared by the three state machines (docs/workflows.md, ADR 0004): Lambda steps with
 * the project's retry policy, callback waits whose timeout is a deadline instant, and the one-year
 * budget every Standard execution must stay inside. Every helper emits JSONata-only states.
 */
import { Duration } from "aws-cdk-lib";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import type { Construct } from "constructs";

import type { FunctionName } from "./names";

export { type FunctionName, functionNames, stateMachineNames } from "./names";

export type WorkflowFunctions<Name extends FunctionName> = Record<Name, IFunction>;

/**
 * A Standard execution dies after one year. No wait may be planned past this budget measured from the
 * execution's start; 360 days leaves five days for the steps after the last wait (ADR 0004).
 */
export const EXECUTION_BUDGET_DAYS = 360;
const BUDGET_MS = EXECUTION_BUDGET_DAYS * 86_400_000;

/** Transient Lambda service errors: retried with full jitter (the Step Functions best practice). */
export const TRANSIENT_LAMBDA_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];

/**
 * JSONata for "seconds from entering this state until `instant`", at least 1 (TimeoutSeconds must be a
 * positive integer; a deadline already past times out at once) and never beyond the execution budget.
 */
export function secondsUntil(instant: string): string {
  const target = `$min([$toMillis(${instant}), $toMillis($states.context.Execution.StartTime) + ${BUDGET_MS}])`;
  return `{% $max([1, $ceil((${target} - $toMillis($states.context.State.EnteredTime)) / 1000)]) %}`;
}

/** Seconds left in the execution budget: the "keep waiting" states wait this long at most. */
export const SECONDS_LEFT_IN_BUDGET = secondsUntil(
  `$fromMillis($toMillis($states.context.Execution.StartTime) + ${BUDGET_MS})`,
);

/**
 * A Wait state's Timestamp in the form Step Functions accepts (RFC 3339 with `Z`): handlers may answer
 * with an offset such as +08:00, which `$toMillis` reads and `$fromMillis` renders in UTC.
 */
export function waitUntil(instant: string): sfn.WaitTime {
  return waitUntilMillis(`$toMillis(${instant})`);
}

/** A Wait state's Timestamp from JSONata evaluating to epoch milliseconds. */
export function waitUntilMillis(millis: string): sfn.WaitTime {
  return sfn.WaitTime.timestamp(`{% $fromMillis(${millis}) %}`);
}

export function withTransientRetry<T extends sfn.TaskStateBase>(task: T): T {
  task.addRetry({
    errors: TRANSIENT_LAMBDA_ERRORS,
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 4,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

export interface InvokeStepProps {
  fn: IFunction;
  /** The plain-English state name shown in the console. */
  stateName: string;
  /** Why the state exists, citing its rule IDs. */
  comment: string;
  /** The Lambda's event: literal values and `{% … %}` JSONata strings. */
  payload: Record<string, unknown>;
  assign?: Record<string, unknown>;
  outputs?: unknown;
}

/** A request-response Lambda step; its output is the function's return value unless `outputs` says otherwise. */
export function invokeStep(scope: Construct, props: InvokeStepProps): tasks.LambdaInvoke {
  return withTransientRetry(
    tasks.LambdaInvoke.jsonata(scope, props.stateName, {
      stateName: props.stateName,
      comment: props.comment,
      lambdaFunction: props.fn,
      payload: sfn.TaskInput.fromObject(props.payload),
      retryOnServiceExceptions: false,
      assign: props.assign,
      outputs: props.outputs ?? "{% $states.result.Payload %}",
    }),
  );
}

export type Awaiting = "reconciliation-reply" | "agreed-amount" | "payment" | "invoice" | "written-notice";

export interface AwaitStepProps {
  fn: IFunction;
  stateName: string;
  comment: string;
  awaiting: Awaiting;
  /** JSONata (inside `{% %}`) or literal values for the callback's subject. */
  contractId: string;
  period: string | null;
  term: string | null;
  /** `{% … %}` evaluating to TimeoutSeconds, usually `secondsUntil(deadline)`. */
  timeoutSeconds: string;
  assign?: Record<string, unknown>;
  outputs?: unknown;
}

/**
 * A callback wait: the await-callback Lambda stores the task token where the answer will find it, and the
 * state's result is what SendTaskSuccess delivers. The deadline is the token timeout (States.Timeout).
 */
export function awaitStep(scope: Construct, props: AwaitStepProps): tasks.LambdaInvoke {
  return withTransientRetry(
    tasks.LambdaInvoke.jsonata(scope, props.stateName, {
      stateName: props.stateName,
      comment: props.comment,
      lambdaFunction: props.fn,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        contractId: props.contractId,
        period: props.period,
        term: props.term,
        awaiting: props.awaiting,
        taskToken: "{% $states.context.Task.Token %}",
      }),
      taskTimeout: sfn.Timeout.jsonata(props.timeoutSeconds),
      retryOnServiceExceptions: false,
      assign: props.assign,
      outputs: props.outputs,
    }),
  );
}

/** The Catch for a deadline: only the token timeout leads to the deadline's consequence. */
export const ON_TIMEOUT: sfn.CatchProps = { errors: [sfn.Errors.TIMEOUT] };
