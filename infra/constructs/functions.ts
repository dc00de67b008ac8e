/**
 * Every Lambda of the project, each with exactly the grants its handler needs (docs/workflows.md lists
 * them next to the payload contract). State machine ARNs are formatted from their fixed names, so a
 * function can start or answer a workflow without CloudFormation seeing a cycle.
 */
import { ArnFormat, type CfnElement, Duration, Stack } from "aws-cdk-lib";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { KICKOFF_MANIFEST_PREFIX } from "../../workflows/monthly-kickoff";
import { type FunctionName, functionNames, stateMachineNames } from "../../workflows/states";
import type { ContractOpsBuckets } from "./buckets";
import { ContractFunction } from "./contract-function";
import type { ContractOpsEmail } from "./email";
import { nagArnPrefix } from "./nag-arn";
import type { ContractOpsTable } from "./table";

type Grant =
  | "table-read"
  | "table-write"
  | "usage-read"
  | "kickoff-manifest-write"
  | "mail-read"
  | "send-email"
  | "start-monthly-cycle"
  | "start-renewal-watch"
  | "answer-workflow-tasks"
  | "answer-obligation-clock";

const descriptions: Record<FunctionName, { description: string; grants: Grant[] }> = {
  "list-active-contracts": {
    description: "MonthlyKickoff: the contracts to bill, written to an S3 manifest",
    grants: ["table-read", "kickoff-manifest-write"],
  },
  "start-monthly-cycle": {
    description: "MonthlyKickoff: starts MonthlyCycle <contractId>-<period> for a batch of contracts",
    grants: ["start-monthly-cycle"],
  },
  "prepare-bill": {
    description: "MonthlyCycle: rates usage and writes the bill (R-PRICE-*, R-SMS-1)",
    // send-email: a missing usage file is reported to Party B's contact (ADR 0027).
    grants: ["table-read", "table-write", "usage-read", "send-email"],
  },
  "report-bill-failure": {
    description:
      "MonthlyCycle: prepare-bill failed after its retries; records it and tells Party B's contact (R-BILL-1)",
    grants: ["table-read", "table-write", "send-email"],
  },
  "send-bill": {
    description: "MonthlyCycle: emails the bill, computes deadlines (R-BILL-1, R-RECON-1, R-PAY-1)",
    grants: ["table-read", "table-write", "send-email"],
  },
  "await-callback": {
    description: "Every callback wait: stores the task token (completes it at once if the answer is in)",
    grants: ["table-read", "table-write", "answer-workflow-tasks"],
  },
  "send-reminder": {
    description: "MonthlyCycle: reconciliation reminder (R-RECON-5)",
    grants: ["table-read", "table-write", "send-email"],
  },
  "record-missed-deadline": {
    description:
      "MonthlyCycle: deemed acceptance, overdue notices and breaches (R-RECON-5, R-PAY-2, R-BREACH-1)",
    grants: ["table-read", "table-write", "send-email"],
  },
  "open-re-reconciliation": {
    description: "MonthlyCycle: opens a re-reconciliation (R-RECON-3)",
    grants: ["table-read", "table-write", "send-email"],
  },
  "close-cycle": {
    description:
      "MonthlyCycle: closes the cycle, carries the adjustment, budget check (R-RECON-4, R-BUDGET-1)",
    grants: ["table-read", "table-write", "send-email"],
  },
  "plan-renewal-watch": {
    description: "RenewalWatch: the term's dates and deadlines (R-TERM-4, R-NOTICE-3)",
    grants: ["table-read", "table-write"],
  },
  "send-renewal-reminder": {
    description: "RenewalWatch: non-renewal deadline reminder to both contacts (R-NOTICE-3)",
    grants: ["table-read", "table-write", "send-email"],
  },
  "renew-term": {
    description: "RenewalWatch: renews the contract and starts the next term's watch (R-TERM-2)",
    grants: ["table-read", "table-write", "send-email", "start-renewal-watch"],
  },
  "continue-renewal-watch": {
    description: "RenewalWatch: hands a term's watch over to a fresh execution (one-year execution limit)",
    grants: ["start-renewal-watch"],
  },
  "end-contract": {
    description: "RenewalWatch: ends the contract at term end (R-END-1)",
    grants: ["table-read", "table-write", "send-email"],
  },
  "check-calendar-year": {
    description:
      "CalendarCheck: warns Party B while next year's working-day calendar is provisional (R-WD-3)",
    grants: ["table-read", "table-write", "send-email"],
  },
  "obligation-clock": {
    description:
      "ObligationClock: cure-period reminder and lapse (R-BREACH-1), a ticket past its deadline (R-SLA-1, R-SLA-2)",
    // An answer recorded before the clock's wait began completes that wait at once (ADR 0063).
    grants: ["table-read", "table-write", "send-email", "answer-obligation-clock"],
  },
  "operator-command": {
    description: "ops write commands behind an AWS_IAM function URL, audited as the caller (ADR 0038)",
    grants: ["table-read", "table-write", "send-email", "start-renewal-watch", "answer-workflow-tasks"],
  },
  "purge-personal-data": {
    description:
      "ops purge-personal-data behind its own AWS_IAM function URL: deletes usage files on request (R-RETAIN-1, ADR 0083)",
    // The audit entry of the deletion; the usage bucket's list and delete come with its URL (ADR 0083).
    grants: ["table-write"],
  },
  "inbound-reply": {
    description: "SES receipt: reads a reply from S3, checks trust, answers the waiting workflow task",
    grants: ["table-read", "table-write", "send-email", "mail-read", "answer-workflow-tasks"],
  },
};

