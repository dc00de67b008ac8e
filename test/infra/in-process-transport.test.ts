/**
 * The in-process transport (ADR 0077): the SDK's signed request reaches the emulator's HTTP server without a
 * socket, and everything above the socket is as over HTTP — SigV4 (s3rver checks each request's signature),
 * query strings, streamed bodies, and IAM enforcement (ADR 0025), which refuses the same request with the
 * same answer either way.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { HttpRequest, HttpResponse } from "@smithy/core/protocols";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_REGION,
  LOCAL_CREDENTIALS,
  loadAwsConfig,
  makeDynamoDbClient,
  makeS3Client,
} from "../../functions/adapters/aws-config";
import { startDynamoDbLocal } from "../../infra/local/dynamodb-local";
import { IamEnforcer, rolesFromTemplate } from "../../infra/local/iam";
import { InProcessTransport, type LocalTransport } from "../../infra/local/in-process-transport";
import { startS3Local } from "../../infra/local/s3-local";
import { startLocalServices } from "../../infra/local/services";
import { startLocalStack } from "../../infra/local/stack";
import { localTemplate } from "../../infra/local/template-cache";
import { createTableInput } from "../../infra/table-schema";

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

/** One answer as the SDK's deserializer receives it: status, headers and the body's bytes, read whole. */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Wraps a request handler so each answer's bytes are kept, and hands the SDK the same bytes as a stream.
 * The headers that name one request (its id, its date) are left out: they differ between any two requests.
 */
function recording(handler: { handle(request: HttpRequest): Promise<{ response: HttpResponse }> }): {
  answers: RawAnswer[];
  requestHandler: { metadata: { handlerProtocol: string }; handle: typeof handler.handle; destroy(): void };
} {
  const perRequest = new Set([
    "date",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-amz-id-2",
    "connection",
    "keep-alive",
  ]);
  const answers: RawAnswer[] = [];
  return {
    answers,
    requestHandler: {
      metadata: { handlerProtocol: "http/1.1" },
      async handle(request) {
        const { response } = await handler.handle(request);
        const chunks: Buffer[] = [];
        // A stream, or bytes whole (ADR 0113), both as the SDK's collectBody takes them.
        const answered =
          response.body instanceof Uint8Array ? [response.body] : (response.body as Readable | undefined);
        for await (const chunk of answered ?? []) chunks.push(Buffer.from(chunk));
        const body = Buffer.concat(chunks);
        const headers = Object.fromEntries(
          Object.entries(response.headers).filter(([name]) => !perRequest.has(name.toLowerCase())),
        );
        answers.push({ status: response.statusCode, headers, body });
        response.body = Readable.from([body]);
        return { response };
      },
      destroy() {},
    },
  };
}

