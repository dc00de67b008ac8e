/**
 * An S3 client of one operation, GetObject, built on the Smithy core every Lambda bundle already carries
 * (ADR 0096): the SDK's S3Client brings its own 63 KB (87 KB with its share of the core) of checksums, S3
 * middleware, XML serializer, multi-region signer and endpoint rules, which a function that only reads one
 * object by key does not run. What stays the SDK's own: configuration resolution (region, retry mode and
 * attempts, defaults mode, the credential chain), the middleware stack with the user agent, host header,
 * logger, recursion detection, retry and SigV4 signing plugins, the node HTTP handler, and the body as the
 * SDK's stream. Its own (./s3-get-object-serde.ts): the request (addressing, the key's encoding) and the
 * answer (headers, the body checked against S3's stored checksum, S3's XML error).
 *
 * Its calls carry the context of S3Client's GetObjectCommand (clientName `S3Client`, commandName
 * `GetObjectCommand`), so whatever keys on them sees an S3 GetObject: the X-Ray subsegment (tracer.ts), and
 * in the embedded stack the fault plan (ADR 0022) and IAM enforcement (ADR 0025, s3:GetObject on the object).
 */
import { NODE_RESPONSE_CHECKSUM_VALIDATION_CONFIG_OPTIONS } from "@aws-sdk/checksums/flexible-checksums";
import {
  createDefaultUserAgentProvider,
  getDefaultSocketTimeout,
  getHostHeaderPlugin,
  getLoggerPlugin,
  getRecursionDetectionPlugin,
  getUserAgentPlugin,
  NODE_APP_ID_CONFIG_OPTIONS,
  resolveHostHeaderConfig,
  resolveUserAgentConfig,
} from "@aws-sdk/core/client";
import { AwsSdkSigV4Signer, resolveAwsSdkSigV4Config } from "@aws-sdk/core/httpAuthSchemes";
import corePackage from "@aws-sdk/core/package.json";
import { defaultProvider as credentialDefaultProvider } from "@aws-sdk/credential-provider-node";
import { DefaultIdentityProviderConfig, getHttpAuthSchemePlugin, getHttpSigningPlugin } from "@smithy/core";
import { Sha256 } from "@smithy/core/checksum";
import { Client, Command, loadConfigsForDefaultMode, NoOpLogger } from "@smithy/core/client";
import { loadConfig, resolveDefaultsModeConfig, resolveRegionConfig } from "@smithy/core/config";
import {
  DEFAULT_RETRY_MODE,
  getRetryPlugin,
  NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
  NODE_RETRY_MODE_CONFIG_OPTIONS,
  resolveRetryConfig,
} from "@smithy/core/retry";
import { fromBase64, fromUtf8, toBase64, toUtf8 } from "@smithy/core/serde";
import { NodeHttpHandler, streamCollector } from "@smithy/node-http-handler";
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  HttpHandlerOptions,
  Logger,
  MiddlewareStack,
} from "@smithy/types";
import {
  type GetObjectInput,
  type GetObjectOutput,
  type S3GetObjectSerdeConfig,
  serdePlugin,
} from "./s3-get-object-serde";

/** What the client is built from: aws-config.ts's settings (region; endpoint and credentials locally). */
export interface S3GetObjectClientConfig {
  region: string;
  /** A local endpoint (the embedded stack); absent means S3's regional endpoint. */
  endpoint?: string;
  /** Every bucket addressed by path (`https://host/bucket/key`), as an endpoint serving buckets by path needs. */
  forcePathStyle?: boolean;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts?: number;
  /** As S3Client's: `WHEN_SUPPORTED` (the default) validates the body against S3's stored checksum. */
  responseChecksumValidation?: "WHEN_SUPPORTED" | "WHEN_REQUIRED";
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
    responseChecksumValidation:
      input.responseChecksumValidation ??
      loadConfig(NODE_RESPONSE_CHECKSUM_VALIDATION_CONFIG_OPTIONS, { logger }),
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

type Resolved = S3GetObjectResolvedConfig & S3GetObjectSerdeConfig;

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
    const config: Resolved = resolvedConfig(input);
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
