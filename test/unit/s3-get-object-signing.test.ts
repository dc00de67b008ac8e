/**
 * How the lean S3 GetObject client (ADR 0096) signs, against two independent oracles:
 * - the Amazon S3 API Reference's worked example of a SigV4-signed GET Object ("Signature Calculations for the
 *   Authorization Header: Transferring Payload in a Single Chunk", Example: GET Object), reproduced exactly;
 * - the SDK's own S3Client (@aws-sdk/client-s3) given the same request: the same URL and Authorization header
 *   for keys with spaces, Chinese characters, `+`, `/` and any other characters (a fast-check property).
 * Requests are captured by a request handler that sends nothing.
 */
import { S3Client, GetObjectCommand as SdkGetObjectCommand } from "@aws-sdk/client-s3";
import type { FinalizeHandler, HttpRequest, MetadataBearer } from "@smithy/types";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GetObjectCommand, S3GetObjectClient } from "../../functions/adapters/s3-get-object";
import { EXAMPLE_CREDENTIALS, recordingHandler } from "./s3-get-object-fixtures";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const beforeSigning = (name: string) =>
  ({ relation: "before", toMiddleware: "httpSigningMiddleware", name }) as const;

const withoutSdkHeaders =
  <I extends object, O extends MetadataBearer>(next: FinalizeHandler<I, O>): FinalizeHandler<I, O> =>
  async (args) => {
    const request = args.request as HttpRequest;
    for (const name of ["amz-sdk-invocation-id", "amz-sdk-request", "x-amz-user-agent", "user-agent"])
      delete request.headers[name];
    return next(args);
  };

