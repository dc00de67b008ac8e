/**
 * The embedded DynamoDB measures items, attribute names and key values in UTF-8 bytes, as DynamoDB does
 * (ADR 0101, "Item sizes in UTF-8 bytes"). Oracle: the DynamoDB Developer Guide. "Item sizes and formats": "Strings
 * are Unicode with UTF-8 binary encoding. The size of a string is (number of UTF-8-encoded bytes of attribute
 * name) + (number of UTF-8-encoded bytes)"; "Constraints": an item is at most 400 KB (1 KB = 1,024 bytes, so
 * 409,600 bytes), a partition key value at most 2,048 bytes, a sort key value at most 1,024 bytes; one write unit
 * per 1 KB of item, one read unit per 4 KB for a strongly consistent read, half that for an eventually consistent one,
 * both rounded up. Every size below is computed by hand from those rules: a Chinese character of the Basic
 * Multilingual Plane is 3 bytes of UTF-8 (and 1 UTF-16 unit, which is what dynalite as published counted).
 */
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from "../../infra/local/dynamodb-local";

const TABLE = "Sizes";
// Every item here has the same key size: "pk" (2) + "合同-1" (3 + 3 + 1 + 1 = 8) + "sk" (2) + a sort key of two
// Chinese characters (6) = 18 bytes.
const PK = "合同-1";
const KEY_BYTES = 18;
const key = (sk: string) => ({ pk: { S: PK }, sk: { S: sk } });

const itemTooLarge = {
  name: "ValidationException",
  message: "Item size has exceeded the maximum allowed size",
};

let dynamodb: DynamoDbLocal;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamodb = await startDynamoDbLocal({ port: 0 });
  client = new DynamoDBClient({
    region: "ap-east-1",
    endpoint: dynamodb.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await ensureTable(client, {
    TableName: TABLE,
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  });
});
afterAll(async () => {
  client?.destroy();
  await dynamodb?.close();
});

const put = (item: Record<string, { S: string }>) =>
  client.send(new PutItemCommand({ TableName: TABLE, Item: item }));
const stored = async (sk: string) =>
  (await client.send(new GetItemCommand({ TableName: TABLE, Key: key(sk), ConsistentRead: true }))).Item;

describe("the embedded DynamoDB's item size limit, in UTF-8 bytes", () => {
  it("refuses an item of 140,000 Chinese characters (420,022 bytes) that is 140,014 UTF-16 units", async () => {
    expect(KEY_BYTES + 4 + 3 * 140_000).toBe(420_022);
    await expect(put({ ...key("正文"), text: { S: "合".repeat(140_000) } })).rejects.toMatchObject(
      itemTooLarge,
    );
    await expect(
      client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [TABLE]: [{ PutRequest: { Item: { ...key("正文"), text: { S: "合".repeat(140_000) } } } }],
          },
        }),
      ),
    ).rejects.toMatchObject(itemTooLarge);
    expect(await stored("正文")).toBeUndefined();
  });

  it("accepts the same text just under the limit: 136,525 characters, 409,597 bytes", async () => {
    expect(KEY_BYTES + 4 + 3 * 136_525).toBe(409_597);
    await put({ ...key("正文"), text: { S: "合".repeat(136_525) } });
    expect((await stored("正文"))?.text?.S).toHaveLength(136_525);
  });

  it("counts a Chinese attribute name in UTF-8 bytes: 附件说明 is 12 bytes where note is 4", async () => {
    const value = "a".repeat(409_575);
    // 18 + 4 + 409,575 = 409,597 bytes: accepted.
    await put({ ...key("附件"), note: { S: value } });
    expect((await stored("附件"))?.note?.S).toHaveLength(409_575);
    // 18 + 12 + 409,575 = 409,605 bytes: refused (as UTF-16 units the name is 4, the item 409,589).
    await expect(put({ ...key("账单"), 附件说明: { S: value } })).rejects.toMatchObject(itemTooLarge);
    expect(await stored("账单")).toBeUndefined();
  });

  it("refuses an UpdateItem that grows an item past 409,600 bytes and leaves the item as it was", async () => {
    // 18 + 4 + 300,000 = 300,022 bytes.
    await put({ ...key("合同"), text: { S: "合".repeat(100_000) } });
    const grow = (characters: number) =>
      client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key("合同"),
          UpdateExpression: "SET more = :more",
          ExpressionAttributeValues: { ":more": { S: "合".repeat(characters) } },
        }),
      );
    // + 4 + 120,000 = 420,026 bytes (140,018 UTF-16 units).
    await expect(grow(40_000)).rejects.toMatchObject({
      name: "ValidationException",
      message: "Item size to update has exceeded the maximum allowed size",
    });
    expect((await stored("合同"))?.more).toBeUndefined();
    // + 4 + 108,000 = 408,026 bytes: accepted.
    await grow(36_000);
    expect((await stored("合同"))?.more?.S).toHaveLength(36_000);
  });
});

describe("the embedded DynamoDB's key size limits, in UTF-8 bytes", () => {
  it("refuses a partition key value of 683 Chinese characters (2,049 bytes) and accepts 682 (2,046)", async () => {
    await expect(put({ pk: { S: "合".repeat(683) }, sk: { S: "正文" } })).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("2048 bytes"),
    });
    await put({ pk: { S: "合".repeat(682) }, sk: { S: "正文" } });
  });

  it("refuses a sort key value of 342 Chinese characters (1,026 bytes) and accepts 341 (1,023)", async () => {
    await expect(put({ pk: { S: PK }, sk: { S: "合".repeat(342) } })).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("1024 bytes"),
    });
    await put({ pk: { S: PK }, sk: { S: "合".repeat(341) } });
  });
});

describe("the embedded DynamoDB's consumed capacity, from the item's UTF-8 size", () => {
  // 18 + "text" (4) + 5,000 × 3 = 15,022 bytes (5,014 as UTF-16 units).
  const sk = "收据";
  const item = { ...key(sk), text: { S: "合".repeat(5_000) } };

  it("charges a PutItem one write unit per started KB: 15,022 / 1,024 = 14.67, so 15", async () => {
    const { ConsumedCapacity } = await client.send(
      new PutItemCommand({ TableName: TABLE, Item: item, ReturnConsumedCapacity: "TOTAL" }),
    );
    expect(ConsumedCapacity).toEqual({ TableName: TABLE, CapacityUnits: 15 });
  });

  it("charges reads one unit per started 4 KB: 15,022 / 4,096 = 3.67, so 4 strongly consistent, 2 eventually", async () => {
    await put(item);
    const get = async (ConsistentRead: boolean) =>
      (
        await client.send(
          new GetItemCommand({
            TableName: TABLE,
            Key: key(sk),
            ConsistentRead,
            ReturnConsumedCapacity: "TOTAL",
          }),
        )
      ).ConsumedCapacity?.CapacityUnits;
    expect(await get(true)).toBe(4);
    expect(await get(false)).toBe(2);
    const { ConsumedCapacity } = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: "pk = :pk AND sk = :sk",
        ExpressionAttributeValues: { ":pk": { S: PK }, ":sk": { S: sk } },
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(ConsumedCapacity?.CapacityUnits).toBe(2);
  });
});