export interface ContractOpsFunctionsProps {
  table: ContractOpsTable;
  buckets: ContractOpsBuckets;
  email: ContractOpsEmail;
  /** Where SES puts inbound-reply events it could not deliver after its own retries. */
  inboundDeadLetterQueue: sqs.IQueue;
}

export class ContractOpsFunctions extends Construct {
  readonly byName: Record<FunctionName, ContractFunction>;
  readonly monthlyCycleArn: string;
  readonly renewalWatchArn: string;

  constructor(scope: Construct, id: string, props: ContractOpsFunctionsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const stateMachineArn = (name: string) =>
      stack.formatArn({
        service: "states",
        resource: "stateMachine",
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    this.monthlyCycleArn = stateMachineArn(stateMachineNames.monthlyCycle);
    this.renewalWatchArn = stateMachineArn(stateMachineNames.renewalWatch);

    const { table, buckets, email } = props;
    const environment = {
      CONTRACT_OPS_TABLE: table.table.tableName,
      CONTRACT_OPS_MAIL_BUCKET: buckets.mail.bucketName,
      CONTRACT_OPS_USAGE_BUCKET: buckets.usage.bucketName,
      CONTRACT_OPS_MAIL_FROM: email.mailFrom,
      CONTRACT_OPS_REPLY_DOMAIN: email.replyDomain,
    };

    const objectsUnder = (bucket: s3.Bucket, prefix: string, why: string) => {
      const logicalId = stack.getLogicalId(bucket.node.defaultChild as CfnElement);
      return {
        resources: [bucket.arnForObjects(`${prefix}*`)],
        wildcard: { finding: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${prefix}*]`, reason: why },
      };
    };
    const usageObjects = objectsUnder(
      buckets.usage,
      "usage/",
      "Usage CSVs are keyed usage/<contractId>/<YYYY-MM>/…, known only at run time; read-only and limited to that prefix.",
    );
    const kickoffManifests = objectsUnder(
      buckets.usage,
      KICKOFF_MANIFEST_PREFIX,
      "Each kickoff writes kickoff/<execution name>.jsonl, a name known only at run time; write-only and limited to that prefix.",
    );
    const inboundMail = objectsUnder(
      buckets.mail,
      "inbound/",
      "SES stores each reply as inbound/<messageId>, known only at run time; read-only and limited to that prefix.",
    );

    // Without s3:ListBucket, S3 answers a missing key with 403 AccessDenied instead of 404 NoSuchKey, and
    // a month without an SMS (or voice) file would look like a permission error. No s3:prefix condition:
    // the GetObject that needs the 404 carries no prefix in its request context, so a prefix-conditioned
    // grant does not count for it (ADR 0025); listing shows key names only, never a usage file's content.
    const listUsage = (fn: ContractFunction) => fn.allow(["s3:ListBucket"], [buckets.usage.bucketArn]);
    // While SES is in the sandbox it also authorizes the send against each recipient's identity, so a
    // grant on the domain identity alone is denied there. Any identity of the account, but only with the
    // project's sender address (docs/operations.md, "SES sandbox").
    const sendEmail = (fn: ContractFunction) =>
      fn.allow(
        ["ses:SendEmail", "ses:SendRawEmail"],
        [
          stack.formatArn({ service: "ses", resource: "identity", resourceName: "*" }),
          email.configurationSetArn,
        ],
        {
          finding: `AwsSolutions-IAM5[Resource::${nagArnPrefix(stack, "ses")}:identity/*]`,
          reason:
            "SES in the sandbox authorizes the send against each recipient's verified identity too; the statement is limited by ses:FromAddress to the project's sender.",
        },
        { StringEquals: { "ses:FromAddress": email.mailFrom } },
      );

    const tableResources = [table.table.tableArn, ...table.indexArns];
    const apply: Record<Grant, (fn: ContractFunction) => void> = {
      "table-read": (fn) => fn.allow(["dynamodb:GetItem", "dynamodb:Query"], tableResources),
      "table-write": (fn) => fn.allow(["dynamodb:PutItem", "dynamodb:UpdateItem"], [table.table.tableArn]),
      "usage-read": (fn) => {
        fn.allow(["s3:GetObject"], usageObjects.resources, usageObjects.wildcard);
        listUsage(fn);
      },
      "kickoff-manifest-write": (fn) =>
        fn.allow(["s3:PutObject"], kickoffManifests.resources, kickoffManifests.wildcard),
      "mail-read": (fn) => fn.allow(["s3:GetObject"], inboundMail.resources, inboundMail.wildcard),
      "send-email": sendEmail,
      "start-monthly-cycle": (fn) => fn.allow(["states:StartExecution"], [this.monthlyCycleArn]),
      "start-renewal-watch": (fn) => fn.allow(["states:StartExecution"], [this.renewalWatchArn]),
      "answer-obligation-clock": (fn) =>
        fn.allow(["states:SendTaskSuccess"], [stateMachineArn(stateMachineNames.obligationClock)]),
      "answer-workflow-tasks": (fn) =>
        fn.allow(
          ["states:SendTaskSuccess", "states:SendTaskFailure"],
          [this.monthlyCycleArn, this.renewalWatchArn],
        ),
    };

    const created = {} as Record<FunctionName, ContractFunction>;
    for (const name of functionNames) {
      const { description, grants } = descriptions[name];
      const fn = new ContractFunction(this, name, {
        name,
        description,
        environment: {
          ...environment,
          ...(grants.includes("start-monthly-cycle") ? { MONTHLY_CYCLE_ARN: this.monthlyCycleArn } : {}),
          ...(grants.includes("start-renewal-watch") ? { RENEWAL_WATCH_ARN: this.renewalWatchArn } : {}),
        },
        // Reading and parsing a stored email (up to the 40 MB SES limit) takes longer than a table write.
        // Reserved concurrency (ADR 0030): anyone can send mail, and a flood must neither starve the
        // workflow functions of the account's concurrency nor scale without bound.
        ...(name === "inbound-reply"
          ? {
              timeout: Duration.minutes(2),
              memorySize: 1024,
              deadLetterQueue: props.inboundDeadLetterQueue,
              reservedConcurrentExecutions: 5,
            }
          : {}),
      });
      for (const grant of grants) apply[grant](fn);
      created[name] = fn;
    }
    this.byName = created;
  }

  /** The Lambda functions by name, as the workflow definitions take them. */
  lambdas<Name extends FunctionName>(names: readonly Name[]): Record<Name, ContractFunction["fn"]> {
    return Object.fromEntries(names.map((name) => [name, this.byName[name].fn])) as Record<
      Name,
      ContractFunction["fn"]
    >;
  }
}
