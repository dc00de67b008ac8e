/**
 * The clients aws-config.ts builds (one signer per client, ADR 0095; the configuration laid out as fields,
 * ADR 0102) send what the SDK's own clients send. Oracle: the stock SDK client built with the same settings
 * and nothing else — for each operation the handlers use, on the embedded stack's endpoints and on two
 * regions' AWS endpoints, the request as signed (method, URL, every header, the body) must be the same byte
 * for byte, repeated calls included. The SDK's invocation id (a random UUID, signed) is made the same for
 * both, and the clock is fixed. Requests stop after signing: nothing is sent.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import {
  type AwsConfig,
  clientSettings,
  loadAwsConfig,
  makeDocumentClient,
  makeDynamoDbClient,
  makeS3Client,
  makeSesClient,
  makeSfnClient,
} from "../../functions/adapters/aws-config";

class StoppedAfterSigning extends Error {}

const signedRequest = z.object({
  method: z.string(),
  protocol: z.string(),
  hostname: z.string(),
  port: z.number().optional(),
  path: z.string(),
  query: z.record(z.string(), z.unknown()),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
});
type Signed = z.infer<typeof signedRequest> & { body: string };

/** What every client's middleware stack is used for here (their types differ per client). */
interface Stack {
  addRelativeTo(
    middleware: FinalizeRequestMiddleware<object, object>,
    options: { relation: "before" | "after"; toMiddleware: string; name: string },
  ): void;
}

/**
 * A body as base64 bytes. A Uint8Array body is read through its buffer: the SDK's JSON body object warns when
 * used as a string.
 */
function bodyBytes(body: unknown): string {
  if (body === undefined) return "";
  if (typeof body === "string") return Buffer.from(body).toString("base64");
  const bytes = z.instanceof(Uint8Array).parse(body);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Records each request as signed and stops it there. */
function stopAfterSigning(client: { middlewareStack: unknown }): Signed[] {
  const stack = client.middlewareStack as Stack;
  const signed: Signed[] = [];
  stack.addRelativeTo(
    (next) => async (args) => {
      const { request } = args;
      // The request itself, not a parsed copy: the id must be signed.
      if (
        typeof request === "object" &&
        request !== null &&
        "headers" in request &&
        typeof request.headers === "object" &&
        request.headers !== null
      )
        Object.assign(request.headers, { "amz-sdk-invocation-id": "00000000-0000-4000-8000-000000000000" });
      return next(args);
    },
    { relation: "before", toMiddleware: "httpSigningMiddleware", name: "sameInvocationId" },
  );
  stack.addRelativeTo(
    () => async (args) => {
      const request = signedRequest.parse(args.request);
      const body = bodyBytes(request.body);
      signed.push({ ...request, headers: { ...request.headers }, body });
      throw new StoppedAfterSigning("stopped after signing");
    },
    { relation: "after", toMiddleware: "httpSigningMiddleware", name: "stopAfterSigning" },
  );
  return signed;
}

interface Sender {
  send(command: never): Promise<unknown>;
}

/** Sends each command (built afresh) to both clients twice, and gives what each signed. */
async function bothSign(
  ours: Sender & { middlewareStack: unknown },
  stock: Sender & { middlewareStack: unknown },
  commands: (() => object)[],
): Promise<[Signed[], Signed[]]> {
  const oursSigned = stopAfterSigning(ours);
  const stockSigned = stopAfterSigning(stock);
  for (const command of [...commands, ...commands]) {
    await expect(ours.send(command() as never)).rejects.toThrow(StoppedAfterSigning);
    await expect(stock.send(command() as never)).rejects.toThrow(StoppedAfterSigning);
  }
  return [oursSigned, stockSigned];
}

const TABLE = "ContractOps";
const key = { PK: "CONTRACT#11NA0700211920254001", SK: "CYCLE#2025-09" };
const documentCommands = [
  () => new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }),
  () =>
    new PutCommand({
      TableName: TABLE,
      Item: { ...key, amountFen: 123456, note: "合同第四条4.6款", unset: undefined },
      ConditionExpression: "attribute_not_exists(PK)",
    }),
  () =>
    new UpdateCommand({
      TableName: TABLE,
      Key: key,
      UpdateExpression: "SET #s = :s",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":s": "SENT" },
      ReturnValues: "ALL_NEW",
    }),
  () =>
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :sk)",
      ExpressionAttributeValues: { ":pk": key.PK, ":sk": "CYCLE#" },
      ConsistentRead: true,
    }),
];