describe("in-process transport answers byte for byte as HTTP does", () => {
  it("gives dynalite's and s3rver's answers unchanged: items, errors, a streamed object, HEAD, a range", async () => {
    const dynamodb = await startDynamoDbLocal({ port: 0 });
    const s3 = await startS3Local({ port: 0, buckets: ["transport-probe"] });
    const transport = new InProcessTransport();
    transport.register(dynamodb.endpoint, dynamodb.server);
    transport.register(s3.endpoint, s3.server);
    // As the embedded stack registers them: DynamoDB's answers whole, S3's streamed (ADR 0113).
    const asTheStack = new InProcessTransport();
    asTheStack.register(dynamodb.endpoint, dynamodb.server, "whole");
    asTheStack.register(s3.endpoint, s3.server);
    const overHttp = recording(new NodeHttpHandler());
    const inProcess = recording(transport.requestHandler);
    const inProcessAsTheStack = recording(asTheStack.requestHandler);
    try {
      const common = { region: DEFAULT_REGION, credentials: LOCAL_CREDENTIALS };
      const db = new DynamoDBClient({ ...common, endpoint: dynamodb.endpoint, maxAttempts: 1 });
      await db.send(new CreateTableCommand(createTableInput("Probe")));
      // 300 KB of multi-byte text: the object's body spans many chunks, as a streamed file does.
      const objectText = "话单,Calling,Called,¥\n".repeat(12_000);
      const s3Setup = new S3Client({ ...common, endpoint: s3.endpoint, forcePathStyle: true });
      await s3Setup.send(
        new PutObjectCommand({ Bucket: "transport-probe", Key: "usage/c 1/voice.csv", Body: objectText }),
      );

      const play = async (requestHandler: ReturnType<typeof recording>["requestHandler"]) => {
        const dbVia = new DynamoDBClient({
          ...common,
          endpoint: dynamodb.endpoint,
          maxAttempts: 1,
          requestHandler,
        });
        const s3Via = new S3Client({
          ...common,
          endpoint: s3.endpoint,
          forcePathStyle: true,
          maxAttempts: 1,
          requestHandler,
        });
        const item = {
          PK: { S: "CONTRACT#1" },
          SK: { S: "CYCLE#2025-09" },
          amountFen: { N: "123456789012345678" },
        };
        const outcome = (promise: Promise<unknown>) =>
          promise.then(
            () => "ok",
            (error: Error) => error.name,
          );
        const names = [
          await outcome(dbVia.send(new PutItemCommand({ TableName: "Probe", Item: item }))),
          await outcome(
            dbVia.send(new GetItemCommand({ TableName: "Probe", Key: { PK: item.PK, SK: item.SK } })),
          ),
          await outcome(
            dbVia.send(
              new PutItemCommand({
                TableName: "Probe",
                Item: item,
                ConditionExpression: "attribute_not_exists(PK)",
              }),
            ),
          ),
          await outcome(
            dbVia.send(new GetItemCommand({ TableName: "Missing", Key: { PK: item.PK, SK: item.SK } })),
          ),
          await outcome(
            dbVia.send(
              new QueryCommand({
                TableName: "Probe",
                KeyConditionExpression: "PK = :pk",
                ExpressionAttributeValues: { ":pk": item.PK },
              }),
            ),
          ),
          await outcome(
            s3Via.send(new GetObjectCommand({ Bucket: "transport-probe", Key: "usage/c 1/voice.csv" })),
          ),
          await outcome(
            s3Via.send(
              new GetObjectCommand({
                Bucket: "transport-probe",
                Key: "usage/c 1/voice.csv",
                Range: "bytes=10-99",
              }),
            ),
          ),
          await outcome(
            s3Via.send(new HeadObjectCommand({ Bucket: "transport-probe", Key: "usage/c 1/voice.csv" })),
          ),
          await outcome(
            s3Via.send(new GetObjectCommand({ Bucket: "transport-probe", Key: "usage/none.csv" })),
          ),
          await outcome(s3Via.send(new GetObjectCommand({ Bucket: "no-such-bucket", Key: "x" }))),
        ];
        dbVia.destroy();
        s3Via.destroy();
        return names;
      };

      const httpOutcomes = await play(overHttp.requestHandler);
      const inProcessOutcomes = await play(inProcess.requestHandler);
      const asTheStackOutcomes = await play(inProcessAsTheStack.requestHandler);
      // The services' API references: a failed condition is ConditionalCheckFailedException (400), a missing
      // table ResourceNotFoundException (400), a missing key NoSuchKey (404), a missing bucket NoSuchBucket.
      expect(httpOutcomes).toEqual([
        "ok",
        "ok",
        "ConditionalCheckFailedException",
        "ResourceNotFoundException",
        "ok",
        "ok",
        "ok",
        "ok",
        "NoSuchKey",
        "NoSuchBucket",
      ]);
      expect(inProcessOutcomes).toEqual(httpOutcomes);
      expect(asTheStackOutcomes).toEqual(httpOutcomes);
      expect(overHttp.answers.map((a) => a.status)).toEqual([
        200, 200, 400, 400, 200, 200, 206, 200, 404, 404,
      ]);
      // The whole object came back, and the range is the bytes asked for (RFC 9110: 10-99 is 90 bytes).
      expect(overHttp.answers[5]?.body.toString("utf8")).toBe(objectText);
      expect(overHttp.answers[6]?.body).toEqual(Buffer.from(objectText).subarray(10, 100));
      expect(overHttp.answers[7]?.body.length).toBe(0);
      // What the comparison covers: DynamoDB's body checksum header, S3's ETag and length.
      expect(overHttp.answers[1]?.headers).toHaveProperty("x-amz-crc32");
      expect(overHttp.answers[5]?.headers).toMatchObject({
        "content-length": String(Buffer.byteLength(objectText)),
      });
      expect(overHttp.answers[5]?.headers).toHaveProperty("etag");
      for (const recorded of [inProcess, inProcessAsTheStack]) {
        expect(recorded.answers).toHaveLength(overHttp.answers.length);
        recorded.answers.forEach((answer, i) => {
          const http = overHttp.answers[i];
          expect({ call: i, status: answer.status, headers: answer.headers }).toEqual({
            call: i,
            status: http?.status,
            headers: http?.headers,
          });
          expect(answer.body.equals(http?.body ?? Buffer.alloc(0)), `call ${i}: body bytes`).toBe(true);
        });
      }
      db.destroy();
      s3Setup.destroy();
    } finally {
      transport.destroy();
      asTheStack.destroy();
      await s3.close();
      await dynamodb.close();
    }
  });
});
