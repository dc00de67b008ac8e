/**
 * The lean S3 GetObject client's request and answer (ADR 0096): the object's URL (virtual-hosted on AWS, by path
 * where a bucket is no DNS label or the configuration says so) and the key encoded as S3Client encodes it; the
 * answer's headers and the body as the SDK's stream, checked against S3's stored checksum as S3Client checks it;
 * S3's XML error document read into an error named by its `<Code>`.
 */
import { Crc32, Crc32c, Crc64Nvme } from "@aws-sdk/checksums/crc";
import { isVirtualHostableS3Bucket, partition } from "@aws-sdk/core/client";
import { loadRestXmlErrorCode, parseXmlErrorBody } from "@aws-sdk/core/protocols";
import { Sha256 } from "@smithy/core/checksum";
import { ServiceException } from "@smithy/core/client";
import { extendedEncodeURIComponent, HttpRequest, HttpResponse, parseUrl } from "@smithy/core/protocols";
import { createChecksumStream, sdkStreamMixin, toBase64 } from "@smithy/core/serde";
import type {
  DeserializeMiddleware,
  MetadataBearer,
  Pluggable,
  ResponseMetadata,
  SerdeContext,
  SerializeMiddleware,
} from "@smithy/types";

/** The operation's input: S3's GetObject request fields this client sends. */
export interface GetObjectInput {
  Bucket: string;
  Key: string;
  /** An HTTP range, e.g. `bytes=0-9` (RFC 9110; S3 takes one range per request). */
  Range?: string;
  /**
   * `ENABLED` asks S3 for the object's stored checksum (`x-amz-checksum-mode`), which the body is then checked
   * against as it streams; set by the client when response checksums are validated (the SDK's default).
   */
  ChecksumMode?: "ENABLED";
}

/** S3's GetObject answer as the SDK gives it: the body as its stream, and the headers read here. */
export interface GetObjectOutput extends MetadataBearer {
  Body: ReturnType<typeof sdkStreamMixin>;
  ContentLength?: number;
  ContentRange?: string;
  ContentType?: string;
  ETag?: string;
  LastModified?: Date;
}

/** What the request and the answer are made with: the client's resolved configuration, as far as read here. */
export type S3GetObjectSerdeConfig = Omit<SerdeContext, "endpoint"> & {
  region: () => Promise<string>;
  /** A custom endpoint (the embedded stack's); absent means S3's regional endpoint. */
  localEndpoint?: string;
  forcePathStyle: boolean;
  responseChecksumValidation: string | (() => Promise<string>);
};

/** S3's regional endpoint (`https://s3.<region>.<partition's DNS suffix>`), or the local one. */
async function serviceEndpoint(config: S3GetObjectSerdeConfig) {
  const region = await config.region();
  return parseUrl(config.localEndpoint ?? `https://s3.${region}.${partition(region).dnsSuffix}`);
}

/** Where S3 serves the object: virtual-hosted (`bucket.s3.<region>.<suffix>/key`) unless a path is needed. */
async function objectRequest(config: S3GetObjectSerdeConfig, input: GetObjectInput): Promise<HttpRequest> {
  const { Bucket: bucket, Key: key, Range: range } = input;
  if (bucket === "" || key === "") throw new Error("GetObject needs a bucket and a key");
  const base = await serviceEndpoint(config);
  const validation = config.responseChecksumValidation;
  // A range has no stored checksum of its own: only a whole read asks for the object's.
  const checksumMode =
    input.ChecksumMode ??
    (range === undefined &&
    (typeof validation === "string" ? validation : await validation()) === "WHEN_SUPPORTED"
      ? "ENABLED"
      : undefined);
  // The key as the SDK writes a greedy path label: each segment percent-encoded, the slashes kept.
  const keyPath = key.split("/").map(extendedEncodeURIComponent).join("/");
  const basePath = base.path.replace(/\/$/, "");
  // A bucket that is no DNS label (dots, capitals) is addressed by path on AWS too, as the SDK does.
  const byPath = config.forcePathStyle || !isVirtualHostableS3Bucket(bucket);
  return new HttpRequest({
    method: "GET",
    protocol: base.protocol,
    hostname: byPath ? base.hostname : `${bucket}.${base.hostname}`,
    ...(base.port === undefined ? {} : { port: base.port }),
    path: byPath ? `${basePath}/${bucket}/${keyPath}` : `${basePath}/${keyPath}`,
    headers: {
      ...(range === undefined ? {} : { range }),
      ...(checksumMode === undefined ? {} : { "x-amz-checksum-mode": checksumMode }),
    },
  });
}

const serializer =
  (config: S3GetObjectSerdeConfig): SerializeMiddleware<GetObjectInput, GetObjectOutput> =>
  (next) =>
  async (args) =>
    next({ ...args, request: await objectRequest(config, args.input) });

/** The request ids S3 answers with, as the SDK's `$metadata` gives them. */
function responseMetadata(response: HttpResponse): ResponseMetadata {
  const header = (name: string) => response.headers[name];
  return {
    httpStatusCode: response.statusCode,
    ...(header("x-amz-request-id") === undefined ? {} : { requestId: header("x-amz-request-id") }),
    ...(header("x-amz-id-2") === undefined ? {} : { extendedRequestId: header("x-amz-id-2") }),
    ...(header("x-amz-cf-id") === undefined ? {} : { cfId: header("x-amz-cf-id") }),
  };
}

/** An S3 error: `name` is S3's `<Code>` (NoSuchKey, AccessDenied, SlowDown, …), as S3Client names it. */
export class S3GetObjectError extends ServiceException {
  /** S3's `<Code>`, also the error's name. */
  readonly Code: string;

