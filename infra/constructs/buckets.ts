/**
 * S3 buckets: inbound mail (SES receipt rule writes `inbound/<messageId>`), usage CSVs
 * (`usage/<contractId>/<YYYY-MM>/voice.csv|sms.csv`) and the server access logs of both.
 * All SSE-S3 encrypted (SES receipt can write to it without KMS grants), public access blocked, TLS only,
 * versioned, and kept when the stack is deleted.
 */
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { KICKOFF_MANIFEST_PREFIX } from "../../workflows/monthly-kickoff";

/**
 * R-RETAIN-1: billing data is kept 12 months after the month the bill was produced. An inbound reply is
 * evidence of the reconciliation of that bill, so it is kept for 13 months (the bill's month + 12), then expires.
 */
export const INBOUND_MAIL_RETENTION_DAYS = 13 * 31;
/** Usage records back a bill: same window as the bill (R-RETAIN-1), counted from upload. */
export const USAGE_RETENTION_DAYS = 14 * 31;

const common: Partial<s3.BucketProps> = {
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  versioned: true,
  removalPolicy: RemovalPolicy.RETAIN,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
};

const KICKOFF_MANIFEST_RETENTION_DAYS = 90;

/** Resource metadata naming a bucket's role ("usage", "mail") for the embedded stack. */
export const LOCAL_BUCKET_METADATA = "contract-ops:bucket";

export class ContractOpsBuckets extends Construct {
  readonly accessLogs: s3.Bucket;
  readonly mail: s3.Bucket;
  readonly usage: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.accessLogs = new s3.Bucket(this, "AccessLogs", {
      ...common,
      lifecycleRules: [
        {
          expiration: Duration.days(INBOUND_MAIL_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "This is the server access log bucket of the mail and usage buckets; logging it into itself would loop.",
    });

    this.mail = new s3.Bucket(this, "InboundMail", {
      ...common,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: "inbound-mail/",
      lifecycleRules: [
        {
          prefix: "inbound/",
          expiration: Duration.days(INBOUND_MAIL_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });

    this.usage = new s3.Bucket(this, "Usage", {
      ...common,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: "usage/",
      lifecycleRules: [
        {
          prefix: "usage/",
          expiration: Duration.days(USAGE_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(30),
        },
        {
          // MonthlyKickoff's manifests (ADR 0051): read once by the Map Run, kept a while for inquiries.
          prefix: KICKOFF_MANIFEST_PREFIX,
          expiration: Duration.days(KICKOFF_MANIFEST_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
    });
    // Lets the embedded stack resolve a `Ref` to these buckets in a synthesized definition (infra/local/sfn).
    (this.usage.node.defaultChild as s3.CfnBucket).addMetadata(LOCAL_BUCKET_METADATA, "usage");
    (this.mail.node.defaultChild as s3.CfnBucket).addMetadata(LOCAL_BUCKET_METADATA, "mail");
  }
}
