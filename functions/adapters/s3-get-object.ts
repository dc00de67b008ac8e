/**
 * An S3 client of one operation, GetObject, built on the Smithy core every Lambda bundle already carries
 * (ADR 0096): the SDK's S3Client brings its own 63 KB (87 KB with its share of the core) of checksums, S3
 * middleware, XML serializer, multi-region signer and endpoint rules, which a function that only reads one
 * object by key does not run. What stays the SDK's own: configuration resolution (region, retry mode and
 * attempts, defaults mode, the credential chain), the middleware stack with the user agent, host header,
 * logger, recursion detection, retry and SigV4 signing plugins, the node HTTP handler, and the body as the
 * SDK's stream. What is this module's: the request (addressing) and the answer (headers, S3's XML error).
 *
 * Its calls carry the context of S3Client's GetObjectCommand (clientName `S3Client`, commandName
 * `GetObjectCommand`), so whatever keys on them sees an S3 GetObject: the X-Ray subsegment (tracer.ts), and
 * in the embedded stack the fault plan (ADR 0022) and IAM enforcement (ADR 0025, s3:GetObject on the object).
 */
import {
  createDefaultUserAgentProvider,
  getDefaultSocketTimeout,
  getHostHeaderPlugin,
  getLoggerPlugin,
  getRecursionDetectionPlugin,
  getUserAgentPlugin,
  isVirtualHostableS3Bucket,
  NODE_APP_ID_CONFIG_OPTIONS,
  partition,
  resolveHostHeaderConfig,
  resolveUserAgentConfig,
} from "@aws-sdk/core/client";
import { AwsSdkSigV4Signer, resolveAwsSdkSigV4Config } from "@aws-sdk/core/httpAuthSchemes";
import corePackage from "@aws-sdk/core/package.json";
import { loadRestXmlErrorCode, parseXmlErrorBody } from "@aws-sdk/core/protocols";
import { defaultProvider as credentialDefaultProvider } from "@aws-sdk/credential-provider-node";
import { DefaultIdentityProviderConfig, getHttpAuthSchemePlugin, getHttpSigningPlugin } from "@smithy/core";
import { Sha256 } from "@smithy/core/checksum";
import {
  Client,
  Command,
  loadConfigsForDefaultMode,
  NoOpLogger,
  ServiceException,
} from "@smithy/core/client";
import { loadConfig, resolveDefaultsModeConfig, resolveRegionConfig } from "@smithy/core/config";
import { extendedEncodeURIComponent, HttpRequest, HttpResponse, parseUrl } from "@smithy/core/protocols";
import {
  DEFAULT_RETRY_MODE,
  getRetryPlugin,
  NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
  NODE_RETRY_MODE_CONFIG_OPTIONS,
  resolveRetryConfig,
} from "@smithy/core/retry";
import { fromBase64, fromUtf8, sdkStreamMixin, toBase64, toUtf8 } from "@smithy/core/serde";
import { NodeHttpHandler, streamCollector } from "@smithy/node-http-handler";
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  DeserializeMiddleware,
  HttpHandlerOptions,
  Logger,
  MetadataBearer,
  MiddlewareStack,
  Pluggable,
  ResponseMetadata,
  SerializeMiddleware,
} from "@smithy/types";

