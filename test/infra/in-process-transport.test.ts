/**
 * The in-process transport (ADR 0077): the SDK's signed request reaches the emulator's HTTP server without a
 * socket, and everything above the socket is as over HTTP — SigV4 (s3rver checks each request's signature),
 * query strings, streamed bodies, and IAM enforcement (ADR 0025), which refuses the same request with the
 * same answer either way.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_REGION,
  LOCAL_CREDENTIALS,
  loadAwsConfig,
  makeDynamoDbClient,
  makeS3Client,
} from "../../functions/adapters/aws-config";
import { IamEnforcer, rolesFromTemplate } from "../../infra/local/iam";
import { InProcessTransport, type LocalTransport } from "../../infra/local/in-process-transport";
import { startLocalServices } from "../../infra/local/services";
import { startLocalStack } from "../../infra/local/stack";
import { localTemplate } from "../../infra/local/template-cache";

const ACCOUNT = "000000000000";
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

describe("in-process transport", () => {
  it("hands the signed request to a server that listens on no port", async () => {
    const seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: string } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        Object.assign(seen, {
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        res.setHeader("content-type", "application/x-amz-json-1.0");
        res.end(JSON.stringify({ Item: { PK: { S: "CONTRACT#1" }, SK: { S: "META" } } }));
      });
    });
    const transport = new InProcessTransport();
    // Port 1: nothing listens there, so a request that went over TCP would be refused.
    transport.register("http://127.0.0.1:1", server);
    const client = new DynamoDBClient({
      region: DEFAULT_REGION,
      endpoint: "http://127.0.0.1:1",
      credentials: LOCAL_CREDENTIALS,
    });
    transport.clientHook(client);
    const key = { PK: { S: "CONTRACT#1" }, SK: { S: "META" } };
    const out = await client.send(new GetItemCommand({ TableName: "ContractOps", Key: key }));

    expect(out.Item).toEqual(key);
    // The DynamoDB JSON protocol as documented: POST /, the operation in X-Amz-Target, a SigV4 signature.
    expect(seen.method).toBe("POST");
    expect(seen.url).toBe("/");
    expect(seen.headers?.["x-amz-target"]).toBe("DynamoDB_20120810.GetItem");
    expect(seen.headers?.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=S3RVER/\\d{8}/${DEFAULT_REGION}/dynamodb/aws4_request, `),
    );
    expect(JSON.parse(seen.body ?? "")).toEqual({ TableName: "ContractOps", Key: key });
    client.destroy();
    transport.destroy();
  });

  it("keeps S3's signature, query string and body intact (s3rver verifies each signature)", async () => {
    const services = await startLocalServices({ transport: "in-process" });
    try {
      const config = loadAwsConfig(services.env);
      const s3: S3Client = makeS3Client(config);
      const body = "Calling,Called\n043180001111,13904310000\n中文 ¥ 1.00\n";
      await s3.send(
        new PutObjectCommand({ Bucket: config.usageBucket, Key: "usage/c 1/2025-09/voice.csv", Body: body }),
      );
      const listed = await s3.send(
        new ListObjectsV2Command({ Bucket: config.usageBucket, Prefix: "usage/c 1/", MaxKeys: 5 }),
      );
      expect(listed.Contents?.map((object) => object.Key)).toEqual(["usage/c 1/2025-09/voice.csv"]);
      const object = await s3.send(
        new GetObjectCommand({ Bucket: config.usageBucket, Key: "usage/c 1/2025-09/voice.csv" }),
      );
      expect(await object.Body?.transformToString("utf8")).toBe(body);
      s3.destroy();
    } finally {
      await services.stop();
    }
  });

  it("lets IAM enforcement refuse the same requests with the same answers as over HTTP", async () => {
    const { template } = await localTemplate(repoRoot);
    const names = loadAwsConfig({});
    const refusals = async (transport: LocalTransport) => {
      const iam = new IamEnforcer(
        rolesFromTemplate(template, {
          region: DEFAULT_REGION,
          accountId: ACCOUNT,
          tableName: names.tableName,
          bucketNames: { usage: names.usageBucket, mail: names.mailBucket },
        }),
        { region: DEFAULT_REGION, accountId: ACCOUNT },
      );
      const stack = await startLocalStack({
        iam,
        transport,
        // Each call's "handler" is the function passed as the payload.
        invokeLambda: async (_arn, payload) => (payload as () => Promise<unknown>)(),
      });
      try {
        const config = loadAwsConfig({ ...stack.env, AWS_REGION: DEFAULT_REGION });
        const as = (fn: string, body: () => Promise<unknown>) =>
          stack.invokeLambda(`arn:aws:lambda:${DEFAULT_REGION}:${ACCOUNT}:function:ContractOps-${fn}`, body, {
            functionName: `ContractOps-${fn}`,
            awsRequestId: `test-${fn}`,
          });
        const outcome = (error: unknown) => {
          const e = error as Error & { $metadata?: { httpStatusCode?: number } };
          return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
        };
        const db = makeDynamoDbClient(config);
        const s3 = makeS3Client(config);
        const item = { PK: { S: "CONTRACT#iam" }, SK: { S: "PROBE" } };
        const put = () => db.send(new PutItemCommand({ TableName: config.tableName, Item: item }));
        const read = () =>
          s3.send(new GetObjectCommand({ Bucket: config.usageBucket, Key: "usage/c1/2025-09/voice.csv" }));
        const result = {
          dynamodb: outcome(await as("list-active-contracts", put).catch((e: unknown) => e)),
          s3: outcome(await as("send-bill", read).catch((e: unknown) => e)),
          // Outside an invocation nothing is enforced: the service itself accepts the write.
          unenforced: (await put()).$metadata.httpStatusCode,
        };
        db.destroy();
        s3.destroy();
        return result;
      } finally {
        await stack.stop();
      }
    };

    const overHttp = await refusals("http");
    const inProcess = await refusals("in-process");
    // DynamoDB 400 AccessDeniedException, S3 403 AccessDenied (the services' API references, "Errors").
    expect(overHttp.dynamodb).toMatchObject({ name: "AccessDeniedException", status: 400 });
    expect(overHttp.dynamodb.message).toContain("is not authorized to perform: dynamodb:PutItem");
    expect(overHttp.s3).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(overHttp.unenforced).toBe(200);
    expect(inProcess).toEqual(overHttp);
  }, 120_000);
});
