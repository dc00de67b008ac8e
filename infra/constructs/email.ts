/**
 * SES (architecture §7): the sending identity and its configuration set, and the receipt rule set that
 * stores each reply to `reply.<mailDomain>` in S3 (`inbound/<messageId>`) and then calls inbound-reply.
 *
 * A receipt rule set does nothing until it is made the active one (one per region per account) and SES
 * receives email only in some regions; docs/operations.md has the steps.
 */
import { ArnFormat, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as ses from "aws-cdk-lib/aws-ses";
import * as actions from "aws-cdk-lib/aws-ses-actions";
import { Construct } from "constructs";

export const DEFAULT_MAIL_DOMAIN = "contract-ops.example.com";
/** The S3 prefix the receipt rule writes and inbound-reply reads (`inbound/<SES messageId>`). */
export const INBOUND_PREFIX = "inbound/";

export interface ContractOpsEmailProps {
  mailDomain: string;
}

export class ContractOpsEmail extends Construct {
  readonly mailDomain: string;
  readonly replyDomain: string;
  readonly mailFrom: string;
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly identityArn: string;
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: ContractOpsEmailProps) {
    super(scope, id);
    this.mailDomain = props.mailDomain;
    this.replyDomain = `reply.${props.mailDomain}`;
    this.mailFrom = `billing@${props.mailDomain}`;

    this.configurationSet = new ses.ConfigurationSet(this, "ConfigurationSet", {
      configurationSetName: "ContractOps",
      reputationMetrics: true,
      // Statements carry bank details and the reply address: never sent in clear (ADR 0030).
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      sendingEnabled: true,
    });
    // The configuration set is the identity's default, so every send is measured without code changes.
    this.identity = new ses.EmailIdentity(this, "Identity", {
      identity: ses.Identity.domain(props.mailDomain),
      configurationSet: this.configurationSet,
    });
    this.identityArn = this.identity.emailIdentityArn;
    this.configurationSetArn = Stack.of(this).formatArn({
      service: "ses",
      resource: "configuration-set",
      resourceName: this.configurationSet.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** Replies to `reply.<mailDomain>`: stored in S3 first (the evidence), then handed to inbound-reply. */
  receiveReplies(bucket: s3.IBucket, inboundReply: lambda.IFunction): ses.ReceiptRuleSet {
    const ruleSet = new ses.ReceiptRuleSet(this, "ReceiptRules", {
      receiptRuleSetName: "ContractOps",
      rules: [
        {
          receiptRuleName: "contract-ops-replies",
          recipients: [this.replyDomain],
          // SES's spam and virus verdicts are part of the trust check inbound-reply makes (architecture §7).
          scanEnabled: true,
          tlsPolicy: ses.TlsPolicy.REQUIRE,
          actions: [
            new actions.S3({ bucket, objectKeyPrefix: INBOUND_PREFIX }),
            new actions.Lambda({
              function: inboundReply,
              invocationType: actions.LambdaInvocationType.EVENT,
            }),
          ],
        },
      ],
    });
    // The actions grant SES by account only; any receipt rule in the account could then write replies or
    // invoke the handler. Both are tied to this one rule (ADR 0030, the SES guide's aws:SourceArn form).
    const ruleArn = Stack.of(this).formatArn({
      service: "ses",
      resource: "receipt-rule-set",
      resourceName: "ContractOps:receipt-rule/contract-ops-replies",
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const permission = inboundReply.node.tryFindChild("AllowSes") as lambda.CfnPermission | undefined;
    if (!permission) throw new Error("the SES Lambda action no longer creates its AllowSes permission");
    permission.addPropertyOverride("SourceArn", ruleArn);
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.ServicePrincipal("ses.amazonaws.com")],
        actions: ["s3:PutObject"],
        resources: [bucket.arnForObjects(`${INBOUND_PREFIX}*`)],
        conditions: { ArnNotEquals: { "aws:SourceArn": ruleArn } },
      }),
    );
    return ruleSet;
  }
}
