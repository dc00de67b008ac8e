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
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import type { UsageFile } from "../core/statement";
import {
  decodeToUtf8,
  isUsageEncoding,
  USAGE_ENCODINGS_TEXT,
  type UsageEncoding,
  UsageFileError,
} from "../core/usage-csv";
import { awsConfig, s3Client } from "./aws-config";

export function usageObjectKey(contractId: string, period: string, kind: UsageFile): string {
  return `usage/${contractId}/${period}/${kind}.csv`;
}

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

export async function putUsage(
  contractId: string,
  period: string,
  kind: UsageFile,
  body: Buffer,
  encoding: UsageEncoding = "utf-8",
): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({
      Bucket: awsConfig().usageBucket,
      Key: usageObjectKey(contractId, period, kind),
      Body: body,
      ContentType: `text/csv; charset=${encoding}`,
      Metadata: { encoding },
    }),
  );
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
