/**
 * The state interpreter: runs a state list (a machine, a Parallel branch, a Map iteration) state by
 * state — Pass, Succeed, Fail, Choice, Wait, and Task/Parallel/Map with Retry and Catch — recording
 * each state's events in the execution's history. Semantics follow the Step Functions developer guide;
 * the pages are cited where a rule is applied.
 */
import { runChildren, sleepUntil } from "./blocking";
import type { Catcher, CompiledState, MapState, ParallelState, StateList, TaskState } from "./definition";
import { type DistributedMapHost, type MapRunRegistry, runDistributedMap } from "./distributed-map";
import { StatesFailureError } from "./errors";
import {
  applyAssign,
  evalContext,
  evaluateAssign,
  mergeAssign,
  outputOf,
  queryError,
  stringField,
} from "./evaluation";
import { type CompiledValue, type EvalContext, failedIn, VariableScope } from "./expressions";
import { emit, evaluationFailure } from "./history";
import { checkPayload } from "./limits";
import type { StateResult, Strand } from "./records";
import { errorMatches, retryDelayMs } from "./retry";
import type { VirtualClock } from "./virtual-clock";

/** What the interpreter borrows from the runtime: the clock, Lambda tasks and Map Runs. */
export interface InterpreterHost {
  clock: VirtualClock;
  runTask(strand: Strand, state: TaskState, ctx: EvalContext): Promise<unknown>;
  distributedHost: DistributedMapHost<Strand>;
  mapRuns: MapRunRegistry;
}

export class StateInterpreter {
  private readonly clock: VirtualClock;

  constructor(private readonly host: InterpreterHost) {
    this.clock = host.clock;
  }

  /**
   * Runs a state list from its StartAt, or from `from` (a redrive). At the top level each state's entry
   * is remembered (`exec.resumeAt`): a redrive continues from the state the execution failed in.
   */
  async runStateList(
    strand: Strand,
    list: StateList,
    input: unknown,
    vars: VariableScope,
    from?: string,
  ): Promise<unknown> {
    let name: string | undefined = from ?? list.startAt;
    let current = input;
    const topLevel = list === strand.exec.machine.definition;
    while (name !== undefined) {
      const state = list.states.get(name) as CompiledState;
      if (topLevel) strand.exec.resumeAt = { state: name, input: current, variables: vars.collect({}) };
      const r = await this.runState(strand, state, current, vars);
      current = r.output;
      name = r.next;
    }
    return current;
  }

  private async runState(
    strand: Strand,
    state: CompiledState,
    input: unknown,
    vars: VariableScope,
  ): Promise<StateResult> {
    strand.scope.check();
    const enteredMs = this.clock.nowMs();
    strand.stateType = state.type;
    const enteredEventId = this.emit(strand, `${state.type}StateEntered`, {
      name: state.name,
      input: JSON.stringify(input),
      inputDetails: { truncated: false },
    });
    const ctx = this.evalContext(strand, state.name, enteredMs, 0, input, vars, enteredEventId);
    try {
      switch (state.type) {
        case "Pass":
          return this.exit(
            strand,
            state,
            ctx,
            await outputOf(state.output, ctx, input),
            state.assign,
            state.next,
          );
        case "Succeed": {
          const output = await outputOf(state.output, ctx, input);
          checkPayload(output, "output", state.name);
          this.emitExit(strand, state, output, undefined);
          return { output, next: undefined };
        }
        case "Fail": {
          const error = state.error ? await stringField(state.error, ctx, "Error") : "";
          const cause = state.cause ? await stringField(state.cause, ctx, "Cause") : undefined;
          throw new StatesFailureError(error, cause);
        }
        case "Choice":
          return await this.runChoice(strand, state, ctx, input);
        case "Wait": {
          const atMs = await this.waitTarget(state.seconds, state.timestamp, ctx);
          await sleepUntil(this.clock, strand, atMs);
          return this.exit(
            strand,
            state,
            ctx,
            await outputOf(state.output, ctx, input),
            state.assign,
            state.next,
          );
        }
        case "Task":
        case "Parallel":
        case "Map":
          return await this.runRetryable(strand, state, ctx, vars, enteredMs, enteredEventId);
      }
    } catch (error) {
      const evaluation = strand.scope.reason ? undefined : evaluationFailure(error, state.name);
      if (evaluation) this.emit(strand, "EvaluationFailed", evaluation);
      throw error;
    }
  }

