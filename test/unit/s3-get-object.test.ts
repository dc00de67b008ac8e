/**
 * How the lean S3 GetObject client (ADR 0096) reads S3's answers, against the SDK's own S3Client
 * (@aws-sdk/client-s3) given the same answers: error names, messages, statuses and attempts for S3's error
 * documents (Amazon S3 API Reference, "Error responses") and retries, the body as the SDK's stream, and stored
 * checksums (the CRC catalogue's check values); and its calls traced on Lambda as X-Ray subsegments (tracer.ts).
 * Answers come from a request handler that sends nothing.
 */
import { createSocket } from "node:dgram";
import { S3Client, GetObjectCommand as SdkGetObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadAwsConfig, makeS3GetObjectClient } from "../../functions/adapters/aws-config";
import { GetObjectCommand, S3GetObjectClient } from "../../functions/adapters/s3-get-object";
import { endInvocation, startInvocation } from "../../functions/adapters/tracer";
import {
  type Answer,
  EXAMPLE_CREDENTIALS,
  recordingHandler,
  s3ErrorDocument,
} from "./s3-get-object-fixtures";

describe("the lean GetObject client reads answers as S3Client does", () => {
  const bucket = "contract-ops-mail";
  const key = "inbound/0000000000000000-message";

  /** The same call by both clients against the same answers: what each gave, and how many requests it sent. */
  async function both(answers: Answer[]) {
    const lean = recordingHandler(answers);
    const sdk = recordingHandler(answers);
    const settings = { region: "us-east-1", credentials: EXAMPLE_CREDENTIALS };
    const outcome = async (send: () => Promise<unknown>) =>
      send().then(
        (output) => ({ output: output as Record<string, unknown>, error: undefined }),
        (error: Error & { $metadata?: Record<string, unknown>; $fault?: string }) => ({
          output: undefined,
          error,
        }),
      );
    const mine = await outcome(() =>
      new S3GetObjectClient({ ...settings, requestHandler: lean.handler }).send(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
      ),
    );
    const theirs = await outcome(() =>
      new S3Client({ ...settings, requestHandler: sdk.handler }).send(
        new SdkGetObjectCommand({ Bucket: bucket, Key: key }),
      ),
    );
    return { mine, theirs, sent: { mine: lean.requests.length, theirs: sdk.requests.length } };
  }

  it("a missing key is NoSuchKey, 404, with S3's message and request id, and is not retried", async () => {
    const { mine, theirs, sent } = await both([
      {
        status: 404,
        headers: { "content-type": "application/xml", "x-amz-request-id": "4442587FB7D0A2F9" },
        body: s3ErrorDocument("NoSuchKey", "The specified key does not exist.", "4442587FB7D0A2F9"),
      },
    ]);
    expect(mine.error).toMatchObject({
      name: "NoSuchKey",
      message: "The specified key does not exist.",
      $fault: "client",
      $metadata: { httpStatusCode: 404, requestId: "4442587FB7D0A2F9", attempts: 1 },
    });
    expect(sent).toEqual({ mine: 1, theirs: 1 });
    expect(mine.error?.name).toBe(theirs.error?.name);
    expect(mine.error?.message).toBe(theirs.error?.message);
    expect(mine.error?.$metadata?.httpStatusCode).toBe(theirs.error?.$metadata?.httpStatusCode);
  });

  it("AccessDenied is 403, named by S3's <Code>", async () => {
    const { mine, theirs } = await both([
      { status: 403, body: s3ErrorDocument("AccessDenied", "Access Denied", "R1") },
    ]);
    expect(mine.error).toMatchObject({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
    expect(theirs.error).toMatchObject({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
  });

  it("SlowDown (503) is retried like the SDK's standard mode, and the read then succeeds", async () => {
    const slowDown = {
      status: 503,
      body: s3ErrorDocument("SlowDown", "Please reduce your request rate.", "R2"),
    };
    const { mine, theirs, sent } = await both([
      slowDown,
      slowDown,
      { status: 200, headers: { "content-length": "5" }, body: "hello" },
    ]);
    expect(sent).toEqual({ mine: 3, theirs: 3 });
    expect(mine.output?.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 3 });
    expect(theirs.output?.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 3 });
  });

  it("InternalError (500) on every attempt fails after the SDK's three attempts, as a server fault", async () => {
    const { mine, theirs, sent } = await both([
      { status: 500, body: s3ErrorDocument("InternalError", "We encountered an internal error.", "R3") },
    ]);
    expect(sent).toEqual({ mine: 3, theirs: 3 });
    expect(mine.error).toMatchObject({ name: "InternalError", $fault: "server", $metadata: { attempts: 3 } });
    expect(theirs.error).toMatchObject({
      name: "InternalError",
      $fault: "server",
      $metadata: { attempts: 3 },
    });
  });

  it("a 404 without a body (no error document) is NotFound, as S3Client names it", async () => {
    const { mine, theirs } = await both([{ status: 404 }]);
    expect(mine.error?.name).toBe("NotFound");
    expect(theirs.error?.name).toBe("NotFound");
  });

  it("a 403 without a body, or a 400 with a page that is no S3 error document, is Unknown, as S3Client names it", async () => {
    for (const answer of [{ status: 403 }, { status: 400, body: "<html>Bad Request</html>" }]) {
      const { mine, theirs } = await both([answer]);
      expect(mine.error).toMatchObject({ name: "Unknown", message: "UnknownError", $fault: "client" });
      expect(mine.error?.name).toBe(theirs.error?.name);
      expect(mine.error?.message).toBe(theirs.error?.message);
      expect(mine.error?.$metadata?.httpStatusCode).toBe(answer.status);
    }
  });

  it("a 206 answer gives the body as the SDK's stream, byte for byte, with its range headers", async () => {
    const bytes = Uint8Array.from([0xe5, 0x9b, 0x9e, 0xe5, 0xa4, 0x8d, 0x00, 0xff, 0x0d, 0x0a]);
    const { mine, theirs } = await both([
      {
        status: 206,
        headers: {
          "content-length": "10",
          "content-range": "bytes 0-9/4096",
          "content-type": "message/rfc822",
          etag: '"9b2cf535f27731c974343645a3985328"',
          "last-modified": "Wed, 12 Oct 2009 17:50:00 GMT",
        },
        body: bytes,
      },
    ]);
    const body = mine.output?.Body as { transformToByteArray(): Promise<Uint8Array> };
    expect(await body.transformToByteArray()).toEqual(bytes);
    expect(mine.output).toMatchObject({
      ContentLength: 10,
      ContentRange: "bytes 0-9/4096",
      ContentType: "message/rfc822",
      ETag: '"9b2cf535f27731c974343645a3985328"',
      LastModified: new Date("2009-10-12T17:50:00Z"),
    });
    for (const field of ["ContentLength", "ContentRange", "ContentType", "ETag", "LastModified"])
      expect(mine.output?.[field], field).toEqual(theirs.output?.[field]);
  });

  /**
   * The CRC catalogue's check values for the nine bytes "123456789" (Greg Cook, "Catalogue of parametrised CRC
   * algorithms": CRC-64/NVME 0xae8b14860a799888, CRC-32/ISO-HDLC 0xcbf43926), base64 as S3 sends them.
   */
  const CHECK_INPUT = "123456789";
  const CRC64NVME_OF_CHECK_INPUT = Buffer.from("ae8b14860a799888", "hex").toString("base64");
  const CRC32_OF_CHECK_INPUT = Buffer.from("cbf43926", "hex").toString("base64");

  const readBody = async (outcome: { output?: Record<string, unknown>; error?: Error }) => {
    if (outcome.error) return outcome.error;
    const body = outcome.output?.Body as { transformToString(): Promise<string> };
    return body.transformToString().catch((error: Error) => error);
  };

  it.each([
    ["x-amz-checksum-crc64nvme", CRC64NVME_OF_CHECK_INPUT],
    ["x-amz-checksum-crc32", CRC32_OF_CHECK_INPUT],
  ])("asks for the stored checksum and reads a body matching %s, as S3Client does", async (header, value) => {
    const { mine, theirs, sent } = await both([
      { status: 200, headers: { "content-length": "9", [header]: value }, body: CHECK_INPUT },
    ]);
    expect(sent).toEqual({ mine: 1, theirs: 1 });
    expect(await readBody(mine)).toBe(CHECK_INPUT);
    expect(await readBody(theirs)).toBe(CHECK_INPUT);
  });

  it("a body that does not match S3's stored CRC64NVME fails the read, as with S3Client", async () => {
    const tampered = "123456780";
    const { mine, theirs } = await both([
      {
        status: 200,
        headers: { "content-length": "9", "x-amz-checksum-crc64nvme": CRC64NVME_OF_CHECK_INPUT },
        body: tampered,
      },
    ]);
    const mineRead = await readBody(mine);
    const theirsRead = await readBody(theirs);
    expect(mineRead).toBeInstanceOf(Error);
    expect(theirsRead).toBeInstanceOf(Error);
    expect((mineRead as Error).message).toContain("Checksum mismatch");
    expect((mineRead as Error).message).toBe((theirsRead as Error).message);
  });

  it("asks for the stored checksum with x-amz-checksum-mode by default, not when told WHEN_REQUIRED nor for a range", async () => {
    const asked = recordingHandler();
    await new S3GetObjectClient({
      region: "us-east-1",
      credentials: EXAMPLE_CREDENTIALS,
      requestHandler: asked.handler,
    }).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const notAsked = recordingHandler();
    await new S3GetObjectClient({
      region: "us-east-1",
      credentials: EXAMPLE_CREDENTIALS,
      requestHandler: notAsked.handler,
      responseChecksumValidation: "WHEN_REQUIRED",
    }).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const ranged = recordingHandler();
    await new S3GetObjectClient({
      region: "us-east-1",
      credentials: EXAMPLE_CREDENTIALS,
      requestHandler: ranged.handler,
    }).send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: "bytes=0-9" }));
    expect(asked.requests[0]?.headers["x-amz-checksum-mode"]).toBe("ENABLED");
    expect(notAsked.requests[0]?.headers["x-amz-checksum-mode"]).toBeUndefined();
    expect(ranged.requests[0]?.headers["x-amz-checksum-mode"]).toBeUndefined();
  });

  it("refuses an empty key before sending anything", async () => {
    const { handler, requests } = recordingHandler();
    const client = new S3GetObjectClient({
      region: "us-east-1",
      credentials: EXAMPLE_CREDENTIALS,
      requestHandler: handler,
    });
    await expect(client.send(new GetObjectCommand({ Bucket: bucket, Key: "" }))).rejects.toThrow(
      "GetObject needs a bucket and a key",
    );
    expect(requests).toEqual([]);
  });
});

