/**
 * Usage files (voice CDRs and SMS logs as CSV) of a period, in the usage bucket under
 * `usage/<contractId>/<YYYY-MM>/voice.csv|sms.csv`. Bodies are streamed straight into the rating, so
 * memory does not grow with file size. A file in GBK or GB18030 says so in its object metadata `encoding`
 * (`x-amz-meta-encoding`, docs/usage-csv.md) and is transcoded to UTF-8 on the way in.
 */

import type { Readable } from "node:stream";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { type SmsContentFindings, smsContentFindingsSchema, withoutSmsContent } from "../core/sms-content";
import type { UsageFile } from "../core/statement";
import {
  decodeToUtf8,
  isUsageEncoding,
  USAGE_ENCODINGS_TEXT,
  type UsageEncoding,
  UsageFileError,
} from "../core/usage-csv";
import { awsConfig, s3Client } from "./aws-config";
import { usageObjectKey } from "./usage-key";

export { usageObjectKey } from "./usage-key";

export async function openUsage(
  contractId: string,
  period: string,
  kind: UsageFile,
): Promise<AsyncIterable<Uint8Array> | undefined> {
  try {
    const result = await s3Client().send(
      new GetObjectCommand({
        Bucket: awsConfig().usageBucket,
        Key: usageObjectKey(contractId, period, kind),
      }),
    );
    const body = result.Body as Readable | undefined;
    if (!body) return undefined;
    const encoding = (result.Metadata?.encoding ?? "utf-8").toLowerCase();
    if (!isUsageEncoding(encoding)) {
      body.destroy();
      throw new UsageFileError(
        `usage file ${usageObjectKey(contractId, period, kind)} has object metadata encoding ${JSON.stringify(result.Metadata?.encoding)}: expected ${USAGE_ENCODINGS_TEXT}`,
      );
    }
    return decodeToUtf8(body, encoding);
  } catch (error) {
    if (error instanceof NoSuchKey || (error as Error).name === "NoSuchKey") return undefined;
    throw error;
  }
}

/**
 * Whether a period's usage file is in the bucket (HeadObject; with s3:ListBucket granted a missing key is
 * 404 NotFound, not 403).
 */
export async function usageFilePresent(
  contractId: string,
  period: string,
  kind: UsageFile,
): Promise<boolean> {
  try {
    await s3Client().send(
      new HeadObjectCommand({
        Bucket: awsConfig().usageBucket,
        Key: usageObjectKey(contractId, period, kind),
      }),
    );
    return true;
  } catch (error) {
    const name = (error as Error).name;
    if (name === "NotFound" || name === "NoSuchKey") return false;
    // A HEAD answer has no body, so the SDK cannot name S3's 403 ("Unknown"); say what it means here.
    if (isAccessDenied(error))
      throw new UsageAccessDeniedError(usageObjectKey(contractId, period, kind), "HeadObject", error);
    throw error;
  }
}

/**
 * S3 answered 403: the caller may not s3:GetObject the object — or, without s3:ListBucket, it does not exist
 * (S3 answers 403 rather than 404 then; ADR 0025).
 */
export class UsageAccessDeniedError extends Error {
  override name = "AccessDenied";
  constructor(key: string, operation: "HeadObject" | "GetObject", cause: unknown) {
    super(`S3 answered 403 to ${operation} of ${key}: the role may not s3:GetObject the usage files`, {
      cause,
    });
  }
}

/** S3's 403, named (GetObject: AccessDenied) or not (HeadObject has no body to name it). */
function isAccessDenied(error: unknown): boolean {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return failure.name === "AccessDenied" || failure.$metadata?.httpStatusCode === 403;
}

/**
 * Stores a usage file. An SMS log is stored without its content (ADR 0035): each message's text becomes its
 * character count, and R-SMS-3's content findings are stored beside it (`sms-findings.json`, lines and reasons
 * only) for the compliance check of the stored log.
 */
