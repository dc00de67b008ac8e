/**
 * dynalite's expression parsers remember their parses (ADR 0109), and the embedded DynamoDB answers exactly as
 * dynalite as published does, whose parsers parse every expression afresh. Two oracles: dynalite as published
 * over HTTP (every answer's status, headers and bytes), and its three parsers called directly (result, the
 * names and values marked used, errors).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isAuditedParser,
  PARSER_NAMES,
  type ParserName,
  type PegParser,
  parseCounts,
  parserFor,
  rememberingParser,
} from "../../infra/local/dynamodb-expressions";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../infra/local/dynamodb-local";
import { requireFromDynalite } from "../../infra/local/dynamodb-store";
import { createTableInput } from "../../infra/table-schema";
import { comparable, send, startPristineDynalite } from "./dynalite-published";

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
  let ours: DynamoDbLocal;
  let pristine: { port: number; worker: Worker };

  beforeAll(async () => {
    [ours, pristine] = await Promise.all([startDynamoDbLocal({ port: 0 }), startPristineDynalite()]);
  });
  afterAll(async () => {
    await ours?.close();
    await pristine?.worker.terminate();
  });

  it("answers expressions seen before, with other values and names, as dynalite as published does", async () => {
    const before = { ...parseCounts };
    for (const [operation, body] of calls) {
      const mine = await send(ours.port, operation, body);
      const theirs = await send(pristine.port, operation, body);
      expect(comparable(mine), `${operation} ${JSON.stringify(body)}`).toEqual(comparable(theirs));
    }
    // The sequence did reach the remembered parses: most of its expressions repeat one.
    expect(parseCounts.remembered - before.remembered).toBeGreaterThan(15);
  });

  it("is on for dynalite's parsers as installed: their sources are the ones audited", () => {
    const fromDynalite = requireFromDynalite();
    for (const name of PARSER_NAMES) {
      const filename = fromDynalite.resolve(`./db/${name}`);
      const published = fromDynalite(filename) as PegParser;
      expect(parserFor(name, published, filename), name).not.toBe(published);
    }
  });

  it("leaves a parser whose source is not the audited one as it is", () => {
    const directory = mkdtempSync(join(tmpdir(), "parser-"));
    const filename = join(directory, "conditionParser.js");
    const source = `${readFileSync(requireFromDynalite().resolve("./db/conditionParser"), "utf8")}\n// edited\n`;
    writeFileSync(filename, source);
    expect(isAuditedParser("conditionParser", source)).toBe(false);
    const published = requireFromDynalite()("./db/conditionParser") as PegParser;
    expect(parserFor("conditionParser", published, filename)).toBe(published);
  });
});

type Values = Record<string, Record<string, unknown>>;

interface Case {
  parser: ParserName;
  text: string;
  names?: Record<string, string>;
  values?: Values;
  /** An expression of the same request parsed first (validations parse UpdateExpression before the others). */
  earlier?: { parser: ParserName; text: string };
}

/** The context dynalite's validations build for a request (`validateExpressions`). */
function contextOf({ names, values }: Case) {
  const { compare } = requireFromDynalite()("./db") as { compare: unknown };
  return {
    attrNames: names,
    attrVals: values,
    unusedAttrNames: Object.fromEntries(Object.keys(names ?? {}).map((name) => [name, true])),
    unusedAttrVals: Object.fromEntries(Object.keys(values ?? {}).map((name) => [name, true])),
    // validations/index.js does not export its reserved-word check; any fixed one serves both parsers alike.
    isReserved: (name: string) => name.toUpperCase() === "STATUS",
    compare,
  };
}

