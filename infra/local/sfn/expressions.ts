/**
 * JSONata in Step Functions: "{% … %}" templates inside Arguments/Output/Assign/… values, each
 * expression compiled once per definition, evaluated with `$states` and the workflow variables bound.
 *
 * AWS implements JSONata 2.0.x with `$eval` removed and adds `$partition`, `$range`, `$hash`,
 * `$random`, `$uuid`, `$parse` ("Transforming data with JSONata in Step Functions",
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html). `$now()`/`$millis()`
 * read the runtime's clock so virtual time is the only time a workflow ever sees.
 */
import { createHash, randomUUID } from "node:crypto";
import jsonata from "jsonata";
import { InvalidDefinitionError, StatesFailureError } from "./errors";

export interface StatesBinding {
  input: unknown;
  result?: unknown;
  errorOutput?: unknown;
  context: unknown;
}

/** Workflow variables: one scope per state machine, a child scope per Parallel branch / Map iteration. */
export class VariableScope {
  private readonly values = new Map<string, unknown>();
  constructor(readonly parent?: VariableScope) {}

  lookup(name: string): { found: boolean; value: unknown } {
    for (let scope: VariableScope | undefined = this; scope; scope = scope.parent) {
      if (scope.values.has(name)) return { found: true, value: scope.values.get(name) };
    }
    return { found: false, value: undefined };
  }

  set(name: string, value: unknown): void {
    this.values.set(name, value);
  }

  /** All visible variables, inner scopes shadowing outer ones. */
  collect(into: Record<string, unknown>): Record<string, unknown> {
    this.parent?.collect(into);
    for (const [k, v] of this.values) into[k] = v;
    return into;
  }
}

export interface EvalContext {
  states: StatesBinding;
  variables: VariableScope;
  nowMs: () => number;
  /** Where the expression sits, for States.QueryEvaluationError causes: state name + field. */
  stateName: string;
  /** The id of the state's `…StateEntered` event, which AWS names in a QueryEvaluationError's cause. */
  enteredEventId?: number;
}

/** How AWS opens the cause of a States.QueryEvaluationError (recorded executions, EvaluationFailed). */
export function failedIn(ctx: EvalContext): string {
  const entered = ctx.enteredEventId === undefined ? "" : ` (entered at the event id #${ctx.enteredEventId})`;
  return `An error occurred while executing the state '${ctx.stateName}'${entered}.`;
}

type Evaluator = (ctx: EvalContext) => unknown;

/** A compiled field value: constants are returned as-is, templates evaluated per call. */
export interface CompiledValue {
  readonly constant: boolean;
  /** The JSONata source when the whole value is one "{% … %}" template (error causes quote it). */
  readonly source?: string;
  evaluate(ctx: EvalContext): unknown | Promise<unknown>;
}

const TEMPLATE = /^\{%([\s\S]*)%\}$/;

export function isTemplate(value: unknown): value is string {
  return typeof value === "string" && TEMPLATE.test(value);
}

/**
 * Compiles a JSON value in which any string "{% expr %}" (at any depth) is a JSONata expression.
 * Syntax errors are definition errors (AWS rejects them at CreateStateMachine).
 */
export function compileValue(value: unknown, where: string): CompiledValue {
  if (typeof value === "string") {
    const m = TEMPLATE.exec(value);
    if (!m) return constant(value);
    const source = (m[1] ?? "").trim();
    const expr = compileExpression(source, where);
    return {
      constant: false,
      source,
      evaluate: async (ctx) => {
        const result = await expr(ctx);
        if (result === undefined) {
          throw new StatesFailureError(
            "States.QueryEvaluationError",
            `${failedIn(ctx)} The JSONata expression '${source}' specified for the field '${where}' returned nothing (undefined).`,
          );
        }
        return result;
      },
    };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileValue(item, `${where}[${i}]`));
    if (items.every((i) => i.constant)) return constant(value);
    return {
      constant: false,
      evaluate: async (ctx) => {
        const out: unknown[] = [];
        for (const item of items) out.push(await item.evaluate(ctx));
        return out;
      },
    };
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, compileValue(v, `${where}.${k}`)] as const);
    if (entries.every(([, v]) => v.constant)) return constant(value);
    return {
      constant: false,
      evaluate: async (ctx) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of entries) out[k] = await v.evaluate(ctx);
        return out;
      },
    };
  }
  return constant(value);
}