  constructor(options: { code: string; message: string; status: number; $metadata: ResponseMetadata }) {
    super({
      name: options.code,
      $fault: options.status >= 500 ? "server" : "client",
      $metadata: options.$metadata,
      message: options.message,
    });
    this.Code = options.code;
  }
}

/**
 * The error of a non-2xx answer, from S3's XML error document (Amazon S3 API Reference, "Error responses":
 * `<Error><Code>…</Code><Message>…</Message>…</Error>`). An answer without a readable document (a HEAD-like
 * empty body, or a proxy's page) is named as S3Client names it: NotFound for a 404, else Unknown (message
 * UnknownError).
 */
async function s3Error(config: S3GetObjectSerdeConfig, response: HttpResponse): Promise<S3GetObjectError> {
  let body: { Code?: unknown; Message?: unknown } = {};
  try {
    body = await parseXmlErrorBody(response.body, { ...config, endpoint: () => serviceEndpoint(config) });
  } catch {
    // Not XML: the status names the error.
  }
  const code = loadRestXmlErrorCode(response, body);
  const error = new S3GetObjectError({
    code: code === undefined ? "Unknown" : String(code),
    message: typeof body.Message === "string" ? body.Message : (code ?? "UnknownError"),
    status: response.statusCode,
    $metadata: responseMetadata(response),
  });
  // As the SDK's deserializer: the raw answer rides along, hidden, for the retry strategy's Retry-After and
  // the signer's clock-skew correction (its Date header).
  Object.defineProperty(error, "$response", { value: response, enumerable: false });
  return error;
}

const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));

const deserializer =
  (config: S3GetObjectSerdeConfig): DeserializeMiddleware<GetObjectInput, GetObjectOutput> =>
  (next) =>
  async (args) => {
    const { response } = await next(args);
    if (!HttpResponse.isInstance(response))
      throw new Error("GetObject: the request handler gave no HTTP response");
    if (response.statusCode < 200 || response.statusCode >= 300) throw await s3Error(config, response);
    const header = (name: string) => response.headers[name];
    const lastModified = header("last-modified");
    const output: GetObjectOutput = {
      $metadata: responseMetadata(response),
      Body: sdkStreamMixin(response.body),
      ...(header("content-length") === undefined ? {} : { ContentLength: number(header("content-length")) }),
      ...(header("content-range") === undefined ? {} : { ContentRange: header("content-range") }),
      ...(header("content-type") === undefined ? {} : { ContentType: header("content-type") }),
      ...(header("etag") === undefined ? {} : { ETag: header("etag") }),
      ...(lastModified === undefined ? {} : { LastModified: new Date(lastModified) }),
    };
    return { response, output };
  };

/**
 * The headers of S3's stored checksums, in the order the SDK's flexible checksums prefer them, with the
 * algorithms this client computes: SHA-256, CRC32, CRC32C and CRC64NVME (what S3 stores for an object uploaded
 * without a checksum, as SES's S3 action uploads messages; Amazon S3 User Guide, "Checking object integrity").
 * An object stored with SHA-1 or another algorithm is read unchecked.
 */
const STORED_CHECKSUMS = [
  ["x-amz-checksum-sha256", Sha256],
  ["x-amz-checksum-crc32", Crc32],
  ["x-amz-checksum-crc32c", Crc32c],
  ["x-amz-checksum-crc64nvme", Crc64Nvme],
] as const;

/** A multipart upload's checksum of its parts' checksums (`…-<parts>`): not a checksum of the body. */
const partsChecksum = (value: string) => /-[1-9]\d{0,4}$/.test(value);

/**
 * The body checked against the stored checksum S3 sent (asked for with `x-amz-checksum-mode: ENABLED`) as it
 * streams, as S3Client's flexible checksums middleware does for GetObject: a mismatch fails the read when the
 * body ends. A ranged read (the head of a message) does not ask, and is unchecked.
 */
const checksumValidation =
  (): DeserializeMiddleware<GetObjectInput, GetObjectOutput> => (next) => async (args) => {
    const result = await next(args);
    const { response } = result;
    if (!HttpRequest.isInstance(args.request) || args.request.headers["x-amz-checksum-mode"] !== "ENABLED")
      return result;
    if (!HttpResponse.isInstance(response) || response.statusCode < 200 || response.statusCode >= 300)
      return result;
    const stored = STORED_CHECKSUMS.find(([header]) => response.headers[header] !== undefined);
    const expected = stored === undefined ? undefined : response.headers[stored[0]];
    if (stored === undefined || expected === undefined || partsChecksum(expected)) return result;
    response.body = createChecksumStream({
      expectedChecksum: expected,
      checksumSourceLocation: stored[0],
      checksum: new stored[1](),
      source: response.body,
      base64Encoder: toBase64,
    });
    return result;
  };

/** The serializer and deserializer under the names the SDK's plugins place themselves by. */
export function serdePlugin(config: S3GetObjectSerdeConfig): Pluggable<GetObjectInput, GetObjectOutput> {
  return {
    applyToStack: (stack) => {
      stack.add(deserializer(config), {
        name: "deserializerMiddleware",
        step: "deserialize",
        tags: ["DESERIALIZER"],
        override: true,
      });
      stack.add(serializer(config), {
        name: "serializerMiddleware",
        step: "serialize",
        tags: ["SERIALIZER"],
        override: true,
      });
      // Nearer the request handler than the deserializer: the body is wrapped before the output takes it.
      stack.addRelativeTo(checksumValidation(), {
        name: "checksumValidationMiddleware",
        relation: "after",
        toMiddleware: "deserializerMiddleware",
        override: true,
      });
    },
  };
}
