/**
 * The lean S3 GetObject client (ADR 0096) against the embedded stack's S3, beside the SDK's S3Client: an object
 * read back byte for byte (whole and by range), S3's errors named as S3 names them, the fault plan (ADR 0022)
 * firing on its calls as on S3Client's, and IAM enforcement (ADR 0025) refusing it as s3:GetObject — with
 * inbound-reply's grant on the mail bucket removed from the synthesized template, as a deploy with that
 * policy would run on AWS.
 */
import { fileURLToPath } from "node:url";
import { PutObjectCommand, GetObjectCommand as SdkGetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AwsConfig,
  DEFAULT_REGION,
  loadAwsConfig,
  makeS3Client,
  makeS3GetObjectClient,
} from "../../functions/adapters/aws-config";
import { GetObjectCommand } from "../../functions/adapters/s3-get-object";
import { IamEnforcer, rolesFromTemplate } from "../../infra/local/iam";
import { type LocalStack, startLocalStack } from "../../infra/local/stack";
import { localTemplate } from "../../infra/local/template-cache";

const ACCOUNT = "000000000000";
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const functionArn = (name: string) =>
  `arn:aws:lambda:${DEFAULT_REGION}:${ACCOUNT}:function:ContractOps-${name}`;

/** A stored message: CRLF lines, UTF-8 Chinese, and bytes that are no UTF-8 at all. */
const MESSAGE = Buffer.concat([
  Buffer.from("From: 医保局 <a@example.cn>\r\nSubject: =?UTF-8?B?56Gu6K6k?=\r\n\r\n确认\r\n", "utf8"),
  Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0d, 0x0a]),
]);
const MESSAGE_KEY = "inbound/lean-client 回复+1";
const USAGE_KEY = "usage/c1/2025-09/voice.csv";

interface Statement {
  Action: string | string[];
  Resource: unknown;
}
interface PolicyResource {
  Type: string;
  Properties: { PolicyDocument: { Statement: Statement[] }; Roles: { Ref: string }[] };
}

/** The template with inbound-reply's s3:GetObject statements taken out of its role's policies. */
function withoutInboundRead(template: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(template) as { Resources: Record<string, PolicyResource> };
  let dropped = 0;
  for (const resource of Object.values(copy.Resources)) {
    if (resource.Type !== "AWS::IAM::Policy") continue;
    if (!resource.Properties.Roles.some((role) => role.Ref.startsWith("FunctionsinboundreplyRole"))) continue;
    const statements = resource.Properties.PolicyDocument.Statement;
    const kept = statements.filter(
      (s) => !(Array.isArray(s.Action) ? s.Action : [s.Action]).includes("s3:GetObject"),
    );
    dropped += statements.length - kept.length;
    resource.Properties.PolicyDocument.Statement = kept;
  }
  if (dropped === 0) throw new Error("inbound-reply's role had no s3:GetObject statement to remove");
  return copy;
}

let stack: LocalStack;
let iam: IamEnforcer;
let config: AwsConfig;

/** Runs `body` as an invocation of the function: its SDK calls are made with that function's role. */
function as<T>(fn: string, body: () => Promise<T>): Promise<T> {
  return stack.invokeLambda(functionArn(fn), body, {
    functionName: `ContractOps-${fn}`,
    awsRequestId: `test-${fn}`,
  }) as Promise<T>;
}

const leanRead = (Bucket: string, Key: string, Range?: string) => async () => {
  const object = await makeS3GetObjectClient(config).send(
    new GetObjectCommand({ Bucket, Key, ...(Range === undefined ? {} : { Range }) }),
  );
  return Buffer.from(await object.Body.transformToByteArray());
};
const sdkRead = (Bucket: string, Key: string) => async () => {
  const object = await makeS3Client(config).send(new SdkGetObjectCommand({ Bucket, Key }));
  return Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array()));
};

function failure(error: unknown) {
  const e = error as Error & { $metadata?: { httpStatusCode?: number } };
  return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
}

