/**
 * A usage file in the bucket names a legacy encoding by its object metadata `encoding` (S3 user metadata,
 * sent as `x-amz-meta-encoding`; docs/usage-csv.md). Oracle by construction: each message is 40 Chinese
 * characters (R-SMS-1: 1 part at 70 characters), written as GBK (2 bytes per character).
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsConfig, resetAwsClients, s3Client } from "../../functions/adapters/aws-config";
import { openUsage, putUsage, usageObjectKey } from "../../functions/adapters/usage-store";
import { SMS_HEADER, scanSmsCsv, UsageFileError } from "../../functions/core/usage-csv";
import { type LocalServices, startLocalServices } from "../../infra/local/services";

let services: LocalServices;
const savedEnv = { ...process.env };
const FORTY = "您好您的医保业务已办理完成请于三日内登录吉林医保公共服务平台查询办理结果谢谢合作";
const CSV = `${SMS_HEADER}\n2025-10-03T10:00:00+08:00,13800000000,downlink,${FORTY},\n2025-10-04T11:00:00+08:00,13800000001,downlink,${FORTY},\n`;

beforeAll(async () => {
  services = await startLocalServices({ ports: { dynamodb: 0, s3: 0, ses: 0, smtp: 0 } });
  Object.assign(process.env, services.env);
  resetAwsClients();
});

afterAll(async () => {
  resetAwsClients();
  process.env = savedEnv;
  await services.stop();
});

async function charsOf(contractId: string): Promise<number[]> {
  const source = await openUsage(contractId, "2025-10", "sms");
  if (!source) throw new Error("no usage file");
  const chars: number[] = [];
  await scanSmsCsv(source, { message: (_at, n) => chars.push(n), reject: () => undefined });
  return chars;
}

async function putRaw(contractId: string, body: Buffer, metadata?: Record<string, string>) {
  await s3Client().send(
    new PutObjectCommand({
      Bucket: awsConfig().usageBucket,
      Key: usageObjectKey(contractId, "2025-10", "sms"),
      Body: body,
      ...(metadata ? { Metadata: metadata } : {}),
    }),
  );
}

describe("usage bucket: object metadata encoding", () => {
  it("reads a GBK object with metadata encoding=gbk as 40 characters per message", async () => {
    await putUsage("ENC-GBK", "2025-10", "sms", iconv.encode(CSV, "gbk"), "gbk");
    expect(await charsOf("ENC-GBK")).toEqual([40, 40]);
  });

  it("refuses the same object without the metadata at line 2, byte offset 97", async () => {
    await putRaw("ENC-NONE", iconv.encode(CSV, "gbk"));
    await expect(charsOf("ENC-NONE")).rejects.toThrow(/line 2, byte offset 97\b/);
  });

  it("refuses an unknown encoding in the metadata naming it and what is expected", async () => {
    await putRaw("ENC-BAD", Buffer.from(CSV), { encoding: "big5" });
    await expect(openUsage("ENC-BAD", "2025-10", "sms")).rejects.toThrow(UsageFileError);
    await expect(openUsage("ENC-BAD", "2025-10", "sms")).rejects.toThrow(
      /encoding "big5".*utf-8, gbk or gb18030/,
    );
  });
});
