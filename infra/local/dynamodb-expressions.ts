/**
 * dynalite's three expression parsers (condition, update, projection: pegjs grammars), each parse remembered so
 * that an expression seen before is not parsed again (ADR 0109). A run sends ~670 expressions of ~45 texts.
 *
 * What a parse depends on, read from dynalite 4.0.0's parsers (their sources' SHA-256 are `AUDITED_PARSERS`):
 * the text; `ExpressionAttributeNames` (which names are defined, and as what); for each value in
 * `ExpressionAttributeValues`, whether it is there and which of its members are set (the type checks read
 * nothing else), except that BETWEEN compares its two bounds and attribute_type reads its type name, so a
 * condition with either word is remembered with its values' whole content. The rest of the context
 * (`isReserved`, `compare`) is the same functions on every call. Its effects: the result (or a thrown
 * SyntaxError), and the names and values it marks used (`delete context.unusedAttrNames[name]`), whether
 * each was still marked or not.
 *
 * So a parse is remembered under that key as a template: the result with each value the request supplied
 * replaced by its name, and the names and values it marked used. A later parse with the same key gets a fresh
 * copy of the template (dynalite changes a key condition's tree after parsing it) holding that request's own
 * value objects, and the same names and values marked used. Thrown errors are not remembered.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export const PARSER_NAMES = ["conditionParser", "updateParser", "projectionParser"] as const;
export type ParserName = (typeof PARSER_NAMES)[number];

/** The parser sources whose dependence on their input is described above; any other source is used as it is. */
export const AUDITED_PARSERS: Readonly<Record<ParserName, string>> = {
  conditionParser: "021488e54f1fb77f7594b8e0fd50b95317954100d85000e8a53904b90ce39973",
  updateParser: "25aea6af6b231ee8cf25621ba715eff8261285b4bf6151b0641df4c73fbf6cde",
  projectionParser: "5b9c33d8aa2aaa47aa29c7b63d9fd103944c647901b985a78d823422a8285518",
};

/** The context dynalite's validations pass to a parser (`validations/index.js` `validateExpressions`). */
interface ParseContext {
  attrNames?: Record<string, unknown> | null;
  attrVals?: Record<string, Record<string, unknown>> | null;
  unusedAttrNames: Record<string, unknown>;
  unusedAttrVals: Record<string, unknown>;
  [other: string]: unknown;
}

export interface PegParser {
  SyntaxError: unknown;
  parse(input: string, options: { context: ParseContext }): unknown;
}

/** Where the request's value of this name stands in a remembered result. */
class SuppliedValue {
  constructor(readonly name: string) {}
}

interface Remembered {
  /** The result with each supplied value a `SuppliedValue`; an error message is a string. */
  template: unknown;
  usedNames: string[];
  usedValues: string[];
}

/** Distinct keys kept per parser; the oldest goes first (values compared by content make keys of their own). */
const CAPACITY = 500;

/** Words after which a condition's result or error depends on its values' content, not only their types. */
const READS_VALUE_CONTENT = /between|attribute_type/i;

/** Counts for the benchmark and the tests: parses run by dynalite's parser, and parses answered from memory. */
export const parseCounts = { parsed: 0, remembered: 0 };

/** Whether `source` is the parser source audited under `name`. */
export function isAuditedParser(name: ParserName, source: string): boolean {
  return createHash("sha256").update(source).digest("hex") === AUDITED_PARSERS[name];
}

/** dynalite's parser as it is if its source is not the audited one, else one that remembers its parses. */
export function parserFor(name: ParserName, parser: PegParser, filename: string): PegParser {
  return isAuditedParser(name, readFileSync(filename, "utf8")) ? rememberingParser(name, parser) : parser;
}

/** `parser` with each parse remembered under everything it depends on (see the module's comment). */
export function rememberingParser(name: ParserName, parser: PegParser): PegParser {
  const memory = new Map<string, Remembered>();
  const parse = (input: string, options: { context: ParseContext }): unknown => {
    const { context } = options;
    const key = keyOf(name, input, context);
    const found = key === undefined ? undefined : memory.get(key);
    if (found) {
      parseCounts.remembered++;
      markUsed(context, found.usedNames, found.usedValues);
      return instantiate(found.template, context.attrVals ?? {});
    }
    parseCounts.parsed++;
    const { result, usedNames, usedValues } = parseObserved(parser, input, context);
    const template = key === undefined ? undefined : templateOf(result, context.attrVals ?? {});
    if (key !== undefined && template !== undefined) {
      if (memory.size >= CAPACITY) memory.delete(memory.keys().next().value as string);
      memory.set(key, { template: template.value, usedNames, usedValues });
    }
    return result;
  };
  return { SyntaxError: parser.SyntaxError, parse };
}

/**
 * Parses against a copy of the context in which every name and value is marked unused, so the parse's marks are
 * read off whatever earlier expressions of the request marked; then marks the same on the request's context.
 */
