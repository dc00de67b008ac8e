/**
 * The bench's cycle check reads each period's cycles by key (bench/scale-cycles.ts `readCycles`), 100 keys a
 * BatchGetItem request (the DynamoDB API reference's limit), from the embedded table (dynalite, real). 103
 * contracts cross that limit; what each reading should hold is written by hand beside the items stored.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCycles } from "../../bench/scale-cycles";
import { type CycleRecord, storedCycleFields } from "../../functions/adapters/repository/cycle-record";
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from "../../infra/local/dynamodb-local";
import { createTableInput } from "../../infra/table-schema";

const TABLE = "ContractOps";
const ids = Array.from({ length: 104 }, (_, i) => `SCALE${String(i + 1).padStart(7, "0")}`);
let dynamodb: DynamoDbLocal;
let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;

const cycle = (contractId: string, period: string, billTotalFen: bigint, closed: boolean): CycleRecord => ({
  contractId,
  period,
  billId: `bill-${period}`,
  billTotalFen,
  billDue: `${period}-28`,
  billDueProvisional: false,
  statement: null,
  lastPeriod: false,
  ...(closed ? { closedAt: "2025-09-20T10:00:00+08:00" } : {}),
});

beforeAll(async () => {
  dynamodb = await startDynamoDbLocal({ port: 0 });
  client = new DynamoDBClient({
    region: "ap-east-1",
    endpoint: dynamodb.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  documents = DynamoDBDocumentClient.from(client);
  await ensureTable(client, createTableInput(TABLE));
  // Every contract but the last has a 2025-08 cycle of 6,979.36, closed; the second's is 6,979.37, the third's
  // still open. Each also has 2025-09's, which a read of 2025-08 must not return.
  for (const [index, contractId] of ids.slice(0, 103).entries()) {
    const fen = index === 1 ? 697_937n : 697_936n;
    for (const [period, total] of [
      ["2025-08", fen],
      ["2025-09", 111_100n],
    ] as const)
      await documents.send(
        new PutCommand({
          TableName: TABLE,
          Item: {
            PK: `CONTRACT#${contractId}`,
            SK: `CYCLE#${period}`,
            ...storedCycleFields(cycle(contractId, period, total, index !== 2)),
            expiresAt: 1_790_000_000,
          },
        }),
      );
  }
});

afterAll(async () => {
  client.destroy();
  await dynamodb.close();
});

describe("the bench's reads of a period's cycles", () => {
  it("reads every contract's cycle of the period by key, past 100 keys a request", async () => {
    const reading = await readCycles(documents, TABLE, ids, "2025-08");
    expect(reading.size).toBe(103);
    expect(reading.has("SCALE0000104")).toBe(false);
    expect(reading.get("SCALE0000001")).toEqual({ closed: true, billTotal: "6979.36" });
    expect(reading.get("SCALE0000002")).toEqual({ closed: true, billTotal: "6979.37" });
    expect(reading.get("SCALE0000003")).toEqual({ closed: false, billTotal: "6979.36" });
    expect(reading.get("SCALE0000103")).toEqual({ closed: true, billTotal: "6979.36" });
  });

  it("rejects: a period no contract has a cycle of reads empty", async () => {
    expect((await readCycles(documents, TABLE, ids, "2025-10")).size).toBe(0);
  });
});
