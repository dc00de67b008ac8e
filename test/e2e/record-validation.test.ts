/**
 * Records read from the table are validated (style.md: zod on every read, no `as T` on records): a
 * malformed cycle item fails where it is read, naming the field, instead of flowing into a bill or an
 * email as undefined. Fields this version does not know are kept (another version may have written them).
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { awsConfig, documentClient } from "../../functions/adapters/aws-config";
import { createCycle, getCycle, setCycleFieldsOnce } from "../../functions/adapters/repository";
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