function constant(value: unknown): CompiledValue {
  return { constant: true, evaluate: () => value };
}

interface AstNode {
  type: string;
  value?: unknown;
  steps?: AstNode[];
  stages?: unknown[];
  predicate?: unknown[];
  group?: unknown;
  focus?: unknown;
  index?: unknown;
  tuple?: unknown;
  keepArray?: boolean;
  lhs?: AstNode;
  rhs?: AstNode;
}

/**
 * Parsed expressions by their source. A template's state machines repeat a few expressions many times
 * (`$contractId` 28 times, `$states.result.Payload` 24: 188 expressions, 78 sources), and a parse costs
 * 140–370 µs on a loaded machine (ADR 0114). An expression is shared safely: jsonata evaluates it in a fresh frame holding the
 * bindings each time (bindingsFor), as one state machine's executions already share it, and nothing here
 * assigns to its environment. Only a parse that succeeds is kept; one that fails is reported where it is.
 */
const parsedExpressions = new Map<string, jsonata.Expression>();

function parseExpression(source: string, where: string): jsonata.Expression {
  try {
    const expr = jsonata(source);
    parsedExpressions.set(source, expr);
    return expr;
  } catch (error) {
    const e = error as { message?: string };
    throw new InvalidDefinitionError(`${where}: invalid JSONata expression '${source}': ${e.message}`, {
      cause: error,
    });
  }
}

/** What a direct reading returns when it meets what only jsonata decides (an array, an unbound variable). */
const UNDECIDED = Symbol("undecided");
type DirectReading = (ctx: EvalContext) => unknown;

/**
 * Compiles one expression. Most expressions in a workflow are plain variable paths (`$states.input.a.b`,
 * `$x.y`) or one of them compared with `=`/`!=` to a literal or to another path (`$reply.outcome = "x"`,
 * `$sent.reminderAt != null`): those are read directly, and whatever they meet that jsonata would treat
 * otherwise (an array, which JSONata maps over; two objects, which it compares deeply; a variable not
 * bound) goes to the real evaluator. Everything else goes through jsonata.
 */
function compileExpression(source: string, where: string): Evaluator {
  const parsed = parsedExpressions.get(source) ?? parseExpression(source, where);
  const slow: Evaluator = async (ctx) => {
    try {
      return await parsed.evaluate(undefined, bindingsFor(ctx));
    } catch (error) {
      if (error instanceof StatesFailureError) throw error;
      const e = error as { message?: string };
      throw new StatesFailureError(
        "States.QueryEvaluationError",
        `${failedIn(ctx)} The JSONata expression '${source}' specified for the field '${where}' threw an error: ${e.message}`,
        { cause: error },
      );
    }
  };
  const direct = directReading(parsed.ast() as AstNode);
  if (!direct) return slow;
  return (ctx) => {
    const value = direct(ctx);
    return value === UNDECIDED ? slow(ctx) : value;
  };
}

function plain(n: AstNode): boolean {
  return !n.stages && !n.predicate && !n.group && !n.focus && !n.index && !n.tuple && !n.keepArray;
}

function directReading(ast: AstNode): DirectReading | undefined {
  const path = simplePath(ast);
  if (path) return pathReading(path);
  if (ast.type !== "binary" || (ast.value !== "=" && ast.value !== "!=") || !plain(ast)) return undefined;
  const lhs = ast.lhs && operandReading(ast.lhs);
  const rhs = ast.rhs && operandReading(ast.rhs);
  if (!lhs || !rhs) return undefined;
  const equalMeans = ast.value === "=";
  return (ctx) => {
    const left = lhs(ctx);
    if (left === UNDECIDED) return UNDECIDED;
    const right = rhs(ctx);
    if (right === UNDECIDED) return UNDECIDED;
    // JSONata: either side undefined is false for both operators; otherwise deep equality (jsonata's own
    // when both sides are objects).
    if (left === undefined || right === undefined) return false;
    if (isObject(left) && isObject(right)) return UNDECIDED;
    return (left === right) === equalMeans;
  };
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null;
}

