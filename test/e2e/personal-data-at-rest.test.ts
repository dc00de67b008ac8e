/**
 * R-RETAIN-1 (合同第三条3.9款) at rest, after a billed and reconciled month on the embedded stack:
 * - SMS content is never stored (docs/usage-csv.md, ADR 0035): no S3 object, DynamoDB item or sent email holds
 *   the text of a message, though the uploaded log carried it;
 * - every kind of table item that holds personal data or billing data expires by TTL (ADR 0033/0035), and every
 *   other kind is listed here with the reason it has none — a new kind fails until it is classified.
 */
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsConfig, documentClient, s3Client } from "../../functions/adapters/aws-config";
import { now } from "../../functions/adapters/clock";
import { replyAddress } from "../../functions/adapters/mailer";
import { getCycle } from "../../functions/adapters/repository";
import { putUsage } from "../../functions/adapters/usage-store";
import type { EmbeddedApp } from "../../infra/local/app";
import { bootApp, replyAsPartyA, runUntil, startCycle } from "./harness";

const PERIOD = "2025-09";
const SECRETS = ["您的医保电子凭证已激活", "医保新服务上线", "拒收请回复R"];

/** Item kinds by key, and why the ones without TTL may stay. */
const EXPIRING = ["CYCLE#", "EVENT#", "EMAIL#", "SENT#", "REPLY", "INBOUND", "LEDGER#", "CARRY#"];
const KEPT: Record<string, string> = {
  CONTRACT: "the contract and its parties' business contacts, needed while the contract runs",
  "TERM#": "a term's dates and outcome",
  "CALENDAR#": "the official working-day calendar of a year",
  BILLED:
    "R-BUDGET-1's billed total: amounts, period names and thresholds warned, no personal data (ADR 0054)",
};

let app: EmbeddedApp;
let items: Array<Record<string, unknown>>;

function kindOf(item: Record<string, unknown>): string {
  const sk = String(item.SK);
  return [...EXPIRING, ...Object.keys(KEPT)].find((kind) => sk.startsWith(kind)) ?? sk;
}

async function objectsOf(bucket: string): Promise<Array<{ key: string; body: string }>> {
  const listed = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket }));
  const found: Array<{ key: string; body: string }> = [];
  for (const { Key } of listed.Contents ?? []) {
    if (!Key) continue;
    const object = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key }));
    found.push({ key: Key, body: (await object.Body?.transformToString("utf8")) ?? "" });
  }
  return found;
}

beforeAll(async () => {
  const booted = await bootApp("2025-10-01T01:00:00+08:00");
  app = booted.app;
  const { contractId } = booted.contract;
  await putUsage(
    contractId,
    PERIOD,
    "voice",
    Buffer.from("call_start,duration_seconds,direction,calling_number,called_number\n"),
  );
  await putUsage(
    contractId,
    PERIOD,
    "sms",
    Buffer.from(
      [
        "sent_at,recipient,direction,content,content_chars,port,category",
        "2025-09-03T10:00:00+08:00,13800000001,downlink,您的医保电子凭证已激活，请在定点医药机构扫码使用。,,,service",
        "2025-09-03T10:01:00+08:00,13800000002,downlink,医保新服务上线拒收请回复R,,1065082358000201,marketing",
        "",
      ].join("\n"),
    ),
  );
  await startCycle(app, contractId, PERIOD);
  await runUntil(app, "2025-10-01T02:00:00+08:00");
  const cycle = await getCycle(contractId, PERIOD);
  await replyAsPartyA(app, replyAddress(String(cycle.replyKey)), "确认");
  await runUntil(app, "2025-10-02T02:00:00+08:00");
  const scanned = await documentClient().send(new ScanCommand({ TableName: awsConfig().tableName }));
  items = scanned.Items ?? [];
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe("R-RETAIN-1: personal data at rest after a month", () => {
  it("no stored object, item or sent email holds an SMS's text", async () => {
    const stored = [
      ...(await objectsOf(awsConfig().usageBucket)).map((o) => `${o.key}\n${o.body}`),
      ...(await objectsOf(awsConfig().mailBucket)).map((o) => `${o.key}\n${o.body}`),
      ...items.map((item) => JSON.stringify(item)),
      ...(await app.stack.sentEmails()).map((e) => `${e.subject}\n${e.text}\n${e.html}`),
    ];
    expect(stored.some((text) => text.includes("sms.csv"))).toBe(true);
    for (const secret of SECRETS) expect(stored.filter((text) => text.includes(secret))).toEqual([]);
  });

  it("the bill still counts the messages by their characters (R-SMS-1): 25 + 13 code points → 1 part each", async () => {
    const cycle = items.find((item) => String(item.SK) === `CYCLE#${PERIOD}`);
    const statement = cycle?.statement as { usage: { smsParts: number } } | undefined;
    expect(statement?.usage.smsParts).toBe(2);
  });

  it("every item kind either expires by TTL after the retention, or is listed with why it stays", () => {
    const kinds = new Set(items.map(kindOf));
    expect(kinds).toEqual(new Set([...kinds].filter((k) => EXPIRING.includes(k) || k in KEPT)));
    for (const kind of EXPIRING.filter((k) => kinds.has(k))) {
      for (const item of items.filter((i) => kindOf(i) === kind)) {
        expect(item.expiresAt, `${kind} ${String(item.PK)}`).toBeGreaterThan(now().getTime() / 1000);
      }
    }
    // The month wrote what R-RETAIN-1 covers: the bill's cycle, its audit trail, emails, the reply.
    expect([...kinds]).toEqual(
      expect.arrayContaining(["CYCLE#", "EVENT#", "EMAIL#", "SENT#", "REPLY", "INBOUND"]),
    );
  });
});
