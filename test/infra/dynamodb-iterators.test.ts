/**
 * dynalite reads a Query through a LevelDB iterator; the iterator must be closed once the Query has been
 * answered, whether it read to the end or stopped at its Limit (ADR 0073) — an open one holds LevelDB's
 * memtables (on disk) or an old version of the tree (in memory) until the database closes. abstract-level
 * counts the open ones in the database's resources; the test counts the iterators closed, per Query, by
 * watching abstract-level's `close()` (it still runs). Oracle: each Query opens a value stream (dynalite's
 * `db.queryTable`); before the fix no iterator was ever closed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from "../../infra/local/dynamodb-local";
import { createTableInput } from "../../infra/table-schema";

const fromDynalite = createRequire(createRequire(import.meta.url).resolve("dynalite"));
const { AbstractIterator: entryIterator } = createRequire(
  createRequire(fromDynalite.resolve("level")).resolve("classic-level"),
)("abstract-level") as { AbstractIterator: { prototype: { close(): Promise<void> } } };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tableWithItems(dataPath: string | undefined): Promise<DynamoDBClient> {
  const dynamodb: DynamoDbLocal = await startDynamoDbLocal({ port: 0, ...(dataPath ? { dataPath } : {}) });
  cleanups.push(() => dynamodb.close());
  const client = new DynamoDBClient({
    region: "ap-east-1",
    endpoint: dynamodb.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  cleanups.push(() => client.destroy());
  await ensureTable(client, createTableInput("ContractOps"));
  for (const period of ["2025-08", "2025-09", "2025-10"]) {
    await client.send(
      new PutItemCommand({
        TableName: "ContractOps",
        Item: { PK: { S: "CONTRACT#SCALE0000001" }, SK: { S: `CYCLE#${period}` } },
      }),
    );
  }
  return client;
}

const query = (limit?: number) =>
  new QueryCommand({
    TableName: "ContractOps",
    KeyConditionExpression: "PK = :pk",
    ExpressionAttributeValues: { ":pk": { S: "CONTRACT#SCALE0000001" } },
    ...(limit === undefined ? {} : { Limit: limit }),
  });

describe("dynalite's Query iterators", () => {
  for (const [where, dataPath] of [
    ["on disk", () => mkdtempSync(join(tmpdir(), "contract-ops-dynamodb-iterators-"))],
    ["in memory", () => undefined],
  ] as const) {
    it(`are closed after a Query read to its end and after one cut at its Limit (${where})`, async () => {
      const path = dataPath();
      if (path) cleanups.push(() => rmSync(path, { recursive: true, force: true }));
      const client = await tableWithItems(path);
      // Entry, key and value iterators share this prototype (abstract-level's CommonIterator).
      const close = vi.spyOn(
        Object.getPrototypeOf(entryIterator.prototype) as { close(): Promise<void> },
        "close",
      );

      const whole = await client.send(query());
      expect(whole.Items?.map((item) => item.SK?.S)).toEqual([
        "CYCLE#2025-08",
        "CYCLE#2025-09",
        "CYCLE#2025-10",
      ]);
      // On disk the value iterator closes the entry iterator it reads through as well: at least one close.
      await vi.waitFor(() => expect(close.mock.calls.length).toBeGreaterThanOrEqual(1));
      const afterWhole = close.mock.calls.length;

      const first = await client.send(query(1));
      expect(first.Items?.map((item) => item.SK?.S)).toEqual(["CYCLE#2025-08"]);
      await vi.waitFor(() => expect(close.mock.calls.length).toBeGreaterThan(afterWhole));
    });
  }
});
