/**
 * The DynamoDB single table (architecture §5): every item of a contract lives under `CONTRACT#<id>`.
 * Every state change is a conditional write, so each handler is safe to run twice; money is stored as
 * decimal strings ("4218.36"), never as a number (R-MONEY-1). These are the table primitives the
 * per-concern modules of the repository share.
 */

import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type * as z from "zod";
import { awsConfig, documentClient } from "../aws-config";

export const contractKey = (contractId: string) => `CONTRACT#${contractId}`;

export class NotFoundError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotFoundError";
  }
}

export const table = () => awsConfig().tableName;

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error)?.name === "ConditionalCheckFailedException"
  );
}

/** Puts an item only if its key is new; returns false when it already existed (idempotent create). */
export async function putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({ TableName: table(), Item: item, ConditionExpression: "attribute_not_exists(PK)" }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function getItem<T>(PK: string, SK: string): Promise<T | undefined> {
  const result = await documentClient().send(
    new GetCommand({ TableName: table(), Key: { PK, SK }, ConsistentRead: true }),
  );
  return result.Item as T | undefined;
}

export async function queryAll<T>(PK: string, skPrefix: string): Promise<T[]> {
  return queryPages<T>("PK = :pk AND begins_with(SK, :sk)", { ":pk": PK, ":sk": skPrefix });
}

/** The items of `PK` whose sort key lies from `fromSk` to `toSk` inclusive, in sort-key order. */
export async function queryBetween<T>(PK: string, fromSk: string, toSk: string): Promise<T[]> {
  return queryPages<T>("PK = :pk AND SK BETWEEN :from AND :to", { ":pk": PK, ":from": fromSk, ":to": toSk });
}

async function queryPages<T>(
  KeyConditionExpression: string,
  ExpressionAttributeValues: Record<string, string>,
): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression,
        ExpressionAttributeValues,
        ExclusiveStartKey,
        ConsistentRead: true,
      }),
    );
    items.push(...((page.Items ?? []) as T[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export class MalformedRecordError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MalformedRecordError";
  }
}

/**
 * A stored record checked against its schema: a malformed item fails loudly, naming its key, instead of
 * flowing on. `shownKey` replaces the key in the message when the key is itself a secret (a reply key).
 */
export function parseRecord<Schema extends z.ZodType>(
  schema: Schema,
  item: Record<string, unknown>,
  what: string,
  shownKey = `${String(item.PK)}/${String(item.SK)}`,
): z.infer<Schema> {
  const parsed = schema.safeParse(strip(item));
  if (!parsed.success) {
    throw new MalformedRecordError(
      `stored ${what} ${shownKey} is malformed: ${parsed.error.issues.map((i) => `${i.path.join(".") || "$"}: ${i.message}`).join("; ")}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/** The item without its table keys and TTL: what a record schema validates. */
export function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { PK: _pk, SK: _sk, GSI1PK: _g1, GSI1SK: _g2, expiresAt: _ttl, ...rest } = item;
  return rest;
}
/**
 * Updates an item if `condition` holds; false when it does not. The item must exist, unless `orCreate`
 * (an update that may start the item, as ADD does on a set).
 */
export async function conditionalUpdate(
  PK: string,
  SK: string,
  update: string,
  condition: string,
  expression: { names?: Record<string, string>; values?: Record<string, unknown> },
  options: { orCreate?: boolean } = {},
): Promise<boolean> {
  return (await updateIf(PK, SK, update, condition, expression, options.orCreate ?? false, "NONE")) !== false;
}

/**
 * As `conditionalUpdate` on an existing item, returning the item as this write left it (`ReturnValues:
 * ALL_NEW`: DynamoDB's image of the item right after the update, in the same atomic operation), so a step
 * never reads back what it just wrote (ADR 0099); undefined when the condition did not hold.
 */
export async function conditionalUpdateReturningItem(
  PK: string,
  SK: string,
  update: string,
  condition: string,
  expression: { names?: Record<string, string>; values?: Record<string, unknown> },
): Promise<Record<string, unknown> | undefined> {
  const item = await updateIf(PK, SK, update, condition, expression, false, "ALL_NEW");
  return item === false ? undefined : item;
}

/** The one conditional UpdateItem both share: false when the condition failed, else the returned item. */
async function updateIf(
  PK: string,
  SK: string,
  update: string,
  condition: string,
  expression: { names?: Record<string, string>; values?: Record<string, unknown> },
  orCreate: boolean,
  returnValues: "NONE" | "ALL_NEW",
): Promise<Record<string, unknown> | false> {
  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: { PK, SK },
        UpdateExpression: update,
        ConditionExpression: orCreate ? condition : `attribute_exists(PK) AND (${condition})`,
        ...(expression.names ? { ExpressionAttributeNames: expression.names } : {}),
        ...(expression.values ? { ExpressionAttributeValues: expression.values } : {}),
        ...(returnValues === "NONE" ? {} : { ReturnValues: returnValues }),
      }),
    );
    return result.Attributes ?? {};
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
