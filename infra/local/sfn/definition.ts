/**
 * Loading an Amazon States Language definition: validate everything the runtime will execute and
 * compile every JSONata template once. Anything the runtime does not implement, and anything AWS
 * itself rejects (JSONPath fields in a JSONata state, unreachable states, bad transitions, …), is an
 * InvalidDefinitionError naming the state and the field — a definition is never skipped or half-run.
 *
 * Field sets per state type follow "Amazon States Language" state pages of the Step Functions
 * developer guide, JSONata variant (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
 */
import {
  compileDistributedMap,
  DISTRIBUTED_MAP_FIELDS,
  type DistributedMapConfig,
} from "./distributed-map-definition";
import { InvalidDefinitionError } from "./errors";
import { type CompiledValue, compileValue, isTemplate } from "./expressions";

export type LambdaIntegration = "invoke" | "invoke.waitForTaskToken" | "function";

export interface Retrier {
  errorEquals: string[];
  intervalSeconds: number;
  maxAttempts: number;
  backoffRate: number;
  maxDelaySeconds: number | undefined;
  jitter: "FULL" | "NONE";
}

export interface Catcher {
  errorEquals: string[];
  next: string;
  output: CompiledValue | undefined;
  assign: Map<string, CompiledValue> | undefined;
}

interface Base {
  name: string;
  next: string | undefined;
  end: boolean;
  output: CompiledValue | undefined;
  assign: Map<string, CompiledValue> | undefined;
}

export interface PassState extends Base {
  type: "Pass";
}
export interface TaskState extends Base {
  type: "Task";
  resource: string;
  integration: LambdaIntegration;
  /** For a bare function ARN resource: that ARN. */
  functionArn: string | undefined;
  arguments: CompiledValue | undefined;
  timeoutSeconds: CompiledValue | undefined;
  heartbeatSeconds: CompiledValue | undefined;
  retry: Retrier[];
  catch: Catcher[];
}
export interface ChoiceRule {
  condition: CompiledValue;
  next: string;
  output: CompiledValue | undefined;
  assign: Map<string, CompiledValue> | undefined;
}
export interface ChoiceState extends Base {
  type: "Choice";
  choices: ChoiceRule[];
  default: string | undefined;
}
export interface WaitState extends Base {
  type: "Wait";
  seconds: CompiledValue | undefined;
  timestamp: CompiledValue | undefined;
}
export interface SucceedState extends Base {
  type: "Succeed";
}
export interface FailState extends Base {
  type: "Fail";
  error: CompiledValue | undefined;
  cause: CompiledValue | undefined;
}
export interface ParallelState extends Base {
  type: "Parallel";
  arguments: CompiledValue | undefined;
  branches: StateList[];
  retry: Retrier[];
  catch: Catcher[];
}
export interface MapState extends Base {
  type: "Map";
  items: CompiledValue | undefined;
  itemSelector: CompiledValue | undefined;
  maxConcurrency: CompiledValue | undefined;
  processor: StateList;
  /** Set for a Map in DISTRIBUTED mode: its items run as child executions of a Map Run. */
  distributed: DistributedMapConfig | undefined;
  retry: Retrier[];
  catch: Catcher[];
}

export type CompiledState =
  | PassState
  | TaskState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;

export interface StateList {
  startAt: string;
  states: Map<string, CompiledState>;
}

export interface CompiledDefinition extends StateList {
  timeoutSeconds: number | undefined;
  /** Number of states, nested ones included (for information). */
  stateCount: number;
}

const COMMON = ["Type", "Comment", "QueryLanguage"];
const TRANSITION = ["Next", "End"];
const ERRORS = ["Retry", "Catch"];

/** Allowed fields per state type in a JSONata state. */
const ALLOWED: Record<string, string[]> = {
  Pass: [...COMMON, ...TRANSITION, "Output", "Assign"],
  Task: [
    ...COMMON,
    ...TRANSITION,
    ...ERRORS,
    "Resource",
    "Arguments",
    "Output",
    "Assign",
    "TimeoutSeconds",
    "HeartbeatSeconds",
  ],
  Choice: [...COMMON, "Choices", "Default", "Output", "Assign"],
  Wait: [...COMMON, ...TRANSITION, "Seconds", "Timestamp", "Output", "Assign"],
  Succeed: [...COMMON, "Output"],
  Fail: [...COMMON, "Error", "Cause"],
  Parallel: [...COMMON, ...TRANSITION, ...ERRORS, "Branches", "Arguments", "Output", "Assign"],
  Map: [
    ...COMMON,
    ...TRANSITION,
    ...ERRORS,
    "Items",
    "ItemSelector",
    "ItemProcessor",
    "MaxConcurrency",
    "Output",
    "Assign",
    ...DISTRIBUTED_MAP_FIELDS,
  ],
};