function parseObserved(
  parser: PegParser,
  input: string,
  context: ParseContext,
): { result: unknown; usedNames: string[]; usedValues: string[] } {
  const allNames = Object.keys(context.attrNames ?? {});
  const allValues = Object.keys(context.attrVals ?? {});
  const probe: ParseContext = {
    ...context,
    unusedAttrNames: Object.fromEntries(allNames.map((key) => [key, true])),
    unusedAttrVals: Object.fromEntries(allValues.map((key) => [key, true])),
  };
  const usedBy = () => ({
    usedNames: allNames.filter((key) => !(key in probe.unusedAttrNames)),
    usedValues: allValues.filter((key) => !(key in probe.unusedAttrVals)),
  });
  let result: unknown;
  try {
    result = parser.parse(input, { context: probe });
  } catch (error) {
    const { usedNames, usedValues } = usedBy();
    markUsed(context, usedNames, usedValues);
    throw error;
  }
  const { usedNames, usedValues } = usedBy();
  markUsed(context, usedNames, usedValues);
  return { result, usedNames, usedValues };
}

function markUsed(context: ParseContext, usedNames: readonly string[], usedValues: readonly string[]): void {
  for (const key of usedNames) delete context.unusedAttrNames[key];
  for (const key of usedValues) delete context.unusedAttrVals[key];
}

/** The key of everything a parse depends on, or undefined when the context is not of the expected shape. */
function keyOf(name: ParserName, input: string, context: ParseContext): string | undefined {
  const values = context.attrVals;
  let key = `${name}\u0000${input}\u0000${JSON.stringify(context.attrNames ?? null)}\u0000`;
  if (values == null) return key;
  if (name === "conditionParser" && READS_VALUE_CONTENT.test(input)) return key + JSON.stringify(values);
  for (const valueName in values) {
    const value = values[valueName];
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    key += `${JSON.stringify(valueName)}{`;
    for (const member in value) {
      // An AttributeValue's set members (`S`, `NS`, …) by name; any other member with its content.
      key += TYPE_MEMBERS.has(member)
        ? `${member}${value[member] != null ? "," : "?,"}`
        : `${JSON.stringify(member)}:${JSON.stringify(value[member])},`;
    }
    key += "}";
  }
  return key;
}

const TYPE_MEMBERS = new Set(["S", "N", "B", "NULL", "BOOL", "SS", "NS", "BS", "L", "M"]);

/**
 * The result with each supplied value (by identity) replaced by a `SuppliedValue`; undefined when the result
 * holds anything but plain objects, arrays and primitives, which is then not remembered.
 */
function templateOf(result: unknown, values: Record<string, unknown>): { value: unknown } | undefined {
  const nameOf = new Map<unknown, string>();
  for (const [name, value] of Object.entries(values)) nameOf.set(value, name);
  const copies = new Map<object, unknown>();
  let plain = true;
  const copy = (node: unknown): unknown => {
    if (typeof node !== "object" || node === null) {
      if (typeof node === "function" || typeof node === "symbol") plain = false;
      return node;
    }
    const name = nameOf.get(node);
    if (name !== undefined) return new SuppliedValue(name);
    return copyNode(node, copies, copy, () => {
      plain = false;
    });
  };
  const value = copy(result);
  return plain ? { value } : undefined;
}

/** A fresh copy of a template with the request's values in place of the `SuppliedValue`s. */
function instantiate(template: unknown, values: Record<string, unknown>): unknown {
  const copies = new Map<object, unknown>();
  const copy = (node: unknown): unknown => {
    if (typeof node !== "object" || node === null) return node;
    if (node instanceof SuppliedValue) return values[node.name];
    return copyNode(node, copies, copy, () => {
      throw new Error("a remembered parse holds an object that is not plain");
    });
  };
  return copy(template);
}

/**
 * One array or object copied member by member, keeping its prototype (the parsers make some objects with
 * `Object.create(null)`) and sharing: a node reached twice is copied once (the update parser lists each path
 * in its section and again in `paths`).
 */
function copyNode(
  node: object,
  copies: Map<object, unknown>,
  copy: (child: unknown) => unknown,
  notPlain: () => void,
): unknown {
  const done = copies.get(node);
  if (done !== undefined) return done;
  if (Array.isArray(node)) {
    const array: unknown[] = new Array(node.length);
    copies.set(node, array);
    for (let i = 0; i < node.length; i++) array[i] = copy(node[i]);
    return array;
  }
  const prototype = Object.getPrototypeOf(node) as object | null;
  if (prototype !== Object.prototype && prototype !== null) notPlain();
  const object = Object.create(prototype) as Record<string, unknown>;
  copies.set(node, object);
  for (const key of Object.keys(node)) object[key] = copy((node as Record<string, unknown>)[key]);
  return object;
}
