/**
 * dynalite's expression parsers remember their parses (ADR 0109), and the embedded DynamoDB answers exactly as
 * dynalite as published does, whose parsers parse every expression afresh: the same requests go to both over
 * HTTP and every answer's status, headers and bytes are compared. The parsers alone are compared with
 * dynalite's in dynamodb-expression-parsers.test.ts.
 */
import { describe, expect, it } from "vitest";
import { parseCounts } from "../../infra/local/dynamodb-expressions";
import { createTableInput } from "../../infra/table-schema";
import { comparable, oursAndPublished, send } from "./dynalite-published";

type Call = [operation: string, body: unknown];

const TABLE = "Expressions";
const PK = { S: "CONTRACT#吉林-1" };
const key = (sk: string) => ({ PK, SK: { S: sk } });

const update = (
  sk: string,
  UpdateExpression: string,
  values: Record<string, unknown>,
  more: Record<string, unknown> = {},
): Call => [
  "UpdateItem",
  {
    TableName: TABLE,
    Key: key(sk),
    UpdateExpression,
    ExpressionAttributeNames: { "#s": "status" },
    ExpressionAttributeValues: values,
    ReturnValues: "ALL_NEW",
    ...more,
  },
];

const query = (KeyConditionExpression: string, values: Record<string, unknown>, more = {}): Call => [
  "Query",
  { TableName: TABLE, KeyConditionExpression, ExpressionAttributeValues: { ":pk": PK, ...values }, ...more },
];

const getProjected = (ProjectionExpression: string, names: Record<string, string>): Call => [
  "GetItem",
  { TableName: TABLE, Key: key("BILL#1"), ProjectionExpression, ExpressionAttributeNames: names },
];