/** The operation's input: S3's GetObject request fields this client sends. */
export interface GetObjectInput {
  Bucket: string;
  Key: string;
  /** An HTTP range, e.g. `bytes=0-9` (RFC 9110; S3 takes one range per request). */
  Range?: string;
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

/** What the client is built from: aws-config.ts's settings (region; endpoint and credentials locally). */
export interface S3GetObjectClientConfig {
  region: string;
  /** A local endpoint (the embedded stack); absent means S3's regional endpoint. */
  endpoint?: string;
  /** Every bucket addressed by path (`https://host/bucket/key`), as an endpoint serving buckets by path needs. */
  forcePathStyle?: boolean;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts?: number;
  /** As the SDK's clients take it: a handler, or the node HTTP handler's options. */
  requestHandler?: Parameters<typeof NodeHttpHandler.create>[0];
  logger?: Logger;
}

/** S3's signing name (Service Authorization Reference: service prefix `s3`). */
const SIGNING_NAME = "s3";
const SIGV4 = "aws.auth#sigv4";

/**
 * The configuration as the SDK's client constructors assemble it (a runtime config, then the resolvers of
 * each plugin): the same providers read the same environment variables and config files.
 */
function runtimeConfig(input: S3GetObjectClientConfig) {
  const defaultsMode = resolveDefaultsModeConfig({});
  const defaultConfigProvider = () => defaultsMode().then(loadConfigsForDefaultMode);
  const logger = input.logger ?? new NoOpLogger();
  return {
    apiVersion: "2006-03-01",
    serviceId: "S3",
    runtime: "node",
    logger,
    defaultsMode,
    region: input.region,
    // Not `endpoint`: the SDK's plugins read that name as an endpoint provider.
    ...(input.endpoint === undefined ? {} : { localEndpoint: input.endpoint }),
    forcePathStyle: input.forcePathStyle ?? false,
    ...(input.credentials === undefined ? {} : { credentials: input.credentials }),
    credentialDefaultProvider,
    sha256: Sha256,
    // S3 signs the path as sent, without the second encoding other services' canonical requests use.
    signingEscapePath: false,
    signingName: SIGNING_NAME,
    // What the SDK's XML error parser reads a body with (a serde context).
    streamCollector,
    utf8Encoder: toUtf8,
    utf8Decoder: fromUtf8,
    base64Encoder: toBase64,
    base64Decoder: fromBase64,
    disableHostPrefix: false,
    defaultSocketTimeout: getDefaultSocketTimeout(input.requestHandler, 900_000),
    requestHandler: NodeHttpHandler.create(input.requestHandler ?? defaultConfigProvider),
    maxAttempts: input.maxAttempts ?? loadConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS, {}),
    retryMode: loadConfig({
      ...NODE_RETRY_MODE_CONFIG_OPTIONS,
      default: async () => (await defaultConfigProvider()).retryMode || DEFAULT_RETRY_MODE,
    }),
    // The regional endpoint only: no FIPS, dual-stack, accelerate or access-point endpoints (ADR 0096).
    useFipsEndpoint: false,
    useDualstackEndpoint: () => Promise.resolve(false),
    userAgentAppId: loadConfig(NODE_APP_ID_CONFIG_OPTIONS, { logger }),
    defaultUserAgentProvider: createDefaultUserAgentProvider({
      serviceId: "S3",
      clientVersion: corePackage.version,
    }),
    httpAuthSchemes: [
      {
        schemeId: SIGV4,
        identityProvider: (config: DefaultIdentityProviderConfig) => config.getIdentityProvider(SIGV4),
        signer: new AwsSdkSigV4Signer(),
      },
    ],
    // One scheme, SigV4; the signer takes its name and region from this configuration (signingName, region).
    httpAuthSchemeProvider: () => [
      {
        schemeId: SIGV4,
        signingProperties: {},
        propertiesExtractor: (config: object, context: object) => ({
          signingProperties: { config, context },
        }),
      },
    ],
  };
}

function resolvedConfig(input: S3GetObjectClientConfig) {
  const config = runtimeConfig(input);
  return resolveAwsSdkSigV4Config(
    resolveHostHeaderConfig(resolveRegionConfig(resolveRetryConfig(resolveUserAgentConfig(config)))),
  );
}

export type S3GetObjectResolvedConfig = ReturnType<typeof resolvedConfig>;

type Resolved = S3GetObjectResolvedConfig & {
  localEndpoint?: string;
  forcePathStyle: boolean;
  region: () => Promise<string>;
};