/** JSONPath-only fields: AWS rejects them in a JSONata state. */
const JSONPATH_ONLY: Record<string, string> = {
  Parameters: "Arguments",
  ResultPath: "Output/Assign",
  InputPath: "$states.input in expressions",
  OutputPath: "Output",
  ResultSelector: "Output",
  ItemsPath: "Items",
  Result: "Output",
  SecondsPath: "Seconds with a JSONata expression",
  TimestampPath: "Timestamp with a JSONata expression",
  ErrorPath: "Error with a JSONata expression",
  CausePath: "Cause with a JSONata expression",
  TimeoutSecondsPath: "TimeoutSeconds with a JSONata expression",
  HeartbeatSecondsPath: "HeartbeatSeconds with a JSONata expression",
  MaxConcurrencyPath: "MaxConcurrency with a JSONata expression",
  Iterator: "ItemProcessor",
};

/** Fields AWS knows but this runtime does not implement (distributed Map, credentials, …). */
const UNSUPPORTED: Record<string, string> = {
  Credentials: "cross-account task credentials are not emulated",
  ResultWriter: "Distributed Map results are returned, not written to S3",
};

const STATE_NAME_MAX = 80;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STATES_LAMBDA = /^arn:aws[a-z-]*:states:::lambda:(invoke|invoke\.waitForTaskToken)$/;
export const LAMBDA_FUNCTION_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function parseDefinition(definition: string | object): CompiledDefinition {
  let raw: unknown = definition;
  if (typeof definition === "string") {
    try {
      raw = JSON.parse(definition);
    } catch (error) {
      throw new InvalidDefinitionError(`definition is not valid JSON: ${(error as Error).message}`);
    }
  }
  const top = asObject(raw, "definition");
  checkFields(
    top,
    ["StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"],
    "definition",
  );
  if (top.QueryLanguage !== "JSONata") {
    throw new InvalidDefinitionError(
      `definition: QueryLanguage is ${JSON.stringify(top.QueryLanguage ?? "JSONPath (default)")}; this runtime executes JSONata state machines only (set "QueryLanguage": "JSONata" at the top level)`,
    );
  }
  const timeoutSeconds = top.TimeoutSeconds;
  if (timeoutSeconds !== undefined && !isPositiveInt(timeoutSeconds)) {
    throw new InvalidDefinitionError("definition: TimeoutSeconds must be a positive integer");
  }
  const counter = { count: 0 };
  const list = compileStateList(top, "definition", counter);
  return { ...list, timeoutSeconds: timeoutSeconds as number | undefined, stateCount: counter.count };
}