/** Each expression text comes back with other values, other kinds of values and other names. */
const calls: Call[] = [
  ["CreateTable", createTableInput(TABLE)],
  ...["BILL#1", "BILL#2", "BILL#3"].map(
    (sk, i): Call => [
      "PutItem",
      {
        TableName: TABLE,
        Item: {
          ...key(sk),
          status: { S: "draft" },
          amountFen: { N: String(100 * (i + 1)) },
          note: { S: "甲方 😀" },
          periods: { L: [{ S: "2026-01" }] },
          notes: { SS: ["a"] },
        },
        ConditionExpression: "attribute_not_exists(PK)",
      },
    ],
  ),
  // The same condition, now failing.
  ["PutItem", { TableName: TABLE, Item: key("BILL#1"), ConditionExpression: "attribute_not_exists(PK)" }],
  update(
    "BILL#1",
    "SET #s = :s",
    { ":s": { S: "sent" }, ":e": { S: "draft" } },
    { ConditionExpression: "#s = :e" },
  ),
  update(
    "BILL#2",
    "SET #s = :s",
    { ":s": { S: "sent" }, ":e": { S: "draft" } },
    { ConditionExpression: "#s = :e" },
  ),
  // Passes no longer (status is now sent), then a number where a string was.
  update(
    "BILL#1",
    "SET #s = :s",
    { ":s": { S: "sent" }, ":e": { S: "draft" } },
    { ConditionExpression: "#s = :e" },
  ),
  update(
    "BILL#3",
    "SET #s = :s",
    { ":s": { N: "7" }, ":e": { S: "draft" } },
    { ConditionExpression: "#s = :e" },
  ),
  // begins_with takes strings or binaries: a number operand is refused, then a string is fine again.
  update(
    "BILL#2",
    "SET #s = :s",
    { ":s": { S: "paid" }, ":p": { S: "se" } },
    { ConditionExpression: "begins_with(#s, :p)" },
  ),
  update(
    "BILL#2",
    "SET #s = :s",
    { ":s": { S: "paid" }, ":p": { N: "5" } },
    { ConditionExpression: "begins_with(#s, :p)" },
  ),
  update(
    "BILL#2",
    "SET #s = :s",
    { ":s": { S: "paid" }, ":p": { S: "xx" } },
    { ConditionExpression: "begins_with(#s, :p)" },
  ),
  // ADD takes numbers and sets: a string is refused.
  [
    "UpdateItem",
    {
      TableName: TABLE,
      Key: key("BILL#1"),
      UpdateExpression: "ADD amountFen :d",
      ExpressionAttributeValues: { ":d": { N: "-0.5" } },
    },
  ],
  [
    "UpdateItem",
    {
      TableName: TABLE,
      Key: key("BILL#1"),
      UpdateExpression: "ADD amountFen :d",
      ExpressionAttributeValues: { ":d": { S: "1" } },
    },
  ],
  [
    "UpdateItem",
    {
      TableName: TABLE,
      Key: key("BILL#1"),
      UpdateExpression: "ADD notes :d",
      ExpressionAttributeValues: { ":d": { SS: ["b", "c"] } },
    },
  ],
  // list_append takes lists.
  update(
    "BILL#1",
    "SET periods = list_append(periods, :l)",
    { ":l": { L: [{ S: "2026-02" }] } },
    { ExpressionAttributeNames: undefined },
  ),
  update(
    "BILL#1",
    "SET periods = list_append(periods, :l)",
    { ":l": { S: "2026-03" } },
    { ExpressionAttributeNames: undefined },
  ),
  // Names and values supplied but unused, or used but not supplied.
  update(
    "BILL#3",
    "SET #s = :s",
    { ":s": { S: "held" } },
    { ExpressionAttributeNames: { "#s": "status", "#x": "x" } },
  ),
  update("BILL#3", "SET #s = :s", { ":s": { S: "held" }, ":y": { S: "y" } }),
  update("BILL#3", "SET #s = :s", { ":t": { S: "held" } }),
  update("BILL#3", "SET #s = :s", { ":s": { S: "held" } }, { ExpressionAttributeNames: { "#t": "status" } }),
  update("BILL#3", "SET #s = :s", { ":s": { S: "held" } }),
  // A value used by the condition only, then the condition alone.
  update(
    "BILL#3",
    "SET amountFen = :a",
    { ":a": { N: "1" }, ":s": { S: "held" } },
    { ConditionExpression: "#s = :s" },
  ),
  update("BILL#3", "SET #s = :s", { ":s": { S: "held" } }, { ConditionExpression: "#s = :s" }),
  // The condition met first after its update marked #s and :s used, then after an update that does not use them.
  update("BILL#3", "SET #s = :s", { ":s": { S: "due" } }, { ConditionExpression: "#s = :s" }),
  update("BILL#3", "REMOVE x", { ":s": { S: "held" } }, { ConditionExpression: "#s = :s" }),
  // The same name bound to another attribute.
  update("BILL#3", "SET #s = :s", { ":s": { S: "9" } }, { ExpressionAttributeNames: { "#s": "note" } }),
  // attribute_type reads its type name; size and contains.
  ...["S", "N", "X"].map((type) =>
    update(
      "BILL#2",
      "SET amountFen = :a",
      { ":a": { N: "2" }, ":t": { S: type } },
      {
        ConditionExpression: "attribute_type(#s, :t)",
      },
    ),
  ),
  ...[{ N: "3" }, { N: "99" }, { S: "3" }].map((n) =>
    update(
      "BILL#2",
      "SET amountFen = :a",
      { ":a": { N: "3" }, ":n": n },
      {
        ConditionExpression: "size(#s) > :n AND contains(periods, :p)",
        ExpressionAttributeValues: { ":a": { N: "3" }, ":n": n, ":p": { S: "2026-01" } },
      },
    ),
  ),
  // Syntax errors and a reserved word, twice each.
  update("BILL#3", "SET #s = = :s", { ":s": { S: "x" } }),
  update("BILL#3", "SET #s = = :s", { ":s": { S: "x" } }),
  update("BILL#3", "SET status = :s", { ":s": { S: "x" } }, { ExpressionAttributeNames: undefined }),
  update("BILL#3", "SET status = :s", { ":s": { S: "x" } }, { ExpressionAttributeNames: undefined }),
  // Key conditions: BETWEEN with bounds in order, reversed, of two types; a value on the left (dynalite turns
  // that condition round after parsing it).
  query("PK = :pk AND SK BETWEEN :a AND :b", { ":a": { S: "BILL#1" }, ":b": { S: "BILL#2" } }),
  query("PK = :pk AND SK BETWEEN :a AND :b", { ":a": { S: "BILL#3" }, ":b": { S: "BILL#2" } }),
  query("PK = :pk AND SK BETWEEN :a AND :b", { ":a": { S: "BILL#1" }, ":b": { N: "2" } }),
  query("PK = :pk AND SK BETWEEN :a AND :b", { ":a": { S: "BILL#2" }, ":b": { S: "BILL#3" } }),
  query("PK = :pk AND :lo < SK", { ":lo": { S: "BILL#1" } }),
  query("PK = :pk AND :lo < SK", { ":lo": { S: "BILL#2" } }),
  query("PK = :pk AND :lo < SK", { ":lo": { S: "BILL#0" } }, { ScanIndexForward: false }),
  query(
    "PK = :pk AND begins_with(SK, :p)",
    { ":p": { S: "BILL#" } },
    {
      FilterExpression: "amountFen > :min",
      ExpressionAttributeValues: { ":pk": PK, ":p": { S: "BILL#" }, ":min": { N: "150" } },
    },
  ),
  query(
    "PK = :pk AND begins_with(SK, :p)",
    { ":p": { S: "BILL#" } },
    {
      FilterExpression: "amountFen > :min",
      ExpressionAttributeValues: { ":pk": PK, ":p": { S: "BILL#" }, ":min": { N: "250" } },
    },
  ),
  query("PK = :pk AND begins_with(SK, :p)", { ":p": { N: "1" } }),
  // Projections: the same text, names bound to other attributes, a missing name.
  getProjected("#n, amountFen, periods[0]", { "#n": "note" }),
  getProjected("#n, amountFen, periods[0]", { "#n": "status" }),
  getProjected("#n, amountFen, periods[0]", { "#m": "status" }),
  getProjected("#n, amountFen, periods[0]", { "#n": "note" }),
];

describe("dynalite's remembered expression parses (ADR 0109)", () => {
  const servers = oursAndPublished();

  it("answers expressions seen before, with other values and names, as dynalite as published does", async () => {
    const before = { ...parseCounts };
    for (const [operation, body] of calls) {
      const mine = await send(servers.ours.port, operation, body);
      const theirs = await send(servers.published.port, operation, body);
      expect(comparable(mine), `${operation} ${JSON.stringify(body)}`).toEqual(comparable(theirs));
    }
    // The sequence did reach the remembered parses: most of its expressions repeat one.
    expect(parseCounts.remembered - before.remembered).toBeGreaterThan(15);
  });
});
