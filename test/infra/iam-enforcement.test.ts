/**
 * IAM enforcement of the embedded stack (ADR 0025), per service: a call the function's role (from the
 * synthesized template) allows succeeds, one it does not is refused as the service refuses it — DynamoDB and
 * Step Functions 400 AccessDeniedException, S3 403 AccessDenied, SES 403 AccessDenied (the services' API
 * references, "Errors"; the message wording from the IAM User Guide, "Troubleshoot access denied error
 * messages"). S3 answers a missing key 404 NoSuchKey only with s3:ListBucket on the bucket, 403 without
 * (GetObject API reference, "Permissions"). Each refused call is also made outside any Lambda invocation,
 * where nothing is enforced, to show the service itself would have accepted it.
 */
import { fileURLToPath } from "node:url";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendEmailCommand } from "@aws-sdk/client-ses";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AwsConfig,
  DEFAULT_REGION,
  loadAwsConfig,
  makeDynamoDbClient,
  makeS3Client,
  makeSesClient,
  makeSfnClient,
} from "../../functions/adapters/aws-config";
import { IamEnforcer, rolesFromTemplate } from "../../infra/local/iam";
import { type LocalStack, startLocalStack } from "../../infra/local/stack";
import { localTemplate } from "../../infra/local/template-cache";

const ACCOUNT = "000000000000";
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const functionArn = (name: string) =>
  `arn:aws:lambda:${DEFAULT_REGION}:${ACCOUNT}:function:ContractOps-${name}`;
const PASS = JSON.stringify({
  QueryLanguage: "JSONata",
  StartAt: "Done",
  States: { Done: { Type: "Succeed" } },
});

let stack: LocalStack;
let iam: IamEnforcer;
let config: AwsConfig;
let machines: { monthlyCycle: string; renewalWatch: string };

/** Runs `body` as an invocation of the function: its SDK calls are made with that function's role. */
function as<T>(fn: string, body: () => Promise<T>): Promise<T> {
  return stack.invokeLambda(functionArn(fn), body, {
    functionName: `ContractOps-${fn}`,
    awsRequestId: `test-${fn}`,
  }) as Promise<T>;
}

function refusal(error: unknown) {
  const e = error as Error & { $metadata?: { httpStatusCode?: number } };
  return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
}