describe("the lean GetObject client signs as S3 documents it", () => {
  it("reproduces the S3 API Reference's GET Object example: same canonical headers, same Authorization", async () => {
    vi.setSystemTime(new Date("2013-05-24T00:00:00Z"));
    const { handler, requests } = recordingHandler();
    // The example's host is the global endpoint, examplebucket.s3.amazonaws.com (virtual-hosted).
    const client = new S3GetObjectClient({
      region: "us-east-1",
      endpoint: "https://s3.amazonaws.com",
      credentials: EXAMPLE_CREDENTIALS,
      requestHandler: handler,
      // The example asks for no stored checksum (x-amz-checksum-mode).
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    // The example's request carries no SDK headers: those of the retry (amz-sdk-*) and user agent middleware
    // are taken off just before signing; what is signed is the client's own request, host header and hash.
    client.middlewareStack.addRelativeTo(withoutSdkHeaders, beforeSigning("withoutSdkHeaders"));
    await client.send(new GetObjectCommand({ Bucket: "examplebucket", Key: "test.txt", Range: "bytes=0-9" }));

    const [request] = requests;
    expect(request?.method).toBe("GET");
    expect(request?.hostname).toBe("examplebucket.s3.amazonaws.com");
    expect(request?.path).toBe("/test.txt");
    expect(request?.query ?? {}).toEqual({});
    expect(Object.keys(request?.headers ?? {}).sort()).toEqual([
      "authorization",
      "host",
      "range",
      "x-amz-content-sha256",
      "x-amz-date",
    ]);
    expect(request?.headers["x-amz-content-sha256"]).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(request?.headers["x-amz-date"]).toBe("20130524T000000Z");
    // The documentation writes the header without spaces after the commas; the SDK's signer puts one there.
    expect(request?.headers.authorization?.replaceAll(", ", ",")).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
  });

  /**
   * Makes the headers that differ between two clients by design equal in both, just before signing: the
   * invocation id (a random UUID), the x-amz-user-agent (each client's own version), and S3Client's `x-id`
   * query parameter (an SDK marker, not part of S3's GetObject API).
   */
  const aligned =
    <I extends object, O extends MetadataBearer>(next: FinalizeHandler<I, O>): FinalizeHandler<I, O> =>
    async (args) => {
      const request = args.request as HttpRequest;
      request.headers["amz-sdk-invocation-id"] = "00000000-0000-4000-8000-000000000000";
      request.headers["x-amz-user-agent"] = "aws-sdk-js/aligned";
      if (request.query) delete request.query["x-id"];
      return next(args);
    };
  const align = beforeSigning("aligned");

  // Whole reads ask for the stored checksum (x-amz-checksum-mode), as S3Client does by default; a ranged read
  // does not (ADR 0096), so S3Client is told to validate only where required for those.
  it.each([
    ["us-east-1", "examplebucket", "test.txt", undefined],
    ["us-east-1", "contract-ops-mail", "inbound/a b c.eml", "bytes=0-1023"],
    ["us-east-1", "contract-ops-mail", "inbound/回复 确认/第四条.eml", undefined],
    ["eu-west-1", "contract-ops-mail", "inbound/a+b=c&d/e~f_g.eml", "bytes=0-1023"],
    ["cn-north-1", "contract-ops-mail", "usage/jl-ybj-2026/2025-09/话单 (1).csv", undefined],
    ["us-east-1", "example.bucket.with.dots", "a/b+c d", "bytes=0-1023"],
  ])(
    "signs %s s3://%s/%s (range %s) as S3Client does (same URL, same Authorization)",
    async (region, bucket, key, range) => {
      vi.setSystemTime(new Date("2026-11-30T16:05:09Z"));
      const lean = recordingHandler();
      const sdk = recordingHandler();
      const leanClient = new S3GetObjectClient({
        region,
        credentials: EXAMPLE_CREDENTIALS,
        requestHandler: lean.handler,
      });
      const sdkClient = new S3Client({
        region,
        credentials: EXAMPLE_CREDENTIALS,
        requestHandler: sdk.handler,
        // The lean client sends no request checksum for a GET without a body (ADR 0096); S3Client sends a CRC32
        // of the empty body unless told to compute request checksums only where S3 requires them.
        requestChecksumCalculation: "WHEN_REQUIRED",
        ...(range === undefined ? {} : { responseChecksumValidation: "WHEN_REQUIRED" as const }),
      });
      leanClient.middlewareStack.addRelativeTo(aligned, align);
      sdkClient.middlewareStack.addRelativeTo(aligned, align);
      const ranged = range === undefined ? {} : { Range: range };
      await leanClient.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...ranged }));
      await sdkClient.send(new SdkGetObjectCommand({ Bucket: bucket, Key: key, ...ranged }));

      const [mine] = lean.requests;
      const theirs = sdk.requests[0];
      expect(mine?.hostname).toBe(theirs?.hostname);
      expect(mine?.path).toBe(theirs?.path);
      expect(Object.keys(mine?.headers ?? {}).sort()).toEqual(Object.keys(theirs?.headers ?? {}).sort());
      expect(mine?.headers.authorization).toBe(theirs?.headers.authorization);
      expect(mine?.headers.authorization).toMatch(
        new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261130/${region}/s3/aws4_request, `),
      );
    },
  );
  it("signs any key of any characters S3 takes as S3Client does (property, fixed seed)", async () => {
    vi.setSystemTime(new Date("2026-11-30T16:05:09Z"));
    // Keys of one to four segments, each of printable ASCII (reserved characters included) and CJK text.
    const segment = fc.string({
      unit: fc.oneof(
        fc.constantFrom(..." !\"#$%&'()*+,-.:;<=>?@[\\]^_`{|}~"),
        fc.constantFrom(..."回复确认第四条话单"),
        fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
      ),
      minLength: 1,
      maxLength: 12,
    });
    const keyArb = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join("/"));
    await fc.assert(
      fc.asyncProperty(keyArb, async (key) => {
        const lean = recordingHandler();
        const sdk = recordingHandler();
        const leanClient = new S3GetObjectClient({
          region: "us-east-1",
          credentials: EXAMPLE_CREDENTIALS,
          requestHandler: lean.handler,
        });
        const sdkClient = new S3Client({
          region: "us-east-1",
          credentials: EXAMPLE_CREDENTIALS,
          requestHandler: sdk.handler,
          requestChecksumCalculation: "WHEN_REQUIRED",
        });
        leanClient.middlewareStack.addRelativeTo(aligned, align);
        sdkClient.middlewareStack.addRelativeTo(aligned, align);
        await leanClient.send(new GetObjectCommand({ Bucket: "contract-ops-mail", Key: key }));
        await sdkClient.send(new SdkGetObjectCommand({ Bucket: "contract-ops-mail", Key: key }));
        expect(lean.requests[0]?.path).toBe(sdk.requests[0]?.path);
        expect(lean.requests[0]?.headers.authorization).toBe(sdk.requests[0]?.headers.authorization);
      }),
      { seed: 20261201, numRuns: 60 },
    );
  });
});
