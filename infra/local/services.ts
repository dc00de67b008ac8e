/**
 * The AWS services of the embedded stack (architecture §2), all in this process on 127.0.0.1:
 * DynamoDB (dynalite), S3 (s3rver), SES (aws-ses-v2-local) and inbound SMTP feeding the inbound
 * handler as an SES receipt rule would. Step Functions is added on top by `startLocalStack`.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import nodemailer, { type Transporter } from "nodemailer";
import {
  type AwsConfig,
  addClientHook,
  loadAwsConfig,
  makeDynamoDbClient,
  makeS3Client,
} from "../../functions/adapters/aws-config";
import { contractOpsTable, createTableInput } from "../table-schema";
import { ensureTable, startDynamoDbLocal } from "./dynamodb-local";
import { type SweepResult, TimeToLiveSweeper } from "./dynamodb-ttl";
import { InProcessTransport, type LocalTransport } from "./in-process-transport";
import { handlesReleased } from "./ports";
import { startS3Local } from "./s3-local";
import { type LocalSentEmail, type SentEmailsOptions, type SesSandbox, startSesLocal } from "./ses-local";
import { inProcessMailTransport } from "./smtp-in-process";
import {
  passingVerdicts,
  type ReceiptVerdicts,
  type SesReceiptEvent,
  startInboundSmtp,
} from "./smtp-inbound";

export type { LocalSentEmail, SesSandbox } from "./ses-local";
export type { ReceiptVerdicts, SesReceiptEvent, VerdictName, VerdictStatus } from "./smtp-inbound";

export interface LocalServicePorts {
  dynamodb?: number;
  s3?: number;
  ses?: number;
  smtp?: number;
}

export interface LocalServicesOptions {
  /** 0 (the default for every service) lets the kernel pick a free port. */
  ports?: LocalServicePorts;
  /** Keeps DynamoDB and S3 data here between runs; in memory / a removed temp dir when absent. */
  dataDir?: string;
  tableName?: string;
  mailBucket?: string;
  usageBucket?: string;
  /** SES sandbox mode: only these verified identities may send and receive (MessageRejected otherwise). */
  sesSandbox?: SesSandbox;
  /** Receipt verdicts given to every inbound message; each defaults to PASS. */
  verdicts?: Partial<ReceiptVerdicts>;
  /** The inbound handler, called as SES's Lambda action would call it. */
  onInboundEmail?: (event: SesReceiptEvent) => Promise<void>;
  /** Wraps each inbound message's processing (the virtual clock waits for it). */
  track?: <T>(work: Promise<T>) => Promise<T>;
  /**
   * How the stack's SDK clients reach DynamoDB and S3: "http" (the default) over 127.0.0.1, "in-process"
   * without a socket (ADR 0077). The servers listen on their ports either way.
   */
  transport?: LocalTransport;
  /** The table's TTL attribute (the template's TimeToLiveSpecification): expired items are swept (ADR 0053). */
  timeToLiveAttribute?: string;
}

export interface LocalEndpoints {
  dynamodb: string;
  s3: string;
  ses: string;
  smtp: { host: string; port: number };
  /** The SES emulator's web inbox. */
  sesInbox: string;
}

export interface LocalServices {
  endpoints: LocalEndpoints;
  /** The CONTRACT_OPS_* variables that point `functions/adapters/aws-config` at these services. */
  env: Record<string, string>;
  /** The emails sent through the local SES so far, oldest first, from position `skip` on (default 0). */
  sentEmails(options?: SentEmailsOptions): Promise<LocalSentEmail[]>;
  /** Changes the verdicts of messages received from now on (unnamed verdicts keep their value). */
  setVerdicts(verdicts: Partial<ReceiptVerdicts>): void;
  /** An object's body as text, as a Distributed Map's ItemReader reads it (s3:GetObject). */
  readObject(bucket: string, key: string): Promise<string>;
  /**
   * A mail client's transport to the inbound SMTP server: over SMTP on its port, or with the in-process
   * transport the same message bytes handed to it without a socket (ADR 0089). The caller closes it.
   */
  mailTransport(): Transporter<unknown>;
  /** Deletes the items expired at `now`, as DynamoDB's TTL does; absent when the table has no TTL. */
  sweepExpiredItems?: (now: Date) => Promise<SweepResult>;
  /** Stops every server, lets accepted inbound messages finish, and removes temporary data. */
  stop(): Promise<void>;
}

