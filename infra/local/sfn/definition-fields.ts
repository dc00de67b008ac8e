/**
 * Field checks shared by every state type: which fields a JSONata state may carry, the JSONPath-only
 * and unimplemented fields refused by name, and the compilation of field values and `Assign` blocks.
 * Field sets follow the "Amazon States Language" state pages of the Step Functions developer guide,
 * JSONata variant (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
 */
import { DISTRIBUTED_MAP_FIELDS } from "./distributed-map-definition";
import { InvalidDefinitionError } from "./errors";
import { type CompiledValue, compileValue } from "./expressions";

const COMMON = ["Type", "Comment", "QueryLanguage"];
const TRANSITION = ["Next", "End"];
const ERRORS = ["Retry", "Catch"];

/** Allowed fields per state type in a JSONata state. */
export const ALLOWED: Record<string, string[]> = {
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

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function compileAssign(raw: unknown, where: string): Map<string, CompiledValue> | undefined {
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
export function optionalValue(raw: unknown, where: string): CompiledValue | undefined {
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

export function checkQueryLanguage(raw: Record<string, unknown>, where: string): void {
  if (raw.QueryLanguage !== undefined && raw.QueryLanguage !== "JSONata") {
    throw new InvalidDefinitionError(`${where}: field 'QueryLanguage' must be JSONata`);
  }
}

export function checkFields(raw: Record<string, unknown>, allowed: string[], where: string): void {
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

export function asObject(raw: unknown, where: string): Record<string, unknown> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new InvalidDefinitionError(`${where} must be a JSON object`);
  }
  return raw as Record<string, unknown>;
}

export function isPositiveInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v > 0;
}

export function isNonNegativeInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}
