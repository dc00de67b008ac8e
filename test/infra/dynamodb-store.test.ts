/**
 * dynalite with its string store and native checksum (ADR 0101) answers every call exactly as dynalite as
 * published does. The oracle is dynalite itself, loaded untouched in a worker thread (its own module cache):
 * the same requests go to both over HTTP and the answers are compared status, headers and body bytes.
 */
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { requireFromDynalite } from "../../infra/local/dynamodb-store";
import { createTableInput } from "../../infra/table-schema";
import { comparable, oursAndPublished, send } from "./dynalite-published";

type Call = [operation: string, body: unknown];

const TABLE = "ContractOps";
const NUMBERS = "Numbers";

// 408,000 bytes of UTF-8 in 136,000 UTF-16 units: under the 400 KB (409,600 byte) limit measured either way (with
// its names and keys the item is 408,062 bytes). Here dynalite measures strings in UTF-8 bytes as DynamoDB does,
// dynalite as published in UTF-16 units, so where the two differ (Chinese text near the limit) the answers do too:
// that is held to DynamoDB's rules in dynamodb-item-size.test.ts. 410,000 ASCII bytes are over the limit either way.
const bigText = "合".repeat(136_000);
const tooBigText = "a".repeat(410_000);

const item = (sk: string, extra: Record<string, unknown> = {}) => ({
  PK: { S: "CONTRACT#吉林-1" },
  SK: { S: sk },
  GSI1PK: { S: "STATUS#open" },
  GSI1SK: { S: `2026-01#${sk}` },
  ...extra,
});

