/**
 * Records read from the table are validated (style.md: zod on every read, no `as T` on records): a
 * malformed cycle item fails where it is read, naming the field, instead of flowing into a bill or an
 * email as undefined. Fields this version does not know are kept (another version may have written them).
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { awsConfig, documentClient } from "../../functions/adapters/aws-config";
import {
  createCycle,
  getCycle,
  getOutboxEmail,
  getReplyKey,
  outboxEmails,
  sentEmailKeys,
  setCycleFieldsOnce,
} from "../../functions/adapters/repository";
import { formatFen } from "../../functions/core/money";
import type { EmbeddedApp } from "../../infra/local/app";
import { bootApp } from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const cycleItem = (contractId: string, fields: Record<string, unknown>) => ({
  PK: `CONTRACT#${contractId}`,
  SK: "CYCLE#2025-09",
  contractId,
  period: "2025-09",
  billId: `${contractId}-2025-09`,
  billTotal: "4000.30",
  billDue: "2025-10-15T23:59:59+08:00",
  billDueProvisional: false,
  statement: {},
  lastPeriod: false,
  ...fields,
});

describe("cycle records read back", () => {
  it("a cycle item whose total is not text is refused where it is read, naming the field", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await documentClient().send(
      new PutCommand({
        TableName: awsConfig().tableName,
        Item: cycleItem(contractId, { billTotal: 4000.3 }),
      }),
    );
    await expect(getCycle(contractId, "2025-09")).rejects.toThrow(/billTotal/);
  });

  it("a well-formed item is read with the fields this version does not know kept", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await documentClient().send(
      new PutCommand({ TableName: awsConfig().tableName, Item: cycleItem(contractId, { laterField: "x" }) }),
    );
    const cycle = await getCycle(contractId, "2025-09");
    expect(formatFen(cycle.billTotalFen)).toBe("4000.30");
    expect((cycle as unknown as { laterField: string }).laterField).toBe("x");
  });

  it("ADR 0014: money is stored as 2-decimal yuan text under the names items always had, read back as fen", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    // Oracle: 4,000.30 yuan = 400,030 fen; a 200.00 credit = -20,000 fen.
    await createCycle({
      contractId,
      period: "2025-09",
      billId: `${contractId}-2025-09`,
      billTotalFen: 400030n,
      billDue: "2025-10-15T23:59:59+08:00",
      billDueProvisional: false,
      statement: {},
      lastPeriod: false,
    });
    await setCycleFieldsOnce(contractId, "2025-09", "closedAt", {
      closedAt: "2025-11-30T00:00:00+08:00",
      adjustmentNextPeriodFen: -20000n,
    });
    const stored = await documentClient().send(
      new GetCommand({
        TableName: awsConfig().tableName,
        Key: { PK: `CONTRACT#${contractId}`, SK: "CYCLE#2025-09" },
      }),
    );
    expect(stored.Item?.billTotal).toBe("4000.30");
    expect(stored.Item?.adjustmentNextPeriod).toBe("-200.00");
    expect(stored.Item).not.toHaveProperty("billTotalFen");
    const cycle = await getCycle(contractId, "2025-09");
    expect(cycle.billTotalFen).toBe(400030n);
    expect(cycle.adjustmentNextPeriodFen).toBe(-20000n);
  });
});

describe("reply keys and outbox emails read back", () => {
  let shared: Awaited<ReturnType<typeof bootApp>>;
  beforeAll(async () => {
    shared = await bootApp("2025-10-01T01:00:00+08:00");
  });
  afterAll(async () => {
    await shared.app.stop();
  });

  const put = (Item: Record<string, unknown>) =>
    documentClient().send(new PutCommand({ TableName: awsConfig().tableName, Item }));

  it("a reply key item without its task token is refused, naming the key masked and the field", async () => {
    const replyKey = "malformedreplykey234567abcdefghij";
    await put({
      PK: `REPLY#${replyKey}`,
      SK: "REPLY",
      replyKey,
      contractId: shared.contract.contractId,
      period: "2025-09",
      open: true,
      deadline: "2025-10-20T23:59:59+08:00",
    });
    const read = getReplyKey(replyKey);
    await expect(read).rejects.toMatchObject({ name: "MalformedRecordError" });
    await expect(read).rejects.toThrow(/reply key REPLY#malfor…\/REPLY is malformed: taskToken/);
    await expect(read).rejects.not.toThrow(replyKey);
  });

  it("an outbox item whose state is unknown is refused, naming its key and the field", async () => {
    const { contractId } = shared.contract;
    await put({
      PK: `CONTRACT#${contractId}`,
      SK: "EMAIL#statement#2025-08",
      state: "delivered",
      claimedAt: "2025-09-01T01:00:00.000Z",
    });
    await expect(getOutboxEmail(contractId, "statement#2025-08")).rejects.toThrow(
      `stored outbox email CONTRACT#${contractId}/EMAIL#statement#2025-08 is malformed: state`,
    );
    await expect(outboxEmails(contractId)).rejects.toMatchObject({ name: "MalformedRecordError" });
    // A contract whose mail predates the message-id pointers reads its outbox to find them (ADR 0085).
    await expect(sentEmailKeys(contractId, ["unknown-id"], false)).rejects.toMatchObject({
      name: "MalformedRecordError",
    });
  });

  it("a well-formed reply key and outbox item are read as stored", async () => {
    const { contractId } = shared.contract;
    const replyKey = "wellformedreplykey234567abcdefgh";
    await put({
      PK: `REPLY#${replyKey}`,
      SK: "REPLY",
      replyKey,
      contractId,
      period: "2025-09",
      taskToken: "token-of-the-wait",
      open: true,
      deadline: "2025-10-20T23:59:59+08:00",
      expiresAt: 1_800_000_000,
    });
    expect(await getReplyKey(replyKey)).toEqual({
      replyKey,
      contractId,
      period: "2025-09",
      taskToken: "token-of-the-wait",
      open: true,
      deadline: "2025-10-20T23:59:59+08:00",
    });
    await put({
      PK: `CONTRACT#${contractId}`,
      SK: "EMAIL#reminder#2025-09",
      state: "sent",
      claimedAt: "2025-10-13T09:00:00.000Z",
      messageId: "0100018f-example",
    });
    expect(await getOutboxEmail(contractId, "reminder#2025-09")).toEqual({
      emailKey: "reminder#2025-09",
      state: "sent",
      claimedAt: "2025-10-13T09:00:00.000Z",
      messageId: "0100018f-example",
    });
  });
});