/** A plain path, or a literal string, number, boolean or null. */
function operandReading(node: AstNode): DirectReading | undefined {
  const path = simplePath(node);
  if (path) return pathReading(path);
  if ((node.type === "string" || node.type === "number" || node.type === "value") && plain(node)) {
    const { value } = node;
    return () => value;
  }
  return undefined;
}

function pathReading([variable, ...names]: string[]): DirectReading {
  return (ctx) => {
    let current: unknown;
    if (variable === "states") current = ctx.states;
    else {
      const found = ctx.variables.lookup(variable as string);
      if (!found.found) return UNDECIDED;
      current = found.value;
    }
    for (const name of names) {
      if (Array.isArray(current)) return UNDECIDED;
      if (current === null || typeof current !== "object") return undefined;
      current = (current as Record<string, unknown>)[name];
    }
    return Array.isArray(current) ? UNDECIDED : current;
  };
}

function simplePath(ast: AstNode): string[] | undefined {
  if (ast.type === "variable" && plain(ast) && typeof ast.value === "string" && ast.value !== "") {
    return [ast.value];
  }
  if (ast.type !== "path" || !ast.steps || !plain(ast)) return undefined;
  const [first, ...rest] = ast.steps;
  if (first?.type !== "variable" || !plain(first) || typeof first.value !== "string") return undefined;
  if (first.value === "") return undefined;
  const names: string[] = [first.value];
  for (const step of rest) {
    if (step.type !== "name" || !plain(step) || typeof step.value !== "string") return undefined;
    names.push(step.value);
  }
  return names;
}

function bindingsFor(ctx: EvalContext): Record<string, unknown> {
  // Functions first so a workflow variable of the same name shadows them, as the fast path does.
  const bindings: Record<string, unknown> = {
    ...stepFunctionsFunctions,
    now: () => new Date(ctx.nowMs()).toISOString(),
    millis: () => ctx.nowMs(),
  };
  ctx.variables.collect(bindings);
  bindings.states = ctx.states;
  return bindings;
}

const HASH_ALGORITHMS: Record<string, string> = {
  MD5: "md5",
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

function fail(message: string): never {
  throw new StatesFailureError("States.QueryEvaluationError", message);
}

/** The functions Step Functions adds to JSONata (and `$eval`, which it removes). */
const stepFunctionsFunctions: Record<string, unknown> = {
  partition(array: unknown, size: unknown) {
    if (!Array.isArray(array)) fail("$partition: the first argument must be an array");
    if (typeof size !== "number" || !Number.isInteger(size) || size < 1) {
      fail("$partition: the chunk size must be a positive integer");
    }
    const out: unknown[][] = [];
    for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
    return out;
  },
  range(start: unknown, end: unknown, step: unknown) {
    if (![start, end, step].every((n) => typeof n === "number" && Number.isInteger(n))) {
      fail("$range: start, end and step must be integers");
    }
    const [s, e, st] = [start as number, end as number, step as number];
    if (st === 0) fail("$range: step must not be 0");
    const out: number[] = [];
    for (let v = s; st > 0 ? v <= e : v >= e; v += st) {
      out.push(v);
      if (out.length > 1000) fail("$range: at most 1000 items");
    }
    return out;
  },
  hash(data: unknown, algorithm: unknown) {
    if (typeof data !== "string") fail("$hash: the data must be a string");
    const alg = typeof algorithm === "string" ? HASH_ALGORITHMS[algorithm] : undefined;
    if (!alg) fail(`$hash: algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(", ")}`);
    return createHash(alg).update(data, "utf8").digest("hex");
  },
  random(seed?: unknown) {
    if (seed === undefined) return Math.random();
    if (typeof seed !== "number" || !Number.isInteger(seed)) fail("$random: the seed must be an integer");
    return seededRandom(seed);
  },
  uuid() {
    return randomUUID();
  },
  parse(text: unknown) {
    if (typeof text !== "string") fail("$parse: the argument must be a string");
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      return fail(`$parse: not valid JSON: ${(error as Error).message}`);
    }
  },
  eval() {
    fail("$eval is not available in Step Functions; use $parse");
  },
};

/** mulberry32 on the seed: the same seed gives the same number, as $random(seed) promises. */
export function seededRandom(seed: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
