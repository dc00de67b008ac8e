/**
 * `ops upload-usage` (ADR 0035): the way usage files reach the usage bucket, on the embedded stack or on AWS.
 * An SMS log is stored without its content — only character counts and R-SMS-3's content findings — so the
 * bucket never holds a message's text; a file that is not a usage file is refused with exit 1, nothing stored.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsConfig, resetAwsClients, s3Client } from "../../functions/adapters/aws-config";
import { registerContract } from "../../functions/adapters/repository";
import { loadContract } from "../../functions/core/contract";
import { type LocalServices, startLocalServices } from "../../infra/local/services";
import { tsxExit } from "../tsx-cli";

let services: LocalServices;
let dir: string;
const savedEnv = { ...process.env };
const ID = "11NA0700211920254001";

beforeAll(async () => {
  services = await startLocalServices({ ports: { dynamodb: 0, s3: 0, ses: 0, smtp: 0 } });
  Object.assign(process.env, services.env);
  resetAwsClients();
  await registerContract(await loadContract("contracts/11NA0700211920254001.json"));
  dir = await mkdtemp(join(tmpdir(), "upload-usage-"));
});

afterAll(async () => {
  resetAwsClients();
  process.env = savedEnv;
  await services.stop();
});

const ops = (...args: string[]) =>
  tsxExit(["bin/ops.ts", ...args], { env: { ...process.env, ...services.env } });

async function stored(key: string): Promise<string> {
  const object = await s3Client().send(new GetObjectCommand({ Bucket: awsConfig().usageBucket, Key: key }));
  return (await object.Body?.transformToString("utf8")) ?? "";
}

describe("ops upload-usage", () => {
  it("stores the SMS log with character counts only, and the content findings beside it", async () => {
    const sms = join(dir, "sms.csv");
    await writeFile(
      sms,
      [
        "sent_at,recipient,direction,content,content_chars,port,category",
        // 您的医保电子凭证已激活 = 11 code points; the marketing text has no opt-out at its end (2.23).
        "2025-09-03T10:00:00+08:00,13800000001,downlink,您的医保电子凭证已激活,,,service",
        "2025-09-03T10:01:00+08:00,13800000002,downlink,医保新服务上线,,1065082358000201,marketing",
        "",
      ].join("\n"),
    );
    const voice = join(dir, "voice.csv");
    await writeFile(voice, "call_start,duration_seconds,direction,calling_number,called_number\n");
    const { code, stdout } = await ops(
      "upload-usage",
      "--contract",
      ID,
      "--period",
      "2025-09",
      "--voice",
      voice,
      "--sms",
      sms,
      "--json",
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      contractId: ID,
      period: "2025-09",
      smsMarketingViolations: 1,
    });
    const log = await stored(`usage/${ID}/2025-09/sms.csv`);
    expect(log.split("\n")[1]).toBe("2025-09-03T10:00:00+08:00,13800000001,downlink,,11,,service");
    expect(log).not.toContain("医保");
    expect(JSON.parse(await stored(`usage/${ID}/2025-09/sms-findings.json`)).marketingViolations).toEqual([
      { line: 3, reason: 'marketing message without "拒收请回复R" at the end (2.23)' },
    ]);
  }, 60_000);

  it("refuses a file that is not an SMS log with exit 1 and stores nothing", async () => {
    const bad = join(dir, "bad.csv");
    await writeFile(bad, "sent_at,recipient\n2025-09-03T10:00:00+08:00,13800000001\n");
    const { code, stderr } = await ops("upload-usage", "--contract", ID, "--period", "2025-10", "--sms", bad);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: --sms .*not an SMS log/);
    const listed = await s3Client().send(
      new ListObjectsV2Command({ Bucket: awsConfig().usageBucket, Prefix: `usage/${ID}/2025-10/` }),
    );
    expect(listed.Contents ?? []).toEqual([]);
  }, 60_000);

  it("--encoding gbk reads a Chinese Windows export: the stored log is UTF-8 with character counts only", async () => {
    // scenarios/usage/gbk-2025-09-sms.csv: GBK, CRLF, 2 downlink SMS of 40 Chinese characters each.
    const { code, stdout } = await ops(
      "upload-usage",
      "--contract",
      ID,
      "--period",
      "2025-09",
      "--sms",
      "scenarios/usage/gbk-2025-09-sms.csv",
      "--encoding",
      "gbk",
      "--json",
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ smsRejectedRecords: 0 });
    const rows = (await stored(`usage/${ID}/2025-09/sms.csv`)).split(/\r?\n/);
    expect(rows.slice(1, 3)).toEqual([
      "2025-09-03T10:00:00+08:00,13800000001,downlink,,40",
      "2025-09-04T11:00:00+08:00,13800000002,downlink,,40",
    ]);
  }, 60_000);

  it("the same export without --encoding: exit 1 naming line 2, byte offset 98, nothing stored", async () => {
    const sms = "scenarios/usage/gbk-2025-09-sms.csv";
    const { code, stdout, stderr } = await ops(
      "upload-usage",
      "--contract",
      ID,
      "--period",
      "2025-11",
      "--sms",
      sms,
    );
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^error: --sms .*not valid UTF-8 at line 2, byte offset 98/);
    const listed = await s3Client().send(
      new ListObjectsV2Command({ Bucket: awsConfig().usageBucket, Prefix: `usage/${ID}/2025-11/` }),
    );
    expect(listed.Contents ?? []).toEqual([]);
  }, 60_000);

  it("a voice file that is not one (the SMS log given as --voice): exit 1 naming --voice, nothing stored", async () => {
    const voice = join(dir, "swapped.csv");
    await writeFile(
      voice,
      "sent_at,recipient,direction,content,content_chars\n2025-09-03T10:00:00+08:00,13800000001,downlink,,10\n",
    );
    const sms = join(dir, "sms-ok.csv");
    await writeFile(sms, "sent_at,recipient,direction,content,content_chars\n");
    const { code, stdout, stderr } = await ops(
      "upload-usage",
      "--contract",
      ID,
      "--period",
      "2025-12",
      "--voice",
      voice,
      "--sms",
      sms,
    );
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^error: --voice "[^"]*swapped\.csv": .*call_start,duration_seconds/);
    const listed = await s3Client().send(
      new ListObjectsV2Command({ Bucket: awsConfig().usageBucket, Prefix: `usage/${ID}/2025-12/` }),
    );
    expect(listed.Contents ?? []).toEqual([]);
  }, 60_000);

  it("without a file to upload it is a usage error (exit 2)", async () => {
    const { code } = await ops("upload-usage", "--contract", ID, "--period", "2025-09");
    expect(code).toBe(2);
  }, 60_000);

  it("R-THROTTLE-1: stores the complaints feed beside the usage; a feed with a wrong header is exit 1, nothing stored", async () => {
    const bad = join(dir, "complaints-bad.csv");
    await writeFile(bad, "time,port\n2025-09-10T09:30:00+08:00,10650823580002\n");
    const refused = await ops("upload-usage", "--contract", ID, "--period", "2025-09", "--complaints", bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: --complaints: complaints: the first line must be exactly "received_at,port"/,
    );
    const listed = await s3Client().send(
      new ListObjectsV2Command({ Bucket: awsConfig().usageBucket, Prefix: `usage/${ID}/complaints.csv` }),
    );
    expect(listed.Contents ?? []).toEqual([]);
    const feed = join(dir, "complaints.csv");
    const text = "received_at,port\n2025-09-10T09:30:00+08:00,10650823580002\n";
    await writeFile(feed, text);
    const { code } = await ops(
      "upload-usage",
      "--contract",
      ID,
      "--period",
      "2025-09",
      "--complaints",
      feed,
      "--json",
    );
    expect(code).toBe(0);
    expect(await stored(`usage/${ID}/complaints.csv`)).toBe(text);
  }, 60_000);
});