function compileStateList(
  raw: Record<string, unknown>,
  where: string,
  counter: { count: number },
): StateList {
  const startAt = raw.StartAt;
  if (typeof startAt !== "string") throw new InvalidDefinitionError(`${where}: StartAt must be a state name`);
  const rawStates = asObject(raw.States, `${where}.States`);
  const states = new Map<string, CompiledState>();
  for (const [name, value] of Object.entries(rawStates)) {
    if (name.length === 0 || name.length > STATE_NAME_MAX) {
      throw new InvalidDefinitionError(
        `state '${name}': a state name must be 1 to ${STATE_NAME_MAX} characters`,
      );
    }
    states.set(name, compileState(name, asObject(value, `state '${name}'`), counter));
    counter.count++;
  }
  if (!states.has(startAt)) {
    throw new InvalidDefinitionError(`${where}: StartAt '${startAt}' is not a state in this scope`);
  }
  for (const state of states.values()) {
    for (const target of transitions(state)) {
      if (!states.has(target)) {
        throw new InvalidDefinitionError(
          `state '${state.name}': transition to '${target}', which is not a state in this scope`,
        );
      }
    }
  }
  const reached = new Set<string>([startAt]);
  const queue = [startAt];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    for (const target of transitions(states.get(name) as CompiledState)) {
      if (!reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  for (const name of states.keys()) {
    if (!reached.has(name))
      throw new InvalidDefinitionError(`state '${name}': unreachable from StartAt '${startAt}'`);
  }
  return { startAt, states };
}

function transitions(state: CompiledState): string[] {
  const out: string[] = [];
  if (state.next) out.push(state.next);
  if (state.type === "Choice") {
    for (const rule of state.choices) out.push(rule.next);
    if (state.default) out.push(state.default);
  }
  if ("catch" in state) for (const c of state.catch) out.push(c.next);
  return out;
}

function compileState(name: string, raw: Record<string, unknown>, counter: { count: number }): CompiledState {
  const where = `state '${name}'`;
  const type = raw.Type;
  if (typeof type !== "string" || !(type in ALLOWED)) {
    throw new InvalidDefinitionError(
      `${where}: field 'Type' is ${JSON.stringify(type)}; supported types are ${Object.keys(ALLOWED).join(", ")}`,
    );
  }
  if (raw.QueryLanguage !== undefined && raw.QueryLanguage !== "JSONata") {
    throw new InvalidDefinitionError(
      `${where}: field 'QueryLanguage' is ${JSON.stringify(raw.QueryLanguage)}; only JSONata states are supported`,
    );
  }
  checkFields(raw, ALLOWED[type] as string[], where);

  const hasTransition = type !== "Choice" && type !== "Succeed" && type !== "Fail";
  let next: string | undefined;
  let end = false;
  if (hasTransition) {
    if (raw.Next !== undefined && raw.End !== undefined) {
      throw new InvalidDefinitionError(`${where}: fields 'Next' and 'End' are mutually exclusive`);
    }
    if (raw.Next !== undefined) {
      if (typeof raw.Next !== "string")
        throw new InvalidDefinitionError(`${where}: field 'Next' must be a state name`);
      next = raw.Next;
    } else if (raw.End === true) {
      end = true;
    } else {
      throw new InvalidDefinitionError(`${where}: needs field 'Next' or "End": true`);
    }
  }
  const base = {
    name,
    next,
    end,
    output: optionalValue(raw.Output, `${where} field 'Output'`),
    assign: compileAssign(raw.Assign, `${where} field 'Assign'`),
  };

  switch (type) {
    case "Pass":
      return { ...base, type };
    case "Succeed":
      return { ...base, type };
    case "Fail":
      for (const f of ["Error", "Cause"] as const) {
        if (raw[f] !== undefined && typeof raw[f] !== "string") {
          throw new InvalidDefinitionError(`${where}: field '${f}' must be a string or a JSONata expression`);
        }
      }
      return {
        ...base,
        type,
        error: optionalValue(raw.Error, `${where} field 'Error'`),
        cause: optionalValue(raw.Cause, `${where} field 'Cause'`),
      };
    case "Wait": {
      const hasSeconds = raw.Seconds !== undefined;
      if (hasSeconds === (raw.Timestamp !== undefined)) {
        throw new InvalidDefinitionError(
          `${where}: exactly one of fields 'Seconds' and 'Timestamp' is required`,
        );
      }
      if (hasSeconds && !isTemplate(raw.Seconds) && !isNonNegativeInt(raw.Seconds)) {
        throw new InvalidDefinitionError(
          `${where}: field 'Seconds' must be a non-negative integer or a JSONata expression`,
        );
      }
      if (
        !hasSeconds &&
        !isTemplate(raw.Timestamp) &&
        !(typeof raw.Timestamp === "string" && RFC3339.test(raw.Timestamp))
      ) {
        throw new InvalidDefinitionError(
          `${where}: field 'Timestamp' must be an ISO 8601 timestamp or a JSONata expression`,
        );
      }
      return {
        ...base,
        type,
        seconds: optionalValue(raw.Seconds, `${where} field 'Seconds'`),
        timestamp: optionalValue(raw.Timestamp, `${where} field 'Timestamp'`),
      };
    }
    case "Choice": {
      if (!Array.isArray(raw.Choices) || raw.Choices.length === 0) {
        throw new InvalidDefinitionError(`${where}: field 'Choices' must be a non-empty array`);
      }
      const choices = raw.Choices.map((rule, i) => compileChoiceRule(rule, `${where} Choices[${i}]`));
      if (raw.Default !== undefined && typeof raw.Default !== "string") {
        throw new InvalidDefinitionError(`${where}: field 'Default' must be a state name`);
      }
      return { ...base, type, choices, default: raw.Default as string | undefined };
    }
    case "Task":
      return compileTask(raw, where, base);
    case "Parallel": {
      if (!Array.isArray(raw.Branches) || raw.Branches.length === 0) {
        throw new InvalidDefinitionError(`${where}: field 'Branches' must be a non-empty array`);
      }
      const branches = raw.Branches.map((b, i) => {
        const branch = asObject(b, `${where} Branches[${i}]`);
        checkFields(branch, ["StartAt", "States", "Comment", "QueryLanguage"], `${where} Branches[${i}]`);
        checkQueryLanguage(branch, `${where} Branches[${i}]`);
        return compileStateList(branch, `${where} Branches[${i}]`, counter);
      });
      return {
        ...base,
        type,
        branches,
        arguments: optionalValue(raw.Arguments, `${where} field 'Arguments'`),
        retry: compileRetry(raw.Retry, where),
        catch: compileCatch(raw.Catch, where),
      };
    }
    case "Map": {
      const processor = asObject(raw.ItemProcessor, `${where} field 'ItemProcessor'`);
      checkFields(
        processor,
        ["StartAt", "States", "Comment", "ProcessorConfig", "QueryLanguage"],
        `${where} ItemProcessor`,
      );
      checkQueryLanguage(processor, `${where} ItemProcessor`);
      const config =
        processor.ProcessorConfig === undefined
          ? {}
          : asObject(processor.ProcessorConfig, `${where} ItemProcessor.ProcessorConfig`);
      checkFields(config, ["Mode", "ExecutionType"], `${where} ItemProcessor.ProcessorConfig`);
      if (config.Mode !== undefined && config.Mode !== "INLINE" && config.Mode !== "DISTRIBUTED") {
        throw new InvalidDefinitionError(
          `${where}: ItemProcessor.ProcessorConfig.Mode ${JSON.stringify(config.Mode)} must be INLINE or DISTRIBUTED`,
        );
      }
      if (config.Mode !== "DISTRIBUTED" && config.ExecutionType !== undefined) {
        throw new InvalidDefinitionError(
          `${where}: ItemProcessor.ProcessorConfig.ExecutionType applies to distributed Map only`,
        );
      }
      const distributed = compileDistributedMap(raw, config.Mode, config.ExecutionType, where);
      if (
        raw.MaxConcurrency !== undefined &&
        !isTemplate(raw.MaxConcurrency) &&
        !isNonNegativeInt(raw.MaxConcurrency)
      ) {
        throw new InvalidDefinitionError(
          `${where}: field 'MaxConcurrency' must be a non-negative integer or a JSONata expression`,
        );
      }
      if (raw.Items !== undefined && !Array.isArray(raw.Items) && !isTemplate(raw.Items)) {
        throw new InvalidDefinitionError(`${where}: field 'Items' must be an array or a JSONata expression`);
      }
      return {
        ...base,
        type,
        items: optionalValue(raw.Items, `${where} field 'Items'`),
        itemSelector: optionalValue(raw.ItemSelector, `${where} field 'ItemSelector'`),
        maxConcurrency: optionalValue(raw.MaxConcurrency, `${where} field 'MaxConcurrency'`),
        processor: compileStateList(processor, `${where} ItemProcessor`, counter),
        distributed,
        retry: compileRetry(raw.Retry, where),
        catch: compileCatch(raw.Catch, where),
      };
    }
  }
  throw new InvalidDefinitionError(`${where}: unsupported state type ${type}`);
}

function compileTask(raw: Record<string, unknown>, where: string, base: Omit<PassState, "type">): TaskState {
  const resource = raw.Resource;
  if (typeof resource !== "string")
    throw new InvalidDefinitionError(`${where}: field 'Resource' is required`);
  let integration: LambdaIntegration;
  let functionArn: string | undefined;
  const m = STATES_LAMBDA.exec(resource);
  if (m) {
    integration = m[1] as LambdaIntegration;
    const args = raw.Arguments;
    if (args === null || typeof args !== "object" || Array.isArray(args)) {
      if (!isTemplate(args)) {
        throw new InvalidDefinitionError(
          `${where}: field 'Arguments' of ${resource} must be an object with FunctionName`,
        );
      }
    } else {
      const a = args as Record<string, unknown>;
      if (a.FunctionName === undefined) {
        throw new InvalidDefinitionError(
          `${where}: field 'Arguments.FunctionName' is required for ${resource}`,
        );
      }
      checkFields(
        a,
        ["FunctionName", "Payload", "InvocationType", "Qualifier", "ClientContext", "LogType"],
        `${where} field 'Arguments'`,
      );
      if (a.InvocationType !== undefined && a.InvocationType !== "RequestResponse") {
        throw new InvalidDefinitionError(
          `${where}: field 'Arguments.InvocationType' ${JSON.stringify(a.InvocationType)} is not supported (RequestResponse only)`,
        );
      }
    }
  } else if (LAMBDA_FUNCTION_ARN.test(resource)) {
    integration = "function";
    functionArn = resource;
  } else {
    throw new InvalidDefinitionError(
      `${where}: field 'Resource' ${JSON.stringify(resource)} is not supported; this runtime runs arn:aws:states:::lambda:invoke, arn:aws:states:::lambda:invoke.waitForTaskToken and Lambda function ARNs`,
    );
  }
  for (const f of ["TimeoutSeconds", "HeartbeatSeconds"] as const) {
    if (raw[f] !== undefined && !isTemplate(raw[f]) && !isPositiveInt(raw[f])) {
      throw new InvalidDefinitionError(
        `${where}: field '${f}' must be a positive integer or a JSONata expression`,
      );
    }
  }
  if (
    isPositiveInt(raw.TimeoutSeconds) &&
    isPositiveInt(raw.HeartbeatSeconds) &&
    raw.HeartbeatSeconds >= raw.TimeoutSeconds
  ) {
    throw new InvalidDefinitionError(
      `${where}: field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'`,
    );
  }
  return {
    ...base,
    type: "Task",
    resource,
    integration,
    functionArn,
    arguments: optionalValue(raw.Arguments, `${where} field 'Arguments'`),
    timeoutSeconds: optionalValue(raw.TimeoutSeconds, `${where} field 'TimeoutSeconds'`),
    heartbeatSeconds: optionalValue(raw.HeartbeatSeconds, `${where} field 'HeartbeatSeconds'`),
    retry: compileRetry(raw.Retry, where),
    catch: compileCatch(raw.Catch, where),
  };
}

function compileChoiceRule(raw: unknown, where: string): ChoiceRule {
  const rule = asObject(raw, where);
  for (const field of Object.keys(rule)) {
    if (
      field === "Variable" ||
      field === "And" ||
      field === "Or" ||
      field === "Not" ||
      /(Equals|LessThan|GreaterThan|Matches|IsPresent|IsNull|IsString|IsNumeric|IsBoolean|IsTimestamp)/.test(
        field,
      )
    ) {
      throw new InvalidDefinitionError(
        `${where}: field '${field}' is a JSONPath choice rule; JSONata rules use 'Condition'`,
      );
    }
  }
  checkFields(rule, ["Condition", "Next", "Output", "Assign", "Comment"], where);
  if (rule.Condition === undefined)
    throw new InvalidDefinitionError(`${where}: field 'Condition' is required`);
  if (typeof rule.Condition !== "boolean" && !isTemplate(rule.Condition)) {
    throw new InvalidDefinitionError(
      `${where}: field 'Condition' must be a JSONata expression "{% … %}" or a boolean`,
    );
  }
  if (typeof rule.Next !== "string")
    throw new InvalidDefinitionError(`${where}: field 'Next' must be a state name`);
  return {
    condition: compileValue(rule.Condition, `${where} field 'Condition'`),
    next: rule.Next,
    output: optionalValue(rule.Output, `${where} field 'Output'`),
    assign: compileAssign(rule.Assign, `${where} field 'Assign'`),
  };
}

function compileRetry(raw: unknown, where: string): Retrier[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new InvalidDefinitionError(`${where}: field 'Retry' must be an array`);
  return raw.map((r, i) => {
    const w = `${where} Retry[${i}]`;
    const o = asObject(r, w);
    checkFields(
      o,
      [
        "ErrorEquals",
        "IntervalSeconds",
        "MaxAttempts",
        "BackoffRate",
        "MaxDelaySeconds",
        "JitterStrategy",
        "Comment",
      ],
      w,
    );
    const errorEquals = errorNames(o.ErrorEquals, w, i === raw.length - 1);
    const num = (field: string, fallback: number, ok: (v: unknown) => boolean, rule: string): number => {
      const v = o[field];
      if (v === undefined) return fallback;
      if (!ok(v)) throw new InvalidDefinitionError(`${w}: field '${field}' must be ${rule}`);
      return v as number;
    };
    const jitter = o.JitterStrategy ?? "NONE";
    if (jitter !== "FULL" && jitter !== "NONE")
      throw new InvalidDefinitionError(`${w}: field 'JitterStrategy' must be FULL or NONE`);
    return {
      errorEquals,
      intervalSeconds: num("IntervalSeconds", 1, isPositiveInt, "a positive integer"),
      maxAttempts: num("MaxAttempts", 3, isNonNegativeInt, "a non-negative integer"),
      backoffRate: num("BackoffRate", 2, (v) => typeof v === "number" && v >= 1, "a number >= 1.0"),
      maxDelaySeconds:
        o.MaxDelaySeconds === undefined
          ? undefined
          : num("MaxDelaySeconds", 0, isPositiveInt, "a positive integer"),
      jitter,
    };
  });
}

function compileCatch(raw: unknown, where: string): Catcher[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new InvalidDefinitionError(`${where}: field 'Catch' must be an array`);
  return raw.map((c, i) => {
    const w = `${where} Catch[${i}]`;
    const o = asObject(c, w);
    checkFields(o, ["ErrorEquals", "Next", "Output", "Assign", "Comment"], w);
    if (typeof o.Next !== "string")
      throw new InvalidDefinitionError(`${w}: field 'Next' must be a state name`);
    return {
      errorEquals: errorNames(o.ErrorEquals, w, i === raw.length - 1),
      next: o.Next,
      output: optionalValue(o.Output, `${w} field 'Output'`),
      assign: compileAssign(o.Assign, `${w} field 'Assign'`),
    };
  });
}

function errorNames(raw: unknown, where: string, last: boolean): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((e) => typeof e === "string")) {
    throw new InvalidDefinitionError(
      `${where}: field 'ErrorEquals' must be a non-empty array of error names`,
    );
  }
  if (raw.includes("States.ALL") && (raw.length > 1 || !last)) {
    throw new InvalidDefinitionError(`${where}: 'States.ALL' must appear alone in the last retrier/catcher`);
  }
  return raw as string[];
}

