/**
 * MonthlyKickoff's manifest (ADR 0051): the contracts of one kickoff as JSON Lines in the usage bucket,
 * which the Distributed Map's ItemReader reads. A retried list step writes the same key again.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { awsConfig, s3Client } from "./aws-config";

export async function writeKickoffManifest(key: string, lines: readonly unknown[]): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({
      Bucket: awsConfig().usageBucket,
      Key: key,
      Body: lines.map((line) => `${JSON.stringify(line)}\n`).join(""),
      ContentType: "application/jsonl",
    }),
  );
}
