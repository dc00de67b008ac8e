/**
 * The personal-data function (ADR 0083): `ops purge-personal-data` (R-RETAIN-1) runs in a function of its
 * own, reached only through its own function URL with auth type AWS_IAM, as the operator function is
 * (ADR 0038). Its role is the only one of the stack that may delete usage files; besides that it appends
 * the deletion's audit entry (the shared "table-write" grant of ContractOpsFunctions).
 */
import { Stack } from "aws-cdk-lib";
import type * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { ContractFunction } from "./contract-function";

export interface PersonalDataFunctionProps {
  fn: ContractFunction;
  usageBucket: s3.IBucket;
}

export class ContractOpsPersonalDataFunction extends Construct {
  readonly url: lambda.FunctionUrl;
  private readonly fn: ContractFunction;

  constructor(scope: Construct, id: string, props: PersonalDataFunctionProps) {
    super(scope, id);
    const { fn, usageBucket } = props;
    this.fn = fn;
    // R-RETAIN-1: a contract's usage files are listed and deleted on request.
    const usageId = Stack.of(this).getLogicalId(usageBucket.node.defaultChild as s3.CfnBucket);
    fn.allow(["s3:DeleteObject"], [usageBucket.arnForObjects("usage/*")], {
      finding: `AwsSolutions-IAM5[Resource::<${usageId}.Arn>/usage/*]`,
      reason:
        "Usage files are usage/<contractId>/<period>/<kind>.csv, named at run time; limited to that prefix.",
    });
    fn.allow(["s3:ListBucket"], [usageBucket.bucketArn], undefined, {
      StringLike: { "s3:prefix": ["usage/*"] },
    });
    this.url = fn.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
  }

  /** lambda:InvokeFunctionUrl (only through an AWS_IAM URL) and lambda:InvokeFunction via the URL. */
  grantInvokeUrl(role: iam.IRole): void {
    this.fn.fn.grantInvokeUrl(role);
  }
}
