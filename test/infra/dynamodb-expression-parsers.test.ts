/**
 * dynalite's expression parsers remembering their parses (ADR 0109) against the same parsers as published, called
 * directly: result, the request's own value objects in place, the names and values left unused, errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  isAuditedParser,
  PARSER_NAMES,
  type ParserName,
  type PegParser,
  parseCounts,
  parserFor,
  rememberingParser,
} from "../../infra/local/dynamodb-expressions";
import { requireFromDynalite } from "../../infra/local/dynamodb-store";

describe("which parsers remember (ADR 0109)", () => {
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
