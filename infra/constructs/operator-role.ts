/**
 * The role operators assume to run `npm run ops` against AWS (ADR 0032): read everything the commands
 * show, record facts through the table's conditional writes, answer and start the workflows, send the
 * emails those facts trigger. Nothing that deletes or rewrites in bulk: no DeleteItem, no batch or
 * PartiQL writes, no table, TTL or backup changes — so the audit trail (append-only `EVENT#` items
 * written with attribute_not_exists) cannot be removed with it. Assuming it requires MFA.
 */
import { ArnFormat, Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { stateMachineNames } from "../../workflows/states";
import type { ContractOpsEmail } from "./email";
import type { ContractOpsTable } from "./table";

export interface OperatorRoleProps {
  table: ContractOpsTable;
  usageBucket: s3.IBucket;
  email: ContractOpsEmail;
  /** The workflows an operator starts or answers. */
  stateMachines: sfn.IStateMachine[];
}

export class ContractOpsOperatorRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OperatorRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new iam.Role(this, "Role", {
      roleName: "ContractOpsOperator",
      description: "npm run ops: read, record facts by conditional writes, answer workflows; MFA required",
      // Any principal of this account that an administrator allows to assume it, and only with MFA.
      assumedBy: new iam.AccountPrincipal(stack.account).withConditions({
        Bool: { "aws:MultiFactorAuthPresent": "true" },
      }),
    });
    const { table } = props.table;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          "dynamodb:GetItem",
          "dynamodb:Query",
          "dynamodb:Scan",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:ConditionCheckItem",
        ],
        resources: [table.tableArn, ...props.table.indexArns],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: [
          "dynamodb:DeleteItem",
          "dynamodb:BatchWriteItem",
          "dynamodb:PartiQLDelete",
          "dynamodb:PartiQLUpdate",
          "dynamodb:PartiQLInsert",
          "dynamodb:DeleteTable",
          "dynamodb:UpdateTable",
          "dynamodb:UpdateTimeToLive",
          "dynamodb:UpdateContinuousBackups",
          "dynamodb:RestoreTableToPointInTime",
          "dynamodb:RestoreTableFromBackup",
          "dynamodb:DeleteBackup",
        ],
        resources: [table.tableArn, `${table.tableArn}/*`],
      }),
    );
    // Starting a contract's RenewalWatch and answering waiting tasks; the ARNs come from the stack outputs
    // (RENEWAL_WATCH_ARN), so the role needs no states:ListStateMachines on "*".
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["states:StartExecution", "states:SendTaskSuccess", "states:SendTaskFailure"],
        resources: props.stateMachines.map((machine) => machine.stateMachineArn),
      }),
    );
    // R-NOTICE-2 (`ops record-notice`): a notice recorded after its term renewed stops the next term's
    // watch, found among the workflow's running executions (named per contract and term at run time).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["states:ListExecutions"],
        resources: props.stateMachines.map((machine) => machine.stateMachineArn),
      }),
    );
    const renewalWatchExecutions = stack.formatArn({
      service: "states",
      resource: "execution",
      resourceName: `${stateMachineNames.renewalWatch}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ["states:StopExecution"], resources: [renewalWatchExecutions] }),
    );
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stateMachineNames.renewalWatch}:*]`,
      reason:
        "RenewalWatch executions are named <contractId>-term-<n>[-c<k>|-notice] at run time; only that workflow's executions can be stopped.",
    });
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
    // `ops resend` sends as the functions do; in the SES sandbox the recipients' identities are checked too,
    // so the grant is the functions' one: any identity of the account, only from the project's sender.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["ses:SendEmail", "ses:SendRawEmail"],
        resources: [
          stack.formatArn({ service: "ses", resource: "identity", resourceName: "*" }),
          props.email.configurationSetArn,
        ],
        conditions: { StringEquals: { "ses:FromAddress": props.email.mailFrom } },
      }),
    );
    Validations.of(this).acknowledge({
      id: "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]",
      reason:
        "SES in the sandbox authorizes the send against each recipient's verified identity too; the statement is limited by ses:FromAddress to the project's sender.",
    });
  }
}