beforeAll(async () => {
  const { template } = await localTemplate(repoRoot);
  const names = loadAwsConfig({});
  iam = new IamEnforcer(
    rolesFromTemplate(template, {
      region: DEFAULT_REGION,
      accountId: ACCOUNT,
      tableName: names.tableName,
      bucketNames: { usage: names.usageBucket, mail: names.mailBucket },
    }),
    { region: DEFAULT_REGION, accountId: ACCOUNT },
  );
  stack = await startLocalStack({
    iam,
    // Each test's "handler" is the function passed as the payload.
    invokeLambda: async (_arn, payload) => (payload as () => Promise<unknown>)(),
  });
  config = loadAwsConfig({ ...stack.env, AWS_REGION: DEFAULT_REGION });
  const create = async (name: string) =>
    (await stack.stepFunctions.createStateMachine({ name, definition: PASS })).stateMachineArn;
  machines = {
    monthlyCycle: await create("ContractOps-MonthlyCycle"),
    renewalWatch: await create("ContractOps-RenewalWatch"),
  };
  await makeS3Client(config).send(
    new PutObjectCommand({ Bucket: config.usageBucket, Key: "usage/c1/2025-09/voice.csv", Body: "x\n" }),
  );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe("IAM enforcement: DynamoDB", () => {
  const item = { PK: { S: "CONTRACT#iam" }, SK: { S: "PROBE" } };

  it("a granted GetItem succeeds", async () => {
    const db = makeDynamoDbClient(config);
    const out = await as("prepare-bill", () =>
      db.send(new GetItemCommand({ TableName: config.tableName, Key: item })),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
  });

  it("a PutItem by a read-only role is 400 AccessDeniedException naming the action and the table", async () => {
    const db = makeDynamoDbClient(config);
    const put = () => db.send(new PutItemCommand({ TableName: config.tableName, Item: item }));
    const error = refusal(await as("list-active-contracts", put).catch((e: unknown) => e));
    expect(error).toMatchObject({ name: "AccessDeniedException", status: 400 });
    expect(error.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/FunctionslistactivecontractsRole77BDF25F/ContractOps-list-active-contracts` +
        ` is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:${DEFAULT_REGION}:${ACCOUNT}:table/${config.tableName}` +
        " because no identity-based policy allows the dynamodb:PutItem action",
    );
    // Not enforced outside an invocation: the service accepts the same write.
    expect((await put()).$metadata.httpStatusCode).toBe(200);
  });
});

describe("IAM enforcement: S3", () => {
  const get = (Bucket: string, Key: string) => () =>
    makeS3Client(config).send(new GetObjectCommand({ Bucket, Key }));

  it("a granted GetObject of usage/ succeeds", async () => {
    const out = await as("prepare-bill", async () => {
      const object = await get(config.usageBucket, "usage/c1/2025-09/voice.csv")();
      return object.Body?.transformToString();
    });
    expect(out).toBe("x\n");
  });

  it("a missing key is 404 NoSuchKey for a role that may ListBucket (prepare-bill)", async () => {
    const error = refusal(
      await as("prepare-bill", get(config.usageBucket, "usage/c1/2025-09/sms.csv")).catch((e) => e),
    );
    expect(error).toMatchObject({ name: "NoSuchKey", status: 404 });
  });

  it("a missing key is 403 AccessDenied for a role that may GetObject but not ListBucket (inbound-reply)", async () => {
    const missing = get(config.mailBucket, "inbound/no-such-message");
    const error = refusal(await as("inbound-reply", missing).catch((e) => e));
    expect(error).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(error.message).toContain(`s3:ListBucket on resource: "arn:aws:s3:::${config.mailBucket}"`);
    const head = () =>
      makeS3Client(config).send(
        new HeadObjectCommand({ Bucket: config.mailBucket, Key: "inbound/no-such-message" }),
      );
    expect(refusal(await as("inbound-reply", head).catch((e) => e)).status).toBe(403);
    // Without enforcement S3 (s3rver) answers 404.
    expect(refusal(await missing().catch((e) => e)).status).toBe(404);
  });

  it("a GetObject outside the role's grants is 403 AccessDenied", async () => {
    const read = get(config.usageBucket, "usage/c1/2025-09/voice.csv");
    const error = refusal(await as("send-bill", read).catch((e) => e));
    expect(error).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(error.message).toContain(
      `is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${config.usageBucket}/usage/c1/2025-09/voice.csv"`,
    );
    expect((await read()).$metadata.httpStatusCode).toBe(200);
  });
});

describe("IAM enforcement: SES", () => {
  const send = (Source: string) => () =>
    makeSesClient(config).send(
      new SendEmailCommand({
        Source,
        Destination: { ToAddresses: ["mali@partya.example"] },
        Message: { Subject: { Data: "probe" }, Body: { Text: { Data: "probe" } } },
      }),
    );

  it("a granted SendEmail from the project's sender succeeds", async () => {
    const out = await as("send-bill", send(config.mailFrom));
    expect(out.MessageId).toBeTruthy();
  });

  it("another sender is refused by the ses:FromAddress condition: 403 AccessDenied", async () => {
    const error = refusal(await as("send-bill", send("mallory@contract-ops.localhost")).catch((e) => e));
    expect(error).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(error.message).toBe(
      `User \`arn:aws:sts::${ACCOUNT}:assumed-role/FunctionssendbillRole4BB9F43F/ContractOps-send-bill' is not authorized` +
        ` to perform \`ses:SendEmail' on resource \`arn:aws:ses:${DEFAULT_REGION}:${ACCOUNT}:identity/contract-ops.localhost'`,
    );
    expect((await send("mallory@contract-ops.localhost")()).MessageId).toBeTruthy();
  });

  it("a function without the send-email grant is refused", async () => {
    const error = refusal(await as("plan-renewal-watch", send(config.mailFrom)).catch((e) => e));
    expect(error).toMatchObject({ name: "AccessDenied", status: 403 });
  });
});

describe("IAM enforcement: Step Functions", () => {
  const start = (stateMachineArn: string, name: string) => () =>
    makeSfnClient(config).send(new StartExecutionCommand({ stateMachineArn, name, input: "{}" }));

  it("a granted StartExecution succeeds", async () => {
    const out = await as("start-monthly-cycle", start(machines.monthlyCycle, "iam-allowed"));
    expect(out.executionArn).toContain(":execution:ContractOps-MonthlyCycle:iam-allowed");
  });

  it("StartExecution of another state machine is 400 AccessDeniedException", async () => {
    const error = refusal(
      await as("start-monthly-cycle", start(machines.renewalWatch, "iam-denied")).catch((e) => e),
    );
    expect(error).toMatchObject({ name: "AccessDeniedException", status: 400 });
    expect(error.message).toContain(`states:StartExecution on resource: ${machines.renewalWatch}`);
    expect((await start(machines.renewalWatch, "iam-denied")()).executionArn).toBeTruthy();
  });

  it("records every refusal with the principal, action and resource", () => {
    expect(iam.denials.map((d) => d.action)).toEqual(
      expect.arrayContaining([
        "dynamodb:PutItem",
        "s3:ListBucket",
        "s3:GetObject",
        "ses:SendEmail",
        "states:StartExecution",
      ]),
    );
    expect(iam.denials.every((d) => d.principal.startsWith(`arn:aws:sts::${ACCOUNT}:assumed-role/`))).toBe(
      true,
    );
  });
});