export async function startLocalServices(options: LocalServicesOptions = {}): Promise<LocalServices> {
  const ports = options.ports ?? {};
  const defaults = loadAwsConfig({});
  const tableName = options.tableName ?? defaults.tableName;
  const mailBucket = options.mailBucket ?? defaults.mailBucket;
  const usageBucket = options.usageBucket ?? defaults.usageBucket;
  let verdicts: ReceiptVerdicts = { ...passingVerdicts, ...options.verdicts };
  const dataPath = (name: string) => {
    if (options.dataDir === undefined) return {};
    const path = join(options.dataDir, name);
    mkdirSync(path, { recursive: true });
    return { dataPath: path };
  };

  // Stopped in reverse order of start, also when a later service fails to start.
  const closers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        errors.push(error);
      }
    }
    // When stop() resolves nothing of the stack is left, not even a socket awaiting release (tests
    // check for leaked handles right after).
    await handlesReleased();
    if (errors.length > 0) throw new AggregateError(errors, "embedded stack did not stop cleanly");
  };

  try {
    let sweeper: TimeToLiveSweeper | undefined;
    const dynamodb = await startDynamoDbLocal({
      port: ports.dynamodb ?? 0,
      ...dataPath("dynamodb"),
      ...(options.timeToLiveAttribute === undefined
        ? {}
        : { observe: (operation, body) => sweeper?.noteWrite(operation, body) }),
    });
    closers.push(dynamodb.close);
    if (options.timeToLiveAttribute !== undefined) {
      const ttl = new TimeToLiveSweeper({
        endpoint: dynamodb.endpoint,
        tableName,
        keyNames: [contractOpsTable.partitionKey.name, contractOpsTable.sortKey.name],
        attributeName: options.timeToLiveAttribute,
      });
      sweeper = ttl;
      closers.push(async () => ttl.close());
    }
    const s3 = await startS3Local({
      port: ports.s3 ?? 0,
      buckets: [mailBucket, usageBucket],
      ...dataPath("s3"),
    });
    closers.push(s3.close);
    const ses = await startSesLocal({
      port: ports.ses ?? 0,
      ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, "ses") }),
      ...(options.sesSandbox ? { sandbox: options.sesSandbox } : {}),
    });
    closers.push(ses.close);

    if (options.transport === "in-process") {
      const transport = new InProcessTransport();
      // DynamoDB answers are read whole (no streaming output); S3 objects stream (ADR 0113).
      transport.register(dynamodb.endpoint, dynamodb.server, "whole");
      transport.register(s3.endpoint, s3.server);
      // Before any client of the stack or its handlers is built: each takes the transport when built.
      const removeHook = addClientHook(transport.clientHook);
      closers.push(async () => {
        removeHook();
        transport.destroy();
      });
    }

    const env: Record<string, string> = {
      CONTRACT_OPS_TABLE: tableName,
      CONTRACT_OPS_MAIL_BUCKET: mailBucket,
      CONTRACT_OPS_USAGE_BUCKET: usageBucket,
      CONTRACT_OPS_DYNAMODB_ENDPOINT: dynamodb.endpoint,
      CONTRACT_OPS_S3_ENDPOINT: s3.endpoint,
      CONTRACT_OPS_SES_ENDPOINT: ses.endpoint,
    };
    // The stack's own clients, built by the same module as every handler's, from the same variables.
    const config: AwsConfig = loadAwsConfig(env);
    const dynamoDbClient = makeDynamoDbClient(config);
    const s3Client = makeS3Client(config);
    closers.push(async () => {
      dynamoDbClient.destroy();
      s3Client.destroy();
    });

    await ensureTable(dynamoDbClient, createTableInput(tableName));

    const smtp = await startInboundSmtp({
      port: ports.smtp ?? 0,
      s3: s3Client,
      bucket: mailBucket,
      verdicts: () => verdicts,
      ...(options.onInboundEmail ? { onInboundEmail: options.onInboundEmail } : {}),
      ...(options.track ? { track: options.track } : {}),
    });
    // Closed first: messages in flight still need S3 and the handler's services.
    closers.push(smtp.close);

    const ttlSweeper = sweeper;
    return {
      endpoints: {
        dynamodb: dynamodb.endpoint,
        s3: s3.endpoint,
        ses: ses.endpoint,
        smtp: { host: smtp.host, port: smtp.port },
        sesInbox: ses.inboxUrl,
      },
      env,
      sentEmails: ses.sentEmails,
      setVerdicts(changes) {
        verdicts = { ...verdicts, ...changes };
      },
      mailTransport: () =>
        options.transport === "in-process"
          ? inProcessMailTransport(smtp)
          : nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true }),
      async readObject(bucket, key) {
        const object = await s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return (await object.Body?.transformToString("utf8")) ?? "";
      },
      ...(ttlSweeper ? { sweepExpiredItems: (now: Date) => ttlSweeper.sweep(now) } : {}),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}
