/**
 * The role operators assume to run `npm run ops` against AWS (ADR 0032, ADR 0038): read everything the
 * commands show, upload usage files, and invoke the operator function's URL, which runs every write on the
 * caller's behalf (and the personal-data function's URL for `purge-personal-data`, ADR 0083). The role itself writes nothing in the table — PutItem, UpdateItem, DeleteItem, batch,
 * transactional and PartiQL writes are explicitly denied — so it can neither add, rewrite nor remove an
 * audit entry (`EVENT#…`). Assuming it requires MFA.
 */
import { Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { ContractOpsOperatorFunction } from "./operator-function";
import type { ContractOpsPersonalDataFunction } from "./personal-data-function";
import type { ContractOpsTable } from "./table";

export interface OperatorRoleProps {
  table: ContractOpsTable;
  usageBucket: s3.IBucket;
  /** Where the role's writes go (ADR 0038). */
  operatorFunction: ContractOpsOperatorFunction;
  /** Where `purge-personal-data` goes (ADR 0083). */
  personalDataFunction: ContractOpsPersonalDataFunction;
}

/** Every DynamoDB action that changes an item or the table (ADR 0038: the operator role has none). */
export const TABLE_WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:TransactWriteItems",
  "dynamodb:PartiQLInsert",
  "dynamodb:PartiQLUpdate",
  "dynamodb:PartiQLDelete",
  "dynamodb:DeleteTable",
  "dynamodb:UpdateTable",
  "dynamodb:UpdateTimeToLive",
  "dynamodb:UpdateContinuousBackups",
  "dynamodb:RestoreTableToPointInTime",
  "dynamodb:RestoreTableFromBackup",
  "dynamodb:DeleteBackup",
] as const;

export class ContractOpsOperatorRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OperatorRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new iam.Role(this, "Role", {
      roleName: "ContractOpsOperator",
      description:
        "npm run ops: read; every write through the operator function URL (ADR 0038); MFA required",
      // Any principal of this account that an administrator allows to assume it, and only with MFA.
      assumedBy: new iam.AccountPrincipal(stack.account).withConditions({
        Bool: { "aws:MultiFactorAuthPresent": "true" },
      }),
    });
    const { table } = props.table;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
        resources: [table.tableArn, ...props.table.indexArns],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: [...TABLE_WRITE_ACTIONS],
        resources: [table.tableArn, `${table.tableArn}/*`],
      }),
    );
    props.operatorFunction.grantInvokeUrl(this.role);
    props.personalDataFunction.grantInvokeUrl(this.role);
    // `upload-usage` stores the month's files; reading them back is a read.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: [props.usageBucket.arnForObjects("usage/*")],
      }),
    );
    const usageId = stack.getLogicalId(props.usageBucket.node.defaultChild as s3.CfnBucket);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${usageId}.Arn>/usage/*]`,
      reason:
        "Usage files are usage/<contractId>/<period>/<kind>.csv, named at run time; limited to that prefix.",
    });
  }
}
