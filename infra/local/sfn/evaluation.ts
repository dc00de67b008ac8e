/**
 * Evaluating a state's JSONata fields in its context (`$states.input`, `$states.context`, variables),
 * and the QueryEvaluationError a field of the wrong type fails the state with.
 */
import { StatesFailureError } from "./errors";
import { type CompiledValue, type EvalContext, failedIn, type VariableScope } from "./expressions";
import type { ExecutionRecord } from "./records";

export function evalContext(
  exec: ExecutionRecord,
  stateName: string,
  enteredMs: number,
  retryCount: number,
  input: unknown,
  vars: VariableScope,
  nowMs: () => number,
  enteredEventId?: number,
): EvalContext {
  return {
    states: {
      input,
      context: {
        Execution: exec.contextExecution,
        StateMachine: exec.contextStateMachine,
        State: { EnteredTime: new Date(enteredMs).toISOString(), Name: stateName, RetryCount: retryCount },
      },
    },
    variables: vars,
    nowMs,
    stateName,
    ...(enteredEventId === undefined ? {} : { enteredEventId }),
  };
}

export async function outputOf(
  output: CompiledValue | undefined,
  ctx: EvalContext,
  fallback: unknown,
): Promise<unknown> {
  return output ? await output.evaluate(ctx) : fallback;
}

export async function evaluateAssign(
  assign: Map<string, CompiledValue> | undefined,
  ctx: EvalContext,
): Promise<Map<string, unknown> | undefined> {
  if (!assign) return undefined;
  const out = new Map<string, unknown>();
  for (const [name, value] of assign) out.set(name, await value.evaluate(ctx));
  return out;
}

export function applyAssign(vars: VariableScope, assigned: Map<string, unknown> | undefined): void {
  if (!assigned) return;
  for (const [k, v] of assigned) vars.set(k, v);
}

export function mergeAssign(
  a: Map<string, CompiledValue> | undefined,
  b: Map<string, CompiledValue> | undefined,
): Map<string, CompiledValue> | undefined {
  if (!a) return b;
  if (!b) return a;
  return new Map([...a, ...b]);
}

export async function stringField(value: CompiledValue, ctx: EvalContext, field: string): Promise<string> {
  const v = await value.evaluate(ctx);
  if (typeof v !== "string")
    throw queryError(ctx, `field '${field}' must evaluate to a string, got ${JSON.stringify(v)}`);
  return v;
}

export async function secondsField(
  value: CompiledValue | undefined,
  ctx: EvalContext,
  field: string,
): Promise<number | undefined> {
  if (!value) return undefined;
  const v = await value.evaluate(ctx);
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw queryError(ctx, `field '${field}' must evaluate to a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function queryError(ctx: EvalContext, message: string): StatesFailureError {
  return new StatesFailureError("States.QueryEvaluationError", `${failedIn(ctx)} ${message}`);
}