const settings: [string, AwsConfig][] = [
  [
    "the embedded stack's endpoints",
    loadAwsConfig({
      CONTRACT_OPS_DYNAMODB_ENDPOINT: "http://127.0.0.1:4567",
      CONTRACT_OPS_S3_ENDPOINT: "http://127.0.0.1:4568",
      CONTRACT_OPS_SES_ENDPOINT: "http://127.0.0.1:4569",
      CONTRACT_OPS_SFN_ENDPOINT: "http://127.0.0.1:4570",
    }),
  ],
  ["the AWS endpoints of us-east-1", loadAwsConfig({ AWS_REGION: "us-east-1" })],
  ["the AWS endpoints of eu-west-1", loadAwsConfig({ AWS_REGION: "eu-west-1" })],
];

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2025-10-01T00:00:05Z"), toFake: ["Date"] });
  // Static credentials for the regional clients, so that no credential chain is searched.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe.each(settings)("requests as the stock SDK clients sign them, on %s", (_where, config) => {
  it("DynamoDB through the document client: GetItem, PutItem, UpdateItem, Query", async () => {
    const local = config.endpoints.dynamodb;
    const ours = makeDocumentClient(makeDynamoDbClient(config));
    const stock = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        ...clientSettings(config, local),
        ...(local === undefined ? { endpointDiscoveryEnabled: false } : {}),
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    const [oursSigned, stockSigned] = await bothSign(ours, stock, documentCommands);
    expect(oursSigned).toHaveLength(8);
    expect(oursSigned).toEqual(stockSigned);
    expect(oursSigned[0]?.headers["x-amz-target"]).toBe("DynamoDB_20120810.GetItem");
    expect(oursSigned[1]?.body).toBe(stockSigned[1]?.body);
  });

  it("S3: PutObject, HeadObject, GetObject", async () => {
    const local = config.endpoints.s3;
    const ours = makeS3Client(config);
    const stock = new S3Client({
      ...clientSettings(config, local),
      ...(local === undefined
        ? {}
        : {
            forcePathStyle: true,
            requestChecksumCalculation: "WHEN_REQUIRED",
            responseChecksumValidation: "WHEN_REQUIRED",
          }),
    });
    const object = { Bucket: "contract-ops-usage", Key: "usage/2025-09/voice a+b.csv" };
    const [oursSigned, stockSigned] = await bothSign(ours, stock, [
      () => new PutObjectCommand({ ...object, Body: "caller,callee\n", ContentType: "text/csv" }),
      () => new HeadObjectCommand(object),
      () => new GetObjectCommand(object),
    ]);
    expect(oursSigned).toHaveLength(6);
    expect(oursSigned).toEqual(stockSigned);
  });

  it("SES SendEmail and Step Functions StartExecution, SendTaskSuccess", async () => {
    const sesOurs = makeSesClient(config);
    const sesStock = new SESClient(clientSettings(config, config.endpoints.ses));
    const [sesSigned, sesStockSigned] = await bothSign(sesOurs, sesStock, [
      () =>
        new SendEmailCommand({
          Source: "billing@contract-ops.localhost",
          Destination: { ToAddresses: ["party-a@example.com"] },
          Message: { Subject: { Data: "账单" }, Body: { Text: { Data: "合同第四条4.6款" } } },
        }),
    ]);
    expect(sesSigned).toHaveLength(2);
    expect(sesSigned).toEqual(sesStockSigned);

    const sfnOurs = makeSfnClient(config);
    const sfnStock = new SFNClient(clientSettings(config, config.endpoints.stepFunctions));
    const arn = `arn:aws:states:${config.region}:123456789012:stateMachine:MonthlyBilling`;
    const [sfnSigned, sfnStockSigned] = await bothSign(sfnOurs, sfnStock, [
      () => new StartExecutionCommand({ stateMachineArn: arn, name: "c-2025-09", input: "{}" }),
      () => new SendTaskSuccessCommand({ taskToken: "token", output: '{"ok":true}' }),
    ]);
    expect(sfnSigned).toHaveLength(4);
    expect(sfnSigned).toEqual(sfnStockSigned);
  });
});
