/**
 * DynamoDB's Time to Live on the embedded stack (ADR 0053), against the UpdateTimeToLive API reference: an
 * item whose TTL attribute (a Number of epoch seconds) is less than the current time is expired and deleted
 * in the background, "typically within two days"; until then reads still return it; an item without the
 * attribute, or with a value that is not a Number, is never deleted. Epoch seconds worked by hand:
 * 2030-01-01T00:00:00Z = 1,893,456,000.
 */
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsConfig, documentClient, resetAwsClients } from "../../functions/adapters/aws-config";
import { timeToLiveAttributeOf } from "../../infra/local/dynamodb-ttl";
import { type LocalServices, startLocalServices } from "../../infra/local/services";
import { VirtualClock } from "../../infra/local/sfn";
import { type LocalStack, startLocalStack } from "../../infra/local/stack";
import { localTemplate } from "../../infra/local/template-cache";

const NEW_YEAR_2030 = 1_893_456_000;
const repoRoot = new URL("../../", import.meta.url).pathname;
const savedEnv = { ...process.env };

const put = (PK: string, extra: Record<string, unknown> = {}) =>
  documentClient().send(
    new PutCommand({ TableName: awsConfig().tableName, Item: { PK, SK: "ITEM", ...extra } }),
  );
const present = async (PK: string) =>
  (await documentClient().send(new GetCommand({ TableName: awsConfig().tableName, Key: { PK, SK: "ITEM" } })))
    .Item !== undefined;

afterAll(() => {
  process.env = savedEnv;
  resetAwsClients();
});

describe("the TTL attribute comes from the synthesized template", () => {
  it("the table's TimeToLiveSpecification names expiresAt and is enabled", async () => {
    const { template } = await localTemplate(repoRoot);
    expect(timeToLiveAttributeOf(template)).toBe("expiresAt");
  });

  it("a template whose table has TTL disabled, or no table, gives none", () => {
    const table = (Enabled: boolean) => ({
      Resources: {
        T: {
          Type: "AWS::DynamoDB::GlobalTable",
          Properties: { TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled } },
        },
      },
    });
    expect(timeToLiveAttributeOf(table(false))).toBeUndefined();
    expect(timeToLiveAttributeOf({ Resources: {} })).toBeUndefined();
    expect(timeToLiveAttributeOf(table(true))).toBe("expiresAt");
  });
});

