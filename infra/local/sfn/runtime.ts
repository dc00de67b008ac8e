/**
 * The local Step Functions runtime: executes JSONata state machines (see definition.ts for what is
 * accepted) on the VirtualClock, and answers the Step Functions API operations the project uses with
 * the same input/output field names as @aws-sdk/client-sfn and the same error codes.
 *
 * Semantics follow the Step Functions developer guide; the pages are cited where a rule is applied.
 * Concurrency model: every running branch of an execution ("strand") holds the clock while runnable
 * and releases it only while blocked on a timer, a task token or its child branches; whoever wakes
 * it re-acquires the hold synchronously, so virtual time can never jump past work in progress.
 */
import { createHash, randomUUID } from "node:crypto";
import { parseCron } from "./cron";
import type {
  Catcher,
  CompiledDefinition,
  CompiledState,
  MapState,
  ParallelState,
  Retrier,
  StateList,
  TaskState,
} from "./definition";
import { parseDefinition } from "./definition";
import { type DistributedMapHost, MapRunRegistry, runDistributedMap } from "./distributed-map";
import {
  StatesFailureError,
  StepFunctionsApiError,
  StrandCancelledError,
  ValidationApiError,
} from "./errors";
import { type CompiledValue, type EvalContext, seededRandom, VariableScope } from "./expressions";
import type { ScheduledTimer, VirtualClock } from "./virtual-clock";

export type InvokeLambda = (
  functionArn: string,
  payload: unknown,
  context: { functionName: string; awsRequestId: string },
) => Promise<unknown>;

export interface LocalStepFunctionsOptions {
  clock: VirtualClock;
  invokeLambda: InvokeLambda;
  region?: string;
  accountId?: string;
  /** S3 GetObject for a Distributed Map's ItemReader: the object's text. */
  readS3Object?: (bucket: string, key: string) => Promise<string>;
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** One history event as GetExecutionHistory returns it (HistoryEvent in the API reference). */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

interface StoredEvent {
  id: number;
  previousEventId: number;
  timestampMs: number;
  type: string;
  details: Record<string, unknown> | undefined;
}

interface StateMachineRecord {
  arn: string;
  name: string;
  definitionText: string;
  definition: CompiledDefinition;
  roleArn: string;
  creationMs: number;
}

interface ExecutionRecord {
  arn: string;
  name: string;
  machine: StateMachineRecord;
  inputText: string;
  input: unknown;
  status: ExecutionStatus;
  startMs: number;
  stopMs: number | undefined;
  outputText: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  events: StoredEvent[];
  root: CancelScope;
  openTokens: Set<TokenRecord>;
  timeoutTimer: ScheduledTimer | undefined;
  contextExecution: Record<string, unknown>;
  contextStateMachine: Record<string, unknown>;
}

/** Cancellation of a branch tree: stopping an execution, or a sibling branch failing. */
class CancelScope {
  reason: Error | undefined;
  readonly waiters = new Set<(e: Error) => void>();
  private readonly children = new Set<CancelScope>();

  constructor(private readonly parent?: CancelScope) {
    parent?.children.add(this);
    this.reason = parent?.reason;
  }

  cancel(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    for (const wake of [...this.waiters]) wake(reason);
    this.waiters.clear();
    for (const child of [...this.children]) child.cancel(reason);
  }

  check(): void {
    if (this.reason) throw this.reason;
  }

  detach(): void {
    this.parent?.children.delete(this);
  }
}

interface Strand {
  exec: ExecutionRecord;
  scope: CancelScope;
  release: () => void;
  lastEventId: number;
  /** Type of the state the strand is in, for `<Type>StateAborted` when it is cancelled while blocked. */
  stateType?: string;
}

type Outcome =
  | { kind: "success"; output: unknown }
  | { kind: "failure"; error: string; cause: string | undefined };

interface TokenRecord {
  token: string;
  exec: ExecutionRecord;
  closed: boolean;
  submitted: boolean;
  early: Outcome | undefined;
  deliver: ((outcome: Outcome) => void) | undefined;
  heartbeat: (() => void) | undefined;
}

interface StateResult {
  output: unknown;
  next: string | undefined;
}

/**
 * Names of state machines and executions: 1–80 characters, none of whitespace, brackets `< > { } [ ]`,
 * wildcards `? *`, special characters `" # % \\ ^ | ~ \` $ & , ; : /` or control characters
 * (API reference, StartExecution `name`).
 */
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

function validName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name)) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
  }
  return true;
}
const TASK_FAILED_EXCLUDES = new Set([
  "States.Timeout",
  "States.HeartbeatTimeout",
  "States.Runtime",
  "States.DataLimitExceeded",
]);
const ALL_EXCLUDES = new Set(["States.Runtime", "States.DataLimitExceeded"]);

export class LocalStepFunctions {
  readonly clock: VirtualClock;
  readonly region: string;
  readonly accountId: string;
  private readonly invokeLambda: InvokeLambda;
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly executionsByMachine = new Map<string, ExecutionRecord[]>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly schedules = new Map<string, ScheduledTimer>();
  private readonly mapRuns = new MapRunRegistry();
  private readonly closeListeners = new Map<string, ((exec: ExecutionRecord) => void)[]>();
  private readonly distributedHost: DistributedMapHost<Strand>;

  constructor(options: LocalStepFunctionsOptions) {
    this.clock = options.clock;
    this.invokeLambda = options.invokeLambda;
    this.region = options.region ?? "ap-east-1";
    this.accountId = options.accountId ?? "000000000000";
    this.distributedHost = this.hostForMapRuns(options.readS3Object);
  }

  // ---------------------------------------------------------------- API: state machines