  private async exit(
    strand: Strand,
    state: CompiledState,
    ctx: EvalContext,
    output: unknown,
    assign: Map<string, CompiledValue> | undefined,
    next: string | undefined,
  ): Promise<StateResult> {
    // Assign is evaluated with the variable values from state entry, after Output, and takes effect
    // only for later states ("Passing data between states with variables", Evaluation of Assign).
    const assigned = await evaluateAssign(assign, ctx);
    strand.scope.check();
    checkPayload(output, "output", state.name);
    if (assigned) checkPayload(Object.fromEntries(assigned), "Assign", state.name);
    applyAssign(ctx.variables, assigned);
    this.emitExit(strand, state, output, assigned);
    return { output, next };
  }

  private emitExit(
    strand: Strand,
    state: CompiledState,
    output: unknown,
    assigned: Map<string, unknown> | undefined,
  ): void {
    const details: Record<string, unknown> = {
      name: state.name,
      output: JSON.stringify(output),
      outputDetails: { truncated: false },
    };
    if (assigned && assigned.size > 0) {
      const vars: Record<string, string> = {};
      for (const [k, v] of assigned) vars[k] = JSON.stringify(v);
      details.assignedVariables = vars;
      details.assignedVariablesDetails = { truncated: false };
    }
    this.emit(strand, `${state.type}StateExited`, details);
  }

  private async runChoice(
    strand: Strand,
    state: Extract<CompiledState, { type: "Choice" }>,
    ctx: EvalContext,
    input: unknown,
  ): Promise<StateResult> {
    for (const rule of state.choices) {
      const matched = await rule.condition.evaluate(ctx);
      if (typeof matched !== "boolean") {
        throw new StatesFailureError(
          "States.QueryEvaluationError",
          `${failedIn(ctx)} The Condition of a choice rule returned ${JSON.stringify(matched)}, not a boolean.`,
        );
      }
      if (matched) {
        // A rule's Assign adds to (and overrides) the state-level Assign (Choice state page, "Choice Rules").
        const assign = mergeAssign(state.assign, rule.assign);
        const output = await outputOf(rule.output ?? state.output, ctx, input);
        return this.exit(strand, state, ctx, output, assign, rule.next);
      }
    }
    if (state.default === undefined) {
      throw new StatesFailureError("States.NoChoiceMatched", `No Matches! (state '${state.name}')`);
    }
    return this.exit(
      strand,
      state,
      ctx,
      await outputOf(state.output, ctx, input),
      state.assign,
      state.default,
    );
  }

  private async waitTarget(
    seconds: CompiledValue | undefined,
    timestamp: CompiledValue | undefined,
    ctx: EvalContext,
  ): Promise<number> {
    if (seconds) {
      const s = await seconds.evaluate(ctx);
      if (typeof s !== "number" || !Number.isInteger(s) || s < 0) {
        throw queryError(
          ctx,
          `field 'Seconds' must evaluate to a non-negative integer, got ${JSON.stringify(s)}`,
        );
      }
      return this.clock.nowMs() + s * 1000;
    }
    const t = await (timestamp as CompiledValue).evaluate(ctx);
    const ms =
      typeof t === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(t)
        ? Date.parse(t)
        : Number.NaN;
    if (Number.isNaN(ms))
      throw queryError(
        ctx,
        `field 'Timestamp' must evaluate to an ISO 8601 timestamp, got ${JSON.stringify(t)}`,
      );
    return ms;
  }

