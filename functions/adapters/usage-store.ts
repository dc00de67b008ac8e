/**
 * Usage files (voice CDRs and SMS logs as CSV) of a period, in the usage bucket under
 * `usage/<contractId>/<YYYY-MM>/voice.csv|sms.csv`. Bodies are streamed straight into the rating, so
 * memory does not grow with file size.
 */

import type { Readable } from "node:stream";
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from "@aws-sdk/client-s3";
import { awsConfig, s3Client } from "./aws-config";

export type UsageKind = "voice" | "sms";

export function usageObjectKey(contractId: string, period: string, kind: UsageKind): string {
  return `usage/${contractId}/${period}/${kind}.csv`;
}

export async function openUsage(
  contractId: string,
  period: string,
  kind: UsageKind,
): Promise<AsyncIterable<Uint8Array> | undefined> {
  try {
    const result = await s3Client().send(
      new GetObjectCommand({
        Bucket: awsConfig().usageBucket,
        Key: usageObjectKey(contractId, period, kind),
      }),
    );
    return result.Body as Readable | undefined;
  } catch (error) {
    if (error instanceof NoSuchKey || (error as Error).name === "NoSuchKey") return undefined;
    throw error;
  }
}

export async function putUsage(
  contractId: string,
  period: string,
  kind: UsageKind,
  body: Buffer,
): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({
      Bucket: awsConfig().usageBucket,
      Key: usageObjectKey(contractId, period, kind),
      Body: body,
      ContentType: "text/csv; charset=utf-8",
    }),
  );
}