/** Where S3 serves the object: virtual-hosted (`bucket.s3.<region>.<suffix>/key`) unless a path is needed. */
/** S3's regional endpoint (`https://s3.<region>.<partition's DNS suffix>`), or the local one. */
async function serviceEndpoint(config: Resolved) {
  const region = await config.region();
  return parseUrl(config.localEndpoint ?? `https://s3.${region}.${partition(region).dnsSuffix}`);
}

async function objectRequest(config: Resolved, input: GetObjectInput): Promise<HttpRequest> {
  const { Bucket: bucket, Key: key, Range: range } = input;
  if (bucket === "" || key === "") throw new Error("GetObject needs a bucket and a key");
  const base = await serviceEndpoint(config);
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
    headers: range === undefined ? {} : { range },
  });
}

const serializer =
  (config: Resolved): SerializeMiddleware<GetObjectInput, GetObjectOutput> =>
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
 * empty body, or a proxy's page) is named as the SDK names it: NotFound for a 404, else UnknownError.
 */
async function s3Error(config: Resolved, response: HttpResponse): Promise<S3GetObjectError> {
  let body: { Code?: unknown; Message?: unknown } = {};
  try {
    body = await parseXmlErrorBody(response.body, { ...config, endpoint: () => serviceEndpoint(config) });
  } catch {
    // Not XML: the status names the error.
  }
  const code = loadRestXmlErrorCode(response, body) ?? "UnknownError";
  const error = new S3GetObjectError({
    code: String(code),
    message: typeof body.Message === "string" ? body.Message : String(code),
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
  (config: Resolved): DeserializeMiddleware<GetObjectInput, GetObjectOutput> =>
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

/** The serializer and deserializer under the names the SDK's plugins place themselves by. */
function serdePlugin(config: Resolved): Pluggable<GetObjectInput, GetObjectOutput> {
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
    },
  };
}

/** S3's GetObject: `client.send(new GetObjectCommand({ Bucket, Key, Range }))`. */
export class GetObjectCommand extends Command<GetObjectInput, GetObjectOutput, Resolved> {
  constructor(readonly input: GetObjectInput) {
    super();
  }

  resolveMiddleware(
    stack: MiddlewareStack<GetObjectInput, GetObjectOutput>,
    config: Resolved,
    options: unknown,
  ) {
    return this.resolveMiddlewareWithContext(stack, config, options, {
      CommandCtor: GetObjectCommand,
      middlewareFn: () => [serdePlugin(config)],
      // S3Client's names: the tracer, the fault plan and the IAM enforcer read an S3 GetObject from them.
      clientName: "S3Client",
      commandName: "GetObjectCommand",
      smithyContext: { service: "AmazonS3", operation: "GetObject" },
      additionalContext: {},
      inputFilterSensitiveLog: (input: GetObjectInput) => input,
      // The body is the object (an inbound message is personal data): never logged.
      outputFilterSensitiveLog: ({ Body: _body, ...rest }: GetObjectOutput) => rest,
    });
  }
}

/** The lean client (ADR 0096): GetObjectCommand is the one command it sends. */
export class S3GetObjectClient extends Client<HttpHandlerOptions, GetObjectInput, GetObjectOutput, Resolved> {
  constructor(input: S3GetObjectClientConfig) {
    const config = resolvedConfig(input) as Resolved;
    super(config);
    this.middlewareStack.use(getUserAgentPlugin(config));
    this.middlewareStack.use(getRetryPlugin(config));
    this.middlewareStack.use(getHostHeaderPlugin(config));
    this.middlewareStack.use(getLoggerPlugin(config));
    this.middlewareStack.use(getRecursionDetectionPlugin(config));
    this.middlewareStack.use(
      getHttpAuthSchemePlugin(config, {
        httpAuthSchemeParametersProvider: async () => ({ operation: "GetObject" }),
        identityProviderConfigProvider: async (resolved: Resolved) =>
          new DefaultIdentityProviderConfig({ [SIGV4]: resolved.credentials }),
      }),
    );
    this.middlewareStack.use(getHttpSigningPlugin(config));
  }
}
