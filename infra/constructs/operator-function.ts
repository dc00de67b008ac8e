/**
 * The operator function (ADR 0038): every `ops` write runs in it, reached only through its function URL
 * with auth type AWS_IAM, so Lambda authenticates the caller (SigV4) and hands the function their ARN for
 * the audit entry. Its role holds the writes the operator role no longer has; this construct adds what
 * only operator commands need beyond the shared grants of ContractOpsFunctions, and the URL. It cannot
 * touch usage files: `purge-personal-data` has a function and URL of its own (ADR 0083).
 */
import { ArnFormat, Stack } from "aws-cdk-lib";
import type * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { stateMachineNames } from "../../workflows/states";
import type { ContractFunction } from "./contract-function";
import { nagArnPrefix } from "./nag-arn";

export interface OperatorFunctionProps {
  fn: ContractFunction;
}

export class ContractOpsOperatorFunction extends Construct {
  readonly url: lambda.FunctionUrl;
  private readonly fn: ContractFunction;

  constructor(scope: Construct, id: string, props: OperatorFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { fn } = props;
    this.fn = fn;
    const stateMachineArn = (name: string) =>
      stack.formatArn({
        service: "states",
        resource: "stateMachine",
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const obligationClockArn = stateMachineArn(stateMachineNames.obligationClock);
    const renewalWatchArn = stateMachineArn(stateMachineNames.renewalWatch);

    // R-BREACH-1, R-SLA-1: a breach notice or a ticket starts (and an answer ends) its obligation clock.
    fn.fn.addEnvironment("OBLIGATION_CLOCK_ARN", obligationClockArn);
    fn.allow(
      ["states:StartExecution", "states:SendTaskSuccess", "states:SendTaskFailure"],
      [obligationClockArn],
    );
    // R-NOTICE-2 (`record-notice`): a notice recorded after its term renewed stops the next term's watch.
    fn.allow(["states:ListExecutions"], [renewalWatchArn]);
    fn.allow(
      ["states:StopExecution"],
      [
        stack.formatArn({
          service: "states",
          resource: "execution",
          resourceName: `${stateMachineNames.renewalWatch}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      {
        finding: `AwsSolutions-IAM5[Resource::${nagArnPrefix(this, "states")}:execution:${stateMachineNames.renewalWatch}:*]`,
        reason:
          "RenewalWatch executions are named <contractId>-term-<n>[-c<k>|-notice] at run time; only that workflow's executions can be stopped.",
      },
    );
    // No S3 grant: deleting usage files on request runs in the personal-data function (ADR 0083).
    this.url = fn.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
  }

  /** lambda:InvokeFunctionUrl (only through an AWS_IAM URL) and lambda:InvokeFunction via the URL. */
  grantInvokeUrl(role: iam.IRole): void {
    this.fn.fn.grantInvokeUrl(role);
  }
}
