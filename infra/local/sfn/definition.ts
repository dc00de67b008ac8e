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
  ALLOWED,
  asObject,
  checkFields,
  checkQueryLanguage,
  compileAssign,
  isNonNegativeInt,
  isPositiveInt,
  optionalValue,
} from "./definition-fields";
import { compileCatch, compileRetry } from "./definition-retry-catch";
import { compileTask } from "./definition-task";
import type { ChoiceRule, CompiledDefinition, CompiledState, StateList } from "./definition-types";
import { compileDistributedMap } from "./distributed-map-definition";
import { InvalidDefinitionError } from "./errors";
import { compileValue, isTemplate } from "./expressions";

export { LAMBDA_FUNCTION_ARN } from "./definition-task";
export type {
  Catcher,
  ChoiceRule,
  ChoiceState,
  CompiledDefinition,
  CompiledState,
  FailState,
  LambdaIntegration,
  MapState,
  ParallelState,
  PassState,
  Retrier,
  StateList,
  SucceedState,
  TaskState,
  WaitState,
} from "./definition-types";

const STATE_NAME_MAX = 80;
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
