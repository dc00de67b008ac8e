/**
 * The record of operator writes that the operator role cannot rewrite (ADR 0037). The audit entries in the table
 * are the readable history; IAM cannot make a role's PutItem conditional, so a role that appends them could also
 * overwrite them. The authoritative record is CloudTrail's: every write to the table (DynamoDB data events) and
 * every management write, with the caller's ARN, in log files with integrity validation (digest files), kept in
 * a bucket under S3 Object Lock for the retention of R-RETAIN-1 (合同第三条3.9款) plus its grace. The operator role
 * is denied changing the trail or anything in its bucket.
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as cloudtrail from "aws-cdk-lib/aws-cloudtrail";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { INBOUND_MAIL_RETENTION_DAYS } from "./buckets";
import type { ContractOpsTable } from "./table";

/** Log files stay locked as long as the audit entries they back (12 months after their month + 31 days). */
export const OPERATOR_TRAIL_LOCK_DAYS = INBOUND_MAIL_RETENTION_DAYS + 31;

export interface OperatorTrailProps {
  table: ContractOpsTable;
  accessLogs: s3.IBucket;
}

export class ContractOpsOperatorTrail extends Construct {
  readonly bucket: s3.Bucket;
  readonly trail: cloudtrail.Trail;

  constructor(scope: Construct, id: string, props: OperatorTrailProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, "Logs", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: "operator-trail/",
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(OPERATOR_TRAIL_LOCK_DAYS)),
      lifecycleRules: [{ expiration: Duration.days(OPERATOR_TRAIL_LOCK_DAYS + 1) }],
    });
    this.trail = new cloudtrail.Trail(this, "Trail", {
      bucket: this.bucket,
      enableFileValidation: true,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
    });
    // The L2 trail selects S3 and Lambda data events only; DynamoDB tables take a basic selector as well.
    (this.trail.node.defaultChild as cloudtrail.CfnTrail).eventSelectors = [
      {
        readWriteType: "WriteOnly",
        includeManagementEvents: true,
        dataResources: [{ type: "AWS::DynamoDB::Table", values: [props.table.table.tableArn] }],
      },
    ];
  }

  /** What a role that records facts must never do to this record. */
  denyTampering(role: iam.Role): void {
    role.addToPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: [
          "cloudtrail:StopLogging",
          "cloudtrail:DeleteTrail",
          "cloudtrail:UpdateTrail",
          "cloudtrail:PutEventSelectors",
          "cloudtrail:PutInsightSelectors",
        ],
        resources: [this.trail.trailArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: [
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:DeleteObjectVersion",
          "s3:PutObjectRetention",
          "s3:PutObjectLegalHold",
          "s3:BypassGovernanceRetention",
          "s3:PutBucketPolicy",
          "s3:DeleteBucketPolicy",
          "s3:PutLifecycleConfiguration",
          "s3:PutBucketObjectLockConfiguration",
          "s3:PutBucketVersioning",
        ],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects("*")],
      }),
    );
  }
}
