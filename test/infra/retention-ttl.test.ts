/**
 * R-RETAIN-1 (合同第三条3.9款, ADR 0033): cycles, audit entries and the email outbox expire by DynamoDB TTL at the
 * end of the 12-month retention that follows the month they were written in, plus a 31-day grace.
 * Hand-worked: written 2025-10-09 → retention ends 2026-10-31 23:59:59 +08:00 (October not counted, 12
 * months after) → expires 2026-12-01 23:59:59 +08:00 = 2026-12-01T15:59:59Z.
 * Ledger entries (ADR 0070) count from the month their period's bill is produced (the month after the
 * period), whenever they are written: period 2025-09 → bill produced 2025-10 → the same instant; a
 * correction of 2025-09 written 2026-03-02 still expires then, with the rest of its period.
 */
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsConfig, documentClient, resetAwsClients } from "../../functions/adapters/aws-config";
import { systemClock, useClock } from "../../functions/adapters/clock";
import {
  appendAuditEvent,
  claimOutboxEmail,
  createCycle,
  putLedgerEntry,
} from "../../functions/adapters/repository";
import { type LocalServices, startLocalServices } from "../../infra/local/services";

let services: LocalServices;
const savedEnv = { ...process.env };
const EXPECTED = Date.parse("2026-12-01T15:59:59Z") / 1000;

beforeAll(async () => {
  services = await startLocalServices({ ports: { dynamodb: 0, s3: 0, ses: 0, smtp: 0 } });
  Object.assign(process.env, services.env);
  resetAwsClients();
  useClock({ now: () => new Date("2025-10-09T10:00:00+08:00") });
});

afterAll(async () => {
  useClock(systemClock);
  resetAwsClients();
  process.env = savedEnv;
  await services.stop();
});

describe("R-RETAIN-1: items expire after the retention and its grace", () => {
  it("an audit entry carries expiresAt at the end of the retention plus 31 days", async () => {
    await appendAuditEvent({ contractId: "TTL-TEST", who: "system", what: "bill sent" });
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: awsConfig().tableName,
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :ev)",
        ExpressionAttributeValues: { ":pk": "CONTRACT#TTL-TEST", ":ev": "EVENT#" },
      }),
    );
    expect(Items?.map((item) => item.expiresAt)).toEqual([EXPECTED]);
  });

  it("an outbox email carries the same expiry", async () => {
    await claimOutboxEmail("TTL-TEST", "statement#2025-09");
    const { Item } = await documentClient().send(
      new GetCommand({
        TableName: awsConfig().tableName,
        Key: { PK: "CONTRACT#TTL-TEST", SK: "EMAIL#statement#2025-09" },
      }),
    );
    expect(Item?.expiresAt).toBe(EXPECTED);
  });

  it("R-RETAIN-1: every ledger entry of a period expires together, counted from its bill's month", async () => {
    const entry = (entryId: string, at: string) => ({
      entryId,
      period: "2025-09",
      kind: "payment" as const,
      amountFen: 100n,
      at,
      recordedAt: at,
      who: "operator",
    });
    await putLedgerEntry("TTL-TEST", entry("2025-09#payment#1", "2025-10-09T10:00:00+08:00"));
    useClock({ now: () => new Date("2026-03-02T10:00:00+08:00") });
    try {
      await putLedgerEntry("TTL-TEST", {
        ...entry("2025-09#reversal#1", "2026-03-02T10:00:00+08:00"),
        kind: "reversal",
        reverses: "2025-09#payment#1",
      });
    } finally {
      useClock({ now: () => new Date("2025-10-09T10:00:00+08:00") });
    }
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: awsConfig().tableName,
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :ledger)",
        ExpressionAttributeValues: { ":pk": "CONTRACT#TTL-TEST", ":ledger": "LEDGER#" },
      }),
    );
    expect(Items?.map((item) => item.expiresAt)).toEqual([EXPECTED, EXPECTED]);
  });

  it("a cycle (the bill and what each party did) carries the same expiry, counted from the bill's month", async () => {
    await createCycle({
      contractId: "TTL-TEST",
      period: "2025-09",
      billId: "TTL-TEST-2025-09",
      billTotalFen: 400030n,
      billDue: "2025-10-22T23:59:59+08:00",
      billDueProvisional: false,
      statement: {},
      lastPeriod: false,
    });
    const { Item } = await documentClient().send(
      new GetCommand({
        TableName: awsConfig().tableName,
        Key: { PK: "CONTRACT#TTL-TEST", SK: "CYCLE#2025-09" },
      }),
    );
    expect(Item?.expiresAt).toBe(EXPECTED);
  });
});