describe("X-Ray on Lambda (tracer.ts, ADR 0082)", () => {
  /** Lambda's trace header (Lambda Developer Guide, "Defined runtime environment variables", its example). */
  const TRACE_ROOT = "1-5759e988-bd862e3fe1be46a994272793";
  const SAMPLED = `Root=${TRACE_ROOT};Parent=53995c3f42cd8ad8;Sampled=1`;

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("a GetObject through aws-config's client is an S3 subsegment with the operation, bucket, key and status", async () => {
    const daemon = createSocket("udp4");
    const documents: Record<string, unknown>[] = [];
    const two = new Promise<void>((resolve) => {
      daemon.on("message", (datagram) => {
        // The daemon protocol (X-Ray Developer Guide): a JSON header line, then the segment document.
        const [, body = "{}"] = datagram.toString("utf8").split("\n");
        documents.push(JSON.parse(body) as Record<string, unknown>);
        if (documents.length === 2) resolve();
      });
    });
    await new Promise<void>((resolve) => daemon.bind(0, "127.0.0.1", resolve));
    try {
      vi.stubEnv("AWS_EXECUTION_ENV", "AWS_Lambda_nodejs22.x");
      vi.stubEnv("_X_AMZN_TRACE_ID", SAMPLED);
      vi.stubEnv("AWS_XRAY_DAEMON_ADDRESS", `127.0.0.1:${daemon.address().port}`);
      vi.stubEnv("AWS_REGION", "us-east-1");
      // The role's credentials, as Lambda puts them in the environment.
      vi.stubEnv("AWS_ACCESS_KEY_ID", EXAMPLE_CREDENTIALS.accessKeyId);
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", EXAMPLE_CREDENTIALS.secretAccessKey);
      const client = makeS3GetObjectClient(loadAwsConfig({ AWS_REGION: "us-east-1" }));
      const answers = recordingHandler([
        { status: 404, body: s3ErrorDocument("NoSuchKey", "The specified key does not exist.", "R4") },
      ]);
      // As the embedded stack's transport hook does: the handler is read at each send.
      client.config.requestHandler = answers.handler;
      startInvocation("index.handler");
      const error = await client
        .send(new GetObjectCommand({ Bucket: "contract-ops-mail", Key: "inbound/abc" }))
        .catch((e: Error) => e);
      await endInvocation({ failed: false });
      await two;

      expect(error).toMatchObject({ name: "NoSuchKey" });
      const s3 = documents.find((document) => document.name === "S3");
      const invocation = documents.find((document) => document.name === "## index.handler");
      expect(s3).toMatchObject({
        type: "subsegment",
        trace_id: TRACE_ROOT,
        parent_id: invocation?.id,
        namespace: "aws",
        aws: { operation: "GetObject", bucket_name: "contract-ops-mail", key: "inbound/abc" },
        http: { response: { status: 404 } },
        error: true,
      });
      expect(answers.requests[0]?.headers["X-Amzn-Trace-Id"]).toBe(
        `Root=${TRACE_ROOT};Parent=${String(s3?.id)};Sampled=1`,
      );
    } finally {
      daemon.close();
    }
  });
});