  async createStateMachine(input: {
    name: string;
    definition: string;
    roleArn?: string;
    type?: string;
  }): Promise<{ stateMachineArn: string; creationDate: Date }> {
    if (!input.name || !validName(input.name))
      throw new StepFunctionsApiError("InvalidName", `invalid state machine name '${input.name}'`);
    if (input.type !== undefined && input.type !== "STANDARD") {
      throw new ValidationApiError(`state machine type ${input.type} is not supported (STANDARD only)`);
    }
    const arn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${input.name}`;
    const existing = this.machines.get(arn);
    if (existing) {
      // CreateStateMachine is idempotent for an identical definition (API reference, CreateStateMachine).
      if (existing.definitionText === input.definition)
        return { stateMachineArn: arn, creationDate: new Date(existing.creationMs) };
      throw new StepFunctionsApiError("StateMachineAlreadyExists", `State Machine Already Exists: '${arn}'`);
    }
    const definition = parseDefinition(input.definition);
    const record: StateMachineRecord = {
      arn,
      name: input.name,
      definitionText: input.definition,
      definition,
      roleArn: input.roleArn ?? `arn:aws:iam::${this.accountId}:role/local-step-functions`,
      creationMs: this.clock.nowMs(),
    };
    this.machines.set(arn, record);
    this.executionsByMachine.set(arn, []);
    return { stateMachineArn: arn, creationDate: new Date(record.creationMs) };
  }

  async describeStateMachine(input: { stateMachineArn: string }): Promise<{
    stateMachineArn: string;
    name: string;
    status: "ACTIVE";
    definition: string;
    roleArn: string;
    type: "STANDARD";
    creationDate: Date;
  }> {
    const m = this.machine(input.stateMachineArn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      status: "ACTIVE",
      definition: m.definitionText,
      roleArn: m.roleArn,
      type: "STANDARD",
      creationDate: new Date(m.creationMs),
    };
  }

  async listStateMachines(input: { maxResults?: number; nextToken?: string } = {}): Promise<{
    stateMachines: Array<{ stateMachineArn: string; name: string; type: "STANDARD"; creationDate: Date }>;
    nextToken?: string;
  }> {
    // A Distributed Map's child state machine (`<machine>/<label>`) is not listed, as on AWS.
    const all = [...this.machines.values()]
      .filter((m) => !m.name.includes("/"))
      .map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: "STANDARD" as const,
        creationDate: new Date(m.creationMs),
      }));
    const page = paginate(all, input.maxResults, input.nextToken);
    return { stateMachines: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  // ---------------------------------------------------------------- API: executions

  async startExecution(input: { stateMachineArn: string; name?: string; input?: string }): Promise<{
    executionArn: string;
    startDate: Date;
  }> {
    const machine = this.machine(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    if (!validName(name)) throw new StepFunctionsApiError("InvalidName", `invalid execution name '${name}'`);
    const inputText = input.input ?? "{}";
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputText);
    } catch (error) {
      throw new StepFunctionsApiError(
        "InvalidExecutionInput",
        `Invalid State Machine Execution Input: ${(error as Error).message}`,
      );
    }
    const arn = `arn:aws:states:${this.region}:${this.accountId}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      // Same name + same input while running → the same execution; otherwise ExecutionAlreadyExists
      // (API reference, StartExecution: "idempotent" for STANDARD workflows).
      if (existing.status === "RUNNING" && existing.inputText === inputText) {
        return { executionArn: arn, startDate: new Date(existing.startMs) };
      }
      throw new StepFunctionsApiError("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
    }
    const startMs = this.clock.nowMs();
    const exec: ExecutionRecord = {
      arn,
      name,
      machine,
      inputText,
      input: parsed,
      status: "RUNNING",
      startMs,
      stopMs: undefined,
      outputText: undefined,
      error: undefined,
      cause: undefined,
      events: [],
      root: new CancelScope(),
      openTokens: new Set(),
      timeoutTimer: undefined,
      contextExecution: {
        Id: arn,
        Input: parsed,
        Name: name,
        RoleArn: machine.roleArn,
        StartTime: new Date(startMs).toISOString(),
        RedriveCount: 0,
      },
      contextStateMachine: { Id: machine.arn, Name: machine.name },
    };
    this.executions.set(arn, exec);
    (this.executionsByMachine.get(machine.arn) as ExecutionRecord[]).push(exec);
    // Hold the clock from here, synchronously: the caller may run the clock right after this call.
    const strand: Strand = { exec, scope: exec.root, release: this.clock.hold(), lastEventId: 0 };
    this.emit(strand, "ExecutionStarted", {
      input: inputText,
      inputDetails: { truncated: false },
      roleArn: machine.roleArn,
    });
    const timeout = machine.definition.timeoutSeconds;
    if (timeout !== undefined) {
      exec.timeoutTimer = this.clock.schedule(new Date(startMs + timeout * 1000), () => {
        if (exec.status !== "RUNNING") return;
        this.close(exec, "TIMED_OUT");
        exec.error = "States.Timeout";
        this.emitExec(exec, "ExecutionTimedOut", {
          error: "States.Timeout",
          cause: `The execution exceeded TimeoutSeconds (${timeout}).`,
        });
      });
    }
    void this.run(strand, parsed);
    return { executionArn: arn, startDate: new Date(startMs) };
  }

  async describeExecution(input: { executionArn: string }): Promise<{
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: ExecutionStatus;
    startDate: Date;
    stopDate?: Date;
    input: string;
    inputDetails: { included: boolean };
    output?: string;
    outputDetails?: { included: boolean };
    error?: string;
    cause?: string;
    redriveCount: number;
    redriveStatus: string;
  }> {
    const e = this.execution(input.executionArn);
    return {
      executionArn: e.arn,
      stateMachineArn: e.machine.arn,
      name: e.name,
      status: e.status,
      startDate: new Date(e.startMs),
      ...(e.stopMs === undefined ? {} : { stopDate: new Date(e.stopMs) }),
      input: e.inputText,
      inputDetails: { included: true },
      ...(e.outputText === undefined ? {} : { output: e.outputText, outputDetails: { included: true } }),
      ...(e.error === undefined || e.error === "" ? {} : { error: e.error }),
      ...(e.cause === undefined ? {} : { cause: e.cause }),
      redriveCount: 0,
      redriveStatus: e.status === "RUNNING" || e.status === "SUCCEEDED" ? "NOT_REDRIVABLE" : "REDRIVABLE",
    };
  }