  /** Retry and Catch around one Task/Parallel/Map ("Handling errors in Step Functions workflows"). */
  private async runRetryable(
    strand: Strand,
    state: TaskState | ParallelState | MapState,
    firstCtx: EvalContext,
    vars: VariableScope,
    enteredMs: number,
    enteredEventId: number,
  ): Promise<StateResult> {
    const input = firstCtx.states.input;
    const counts = state.retry.map(() => 0);
    let retryCount = 0;
    let ctx = firstCtx;
    for (;;) {
      let attemptFailed = false;
      try {
        const result = await this.attempt(strand, state, ctx, vars).catch((error: unknown) => {
          attemptFailed = true;
          throw error;
        });
        ctx.states.result = result;
        const output = await outputOf(state.output, ctx, result);
        return await this.exit(strand, state, ctx, output, state.assign, state.next);
      } catch (error) {
        if (strand.scope.reason) throw error;
        const failure = error instanceof StatesFailureError ? error : undefined;
        const r = failure ? state.retry.findIndex((x) => errorMatches(x.errorEquals, failure.error)) : -1;
        const retrier = state.retry[r];
        if (retrier && (counts[r] as number) < retrier.maxAttempts) {
          const delayMs = retryDelayMs(retrier, counts[r] as number, strand.exec.arn, state.name, retryCount);
          counts[r] = (counts[r] as number) + 1;
          retryCount++;
          await sleepUntil(this.clock, strand, this.clock.nowMs() + delayMs);
          ctx = this.evalContext(strand, state.name, enteredMs, retryCount, input, vars, enteredEventId);
          continue;
        }
        // A Map or Parallel whose run failed writes its state-level failure once, when no retrier is
        // left, before the catcher's MapStateExited/ParallelStateExited or ExecutionFailed (recorded
        // executions: MapIterationFailed, MapStateFailed, ExecutionFailed; one ParallelStateStarted per
        // attempt and a single ParallelStateFailed at the end).
        if (attemptFailed && state.type !== "Task") this.emit(strand, `${state.type}StateFailed`, undefined);
        if (!failure) throw error;
        const catcher = state.catch.find((c) => errorMatches(c.errorEquals, failure.error));
        if (!catcher) throw error;
        return this.runCatcher(strand, state, catcher, failure, ctx);
      }
    }
  }

  private async runCatcher(
    strand: Strand,
    state: CompiledState,
    catcher: Catcher,
    failure: StatesFailureError,
    ctx: EvalContext,
  ): Promise<StateResult> {
    const errorOutput: Record<string, unknown> = { Error: failure.error };
    if (failure.causeText !== undefined) errorOutput.Cause = failure.causeText;
    const catchCtx: EvalContext = {
      ...ctx,
      states: { input: ctx.states.input, errorOutput, context: ctx.states.context },
    };
    const output = await outputOf(catcher.output, catchCtx, errorOutput);
    return this.exit(strand, state, catchCtx, output, catcher.assign, catcher.next);
  }

  private attempt(
    strand: Strand,
    state: TaskState | ParallelState | MapState,
    ctx: EvalContext,
    vars: VariableScope,
  ): Promise<unknown> {
    switch (state.type) {
      case "Task":
        return this.host.runTask(strand, state, ctx);
      case "Parallel":
        return this.runParallel(strand, state, ctx, vars);
      case "Map":
        return this.runMap(strand, state, ctx, vars);
    }
  }

  private async runParallel(
    strand: Strand,
    state: ParallelState,
    ctx: EvalContext,
    vars: VariableScope,
  ): Promise<unknown[]> {
    const branchInput = state.arguments ? await state.arguments.evaluate(ctx) : ctx.states.input;
    strand.scope.check();
    this.emit(strand, "ParallelStateStarted", undefined);
    const results = await runChildren(this.clock, strand, state.branches.length, 0, (i, child) =>
      this.runStateList(child, state.branches[i] as StateList, branchInput, new VariableScope(vars)),
    );
    this.emit(strand, "ParallelStateSucceeded", undefined);
    return results;
  }

