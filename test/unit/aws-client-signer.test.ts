/**
 * The clients aws-config.ts builds keep one SigV4 signer per client and auth scheme instead of the SDK's new
 * signer per request (ADR 0095). Oracle: the same SDK client built without that, which signs each request with
 * a signer of its own — the requests both sign at the same instant must carry the same headers, byte for byte,
 * and a later instant must change the signature for both alike (the date goes with each request: the SigV4
 * credential scope names the request's day). Requests stop after signing: nothing is sent.
 */
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { FinalizeRequestMiddleware, MiddlewareStack } from "@smithy/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import {
  clientSettings,
  loadAwsConfig,
  makeDynamoDbClient,
  makeS3Client,
} from "../../functions/adapters/aws-config";

const config = loadAwsConfig({
  CONTRACT_OPS_DYNAMODB_ENDPOINT: "http://127.0.0.1:4567",
  CONTRACT_OPS_S3_ENDPOINT: "http://127.0.0.1:4568",
});

type Headers = Record<string, string>;
const headersSchema = z.record(z.string(), z.string());

/** Thrown once a request is signed, before it is sent (not retryable: the SDK gives it back at once). */
class StoppedAfterSigning extends Error {}

/**
 * Records each request's headers as signed and stops it there. The SDK's invocation id (a random UUID, signed)
 * is made the same for every request so that two clients' signatures can be compared.
 */
function stopAfterSigning<Input extends object, Output extends object>(
  stack: MiddlewareStack<Input, Output>,
): Headers[] {
  const signed: Headers[] = [];
  const sameInvocationId: FinalizeRequestMiddleware<Input, Output> = (next) => async (args) => {
    const { request } = args;
    if (
      typeof request === "object" &&
      request !== null &&
      "headers" in request &&
      typeof request.headers === "object"
    )
      Object.assign(request.headers ?? {}, {
        "amz-sdk-invocation-id": "00000000-0000-4000-8000-000000000000",
      });
    return next(args);
  };
  stack.addRelativeTo(sameInvocationId, {
    relation: "before",
    toMiddleware: "httpSigningMiddleware",
    name: "sameInvocationId",
  });
  const capture: FinalizeRequestMiddleware<Input, Output> = () => async (args) => {
    signed.push({ ...headersSchema.parse(z.object({ headers: z.unknown() }).parse(args.request).headers) });
    throw new StoppedAfterSigning("stopped after signing");
  };
  stack.addRelativeTo(capture, {
    relation: "after",
    toMiddleware: "httpSigningMiddleware",
    name: "stopAfterSigning",
  });
  return signed;
}

const put = () =>
  new PutItemCommand({
    TableName: "ContractOps",
    Item: { pk: { S: "CONTRACT#11NA0700211920254001" }, sk: { S: "CYCLE#2025-09" } },
  });
const get = () => new GetObjectCommand({ Bucket: "contract-ops-usage", Key: "usage/2025-09/voice a+b.csv" });

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2025-10-01T00:00:05Z"), toFake: ["Date"] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("one SigV4 signer per client", () => {
  it("signs DynamoDB requests as the SDK's signer per request does, at each request's own instant", async () => {
    const ours = makeDynamoDbClient(config);
    const stock = new DynamoDBClient(clientSettings(config, config.endpoints.dynamodb));
    const oursSigned = stopAfterSigning(ours.middlewareStack);
    const stockSigned = stopAfterSigning(stock.middlewareStack);
    await expect(ours.send(put())).rejects.toThrow(StoppedAfterSigning);
    await expect(stock.send(put())).rejects.toThrow(StoppedAfterSigning);
    vi.setSystemTime(new Date("2025-10-02T08:30:00Z"));
    await expect(ours.send(put())).rejects.toThrow(StoppedAfterSigning);
    await expect(stock.send(put())).rejects.toThrow(StoppedAfterSigning);

    expect(oursSigned).toHaveLength(2);
    expect(oursSigned).toEqual(stockSigned);
    expect(oursSigned[0]?.["x-amz-date"]).toBe("20251001T000005Z");
    expect(oursSigned[1]?.["x-amz-date"]).toBe("20251002T083000Z");
    // A new day is a new credential scope: the reused signer takes the date with each request.
    expect(oursSigned[0]?.authorization).toContain("/20251001/us-east-1/dynamodb/aws4_request");
    expect(oursSigned[1]?.authorization).toContain("/20251002/us-east-1/dynamodb/aws4_request");
  });

  it("signs S3 requests (path not double-escaped) as the SDK's signer per request does", async () => {
    const ours = makeS3Client(config);
    // What makeS3Client sets for the embedded stack, without the signer reuse.
    const stock = new S3Client({
      ...clientSettings(config, config.endpoints.s3),
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    const oursSigned = stopAfterSigning(ours.middlewareStack);
    const stockSigned = stopAfterSigning(stock.middlewareStack);
    await expect(ours.send(get())).rejects.toThrow(StoppedAfterSigning);
    await expect(stock.send(get())).rejects.toThrow(StoppedAfterSigning);
    await expect(ours.send(get())).rejects.toThrow(StoppedAfterSigning);
    await expect(stock.send(get())).rejects.toThrow(StoppedAfterSigning);

    expect(oursSigned).toHaveLength(2);
    expect(oursSigned).toEqual(stockSigned);
    expect(oursSigned[0]?.authorization).toContain("/20251001/us-east-1/s3/aws4_request");
  });

  it("builds the signer once for the requests of one auth scheme, another for another signing region", async () => {
    const client = makeDynamoDbClient(config);
    const scheme = { name: "sigv4", signingName: "dynamodb", signingRegion: "us-east-1", properties: {} };
    const first = await client.config.signer(scheme);
    expect(await client.config.signer(scheme)).toBe(first);
    expect(await client.config.signer({ ...scheme, signingRegion: "us-west-2" })).not.toBe(first);
  });

  it("does not keep a signer that failed to build: the next request builds it again", async () => {
    const client = makeDynamoDbClient(config);
    const region = client.config.region;
    client.config.region = () => Promise.reject(new Error("region not resolved"));
    await expect(client.config.signer()).rejects.toThrow("region not resolved");
    client.config.region = region;
    await expect(client.config.signer()).resolves.toHaveProperty("sign");
  });
});