function compileAssign(raw: unknown, where: string): Map<string, CompiledValue> | undefined {
  if (raw === undefined) return undefined;
  const o = asObject(raw, where);
  const out = new Map<string, CompiledValue>();
  for (const [name, value] of Object.entries(o)) {
    if (!VARIABLE_NAME.test(name) || name === "states") {
      throw new InvalidDefinitionError(`${where}: '${name}' is not a valid variable name`);
    }
    out.set(name, optionalValue(value, `${where.slice(0, -1)}.${name}'`) as CompiledValue);
  }
  return out;
}

/** `where` is "<scope> field '<Field>'": errors name the scope, evaluation errors the field. */
function optionalValue(raw: unknown, where: string): CompiledValue | undefined {
  if (raw === undefined) return undefined;
  const m = /^(.*) field '(.*)'$/.exec(where);
  const scope = m?.[1] ?? where;
  const field = m?.[2] ?? where;
  try {
    return compileValue(raw, field);
  } catch (error) {
    throw new InvalidDefinitionError(`${scope}: ${(error as Error).message}`, { cause: error });
  }
}

function checkQueryLanguage(raw: Record<string, unknown>, where: string): void {
  if (raw.QueryLanguage !== undefined && raw.QueryLanguage !== "JSONata") {
    throw new InvalidDefinitionError(`${where}: field 'QueryLanguage' must be JSONata`);
  }
}

function checkFields(raw: Record<string, unknown>, allowed: string[], where: string): void {
  for (const field of Object.keys(raw)) {
    if (allowed.includes(field)) continue;
    const replacement = JSONPATH_ONLY[field];
    if (replacement) {
      throw new InvalidDefinitionError(
        `${where}: field '${field}' is JSONPath-only and not allowed in a JSONata state (use ${replacement})`,
      );
    }
    const unsupported = UNSUPPORTED[field];
    if (unsupported)
      throw new InvalidDefinitionError(`${where}: field '${field}' is not supported: ${unsupported}`);
    throw new InvalidDefinitionError(`${where}: unknown or unsupported field '${field}'`);
  }
}

function asObject(raw: unknown, where: string): Record<string, unknown> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new InvalidDefinitionError(`${where} must be a JSON object`);
  }
  return raw as Record<string, unknown>;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v > 0;
}

function isNonNegativeInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}