  private async runMap(
    strand: Strand,
    state: MapState,
    ctx: EvalContext,
    vars: VariableScope,
  ): Promise<unknown[]> {
    if (state.distributed) {
      return runDistributedMap({
        host: this.host.distributedHost,
        registry: this.host.mapRuns,
        strand,
        stateName: state.name,
        config: state.distributed,
        processor: state.processor,
        ctx,
        items: () => this.mapItems(strand, state, ctx),
        select: (item, index) => this.selectItem(state, ctx, item, index),
        maxConcurrency: await this.mapConcurrency(state, ctx),
      });
    }
    const items = await this.mapItems(strand, state, ctx);
    const maxConcurrency = await this.mapConcurrency(state, ctx);
    strand.scope.check();
    this.emit(strand, "MapStateStarted", { length: items.length });
    const results = await runChildren(
      this.clock,
      strand,
      items.length,
      maxConcurrency,
      async (index, child) => {
        this.emit(child, "MapIterationStarted", { name: state.name, index });
        try {
          const iterationInput = await this.selectItem(state, ctx, items[index], index);
          const out = await this.runStateList(
            child,
            state.processor,
            iterationInput,
            new VariableScope(vars),
          );
          this.emit(child, "MapIterationSucceeded", { name: state.name, index });
          return out;
        } catch (error) {
          if (!child.scope.reason) this.emit(child, "MapIterationFailed", { name: state.name, index });
          throw error;
        }
      },
    );
    this.emit(strand, "MapStateSucceeded", undefined);
    return results;
  }

  /**
   * The items of a Map: `Items`, or the state's input without it. Anything but an array is a
   * States.QueryEvaluationError, recorded where it happens with the cause AWS writes (recorded
   * executions test_map_state_items_eval_jsonata_fail and test_map_state_items_input_types).
   */
  private async mapItems(strand: Strand, state: MapState, ctx: EvalContext): Promise<unknown[]> {
    const location = state.items ? "Items" : undefined;
    try {
      const items = state.items ? await state.items.evaluate(ctx) : ctx.states.input;
      if (Array.isArray(items)) return items;
      const shown = JSON.stringify(items);
      throw queryError(
        ctx,
        state.items
          ? `The JSONata expression '${state.items.source}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '${items === null ? "null" : typeof items}' for value: ${shown}`
          : `Map state input must be an array but was: ${shown}`,
      );
    } catch (error) {
      const evaluation = strand.scope.reason ? undefined : evaluationFailure(error, state.name, location);
      if (evaluation) this.emit(strand, "EvaluationFailed", evaluation);
      throw error;
    }
  }

  private async mapConcurrency(state: MapState, ctx: EvalContext): Promise<number> {
    let maxConcurrency = 0;
    if (state.maxConcurrency) {
      const m = await state.maxConcurrency.evaluate(ctx);
      if (typeof m !== "number" || !Number.isInteger(m) || m < 0) {
        throw queryError(
          ctx,
          `field 'MaxConcurrency' must evaluate to a non-negative integer, got ${JSON.stringify(m)}`,
        );
      }
      maxConcurrency = m;
    }
    return maxConcurrency;
  }

  /** ItemSelector sees the Map state's input and $states.context.Map.Item {Index, Value}
   * ("Map state ItemSelector (JSONata)", Map state page of the developer guide). */
  private async selectItem(
    state: MapState,
    ctx: EvalContext,
    item: unknown,
    index: number,
  ): Promise<unknown> {
    if (!state.itemSelector) return item;
    const context = {
      ...(ctx.states.context as Record<string, unknown>),
      Map: { Item: { Index: index, Value: item } },
    };
    return state.itemSelector.evaluate({ ...ctx, states: { input: ctx.states.input, context } });
  }

  private evalContext(
    strand: Strand,
    stateName: string,
    enteredMs: number,
    retryCount: number,
    input: unknown,
    vars: VariableScope,
    enteredEventId: number,
  ): EvalContext {
    return evalContext(
      strand.exec,
      stateName,
      enteredMs,
      retryCount,
      input,
      vars,
      () => this.clock.nowMs(),
      enteredEventId,
    );
  }

  private emit(strand: Strand, type: string, details: Record<string, unknown> | undefined): number {
    return emit(strand, this.clock.nowMs(), type, details);
  }
}