const calls: Call[] = [
  ["CreateTable", createTableInput(TABLE)],
  [
    "CreateTable",
    {
      TableName: NUMBERS,
      AttributeDefinitions: [
        { AttributeName: "PK", AttributeType: "S" },
        { AttributeName: "N", AttributeType: "N" },
      ],
      KeySchema: [
        { AttributeName: "PK", KeyType: "HASH" },
        { AttributeName: "N", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    },
  ],
  ["DescribeTable", { TableName: TABLE }],
  ["DescribeTimeToLive", { TableName: TABLE }],
  ["ListTables", {}],
  [
    "PutItem",
    {
      TableName: TABLE,
      Item: item("BILL#2026-01", {
        amountFen: { N: "696988" },
        note: { S: "甲方：吉林省社会医疗保险管理局 😀" },
        nested: { M: { list: { L: [{ S: "a" }, { N: "-1.50" }, { BOOL: true }, { NULL: true }] } } },
        tags: { SS: ["乙", "甲", "\u{1F600}", "\uFF01"] },
        blob: { B: "AAEC/w==" },
      }),
      ConditionExpression: "attribute_not_exists(PK)",
    },
  ],
  ["PutItem", { TableName: TABLE, Item: item("BILL#2026-02", { amountFen: { N: "10" } }) }],
  ["PutItem", { TableName: TABLE, Item: item("\u{1F600}") }],
  ["PutItem", { TableName: TABLE, Item: item("\uFF01") }],
  ["PutItem", { TableName: TABLE, Item: item("账单") }],
  [
    "PutItem",
    {
      TableName: TABLE,
      Item: item("BILL#2026-01"),
      ConditionExpression: "attribute_not_exists(PK)",
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    },
  ],
  [
    "GetItem",
    {
      TableName: TABLE,
      Key: { PK: { S: "CONTRACT#吉林-1" }, SK: { S: "BILL#2026-01" } },
      ConsistentRead: true,
      ReturnConsumedCapacity: "TOTAL",
    },
  ],
  [
    "GetItem",
    {
      TableName: TABLE,
      Key: { PK: { S: "CONTRACT#吉林-1" }, SK: { S: "BILL#2026-01" } },
      ProjectionExpression: "#n, nested.#l[1], amountFen",
      ExpressionAttributeNames: { "#n": "note", "#l": "list" },
    },
  ],
  ["GetItem", { TableName: TABLE, Key: { PK: { S: "CONTRACT#吉林-1" }, SK: { S: "BILL#1999-01" } } }],
  [
    "UpdateItem",
    {
      TableName: TABLE,
      Key: { PK: { S: "CONTRACT#吉林-1" }, SK: { S: "BILL#2026-02" } },
      UpdateExpression: "SET #s = :s, nested = :m ADD amountFen :d, seen :set REMOVE GSI1SK",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: {
        ":s": { S: "已确认" },
        ":m": { M: { at: { N: "1767225600" } } },
        ":d": { N: "-0.5" },
        ":set": { NS: ["3", "1", "2"] },
      },
      ReturnValues: "ALL_NEW",
    },
  ],
  [
    "UpdateItem",
    {
      TableName: TABLE,
      Key: { PK: { S: "CONTRACT#吉林-1" }, SK: { S: "BILL#2026-02" } },
      UpdateExpression: "SET #s = :s",
      ConditionExpression: "#s = :expected",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":s": { S: "sent" }, ":expected": { S: "draft" } },
      ReturnValues: "UPDATED_OLD",
    },
  ],
  [
    "Query",
    {
      TableName: TABLE,
      KeyConditionExpression: "PK = :pk",
      ExpressionAttributeValues: { ":pk": { S: "CONTRACT#吉林-1" } },
      ScanIndexForward: false,
      Limit: 3,
    },
  ],
  [
    "Query",
    {
      TableName: TABLE,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :bill)",
      ExpressionAttributeValues: { ":pk": { S: "CONTRACT#吉林-1" }, ":bill": { S: "BILL#" } },
      ExclusiveStartKey: { PK: { S: "CONTRACT#吉林-1" }, SK: { S: "BILL#2026-01" } },
    },
  ],
  [
    "Query",
    {
      TableName: TABLE,
      IndexName: "GSI1",
      KeyConditionExpression: "GSI1PK = :p AND GSI1SK BETWEEN :a AND :b",
      FilterExpression: "attribute_exists(amountFen) OR size(SK) < :three",
      ExpressionAttributeValues: {
        ":p": { S: "STATUS#open" },
        ":a": { S: "2026-01#" },
        ":b": { S: "2026-01#\uFFFF" },
        ":three": { N: "3" },
      },
      Select: "ALL_ATTRIBUTES",
    },
  ],
  [
    "BatchWriteItem",
    {
      RequestItems: {
        [NUMBERS]: ["-99.1", "0", "1000", "-0.001", "12345678901234567890", "7.5"].map((n) => ({
          PutRequest: { Item: { PK: { S: "n" }, N: { N: n } } },
        })),
        [TABLE]: [{ DeleteRequest: { Key: { PK: { S: "CONTRACT#吉林-1" }, SK: { S: "账单" } } } }],
      },
    },
  ],
  [
    "Query",
    {
      TableName: NUMBERS,
      KeyConditionExpression: "PK = :p AND N > :min",
      ExpressionAttributeValues: { ":p": { S: "n" }, ":min": { N: "-1" } },
    },
  ],
  [
    "BatchGetItem",
    {
      RequestItems: {
        [NUMBERS]: {
          Keys: [
            { PK: { S: "n" }, N: { N: "7.5" } },
            { PK: { S: "n" }, N: { N: "8" } },
          ],
        },
        [TABLE]: {
          Keys: [{ PK: { S: "CONTRACT#吉林-1" }, SK: { S: "\uFF01" } }],
          ProjectionExpression: "SK",
        },
      },
    },
  ],
  [
    "Scan",
    {
      TableName: TABLE,
      FilterExpression: "contains(note, :jia)",
      ExpressionAttributeValues: { ":jia": { S: "吉林" } },
    },
  ],
  ["Scan", { TableName: NUMBERS, Limit: 4, Segment: 0, TotalSegments: 1 }],
  [
    "DeleteItem",
    {
      TableName: TABLE,
      Key: { PK: { S: "CONTRACT#吉林-1" }, SK: { S: "BILL#2026-02" } },
      ReturnValues: "ALL_OLD",
    },
  ],
  ["GetItem", { TableName: "Missing", Key: { PK: { S: "x" }, SK: { S: "y" } } }],
  [
    "Query",
    {
      TableName: TABLE,
      KeyConditionExpression: "PK = = :pk",
      ExpressionAttributeValues: { ":pk": { S: "x" } },
    },
  ],
  ["PutItem", { TableName: TABLE, Item: item("BIG", { text: { S: bigText } }) }],
  ["GetItem", { TableName: TABLE, Key: { PK: { S: "CONTRACT#吉林-1" }, SK: { S: "BIG" } } }],
  ["PutItem", { TableName: TABLE, Item: item("TOO-BIG", { text: { S: tooBigText } }) }],
  ["PutItem", { TableName: TABLE, Item: { PK: { S: "x" } } }],
  ["PutItem", "{not json"],
];