/** What a parse gives back and leaves behind, in a form two parses can be compared by. */
function outcome(parsers: Record<ParserName, PegParser>, parseCase: Case) {
  const context = contextOf(parseCase);
  const { earlier } = parseCase;
  let result: unknown;
  try {
    if (earlier) parsers[earlier.parser].parse(earlier.text, { context });
    result = parsers[parseCase.parser].parse(parseCase.text, { context });
  } catch (error) {
    result = { thrown: (error as Error).name, message: (error as Error).message };
  }
  return {
    result,
    prototypes: prototypesOf(result),
    valuesBySameObject: valuesIn(result, parseCase.values ?? {}),
    unusedNames: Object.keys(context.unusedAttrNames),
    unusedValues: Object.keys(context.unusedAttrVals),
  };
}

/** Each object's prototype (plain or none) along the result, in walk order. */
function prototypesOf(node: unknown, seen: unknown[] = []): string[] {
  if (typeof node !== "object" || node === null || seen.includes(node)) return [];
  seen.push(node);
  const own = Array.isArray(node) ? "array" : Object.getPrototypeOf(node) === null ? "none" : "object";
  return [own, ...Object.values(node).flatMap((child) => prototypesOf(child, seen))];
}

/** The names of the request's own value objects found in the result, by identity. */
function valuesIn(node: unknown, values: Values, seen: unknown[] = []): string[] {
  if (typeof node !== "object" || node === null || seen.includes(node)) return [];
  seen.push(node);
  const own = Object.entries(values).filter(([, value]) => value === node);
  if (own.length) return own.map(([name]) => name);
  return Object.values(node).flatMap((child) => valuesIn(child, values, seen));
}

