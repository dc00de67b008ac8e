/**
 * How cdk-nag writes an ARN of this stack in a finding it asks to acknowledge: the region and account as
 * `<AWS::Region>` / `<AWS::AccountId>` while they are CloudFormation pseudo parameters, literally once the
 * stack's environment names them (`cdk synth`/`cdk deploy` give the region, and the account when credentials
 * resolve one, infra/app.ts). The partition stays a pseudo parameter: `Stack.formatArn` always writes it so.
 */
import { Stack, Token } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

export function nagArnPrefix(scope: IConstruct, service: string): string {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? "<AWS::Region>" : stack.region;
  const account = Token.isUnresolved(stack.account) ? "<AWS::AccountId>" : stack.account;
  return `arn:<AWS::Partition>:${service}:${region}:${account}`;
}