describe("dynalite's string store and native checksum (ADR 0101)", () => {
  const servers = oursAndPublished();

  it("is what dynalite runs on here: a store of strings, UTF-8 sizes, and buffer-crc32 and memory-level unchanged for others", () => {
    const fromDynalite = requireFromDynalite();
    const db = fromDynalite("./db") as {
      create(options: object): { db: { supports: unknown } };
      itemSize(item: object): number;
    };
    const store = db.create({});
    expect(store.db.supports).toMatchObject({ encodings: { utf8: true } });
    expect(store.db.supports).not.toMatchObject({ encodings: { buffer: true } });
    // The name 名 is 3 bytes of UTF-8, the value 合同 6: 9 bytes, where UTF-16 units would make it 3.
    expect(db.itemSize({ 名: { S: "合同" } })).toBe(9);

    const { MemoryLevel } = fromDynalite("memory-level") as { MemoryLevel: new () => { supports: unknown } };
    expect(new MemoryLevel().supports).toMatchObject({ encodings: { buffer: true } });
    const crc32 = fromDynalite("buffer-crc32") as { unsigned(input: string): number };
    // CRC-32 of "123456789" is 0xCBF43926, the check value of the standard (ISO-HDLC) CRC.
    expect(crc32.unsigned("123456789")).toBe(0xcbf43926);
  });

  it("answers each call of a sequence with the status, headers and bytes of dynalite as published", async () => {
    const { unsigned } = requireFromDynalite()("buffer-crc32") as { unsigned(input: Buffer): number };
    for (const [operation, body] of calls) {
      const mine = await send(servers.ours.port, operation, body);
      const theirs = await send(servers.published.port, operation, body);
      // Each checksum is the CRC-32 of its own body, computed by the original JavaScript implementation.
      expect(Number(mine.headers["x-amz-crc32"]), operation).toBe(unsigned(Buffer.from(mine.body, "utf8")));
      expect(comparable(mine), `${operation} ${JSON.stringify(body).slice(0, 200)}`).toEqual(
        comparable(theirs),
      );
    }
  });

  it("returns Query pages in DynamoDB's key order: numbers by value, strings by their UTF-8 bytes", async () => {
    const keyed = (table: string, type: "S" | "N") => ({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: "PK", AttributeType: "S" },
        { AttributeName: "K", AttributeType: type },
      ],
      KeySchema: [
        { AttributeName: "PK", KeyType: "HASH" },
        { AttributeName: "K", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    });
    const numbers = ["12345678901234567890", "-0.001", "7.5", "0", "-99.1", "1000"];
    // "！" is U+FF01 (UTF-8 EF BC 81), "😀" U+1F600 (F0 9F 98 80): UTF-8 bytes put "！" first, UTF-16 code
    // units (D83D DE00 against FF01) the other way round.
    const strings = ["\u{1F600}", "b", "\uFF01", "账单", "B", "a"];
    for (const [table, type, values] of [
      ["OrderN", "N", numbers],
      ["OrderS", "S", strings],
    ] as const) {
      expect((await send(servers.ours.port, "CreateTable", keyed(table, type))).status).toBe(200);
      const puts = values.map((value) => ({
        PutRequest: { Item: { PK: { S: "p" }, K: { [type]: value } } },
      }));
      expect(
        (await send(servers.ours.port, "BatchWriteItem", { RequestItems: { [table]: puts } })).status,
      ).toBe(200);
    }
    const order = async (table: string, type: "S" | "N") => {
      const answer = await send(servers.ours.port, "Query", {
        TableName: table,
        KeyConditionExpression: "PK = :p",
        ExpressionAttributeValues: { ":p": { S: "p" } },
      });
      const page = z.object({ Items: z.array(z.object({ K: z.record(z.string(), z.string()) })) });
      return page.parse(JSON.parse(answer.body)).Items.map((item) => item.K[type]);
    };
    expect(await order("OrderN", "N")).toEqual([
      "-99.1",
      "-0.001",
      "0",
      "7.5",
      "1000",
      "12345678901234567890",
    ]);
    expect(await order("OrderS", "S")).toEqual(["B", "a", "b", "账单", "\uFF01", "\u{1F600}"]);
  });
});