describe("a remembering parser against dynalite's parser as published", () => {
  const publishedParsers = Object.fromEntries(
    PARSER_NAMES.map((name) => [name, requireFromDynalite()(`./db/${name}`) as PegParser]),
  ) as Record<ParserName, PegParser>;
  const rememberingParsers = () =>
    Object.fromEntries(
      PARSER_NAMES.map((name) => [name, rememberingParser(name, publishedParsers[name])]),
    ) as Record<ParserName, PegParser>;

  const sequences: Case[][] = [
    [
      {
        parser: "conditionParser",
        text: "begins_with(#s, :p)",
        names: { "#s": "status" },
        values: { ":p": { S: "a" } },
      },
      {
        parser: "conditionParser",
        text: "begins_with(#s, :p)",
        names: { "#s": "status" },
        values: { ":p": { S: "b" } },
      },
      {
        parser: "conditionParser",
        text: "begins_with(#s, :p)",
        names: { "#s": "status" },
        values: { ":p": { N: "1" } },
      },
      {
        parser: "conditionParser",
        text: "begins_with(#s, :p)",
        names: { "#s": "note" },
        values: { ":p": { S: "c" } },
      },
      {
        parser: "conditionParser",
        text: "begins_with(#s, :p)",
        names: { "#t": "note" },
        values: { ":p": { S: "c" } },
      },
      { parser: "conditionParser", text: "begins_with(#s, :p)", names: { "#s": "status" }, values: {} },
    ],
    [
      {
        parser: "conditionParser",
        text: "K BETWEEN :a AND :b",
        values: { ":a": { N: "1" }, ":b": { N: "2" } },
      },
      {
        parser: "conditionParser",
        text: "K BETWEEN :a AND :b",
        values: { ":a": { N: "3" }, ":b": { N: "2" } },
      },
      {
        parser: "conditionParser",
        text: "K BETWEEN :a AND :b",
        values: { ":a": { N: "1" }, ":b": { N: "20" } },
      },
    ],
    [
      {
        parser: "conditionParser",
        text: "attribute_type(#t, :t)",
        names: { "#t": "x" },
        values: { ":t": { S: "SS" } },
      },
      {
        parser: "conditionParser",
        text: "attribute_type(#t, :t)",
        names: { "#t": "x" },
        values: { ":t": { S: "Q" } },
      },
    ],
    [
      {
        parser: "conditionParser",
        text: "#a = :v AND #a = :v",
        names: { "#a": "x", "#b": "y" },
        values: { ":v": { S: "1" }, ":w": { S: "2" } },
      },
      {
        parser: "conditionParser",
        text: "#a = :v AND #a = :v",
        names: { "#a": "x", "#b": "y" },
        values: { ":v": { S: "3" }, ":w": { S: "4" } },
      },
      { parser: "conditionParser", text: "(#a = :v)", names: { "#a": "x" }, values: { ":v": { S: "3" } } },
      { parser: "conditionParser", text: "(#a = :v)", names: { "#a": "x" }, values: { ":v": { S: "3" } } },
      { parser: "conditionParser", text: "#a = = :v", names: { "#a": "x" }, values: { ":v": { S: "3" } } },
      { parser: "conditionParser", text: "#a = = :v", names: { "#a": "x" }, values: { ":v": { S: "3" } } },
    ],
    [
      {
        parser: "updateParser",
        text: "SET a.b[1] = :v, c = a.b[1] REMOVE d ADD e :n",
        values: { ":v": { M: {} }, ":n": { N: "1" } },
      },
      {
        parser: "updateParser",
        text: "SET a.b[1] = :v, c = a.b[1] REMOVE d ADD e :n",
        values: { ":v": { L: [] }, ":n": { N: "2" } },
      },
      {
        parser: "updateParser",
        text: "SET a.b[1] = :v, c = a.b[1] REMOVE d ADD e :n",
        values: { ":v": { L: [] }, ":n": { S: "2" } },
      },
      {
        parser: "updateParser",
        text: "SET x = list_append(if_not_exists(x, :e), :e)",
        values: { ":e": { L: [] } },
      },
      {
        parser: "updateParser",
        text: "SET x = list_append(if_not_exists(x, :e), :e)",
        values: { ":e": { NS: ["1"] } },
      },
      { parser: "updateParser", text: "SET a = :v, a = :v", values: { ":v": { S: "1" } } },
    ],
    [
      { parser: "projectionParser", text: "#n, a.b[2], #n", names: { "#n": "note" } },
      { parser: "projectionParser", text: "#n, a.b[2], c", names: { "#n": "note", "#o": "o" } },
      { parser: "projectionParser", text: "#n, a.b[2], c", names: { "#n": "note", "#o": "o" } },
    ],
    // A condition first met after the update of its request marked its name and value used, then met alone:
    // it must still mark them.
    [
      {
        parser: "conditionParser",
        text: "#s = :s",
        names: { "#s": "status" },
        values: { ":s": { S: "a" } },
        earlier: { parser: "updateParser", text: "SET #s = :s" },
      },
      {
        parser: "conditionParser",
        text: "#s = :s",
        names: { "#s": "status" },
        values: { ":s": { S: "b" } },
        earlier: { parser: "updateParser", text: "REMOVE x" },
      },
    ],
  ];

  it.each(sequences.map((sequence, index) => [index, sequence] as const))(
    "gives the result, the used names and values and the errors the parser gives (sequence %i)",
    (_index, sequence) => {
      const remembering = rememberingParsers();
      for (const parseCase of sequence) {
        expect(outcome(remembering, parseCase), JSON.stringify(parseCase)).toEqual(
          outcome(publishedParsers, parseCase),
        );
      }
    },
  );

  it("parses an expression once for its names and its values' types, however the values differ", () => {
    const parsers = rememberingParsers();
    const before = { ...parseCounts };
    for (const amount of ["1", "2", "3", "4"]) {
      outcome(parsers, { parser: "updateParser", text: "SET a = :v", values: { ":v": { N: amount } } });
    }
    expect(parseCounts.parsed - before.parsed).toBe(1);
    expect(parseCounts.remembered - before.remembered).toBe(3);
  });

  it("hands each request a tree of its own: changing one answer leaves the next as the parser gives it", () => {
    const parsers = rememberingParsers();
    const parseCase: Case = { parser: "conditionParser", text: ":lo < SK", values: { ":lo": { S: "a" } } };
    const first = outcome(parsers, parseCase).result as { expression: { type: string } };
    first.expression.type = ">";
    expect(outcome(parsers, parseCase)).toEqual(outcome(publishedParsers, parseCase));
  });
});
