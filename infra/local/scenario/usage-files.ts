/**
 * A scenario's own usage files of a period (`usageFiles`, docs/scenarios.md), stored before the run. By
 * default as `ops upload-usage [--encoding]` stores them (putUsage: an SMS log in UTF-8 without its content,
 * ADR 0035).
 * With `upload: "s3"` the voice and SMS files' bytes go into the usage bucket as they are, as Party B's
 * `aws s3 cp` would put a Chinese Windows export there — its encoding only in the object metadata
 * `encoding`, if given (docs/usage-csv.md) — so the bill step is what reads (or refuses) the bytes.
 */
import { readFile } from "node:fs/promises";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { awsConfig, s3Client } from "../../../functions/adapters/aws-config";
import { putComplaints, putUsage, usageObjectKey } from "../../../functions/adapters/usage-store";
import type { Scenario } from "./schema";

export type UsageFilesOfPeriod = NonNullable<Scenario["usageFiles"]>[string];

export async function uploadScenarioUsage(
  contractId: string,
  period: string,
  files: UsageFilesOfPeriod,
): Promise<void> {
  for (const kind of ["voice", "sms"] as const) {
    const path = files[kind];
    if (!path) continue;
    const body = await readFile(path);
    if (files.upload === "s3") {
      await s3Client().send(
        new PutObjectCommand({
          Bucket: awsConfig().usageBucket,
          Key: usageObjectKey(contractId, period, kind),
          Body: body,
          ...(files.encoding ? { Metadata: { encoding: files.encoding } } : {}),
        }),
      );
    } else {
      await putUsage(contractId, period, kind, body, files.encoding);
    }
  }
  if (files.complaints) await putComplaints(contractId, await readFile(files.complaints, "utf8"));
}