describe("the sweep deletes what has expired, and only that", () => {
  let services: LocalServices;
  let sweep: NonNullable<LocalServices["sweepExpiredItems"]>;

  beforeAll(async () => {
    services = await startLocalServices({ timeToLiveAttribute: "expiresAt" });
    Object.assign(process.env, services.env);
    resetAwsClients();
    if (!services.sweepExpiredItems) throw new Error("no TTL sweep on a table with a TTL attribute");
    sweep = services.sweepExpiredItems;
  });

  afterAll(async () => {
    resetAwsClients();
    await services.stop();
  });

  it("an item is read until the sweep after its expiry deletes it; items without a Number TTL stay", async () => {
    await put("EXPIRES-AT-2030", { expiresAt: NEW_YEAR_2030 });
    await put("EXPIRES-LATER", { expiresAt: NEW_YEAR_2030 + 86_400 });
    await put("NO-TTL");
    await put("TTL-AS-TEXT", { expiresAt: String(NEW_YEAR_2030) });

    // One second before: not expired (the value is not less than now).
    expect(await sweep(new Date((NEW_YEAR_2030 - 1) * 1000))).toMatchObject({ deleted: 0 });
    // At the very second it is still not less than now; expired but not yet swept, it is still read.
    expect(await sweep(new Date(NEW_YEAR_2030 * 1000))).toMatchObject({ deleted: 0 });
    expect(await present("EXPIRES-AT-2030")).toBe(true);

    expect(await sweep(new Date((NEW_YEAR_2030 + 1) * 1000))).toEqual({ scanned: true, deleted: 1 });
    expect(await present("EXPIRES-AT-2030")).toBe(false);
    expect(await present("EXPIRES-LATER")).toBe(true);
    expect(await present("NO-TTL")).toBe(true);
    expect(await present("TTL-AS-TEXT")).toBe(true);

    expect(await sweep(new Date((NEW_YEAR_2030 + 86_401) * 1000))).toEqual({ scanned: true, deleted: 1 });
    expect(await present("EXPIRES-LATER")).toBe(false);
    expect(await present("NO-TTL")).toBe(true);
    expect(await present("TTL-AS-TEXT")).toBe(true);
    await documentClient().send(
      new DeleteCommand({ TableName: awsConfig().tableName, Key: { PK: "NO-TTL", SK: "ITEM" } }),
    );
    await documentClient().send(
      new DeleteCommand({ TableName: awsConfig().tableName, Key: { PK: "TTL-AS-TEXT", SK: "ITEM" } }),
    );
  });

  it("a sweep scans only once something may have expired, written or updated since the last scan", async () => {
    const day = 86_400;
    const base = NEW_YEAR_2030 + 10 * day;
    await put("PUT", { expiresAt: base + day });
    // The earlier items are gone and the one written since expires at base + day: no scan before.
    expect(await sweep(new Date(base * 1000))).toEqual({ scanned: false, deleted: 0 });
    expect(await sweep(new Date((base + 100) * 1000))).toEqual({ scanned: false, deleted: 0 });

    // An update that sets an earlier expiry is noticed from the write itself.
    await documentClient().send(
      new UpdateCommand({
        TableName: awsConfig().tableName,
        Key: { PK: "UPDATED", SK: "ITEM" },
        UpdateExpression: "SET #t = :t",
        ExpressionAttributeNames: { "#t": "expiresAt" },
        ExpressionAttributeValues: { ":t": base + 200 },
      }),
    );
    expect(await sweep(new Date((base + 201) * 1000))).toEqual({ scanned: true, deleted: 1 });
    expect(await present("UPDATED")).toBe(false);
    expect(await present("PUT")).toBe(true);
  });

  it("a malformed write naming the attribute is refused by DynamoDB's own validation and changes nothing", async () => {
    const response = await fetch(services.endpoints.dynamodb, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.PutItem",
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20300101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: '{"TableName": "expiresAt", not json',
    });
    expect(response.status).toBe(400);
    await put("AFTER-MALFORMED");
    expect(await present("AFTER-MALFORMED")).toBe(true);
  });

  it("an item whose TTL was moved later after it expired is kept", async () => {
    const at = NEW_YEAR_2030 + 100 * 86_400;
    await put("RENEWED", { expiresAt: at });
    await documentClient().send(
      new UpdateCommand({
        TableName: awsConfig().tableName,
        Key: { PK: "RENEWED", SK: "ITEM" },
        UpdateExpression: "SET expiresAt = :t",
        ExpressionAttributeValues: { ":t": at + 365 * 86_400 },
      }),
    );
    await sweep(new Date((at + 1) * 1000));
    expect(await present("RENEWED")).toBe(true);
  });

  it("a put's TTL is noticed however its JSON is spelled: spaced, with escapes, or in a batch", async () => {
    const day = 86_400;
    // Past every expiry above but RENEWED's (a year after its first): after this sweep none is due for months.
    const base = NEW_YEAR_2030 + 200 * day;
    await sweep(new Date(base * 1000));
    expect(await sweep(new Date((base + 1) * 1000))).toEqual({ scanned: false, deleted: 0 });

    const putRaw = async (body: string) => {
      const response = await fetch(services.endpoints.dynamodb, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": "DynamoDB_20120810.PutItem",
          "x-amz-date": "20300101T000000Z",
          authorization:
            "AWS4-HMAC-SHA256 Credential=local/20300101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0",
        },
        body,
      });
      // dynalite checks a signature's form, not its value; a put answers with no attributes.
      expect(`${response.status} ${await response.text()}`).toBe("200 {}");
    };
    const item = (PK: string, seconds: number) => ({
      TableName: awsConfig().tableName,
      Item: { PK: { S: PK }, SK: { S: "ITEM" }, expiresAt: { N: String(seconds) } },
    });
    const expiresAndGoes = async (PK: string, seconds: number) => {
      expect(await sweep(new Date((seconds - 1) * 1000))).toEqual({ scanned: false, deleted: 0 });
      expect(await sweep(new Date((seconds + 1) * 1000))).toEqual({ scanned: true, deleted: 1 });
      expect(await present(PK)).toBe(false);
    };

    // Spaces and line breaks wherever JSON allows them.
    await putRaw(JSON.stringify(item("SPACED", base + 10 * day), null, 2).replaceAll(":", " :"));
    await expiresAndGoes("SPACED", base + 10 * day);
    // The attribute's type written as an escape ("N" is "\u004e" to a JSON reader).
    await putRaw(JSON.stringify(item("ESCAPED", base + 20 * day)).replace('"N"', '"\\u004e"'));
    await expiresAndGoes("ESCAPED", base + 20 * day);
    // A batch of puts: the earliest of its items counts.
    await documentClient().send(
      new BatchWriteCommand({
        RequestItems: {
          [awsConfig().tableName]: [
            { PutRequest: { Item: { PK: "BATCH-LATER", SK: "ITEM", expiresAt: base + 40 * day } } },
            { PutRequest: { Item: { PK: "BATCH", SK: "ITEM", expiresAt: base + 30 * day } } },
          ],
        },
      }),
    );
    await expiresAndGoes("BATCH", base + 30 * day);
    expect(await present("BATCH-LATER")).toBe(true);
  });
});

describe("on the embedded stack the sweep runs daily on the stack's clock", () => {
  let stack: LocalStack;
  // 2030-01-01 08:00 in Asia/Shanghai: the day's sweep (03:30 there) has passed.
  const start = new Date(NEW_YEAR_2030 * 1000);

  beforeAll(async () => {
    stack = await startLocalStack({ clock: new VirtualClock(start), timeToLiveAttribute: "expiresAt" });
    Object.assign(process.env, stack.env);
    resetAwsClients();
  });

  afterAll(async () => {
    resetAwsClients();
    await stack.stop();
  });

  it("an item expiring at noon is still read that evening and gone after the next morning's sweep", async () => {
    const noon = NEW_YEAR_2030 + 4 * 3600; // 12:00 in Asia/Shanghai
    await put("NOON", { expiresAt: noon });
    await put("KEPT");
    // 2030-01-01 23:00 Asia/Shanghai: expired, not swept.
    await stack.clock.runUntil(new Date((NEW_YEAR_2030 + 15 * 3600) * 1000));
    expect(await present("NOON")).toBe(true);
    // 2030-01-02 03:30 Asia/Shanghai is 2030-01-01T19:30:00Z; a minute after it, the item is gone.
    await stack.clock.runUntil(new Date("2030-01-01T19:31:00Z"));
    expect(await present("NOON")).toBe(false);
    expect(await present("KEPT")).toBe(true);
  });
});
