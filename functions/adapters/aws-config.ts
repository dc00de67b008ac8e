/**
 * The one place AWS SDK clients are built (architecture §2). On AWS the CDK stack sets the
 * CONTRACT_OPS_* variables and no endpoint variable, so clients use the Lambda role and the regional
 * endpoints. The embedded stack sets the endpoint variables; then, and only then, clients point at
 * 127.0.0.1 with dummy static credentials. Handlers and domain code never ask which case they are in.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SESClient } from "@aws-sdk/client-ses";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { S3GetObjectClient } from "./s3-get-object";
import { captureClient } from "./tracer";

/**
 * The region defaults to us-east-1 because SES email receiving (the inbound-reply path) exists only in
 * a few regions (us-east-1, us-west-2, eu-west-1, …), and none in China or Tokyo.
 */
export const DEFAULT_REGION = "us-east-1";

/**
 * Where an SES receipt rule's S3 action stores inbound messages: `<prefix><SES messageId>`. The Lambda
 * action that follows receives only headers, so the inbound handler rebuilds the key from this.
 */
export const INBOUND_MAIL_PREFIX = "inbound/";

export function inboundMailObjectKey(sesMessageId: string): string {
  return `${INBOUND_MAIL_PREFIX}${sesMessageId}`;
}

/**
 * s3rver accepts only this access key id; dynalite and the SES emulator accept any. Real credentials
 * are never sent to a local endpoint.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

const endpointUrl = z.url({ protocol: /^https?$/ }).optional();

const envSchema = z.object({
  AWS_REGION: z.string().min(1).default(DEFAULT_REGION),
  CONTRACT_OPS_TABLE: z.string().min(3).default("ContractOps"),
  // The defaults are the embedded stack's names; the CDK stack always sets the real ones.
  CONTRACT_OPS_MAIL_BUCKET: z.string().min(3).default("contract-ops-mail"),
  CONTRACT_OPS_USAGE_BUCKET: z.string().min(3).default("contract-ops-usage"),
  CONTRACT_OPS_MAIL_FROM: z.string().min(3).default("billing@contract-ops.localhost"),
  CONTRACT_OPS_REPLY_DOMAIN: z.string().min(3).default("reply.contract-ops.localhost"),
  CONTRACT_OPS_DYNAMODB_ENDPOINT: endpointUrl,
  CONTRACT_OPS_S3_ENDPOINT: endpointUrl,
  CONTRACT_OPS_SES_ENDPOINT: endpointUrl,
  CONTRACT_OPS_SFN_ENDPOINT: endpointUrl,
  CONTRACT_OPS_LOGS_ENDPOINT: endpointUrl,
});

export interface AwsConfig {
  region: string;
  tableName: string;
  mailBucket: string;
  usageBucket: string;
  /** The From address of outbound statements and reminders. */
  mailFrom: string;
  /** The domain of reply addresses (`<reply key>@<replyDomain>`), received by SES or the local SMTP server. */
  replyDomain: string;
  /** Set only on the embedded stack; absent means the regional AWS endpoint. */
  endpoints: { dynamodb?: string; s3?: string; ses?: string; stepFunctions?: string; logs?: string };
}

export class AwsConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AwsConfigError";
  }
}