export async function putUsage(
  contractId: string,
  period: string,
  kind: UsageFile,
  body: Buffer,
  encoding: UsageEncoding = "utf-8",
): Promise<void> {
  if (kind === "sms") {
    const { csv, findings } = await withoutSmsContent(
      decodeToUtf8(
        (async function* () {
          yield body;
        })(),
        encoding,
      ),
    );
    await putObject(smsFindingsKey(contractId, period), JSON.stringify(findings), "application/json");
    // The stored log is the stripped one, in UTF-8 whatever the upload's encoding was.
    await putObject(usageObjectKey(contractId, period, kind), csv, "text/csv; charset=utf-8", "utf-8");
    return;
  }
  await putObject(usageObjectKey(contractId, period, kind), body, `text/csv; charset=${encoding}`, encoding);
}

function smsFindingsKey(contractId: string, period: string): string {
  return `usage/${contractId}/${period}/sms-findings.json`;
}

async function putObject(
  Key: string,
  Body: Buffer | string,
  ContentType: string,
  encoding?: UsageEncoding,
): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({
      Bucket: awsConfig().usageBucket,
      Key,
      Body,
      ContentType,
      ...(encoding ? { Metadata: { encoding } } : {}),
    }),
  );
}

/**
 * R-THROTTLE-1's input: the contract's complaints feed (`received_at,port`, the whole history, replaced by
 * each upload), beside its usage: `usage/<contractId>/complaints.csv`.
 */
function complaintsKey(contractId: string): string {
  return `usage/${contractId}/complaints.csv`;
}

export async function putComplaints(contractId: string, csv: string): Promise<void> {
  await putObject(complaintsKey(contractId), csv, "text/csv; charset=utf-8", "utf-8");
}

/** The stored complaints feed, or undefined when none was uploaded. */
export async function storedComplaints(contractId: string): Promise<string | undefined> {
  try {
    const result = await s3Client().send(
      new GetObjectCommand({ Bucket: awsConfig().usageBucket, Key: complaintsKey(contractId) }),
    );
    return (await result.Body?.transformToString("utf8")) ?? undefined;
  } catch (error) {
    if (error instanceof NoSuchKey || (error as Error).name === "NoSuchKey") return undefined;
    if (isAccessDenied(error))
      throw new UsageAccessDeniedError(complaintsKey(contractId), "GetObject", error);
    throw error;
  }
}

/** R-SMS-3's content findings of a period's stored SMS log; undefined when no SMS log was stored. */
export async function smsContentFindings(
  contractId: string,
  period: string,
): Promise<SmsContentFindings | undefined> {
  try {
    const result = await s3Client().send(
      new GetObjectCommand({ Bucket: awsConfig().usageBucket, Key: smsFindingsKey(contractId, period) }),
    );
    return smsContentFindingsSchema.parse(JSON.parse((await result.Body?.transformToString("utf8")) ?? ""));
  } catch (error) {
    if (error instanceof NoSuchKey || (error as Error).name === "NoSuchKey") return undefined;
    throw error;
  }
}

/**
 * Deletes a contract's usage files of every period up to and including `through` (R-RETAIN-1: personal
 * data deleted on request); returns the deleted keys, sorted.
 */
export async function deleteUsageThrough(contractId: string, through: string): Promise<string[]> {
  const prefix = `usage/${contractId}/`;
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3Client().send(
      new ListObjectsV2Command({ Bucket: awsConfig().usageBucket, Prefix: prefix, ContinuationToken }),
    );
    for (const object of page.Contents ?? []) {
      const period = object.Key?.slice(prefix.length).split("/")[0] ?? "";
      if (object.Key && /^\d{4}-\d{2}$/.test(period) && period <= through) keys.push(object.Key);
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  keys.sort();
  // DeleteObjects takes at most 1,000 keys per request.
  for (let i = 0; i < keys.length; i += 1000) {
    await s3Client().send(
      new DeleteObjectsCommand({
        Bucket: awsConfig().usageBucket,
        Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
      }),
    );
  }
  return keys;
}