  async listExecutions(input: {
    stateMachineArn: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{
    executions: Array<{
      executionArn: string;
      stateMachineArn: string;
      name: string;
      status: ExecutionStatus;
      startDate: Date;
      stopDate?: Date;
    }>;
    nextToken?: string;
  }> {
    const machine = this.machine(input.stateMachineArn);
    // Newest first, as ListExecutions returns them.
    const all = [...(this.executionsByMachine.get(machine.arn) ?? [])]
      .reverse()
      .filter((e) => !input.statusFilter || e.status === input.statusFilter)
      .map((e) => ({
        executionArn: e.arn,
        stateMachineArn: machine.arn,
        name: e.name,
        status: e.status,
        startDate: new Date(e.startMs),
        ...(e.stopMs === undefined ? {} : { stopDate: new Date(e.stopMs) }),
      }));
    const page = paginate(all, input.maxResults, input.nextToken);
    return { executions: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  /** DescribeMapRun (API reference): a Distributed Map's Map Run, its counts and failure tolerance. */
  async describeMapRun(input: { mapRunArn: string }) {
    const run = this.mapRuns.describe(input.mapRunArn);
    return {
      mapRunArn: run.mapRunArn,
      executionArn: run.executionArn,
      status: run.status,
      startDate: new Date(run.startMs),
      ...(run.stopMs === undefined ? {} : { stopDate: new Date(run.stopMs) }),
      maxConcurrency: run.maxConcurrency,
      toleratedFailurePercentage: run.toleratedFailurePercentage,
      toleratedFailureCount: run.toleratedFailureCount,
      itemCounts: { ...run.itemCounts },
      executionCounts: { ...run.executionCounts },
      redriveCount: 0,
    };
  }

  /** ListMapRuns (API reference): the Map Runs an execution started, oldest first. */
  async listMapRuns(input: { executionArn: string; maxResults?: number; nextToken?: string }) {
    this.execution(input.executionArn);
    const all = this.mapRuns.forExecution(input.executionArn).map((run) => ({
      executionArn: run.executionArn,
      mapRunArn: run.mapRunArn,
      stateMachineArn: run.stateMachineArn,
      startDate: new Date(run.startMs),
      ...(run.stopMs === undefined ? {} : { stopDate: new Date(run.stopMs) }),
    }));
    const page = paginate(all, input.maxResults, input.nextToken);
    return { mapRuns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async stopExecution(input: {
    executionArn: string;
    error?: string;
    cause?: string;
  }): Promise<{ stopDate: Date }> {
    const e = this.execution(input.executionArn);
    if (e.status === "RUNNING") {
      this.close(e, "ABORTED");
      e.error = input.error;
      e.cause = input.cause;
      this.emitExec(e, "ExecutionAborted", {
        ...(input.error === undefined ? {} : { error: input.error }),
        ...(input.cause === undefined ? {} : { cause: input.cause }),
      });
    }
    return { stopDate: new Date(e.stopMs as number) };
  }

  async getExecutionHistory(input: {
    executionArn: string;
    maxResults?: number;
    reverseOrder?: boolean;
    nextToken?: string;
    includeExecutionData?: boolean;
  }): Promise<{ events: HistoryEvent[]; nextToken?: string }> {
    const e = this.execution(input.executionArn);
    const stored = input.reverseOrder ? [...e.events].reverse() : e.events;
    // Page size: default 100, at most 1000 (API reference, GetExecutionHistory).
    const page = paginate(stored, Math.min(input.maxResults || 100, 1000), input.nextToken);
    const includeData = input.includeExecutionData !== false;
    return {
      events: page.items.map((ev) => toHistoryEvent(ev, includeData)),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  }

  // ---------------------------------------------------------------- API: task tokens

  async sendTaskSuccess(input: { taskToken: string; output: string }): Promise<Record<string, never>> {
    let output: unknown;
    try {
      output = JSON.parse(input.output);
    } catch (error) {
      throw new StepFunctionsApiError("InvalidOutput", `Invalid output: ${(error as Error).message}`);
    }
    this.openToken(input.taskToken).deliverOrKeep({ kind: "success", output });
    return {};
  }

  async sendTaskFailure(input: {
    taskToken: string;
    error?: string;
    cause?: string;
  }): Promise<Record<string, never>> {
    this.openToken(input.taskToken).deliverOrKeep({
      kind: "failure",
      error: input.error ?? "",
      cause: input.cause,
    });
    return {};
  }

  async sendTaskHeartbeat(input: { taskToken: string }): Promise<Record<string, never>> {
    const { record } = this.openToken(input.taskToken);
    record.heartbeat?.();
    return {};
  }

  // ---------------------------------------------------------------- schedules and helpers

  /**
   * An EventBridge Scheduler schedule on the virtual clock: at each firing it calls StartExecution;
   * a duplicate name (re-delivery) is absorbed by StartExecution's idempotency, as on AWS.
   */
  registerSchedule(options: {
    name: string;
    cron: string;
    timezone: string;
    stateMachineArn: string;
    input: string | (() => string);
    executionName?: (firesAt: Date) => string;
  }): { cancel(): void } {
    const cron = parseCron(options.cron, options.timezone);
    this.machine(options.stateMachineArn);
    if (this.schedules.has(options.name))
      throw new StepFunctionsApiError("ConflictException", `schedule '${options.name}' already exists`);
    const arm = (after: Date) => {
      const at = cron.nextAfter(after);
      if (!at) {
        this.schedules.delete(options.name);
        return;
      }
      const timer = this.clock.schedule(at, async () => {
        arm(at);
        const input = typeof options.input === "function" ? options.input() : options.input;
        try {
          await this.startExecution({
            stateMachineArn: options.stateMachineArn,
            input,
            ...(options.executionName ? { name: options.executionName(at) } : {}),
          });
        } catch (error) {
          if ((error as Error).name !== "ExecutionAlreadyExists") throw error;
        }
      });
      this.schedules.set(options.name, timer);
    };
    arm(this.clock.now());
    return {
      cancel: () => {
        this.schedules.get(options.name)?.cancel();
        this.schedules.delete(options.name);
      },
    };
  }

  /** Runs the clock until the execution is closed (or `limit`); returns its final status. */
  async runExecutionToCompletion(executionArn: string, limit: Date): Promise<ExecutionStatus> {
    const e = this.execution(executionArn);
    await this.clock.runUntilCondition(() => e.status !== "RUNNING", limit);
    return e.status;
  }

  // ---------------------------------------------------------------- execution engine

  private async run(strand: Strand, input: unknown): Promise<void> {
    const exec = strand.exec;
    try {
      const output = await this.runStateList(strand, exec.machine.definition, input, new VariableScope());
      if (exec.status !== "RUNNING") return;
      this.close(exec, "SUCCEEDED");
      exec.outputText = JSON.stringify(output);
      this.emit(strand, "ExecutionSucceeded", {
        output: exec.outputText,
        outputDetails: { truncated: false },
      });
    } catch (error) {
      if (exec.status !== "RUNNING") return;
      const failure =
        error instanceof StatesFailureError
          ? error
          : new StatesFailureError("States.Runtime", `internal error of the local runtime: ${String(error)}`);
      this.close(exec, "FAILED");
      exec.error = failure.error;
      exec.cause = failure.causeText;
      this.emit(strand, "ExecutionFailed", errorDetails(failure.error, failure.causeText));
    } finally {
      strand.release();
    }
  }

  private close(exec: ExecutionRecord, status: ExecutionStatus): void {
    exec.status = status;
    exec.stopMs = this.clock.nowMs();
    exec.timeoutTimer?.cancel();
    for (const token of exec.openTokens) this.closeToken(token);
    exec.root.cancel(new StrandCancelledError(`execution ${status}`));
    const listeners = this.closeListeners.get(exec.arn);
    if (listeners) {
      this.closeListeners.delete(exec.arn);
      // After the caller has recorded the output, and before virtual time may move on.
      const release = this.clock.hold();
      queueMicrotask(() => {
        try {
          for (const listener of listeners) listener(exec);
        } finally {
          release();
        }
      });
    }
  }

  private async runStateList(
    strand: Strand,
    list: StateList,
    input: unknown,
    vars: VariableScope,
  ): Promise<unknown> {
    let name: string | undefined = list.startAt;
    let current = input;
    while (name !== undefined) {
      const state = list.states.get(name) as CompiledState;
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
    this.emit(strand, `${state.type}StateEntered`, {
      name: state.name,
      input: JSON.stringify(input),
      inputDetails: { truncated: false },
    });
    const ctx = this.evalContext(strand.exec, state.name, enteredMs, 0, input, vars);
    try {
      switch (state.type) {
        case "Pass":
          return this.exit(
            strand,
            state,
            ctx,
            await this.outputOf(state.output, ctx, input),
            state.assign,
            state.next,
          );
        case "Succeed": {
          const output = await this.outputOf(state.output, ctx, input);
          this.emitExit(strand, state, output, undefined);
          return { output, next: undefined };
        }
        case "Fail": {
          const error = state.error ? await this.stringField(state.error, ctx, "Error") : "";
          const cause = state.cause ? await this.stringField(state.cause, ctx, "Cause") : undefined;
          throw new StatesFailureError(error, cause);
        }
        case "Choice":
          return await this.runChoice(strand, state, ctx, input);
        case "Wait": {
          const atMs = await this.waitTarget(state.seconds, state.timestamp, ctx);
          await this.sleepUntil(strand, atMs);
          return this.exit(
            strand,
            state,
            ctx,
            await this.outputOf(state.output, ctx, input),
            state.assign,
            state.next,
          );
        }
        case "Task":
        case "Parallel":
        case "Map":
          return await this.runRetryable(strand, state, ctx, vars, enteredMs);
      }
    } catch (error) {
      if (
        error instanceof StatesFailureError &&
        error.error === "States.QueryEvaluationError" &&
        !strand.scope.reason
      ) {
        this.emit(strand, "EvaluationFailed", {
          error: error.error,
          cause: error.causeText,
          state: state.name,
        });
      }
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
    const assigned = await this.evaluateAssign(assign, ctx);
    strand.scope.check();
    this.applyAssign(ctx.variables, assigned);
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
          `An error occurred while executing the state '${state.name}'. The Condition of a choice rule returned ${JSON.stringify(matched)}, not a boolean.`,
        );
      }
      if (matched) {
        // A rule's Assign adds to (and overrides) the state-level Assign (Choice state page, "Choice Rules").
        const assign = mergeAssign(state.assign, rule.assign);
        const output = await this.outputOf(rule.output ?? state.output, ctx, input);
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
      await this.outputOf(state.output, ctx, input),
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
  ): Promise<StateResult> {
    const input = firstCtx.states.input;
    const counts = state.retry.map(() => 0);
    let retryCount = 0;
    let ctx = firstCtx;
    for (;;) {
      try {
        const result = await this.attempt(strand, state, ctx, vars);
        ctx.states.result = result;
        const output = await this.outputOf(state.output, ctx, result);
        return await this.exit(strand, state, ctx, output, state.assign, state.next);
      } catch (error) {
        if (!(error instanceof StatesFailureError) || strand.scope.reason) throw error;
        const r = state.retry.findIndex((x) => errorMatches(x.errorEquals, error.error));
        const retrier = state.retry[r];
        if (retrier && (counts[r] as number) < retrier.maxAttempts) {
          const delayMs = this.retryDelayMs(
            retrier,
            counts[r] as number,
            strand.exec.arn,
            state.name,
            retryCount,
          );
          counts[r] = (counts[r] as number) + 1;
          retryCount++;
          await this.sleepUntil(strand, this.clock.nowMs() + delayMs);
          ctx = this.evalContext(strand.exec, state.name, enteredMs, retryCount, input, vars);
          continue;
        }
        const catcher = state.catch.find((c) => errorMatches(c.errorEquals, error.error));
        if (!catcher) throw error;
        return this.runCatcher(strand, state, catcher, error, ctx);
      }
    }
  }

  private retryDelayMs(
    retrier: Retrier,
    attempt: number,
    execArn: string,
    stateName: string,
    retryCount: number,
  ): number {
    let seconds = retrier.intervalSeconds * retrier.backoffRate ** attempt;
    if (retrier.maxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.maxDelaySeconds);
    if (retrier.jitter === "FULL") {
      // Full jitter: a random delay between 0 and the computed one; seeded so a run is reproducible.
      seconds *= seededRandom(hashInt(`${execArn}|${stateName}|${retryCount}`));
    }
    return Math.round(seconds * 1000);
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
    const output = await this.outputOf(catcher.output, catchCtx, errorOutput);
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
        return this.runTask(strand, state, ctx);
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
    try {
      const results = await this.runChildren(strand, state.branches.length, 0, (i, child) =>
        this.runStateList(child, state.branches[i] as StateList, branchInput, new VariableScope(vars)),
      );
      this.emit(strand, "ParallelStateSucceeded", undefined);
      return results;
    } catch (error) {
      if (!strand.scope.reason) this.emit(strand, "ParallelStateFailed", undefined);
      throw error;
    }
  }

  private async runMap(
    strand: Strand,
    state: MapState,
    ctx: EvalContext,
    vars: VariableScope,
  ): Promise<unknown[]> {
    if (state.distributed) {
      return runDistributedMap({
        host: this.distributedHost,
        registry: this.mapRuns,
        strand,
        stateName: state.name,
        config: state.distributed,
        processor: state.processor,
        ctx,
        items: () => this.mapItems(state, ctx),
        select: (item, index) => this.selectItem(state, ctx, item, index),
        maxConcurrency: await this.mapConcurrency(state, ctx),
      });
    }
    const items = await this.mapItems(state, ctx);
    const maxConcurrency = await this.mapConcurrency(state, ctx);
    strand.scope.check();
    this.emit(strand, "MapStateStarted", { length: items.length });
    try {
      const results = await this.runChildren(strand, items.length, maxConcurrency, async (index, child) => {
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
      });
      this.emit(strand, "MapStateSucceeded", undefined);
      return results;
    } catch (error) {
      if (!strand.scope.reason) this.emit(strand, "MapStateFailed", undefined);
      throw error;
    }
  }

  private async mapItems(state: MapState, ctx: EvalContext): Promise<unknown[]> {
    const items = state.items ? await state.items.evaluate(ctx) : ctx.states.input;
    if (!Array.isArray(items))
      throw queryError(ctx, `the Map items must be an array, got ${JSON.stringify(items)}`);
    return items;
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

  /** What a Distributed Map's Map Run borrows from the runtime (distributed-map.ts). */
  private hostForMapRuns(
    readS3Object: LocalStepFunctionsOptions["readS3Object"],
  ): DistributedMapHost<Strand> {
    return {
      region: this.region,
      accountId: this.accountId,
      nowMs: () => this.clock.nowMs(),
      emit: (strand, type, details) => {
        this.emit(strand, type, details);
      },
      block: (strand, setup) => this.block(strand, setup),
      executionOf: (strand) => ({ arn: strand.exec.arn, machineName: strand.exec.machine.name }),
      childMachine: (name, processor) => {
        const arn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
        if (!this.machines.has(arn)) {
          const parent = this.machines.get(arn.slice(0, arn.lastIndexOf("/")));
          this.machines.set(arn, {
            arn,
            name,
            definitionText: parent?.definitionText ?? "{}",
            definition: { ...processor, timeoutSeconds: undefined, stateCount: processor.states.size },
            roleArn: parent?.roleArn ?? `arn:aws:iam::${this.accountId}:role/local-step-functions`,
            creationMs: this.clock.nowMs(),
          });
          this.executionsByMachine.set(arn, []);
        }
        return arn;
      },
      startChild: (machineArn, name, input) => {
        void this.startExecution({ stateMachineArn: machineArn, name, input: JSON.stringify(input) });
        return `arn:aws:states:${this.region}:${this.accountId}:execution:${this.machine(machineArn).name}:${name}`;
      },
      whenClosed: (executionArn, then) => {
        const listeners = this.closeListeners.get(executionArn) ?? [];
        listeners.push((exec) =>
          then({
            status: exec.status,
            output: exec.outputText === undefined ? null : JSON.parse(exec.outputText),
          }),
        );
        this.closeListeners.set(executionArn, listeners);
      },
      stopChild: (executionArn) => {
        void this.stopExecution({ executionArn, error: "States.Aborted", cause: "the Map Run failed" });
      },
      readS3Object: (bucket, key) => {
        if (!readS3Object) throw new Error("this runtime was started without S3 (readS3Object)");
        return readS3Object(bucket, key);
      },
    };
  }

  /**
   * Runs child branches (Parallel branches, Map iterations) with at most `concurrency` at once
   * (0 = all). The parent strand is blocked meanwhile; a child hands the hold back to the parent
   * before releasing its own. The first failure cancels the siblings and fails the parent.
   */
  private runChildren<T>(
    parent: Strand,
    count: number,
    concurrency: number,
    run: (index: number, child: Strand) => Promise<T>,
  ): Promise<T[]> {
    if (count === 0) return Promise.resolve([]);
    const group = new CancelScope(parent.scope);
    return this.block<T[]>(parent, (ok, fail) => {
      const results: T[] = new Array(count);
      let next = 0;
      let running = 0;
      let finished = 0;
      let failed = false;
      const launch = () => {
        while (!failed && next < count && (concurrency === 0 || running < concurrency)) {
          const index = next++;
          running++;
          const child: Strand = {
            exec: parent.exec,
            scope: group,
            release: this.clock.hold(),
            lastEventId: parent.lastEventId,
          };
          run(index, child).then(
            (value) => {
              results[index] = value;
              running--;
              finished++;
              if (finished === count) {
                parent.lastEventId = parent.exec.events.length;
                ok(results);
              } else launch();
              child.release();
            },
            (error: unknown) => {
              running--;
              if (!failed) {
                failed = true;
                group.cancel(new StrandCancelledError("a sibling branch failed"));
                fail(error);
              }
              child.release();
            },
          );
        }
      };
      launch();
      return () => group.detach();
    });
  }

  // ---------------------------------------------------------------- Task state

  private async runTask(strand: Strand, state: TaskState, ctx: EvalContext): Promise<unknown> {
    const exec = strand.exec;
    const waitForToken = state.integration === "invoke.waitForTaskToken";
    let token: TokenRecord | undefined;
    if (waitForToken) {
      const tokenId = taskToken(exec.arn, state.name, exec.events.length);
      token = {
        token: tokenId,
        exec,
        closed: false,
        submitted: false,
        early: undefined,
        deliver: undefined,
        heartbeat: undefined,
      };
      (ctx.states.context as Record<string, unknown>).Task = { Token: tokenId };
    }
    const args = state.arguments ? await state.arguments.evaluate(ctx) : ctx.states.input;
    const timeoutSeconds = await this.secondsField(state.timeoutSeconds, ctx, "TimeoutSeconds");
    const heartbeatSeconds = await this.secondsField(state.heartbeatSeconds, ctx, "HeartbeatSeconds");
    strand.scope.check();

    let functionArn: string;
    let payload: unknown;
    if (state.integration === "function") {
      functionArn = stripQualifier(state.functionArn as string);
      payload = args;
    } else {
      const a = (args ?? {}) as Record<string, unknown>;
      if (typeof a.FunctionName !== "string")
        throw queryError(ctx, "Arguments.FunctionName must be a string");
      functionArn = this.functionArn(a.FunctionName);
      payload = a.Payload ?? {};
    }
    const payloadText = JSON.stringify(payload) ?? "null";
    const resource = state.integration === "function" ? state.resource : state.integration;
    const taskDetails = { resourceType: "lambda", resource };
    if (state.integration === "function") {
      this.emit(strand, "LambdaFunctionScheduled", {
        resource: state.resource,
        input: payloadText,
        inputDetails: { truncated: false },
        ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
      });
      this.emit(strand, "LambdaFunctionStarted", undefined);
    } else {
      this.emit(strand, "TaskScheduled", {
        ...taskDetails,
        region: this.region,
        parameters: JSON.stringify(args),
        ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
        ...(heartbeatSeconds === undefined ? {} : { heartbeatInSeconds: heartbeatSeconds }),
      });
      this.emit(strand, "TaskStarted", taskDetails);
    }
    const startedMs = this.clock.nowMs();
    const requestId = uuidFrom(`${exec.arn}|${exec.events.length}`);
    const functionName = functionArn.slice(functionArn.lastIndexOf(":") + 1);

    return this.block<unknown>(strand, (ok, fail) => {
      const timers: ScheduledTimer[] = [];
      let settled = false;
      const settle = (emitType: string, details: Record<string, unknown>, then: () => void) => {
        // After StopExecution/timeout the strand is gone: a late Lambda result records nothing.
        if (settled || strand.scope.reason) return;
        settled = true;
        if (token) this.closeToken(token);
        this.emit(strand, emitType, details);
        then();
      };
      const timeOut = (error: "States.Timeout" | "States.HeartbeatTimeout") => {
        const cause = error === "States.Timeout" ? "Task timed out." : "Task heartbeat timed out.";
        const type = state.integration === "function" ? "LambdaFunctionTimedOut" : "TaskTimedOut";
        const details =
          state.integration === "function" ? { error, cause } : { ...taskDetails, error, cause };
        settle(type, details, () => fail(new StatesFailureError(error, cause)));
      };
      if (timeoutSeconds !== undefined) {
        timers.push(
          this.clock.schedule(new Date(startedMs + timeoutSeconds * 1000), () => timeOut("States.Timeout")),
        );
      }
      const deliver = (outcome: Outcome) => {
        if (outcome.kind === "success") {
          const output = JSON.stringify(outcome.output);
          settle("TaskSucceeded", { ...taskDetails, output, outputDetails: { truncated: false } }, () =>
            ok(outcome.output),
          );
        } else {
          settle("TaskFailed", { ...taskDetails, ...errorDetails(outcome.error, outcome.cause) }, () =>
            fail(new StatesFailureError(outcome.error, outcome.cause)),
          );
        }
      };
      if (token) {
        const t = token;
        let heartbeatTimer: ScheduledTimer | undefined;
        const armHeartbeat = () => {
          if (heartbeatSeconds === undefined) return;
          heartbeatTimer?.cancel();
          heartbeatTimer = this.clock.schedule(new Date(this.clock.nowMs() + heartbeatSeconds * 1000), () =>
            timeOut("States.HeartbeatTimeout"),
          );
        };
        armHeartbeat();
        t.heartbeat = armHeartbeat;
        t.deliver = deliver;
        timers.push({ cancel: () => heartbeatTimer?.cancel() });
        this.tokens.set(t.token, t);
        exec.openTokens.add(t);
      }
      const invocationHold = this.clock.hold();
      const failed = (error: unknown) => {
        const { errorType, cause } = lambdaError(error);
        const type = state.integration === "function" ? "LambdaFunctionFailed" : "TaskFailed";
        const details = state.integration === "function" ? {} : taskDetails;
        settle(type, { ...details, ...errorDetails(errorType, cause) }, () =>
          fail(new StatesFailureError(errorType, cause)),
        );
      };
      const succeeded = (value: unknown) => {
        let payloadOut: unknown;
        try {
          payloadOut = value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
        } catch (error) {
          // What Lambda's Node.js runtime reports for a result it cannot serialise.
          return failed(
            Object.assign(new Error(`Unable to stringify response body: ${(error as Error).message}`), {
              name: "Runtime.MarshalError",
            }),
          );
        }
        if (state.integration === "function") {
          const output = JSON.stringify(payloadOut);
          return settle("LambdaFunctionSucceeded", { output, outputDetails: { truncated: false } }, () =>
            ok(payloadOut),
          );
        }
        const response = lambdaInvokeResponse(payloadOut, requestId);
        const output = JSON.stringify(response);
        if (!token)
          return settle(
            "TaskSucceeded",
            { ...taskDetails, output, outputDetails: { truncated: false } },
            () => ok(response),
          );
        if (settled || strand.scope.reason) return;
        token.submitted = true;
        this.emit(strand, "TaskSubmitted", { ...taskDetails, output, outputDetails: { truncated: false } });
        if (token.early) deliver(token.early);
      };
      // The invocation holds the clock itself and hands over to this strand (ok/fail re-acquire the
      // strand's hold synchronously) before letting go, so time cannot slip in between.
      Promise.resolve()
        .then(() =>
          this.invokeLambda(functionArn, JSON.parse(payloadText), { functionName, awsRequestId: requestId }),
        )
        .then(succeeded, failed)
        .catch(failed)
        .finally(invocationHold);
      return () => {
        for (const t of timers) t.cancel();
        if (token && !token.closed) this.closeToken(token);
      };
    });
  }

  private openToken(taskToken: string): { record: TokenRecord; deliverOrKeep(outcome: Outcome): void } {
    const record = typeof taskToken === "string" ? this.tokens.get(taskToken) : undefined;
    if (!record) throw new StepFunctionsApiError("InvalidToken", "Invalid token");
    if (record.closed || record.exec.status !== "RUNNING") {
      throw new StepFunctionsApiError(
        "TaskTimedOut",
        "Task Timed Out: the task token is closed (timed out, completed or the execution ended)",
      );
    }
    return {
      record,
      deliverOrKeep: (outcome) => {
        // A callback may arrive while the Lambda that received the token is still running; it is
        // applied right after the invocation returns (TaskSubmitted), as AWS does.
        if (record.submitted) record.deliver?.(outcome);
        else if (!record.early) record.early = outcome;
      },
    };
  }

  private closeToken(token: TokenRecord): void {
    token.closed = true;
    token.deliver = undefined;
    token.heartbeat = undefined;
    token.early = undefined;
    token.exec.openTokens.delete(token);
  }

  // ---------------------------------------------------------------- blocking

  /**
   * Blocks a strand: releases its hold, and re-acquires it synchronously when `setup`'s ok/fail is
   * called (by a timer, a callback, or child strands) or when the strand's scope is cancelled.
   * `setup` may return a cleanup run once the block settles.
   */
  private block<T>(
    strand: Strand,
    setup: (ok: (v: T) => void, fail: (e: unknown) => void) => (() => void) | undefined,
  ): Promise<T> {
    strand.scope.check();
    return new Promise<T>((resolve, reject) => {
      let done = false;
      let cleanup: (() => void) | undefined;
      const finish = () => {
        done = true;
        strand.scope.waiters.delete(onCancel);
        strand.release = this.clock.hold();
        cleanup?.();
      };
      const ok = (v: T) => {
        if (done) return;
        finish();
        resolve(v);
      };
      const fail = (e: unknown) => {
        if (done) return;
        finish();
        reject(e);
      };
      const onCancel = (e: Error) => {
        // Stopped, timed out, or a sibling branch failed: the state this strand waits in is aborted
        // (TaskStateAborted, WaitStateAborted, MapStateAborted, ParallelStateAborted).
        if (strand.stateType) this.emit(strand, `${strand.stateType}StateAborted`, undefined);
        fail(e);
      };
      strand.scope.waiters.add(onCancel);
      strand.release();
      cleanup = setup(ok, fail);
      if (done) cleanup?.();
    });
  }

  private sleepUntil(strand: Strand, atMs: number): Promise<void> {
    return this.block<void>(strand, (ok) => {
      const timer = this.clock.schedule(new Date(atMs), () => ok(undefined));
      return () => timer.cancel();
    });
  }

  // ---------------------------------------------------------------- evaluation helpers

  private evalContext(
    exec: ExecutionRecord,
    stateName: string,
    enteredMs: number,
    retryCount: number,
    input: unknown,
    vars: VariableScope,
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
      nowMs: () => this.clock.nowMs(),
      stateName,
    };
  }

  private async outputOf(
    output: CompiledValue | undefined,
    ctx: EvalContext,
    fallback: unknown,
  ): Promise<unknown> {
    return output ? await output.evaluate(ctx) : fallback;
  }

  private async evaluateAssign(
    assign: Map<string, CompiledValue> | undefined,
    ctx: EvalContext,
  ): Promise<Map<string, unknown> | undefined> {
    if (!assign) return undefined;
    const out = new Map<string, unknown>();
    for (const [name, value] of assign) out.set(name, await value.evaluate(ctx));
    return out;
  }

  private applyAssign(vars: VariableScope, assigned: Map<string, unknown> | undefined): void {
    if (!assigned) return;
    for (const [k, v] of assigned) vars.set(k, v);
  }

  private async stringField(value: CompiledValue, ctx: EvalContext, field: string): Promise<string> {
    const v = await value.evaluate(ctx);
    if (typeof v !== "string")
      throw queryError(ctx, `field '${field}' must evaluate to a string, got ${JSON.stringify(v)}`);
    return v;
  }

  private async secondsField(
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

  private functionArn(nameOrArn: string): string {
    if (nameOrArn.startsWith("arn:")) return stripQualifier(nameOrArn);
    const name = nameOrArn.split(":")[0] as string;
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  // ---------------------------------------------------------------- records

  private emit(strand: Strand, type: string, details: Record<string, unknown> | undefined): number {
    const events = strand.exec.events;
    const id = events.length + 1;
    events.push({ id, previousEventId: strand.lastEventId, timestampMs: this.clock.nowMs(), type, details });
    strand.lastEventId = id;
    return id;
  }

  private emitExec(exec: ExecutionRecord, type: string, details: Record<string, unknown>): void {
    const events = exec.events;
    events.push({
      id: events.length + 1,
      previousEventId: events.length,
      timestampMs: this.clock.nowMs(),
      type,
      details,
    });
  }

  private machine(arn: string): StateMachineRecord {
    const m = this.machines.get(arn);
    if (!m)
      throw new StepFunctionsApiError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  private execution(arn: string): ExecutionRecord {
    const e = this.executions.get(arn);
    if (!e) throw new StepFunctionsApiError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
    return e;
  }
}

// ------------------------------------------------------------------ pure helpers

/**
 * Error-name matching for Retry/Catch: `States.ALL` matches everything but States.Runtime and
 * States.DataLimitExceeded; `States.TaskFailed` everything but timeouts; `States.Timeout` also a
 * heartbeat timeout ("Handling errors in Step Functions workflows", Error names).
 */
export function errorMatches(errorEquals: string[], error: string): boolean {
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === "States.ALL" && !ALL_EXCLUDES.has(error)) return true;
    if (name === "States.TaskFailed" && !TASK_FAILED_EXCLUDES.has(error)) return true;
    if (name === "States.Timeout" && error === "States.HeartbeatTimeout") return true;
  }
  return false;
}

function mergeAssign(
  a: Map<string, CompiledValue> | undefined,
  b: Map<string, CompiledValue> | undefined,
): Map<string, CompiledValue> | undefined {
  if (!a) return b;
  if (!b) return a;
  return new Map([...a, ...b]);
}

function queryError(ctx: EvalContext, message: string): StatesFailureError {
  return new StatesFailureError(
    "States.QueryEvaluationError",
    `An error occurred while executing the state '${ctx.stateName}'. ${message}`,
  );
}

function errorDetails(error: string | undefined, cause: string | undefined): Record<string, string> {
  return {
    ...(error === undefined || error === "" ? {} : { error }),
    ...(cause === undefined ? {} : { cause }),
  };
}

/** What a Lambda handler's exception becomes: Error = errorType, Cause = Lambda's error JSON. */
function lambdaError(error: unknown): { errorType: string; cause: string } {
  const e = error instanceof Error ? error : new Error(String(error));
  const errorType = e.name || "Error";
  const trace = (e.stack ?? "").split("\n");
  return { errorType, cause: JSON.stringify({ errorMessage: e.message, errorType, trace }) };
}

/** The lambda:invoke result shape (Invoke API response as the optimized integration returns it). */
function lambdaInvokeResponse(payload: unknown, requestId: string): Record<string, unknown> {
  return {
    ExecutedVersion: "$LATEST",
    Payload: payload,
    SdkHttpMetadata: {
      HttpHeaders: {
        "Content-Type": "application/json",
        "X-Amz-Executed-Version": "$LATEST",
        "x-amzn-RequestId": requestId,
      },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

function stripQualifier(arn: string): string {
  const parts = arn.split(":");
  return parts.length > 7 ? parts.slice(0, 7).join(":") : arn;
}

/** Deterministic, unguessable-enough local task token (AWS tokens are opaque strings up to 1024). */
function taskToken(execArn: string, stateName: string, eventCount: number): string {
  return `AQ${createHash("sha256").update(`${execArn}|${stateName}|${eventCount}`).digest("base64url")}`;
}

function uuidFrom(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function hashInt(seed: string): number {
  return createHash("sha256").update(seed).digest().readUInt32BE(0);
}

const DETAILS_KEY: Record<string, string> = {
  ExecutionStarted: "executionStartedEventDetails",
  ExecutionSucceeded: "executionSucceededEventDetails",
  ExecutionFailed: "executionFailedEventDetails",
  ExecutionAborted: "executionAbortedEventDetails",
  ExecutionTimedOut: "executionTimedOutEventDetails",
  TaskScheduled: "taskScheduledEventDetails",
  TaskStarted: "taskStartedEventDetails",
  TaskSubmitted: "taskSubmittedEventDetails",
  TaskSucceeded: "taskSucceededEventDetails",
  TaskFailed: "taskFailedEventDetails",
  TaskTimedOut: "taskTimedOutEventDetails",
  LambdaFunctionScheduled: "lambdaFunctionScheduledEventDetails",
  LambdaFunctionSucceeded: "lambdaFunctionSucceededEventDetails",
  LambdaFunctionFailed: "lambdaFunctionFailedEventDetails",
  LambdaFunctionTimedOut: "lambdaFunctionTimedOutEventDetails",
  MapStateStarted: "mapStateStartedEventDetails",
  MapRunStarted: "mapRunStartedEventDetails",
  MapRunFailed: "mapRunFailedEventDetails",
  MapIterationStarted: "mapIterationStartedEventDetails",
  MapIterationSucceeded: "mapIterationSucceededEventDetails",
  MapIterationFailed: "mapIterationFailedEventDetails",
  EvaluationFailed: "evaluationFailedEventDetails",
};

function toHistoryEvent(ev: StoredEvent, includeData: boolean): HistoryEvent {
  const out: HistoryEvent = {
    timestamp: new Date(ev.timestampMs),
    type: ev.type,
    id: ev.id,
    previousEventId: ev.previousEventId,
  };
  if (ev.details) {
    const key =
      DETAILS_KEY[ev.type] ??
      (ev.type.endsWith("StateEntered") ? "stateEnteredEventDetails" : "stateExitedEventDetails");
    let details = ev.details;
    if (!includeData) {
      details = { ...details };
      for (const f of ["input", "output", "parameters", "assignedVariables"]) delete details[f];
    }
    out[key] = details;
  }
  return out;
}

function paginate<T>(
  all: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
): { items: T[]; nextToken?: string } {
  const start = nextToken ? Number.parseInt(Buffer.from(nextToken, "base64url").toString("utf8"), 10) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new StepFunctionsApiError("InvalidToken", "Invalid nextToken");
  const size = maxResults && maxResults > 0 ? maxResults : 100;
  const items = all.slice(start, start + size);
  const end = start + items.length;
  return end < all.length
    ? { items, nextToken: Buffer.from(String(end), "utf8").toString("base64url") }
    : { items };
}
