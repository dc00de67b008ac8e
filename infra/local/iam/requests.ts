/**
 * What IAM authorizes for one SDK call (ADR 0025): the action(s), the resource ARN(s) and the condition
 * context, per the Service Authorization Reference of DynamoDB, S3, SES and Step Functions
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/). One call may need several grants
 * (TransactWriteItems: one per item; SendEmail in the sandbox: the sender's and every recipient's identity).
 */
import type { AuthorizationRequest } from "./policy";

export interface CallSite {
  region: string;
  accountId: string;
  /** The SDK client, e.g. "DynamoDBClient", "S3Client", "SESClient", "SFNClient". */
  clientName: string;
  /** The operation without "Command", e.g. "UpdateItem". */
  operation: string;
  input: Record<string, unknown>;
}

export interface RequestOptions {
  /** SES sandbox: the verified identities, whose ARNs SES also authorizes the recipients against. */
  sesVerifiedIdentities?: readonly string[];
  /** The state machine holding an open task token (SendTaskSuccess/Failure/Heartbeat). */
  stateMachineOfTaskToken?: (taskToken: string) => string | undefined;
}

const SERVICE_PREFIX: Record<string, string> = {
  DynamoDBClient: "dynamodb",
  S3Client: "s3",
  SESClient: "ses",
  SFNClient: "states",
  STSClient: "sts",
};

/** AWS answers these without any permission (IAM User Guide: GetCallerIdentity needs none). */
const NO_PERMISSION = new Set(["sts:GetCallerIdentity"]);

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The bare address of `Name <address>` or `address`. */
function address(value: string): string {
  return (/<([^>]+)>/.exec(value)?.[1] ?? value).trim();
}

function sesIdentityArns(site: CallSite, addresses: string[], verified: readonly string[]): string[] {
  // SES authorizes against the identity the address is verified by: itself, else its domain.
  return addresses.map((a) => {
    const bare = address(a).toLowerCase();
    const domain = bare.slice(bare.indexOf("@") + 1);
    const identity = verified.some((v) => v.toLowerCase() === bare) ? bare : domain;
    return `arn:aws:ses:${site.region}:${site.accountId}:identity/${identity}`;
  });
}

function recipientsOf(input: Record<string, unknown>): string[] {
  const destination = (input.Destination ?? {}) as Record<string, unknown>;
  const lists = [
    destination.ToAddresses,
    destination.CcAddresses,
    destination.BccAddresses,
    input.Destinations,
  ];
  return lists.flatMap((list) => (Array.isArray(list) ? list.filter((a) => typeof a === "string") : []));
}

/** The IAM requests for one call; an empty list when the call needs no permission. */
export function authorizationRequests(site: CallSite, options: RequestOptions = {}): AuthorizationRequest[] {
  const prefix = SERVICE_PREFIX[site.clientName] ?? site.clientName.replace(/Client$/, "").toLowerCase();
  const action = `${prefix}:${site.operation}`;
  if (NO_PERMISSION.has(action)) return [];
  const { input } = site;
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${site.region}:${site.accountId}:${resource}`;
  const context: Record<string, string | string[]> = {
    "aws:requestedregion": site.region,
    "aws:securetransport": "true",
    "aws:principalaccount": site.accountId,
  };
  const one = (resource: string, extra: Record<string, string | string[]> = {}) => [
    { action, resource, context: { ...context, ...extra } },
  ];

  switch (prefix) {
    case "dynamodb": {
      const table = (name: unknown) => arn("dynamodb", `table/${String(name)}`);
      if (site.operation === "TransactWriteItems" || site.operation === "TransactGetItems") {
        const items = (input.TransactItems ?? []) as Record<string, { TableName?: unknown }>[];
        return items.flatMap((item) =>
          Object.entries(item).map(([kind, body]) => ({
            action: `dynamodb:${kind === "Get" ? "GetItem" : kind === "ConditionCheck" ? "ConditionCheckItem" : `${kind}Item`}`,
            resource: table(body.TableName),
            context,
          })),
        );
      }
      if (site.operation === "BatchGetItem" || site.operation === "BatchWriteItem") {
        const tables = Object.keys((input.RequestItems ?? {}) as object);
        return tables.map((name) => ({ action, resource: table(name), context }));
      }
      const index = text(input.IndexName);
      return one(index ? `${table(input.TableName)}/index/${index}` : table(input.TableName));
    }
    case "s3": {
      const bucket = text(input.Bucket) ?? "";
      const object = (key: unknown) => `arn:aws:s3:::${bucket}/${String(key)}`;
      switch (site.operation) {
        case "GetObject":
        case "HeadObject":
          return [{ action: "s3:GetObject", resource: object(input.Key), context }];
        case "PutObject":
        case "DeleteObject":
          return one(object(input.Key));
        case "DeleteObjects": {
          const keys = ((input.Delete as { Objects?: { Key?: unknown }[] } | undefined)?.Objects ?? []).map(
            (o) => o.Key,
          );
          return keys.map((key) => ({ action: "s3:DeleteObject", resource: object(key), context }));
        }
        case "ListObjects":
        case "ListObjectsV2": {
          const prefixKey = text(input.Prefix);
          const delimiter = text(input.Delimiter);
          return [
            {
              action: "s3:ListBucket",
              resource: `arn:aws:s3:::${bucket}`,
              context: {
                ...context,
                ...(prefixKey !== undefined ? { "s3:prefix": prefixKey } : {}),
                ...(delimiter !== undefined ? { "s3:delimiter": delimiter } : {}),
              },
            },
          ];
        }
        default:
          return one(input.Key === undefined ? `arn:aws:s3:::${bucket}` : object(input.Key));
      }
    }
    case "ses": {
      if (site.operation !== "SendEmail" && site.operation !== "SendRawEmail") return one("*");
      const source = text(input.Source) ?? "";
      const recipients = recipientsOf(input);
      const verified = options.sesVerifiedIdentities;
      const identities = [
        ...sesIdentityArns(site, [source], verified ?? []),
        // Only in the sandbox does SES authorize the recipients' identities too (docs/operations.md).
        ...(verified ? sesIdentityArns(site, recipients, verified) : []),
      ];
      const configurationSet = text(input.ConfigurationSetName);
      const resources = [
        ...new Set(identities),
        ...(configurationSet ? [arn("ses", `configuration-set/${configurationSet}`)] : []),
      ];
      const sesContext: Record<string, string | string[]> = {
        ...context,
        "ses:apiversion": "1",
        ...(source ? { "ses:fromaddress": address(source) } : {}),
        ...(recipients.length > 0 ? { "ses:recipients": recipients.map(address) } : {}),
      };
      return resources.map((resource) => ({ action, resource, context: sesContext }));
    }
    case "states": {
      const token = text(input.taskToken);
      if (token !== undefined) {
        // An unknown token is the service's to refuse (InvalidToken), not IAM's.
        const machine = options.stateMachineOfTaskToken?.(token);
        return machine === undefined ? [] : one(machine);
      }
      const resource = text(input.executionArn) ?? text(input.stateMachineArn) ?? "*";
      return one(resource);
    }
    default:
      return one("*");
  }
}