beforeAll(async () => {
  const { template } = await localTemplate(repoRoot);
  const names = loadAwsConfig({});
  iam = new IamEnforcer(
    rolesFromTemplate(withoutInboundRead(template), {
      region: DEFAULT_REGION,
      accountId: ACCOUNT,
      tableName: names.tableName,
      bucketNames: { usage: names.usageBucket, mail: names.mailBucket },
    }),
    { region: DEFAULT_REGION, accountId: ACCOUNT },
  );
  stack = await startLocalStack({
    iam,
    // inbound-reply's first two invocations crash before their GetObject (the lean client's, then
    // S3Client's); its third times out there.
    faults: {
      faults: [
        {
          kind: "crash",
          function: "inbound-reply",
          invocation: 1,
          operation: "GetObject",
          call: 1,
          when: "before",
        },
        {
          kind: "crash",
          function: "inbound-reply",
          invocation: 2,
          operation: "GetObject",
          call: 1,
          when: "before",
        },
        { kind: "timeout", function: "inbound-reply", invocation: 3, operation: "GetObject", call: 1 },
      ],
    },
    // Each test's "handler" is the function passed as the payload.
    invokeLambda: async (_arn, payload) => (payload as () => Promise<unknown>)(),
  });
  config = loadAwsConfig({ ...stack.env, AWS_REGION: DEFAULT_REGION });
  const s3 = makeS3Client(config);
  await s3.send(new PutObjectCommand({ Bucket: config.mailBucket, Key: MESSAGE_KEY, Body: MESSAGE }));
  await s3.send(new PutObjectCommand({ Bucket: config.usageBucket, Key: USAGE_KEY, Body: "x\n" }));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe("the lean GetObject client on the embedded S3", () => {
  it("reads a stored message back byte for byte, whole and by range, as S3Client does", async () => {
    const whole = await leanRead(config.mailBucket, MESSAGE_KEY)();
    expect(whole.equals(MESSAGE)).toBe(true);
    expect(whole.equals(await sdkRead(config.mailBucket, MESSAGE_KEY)())).toBe(true);
    const head = await leanRead(config.mailBucket, MESSAGE_KEY, "bytes=0-9")();
    expect(head.equals(MESSAGE.subarray(0, 10))).toBe(true);
  });

  it("a missing key is NoSuchKey, 404, with S3's message, as S3Client gives it", async () => {
    const mine = failure(await leanRead(config.mailBucket, "inbound/no-such-message")().catch((e) => e));
    const theirs = failure(await sdkRead(config.mailBucket, "inbound/no-such-message")().catch((e) => e));
    expect(mine).toMatchObject({ name: "NoSuchKey", status: 404 });
    expect(mine).toEqual(theirs);
  });

  it("the fault plan's crash and timeout before a GetObject reach the handler as with S3Client", async () => {
    const leanCrash = failure(
      await as("inbound-reply", leanRead(config.mailBucket, MESSAGE_KEY)).catch((e) => e),
    );
    const sdkCrash = failure(
      await as("inbound-reply", sdkRead(config.mailBucket, MESSAGE_KEY)).catch((e) => e),
    );
    const leanTimeout = failure(
      await as("inbound-reply", leanRead(config.mailBucket, MESSAGE_KEY)).catch((e) => e),
    );
    expect(leanCrash.name).toBe("Runtime.ExitError");
    expect(leanCrash.message).toContain("inbound-reply invocation 1, crash before (call 1: GetObject)");
    expect(sdkCrash.name).toBe("Runtime.ExitError");
    expect(sdkCrash.message).toBe(leanCrash.message.replace("invocation 1", "invocation 2"));
    expect(leanTimeout.name).toBe("Sandbox.Timedout");
    expect(stack.faults?.injected.map((f) => f.where)).toEqual([
      "inbound-reply invocation 1, crash before (call 1: GetObject)",
      "inbound-reply invocation 2, crash before (call 1: GetObject)",
      "inbound-reply invocation 3, timeout (call 1: GetObject)",
    ]);
  });

  it("IAM: inbound-reply without s3:GetObject on the mail bucket is refused 403 AccessDenied, as S3Client is", async () => {
    const mine = failure(await as("inbound-reply", leanRead(config.mailBucket, MESSAGE_KEY)).catch((e) => e));
    const theirs = failure(
      await as("inbound-reply", sdkRead(config.mailBucket, MESSAGE_KEY)).catch((e) => e),
    );
    expect(mine).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(mine.message).toContain(
      `is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${config.mailBucket}/${MESSAGE_KEY}"`,
    );
    expect(mine).toEqual(theirs);
    expect(iam.denials).toContainEqual(
      expect.objectContaining({
        action: "s3:GetObject",
        resource: `arn:aws:s3:::${config.mailBucket}/${MESSAGE_KEY}`,
        reason: "no-allow",
      }),
    );
  });

  it("IAM: a role with s3:GetObject reads through the enforcer; with s3:ListBucket a missing key stays NoSuchKey", async () => {
    expect((await as("prepare-bill", leanRead(config.usageBucket, USAGE_KEY))).toString("utf8")).toBe("x\n");
    const missing = failure(
      await as("prepare-bill", leanRead(config.usageBucket, "usage/c1/2025-09/sms.csv")).catch((e) => e),
    );
    expect(missing).toMatchObject({ name: "NoSuchKey", status: 404 });
  });
});