/** Reads and validates the configuration; an empty variable counts as unset. */
export function loadAwsConfig(env: Record<string, string | undefined> = process.env): AwsConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new AwsConfigError(`invalid AWS configuration: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const vars = parsed.data;
  return {
    region: vars.AWS_REGION,
    tableName: vars.CONTRACT_OPS_TABLE,
    mailBucket: vars.CONTRACT_OPS_MAIL_BUCKET,
    usageBucket: vars.CONTRACT_OPS_USAGE_BUCKET,
    mailFrom: vars.CONTRACT_OPS_MAIL_FROM,
    replyDomain: vars.CONTRACT_OPS_REPLY_DOMAIN,
    endpoints: withoutUndefined({
      dynamodb: vars.CONTRACT_OPS_DYNAMODB_ENDPOINT,
      s3: vars.CONTRACT_OPS_S3_ENDPOINT,
      ses: vars.CONTRACT_OPS_SES_ENDPOINT,
      stepFunctions: vars.CONTRACT_OPS_SFN_ENDPOINT,
      logs: vars.CONTRACT_OPS_LOGS_ENDPOINT,
    }),
  };
}

function withoutUndefined<T extends Record<string, string | undefined>>(
  record: T,
): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: string;
  };
}

type AnyClient = DynamoDBClient | S3Client | S3GetObjectClient | SESClient | SFNClient;

/**
 * Called with every client built here from now on. Only the embedded stack registers one (its fault
 * plan adds SDK middleware, ADR 0022); on AWS the list stays empty.
 */
export type ClientHook = (client: AnyClient) => void;

const clientHooks = new Set<ClientHook>();

/** Registers a hook for clients built after this call; the returned function removes it. */
export function addClientHook(hook: ClientHook): () => void {
  clientHooks.add(hook);
  return () => {
    clientHooks.delete(hook);
  };
}

/**
 * Without a `signer` option the SDK builds a new SigV4 signer for every request, copying the client's whole
 * resolved configuration each time; the signer takes the signing region and service with each request, so
 * one per client and auth scheme signs every request the same way (ADR 0095). A signer that failed to build
 * is not kept.
 */
function reuseSigner(client: AnyClient): void {
  const build = client.config.signer;
  const signers = new Map<string, ReturnType<typeof build>>();
  client.config.signer = (authScheme) => {
    const key = `${authScheme?.name}\0${authScheme?.signingRegion}\0${authScheme?.signingName}`;
    let signer = signers.get(key);
    if (signer === undefined) {
      signer = build(authScheme);
      signers.set(key, signer);
      signer.catch(() => signers.delete(key));
    }
    return signer;
  };
}

/** A lookup that misses on the object it is given, and so goes on to that object's prototype chain. */
function lookUpThrough(probe: { readonly fastPropertiesProbe?: unknown }): unknown {
  return probe.fastPropertiesProbe;
}
/** More than V8's invocations before a function's property lookups are cached (8 in Node 22). */
const PROBE_LOOKUPS = 32;

/**
 * The SDK resolves a client's configuration by adding its fifty-odd properties one resolver after another, so
 * V8 keeps the object as a hash table ("dictionary mode"); the endpoint and schema serde middleware then copy
 * it on every call (`{ ...config }`, three copies a call), and copying a dictionary costs about ten times what
 * copying the same properties laid out as an object's fields does (ADR 0102). V8 lays out an object's
 * properties as fields when cached lookups go through it as a prototype: a few lookups through a throw-away
 * object whose prototype is the configuration do that, once per client. Nothing of the configuration changes
 * (its properties, values, accessors and identity stay), so no request can differ; were V8 to stop doing it,
 * the calls would only be as slow as before.
 */
export function withFastProperties(config: object): void {
  const probe: { readonly fastPropertiesProbe?: unknown } = Object.create(config);
  for (let i = 0; i < PROBE_LOOKUPS; i++) lookUpThrough(probe);
}

/**
 * Every client signs with one signer per auth scheme and has its configuration laid out for copying, is traced
 * by X-Ray when tracing is on (ADR 0046), then given to the registered hooks.
 */
function hooked<C extends AnyClient>(client: C): C {
  reuseSigner(client);
  withFastProperties(client.config);
  captureClient(client);
  for (const hook of clientHooks) hook(client);
  return client;
}

/** Region, and for a local endpoint the endpoint plus dummy credentials; nothing else differs. */
export function clientSettings(config: AwsConfig, endpoint: string | undefined) {
  return endpoint === undefined
    ? { region: config.region }
    : { region: config.region, endpoint, credentials: LOCAL_CREDENTIALS };
}

export function makeDynamoDbClient(config: AwsConfig): DynamoDBClient {
  const local = config.endpoints.dynamodb;
  // The regional endpoint, never a discovered one: DynamoDB requires discovery for no operation, and the
  // Lambda bundles keep only an empty endpoint cache (ADR 0082). The SDK refuses the option beside a
  // custom endpoint, where it skips discovery anyway.
  return hooked(
    new DynamoDBClient({
      ...clientSettings(config, local),
      ...(local === undefined ? { endpointDiscoveryEnabled: false } : {}),
    }),
  );
}

export function makeDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function makeS3Client(config: AwsConfig): S3Client {
  const local = config.endpoints.s3;
  if (local === undefined) return hooked(new S3Client(clientSettings(config, local)));
  return hooked(
    new S3Client({
      ...clientSettings(config, local),
      // s3rver serves buckets by path only, and predates the SDK's default CRC32 checksums, which it
      // would store as part of the object body when sent as aws-chunked trailers.
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
  );
}

/**
 * The lean S3 client of GetObject alone (ADR 0096), for a function whose only S3 call is reading an object:
 * the same settings as `makeS3Client` (path-style addressing locally), hooked and traced the same way.
 */
export function makeS3GetObjectClient(config: AwsConfig): S3GetObjectClient {
  const local = config.endpoints.s3;
  return hooked(
    new S3GetObjectClient({
      ...clientSettings(config, local),
      // As makeS3Client's: s3rver serves buckets by path only and stores no checksums to validate against.
      ...(local === undefined ? {} : { forcePathStyle: true, responseChecksumValidation: "WHEN_REQUIRED" }),
    }),
  );
}

/** SES v1: the API both the embedded emulator and the SES receipt-rule world speak. */
export function makeSesClient(config: AwsConfig): SESClient {
  return hooked(new SESClient(clientSettings(config, config.endpoints.ses)));
}

export function makeSfnClient(config: AwsConfig): SFNClient {
  return hooked(new SFNClient(clientSettings(config, config.endpoints.stepFunctions)));
}

interface Clients {
  config?: AwsConfig;
  dynamoDb?: DynamoDBClient;
  document?: DynamoDBDocumentClient;
  s3?: S3Client;
  s3GetObject?: S3GetObjectClient;
  ses?: SESClient;
  sfn?: SFNClient;
}

// Lambda reuses module state across warm invocations, so each client (and its connection pool) is
// built once per process.
let clients: Clients = {};

/** The process configuration, read from process.env on first use. */
export function awsConfig(): AwsConfig {
  clients.config ??= loadAwsConfig();
  return clients.config;
}

export function dynamoDbClient(): DynamoDBClient {
  clients.dynamoDb ??= makeDynamoDbClient(awsConfig());
  return clients.dynamoDb;
}

export function documentClient(): DynamoDBDocumentClient {
  clients.document ??= makeDocumentClient(dynamoDbClient());
  return clients.document;
}

export function s3Client(): S3Client {
  clients.s3 ??= makeS3Client(awsConfig());
  return clients.s3;
}

export function s3GetObjectClient(): S3GetObjectClient {
  clients.s3GetObject ??= makeS3GetObjectClient(awsConfig());
  return clients.s3GetObject;
}

export function sesClient(): SESClient {
  clients.ses ??= makeSesClient(awsConfig());
  return clients.ses;
}

export function sfnClient(): SFNClient {
  clients.sfn ??= makeSfnClient(awsConfig());
  return clients.sfn;
}

/**
 * Forgets the configuration and closes every memoized client, so the next call reads process.env
 * again (for tests and the embedded stack, which set the endpoint variables after start-up).
 */
export function resetAwsClients(): void {
  const { dynamoDb, s3, s3GetObject, ses, sfn } = clients;
  // The document client wraps dynamoDb and holds no sockets of its own.
  for (const client of [dynamoDb, s3, s3GetObject, ses, sfn]) client?.destroy();
  clients = {};
}
