/**
 * The local Step Functions runtime: executes JSONata state machines (see definition.ts for what is
 * accepted) on the VirtualClock, and answers the Step Functions API operations the project uses with
 * the same input/output field names as @aws-sdk/client-sfn and the same error codes.
 *
 * Split by concern: records.ts (what is stored), store.ts (read operations), states.ts (the state
 * interpreter), task-state.ts (Lambda tasks and task tokens), blocking.ts (strands on the clock),
 * history.ts (events). This module starts, stops and closes executions and fires schedules.
 *
 * Concurrency model: every running branch of an execution ("strand") holds the clock while runnable
 * and releases it only while blocked on a timer, a task token or its child branches; whoever wakes
 * it re-acquires the hold synchronously, so virtual time can never jump past work in progress.
 */
import { randomUUID } from "node:crypto";
import { block } from "./blocking";
import { parseCron } from "./cron";
import type { DistributedMapHost } from "./distributed-map";
import {
  StatesFailureError,
  StepFunctionsApiError,
  StrandCancelledError,
  ValidationApiError,
} from "./errors";
import { VariableScope } from "./expressions";
import { emit, emitExec, errorDetails } from "./history";
import { HISTORY_LIMIT_CAUSE, MAX_EXECUTION_MS, MAX_PAYLOAD_BYTES, payloadBytes } from "./limits";
import {
  CancelScope,
  type ExecutionRecord,
  type ExecutionStatus,
  type LocalStepFunctionsOptions,
  type Strand,
  type TokenRecord,
  validName,
} from "./records";
import { redriveRefusal } from "./redrive";
import { StateInterpreter } from "./states";
import { ExecutionStore } from "./store";
import { closeToken, openToken, runTask } from "./task-state";
import type { ScheduledTimer } from "./virtual-clock";

export type {
  ExecutionStatus,
  HistoryEvent,
  InvokeLambda,
  LocalStepFunctionsOptions,
} from "./records";
export { errorMatches } from "./retry";

export class LocalStepFunctions extends ExecutionStore {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly schedules = new Map<string, ScheduledTimer>();
  private readonly closeListeners = new Map<string, ((exec: ExecutionRecord) => void)[]>();
  private readonly anyCloseListeners: ((execution: {
    executionArn: string;
    status: ExecutionStatus;
  }) => void)[] = [];
  private readonly interpreter: StateInterpreter;
  private readonly authorize: LocalStepFunctionsOptions["authorize"];
  /** Schedule firings the scheduler's role could not deliver, as its dead-letter queue receives them. */
  readonly scheduleDeadLetters: {
    schedule: string;
    scheduledTime: string;
    errorCode: string;
    errorMessage: string;
  }[] = [];

  constructor(options: LocalStepFunctionsOptions) {
    super(options);
    this.authorize = options.authorize;
    const taskHost = {
      clock: this.clock,
      region: this.region,
      accountId: this.accountId,
      invokeLambda: options.invokeLambda,
      authorize: options.authorize,
      tokens: this.tokens,
    };
    this.interpreter = new StateInterpreter({
      clock: this.clock,
      runTask: (strand, state, ctx) => runTask(taskHost, strand, state, ctx),
      distributedHost: this.hostForMapRuns(options.readS3Object, options.authorize),
      mapRuns: this.mapRuns,
    });
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
    if (payloadBytes(inputText) > MAX_PAYLOAD_BYTES)
      throw new ValidationApiError(`execution input is over ${MAX_PAYLOAD_BYTES} bytes (256 KiB)`);
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
    const existing = this.retained(arn);
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
      onHistoryFull: () => {
        // Event 25,000 is the failure itself; nothing is recorded after it (limits.ts).
        exec.error = "States.Runtime";
        exec.cause = HISTORY_LIMIT_CAUSE;
        this.emitExec(exec, "ExecutionFailed", { error: exec.error, cause: exec.cause });
        this.close(exec, "FAILED");
      },
      redriveCount: 0,
      redriveMs: undefined,
      resumeAt: undefined,
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
    this.armTimeout(exec, startMs);
    void this.run(strand, parsed);
    return { executionArn: arn, startDate: new Date(startMs) };
  }

  /**
   * RedriveExecution (API reference; redrive.ts for who may): the same execution continues from the
   * state it failed, timed out or was aborted in, with that state's input and the variables it saw; the
   * states that succeeded are not rerun. A Parallel or Map state is rerun whole (AWS reruns only its
   * unsuccessful branches or iterations: docs/sfn-conformance.md).
   */
  async redriveExecution(input: {
    executionArn: string;
    clientToken?: string;
  }): Promise<{ redriveDate: Date }> {
    const exec = this.execution(input.executionArn);
    const refusal = redriveRefusal(exec, this.clock.nowMs());
    if (refusal !== undefined) throw new StepFunctionsApiError("ExecutionNotRedrivable", refusal);
    const nowMs = this.clock.nowMs();
    exec.status = "RUNNING";
    exec.stopMs = undefined;
    exec.error = undefined;
    exec.cause = undefined;
    exec.outputText = undefined;
    exec.root = new CancelScope();
    exec.redriveCount += 1;
    exec.redriveMs = nowMs;
    exec.contextExecution.RedriveCount = exec.redriveCount;
    const strand: Strand = {
      exec,
      scope: exec.root,
      release: this.clock.hold(),
      lastEventId: exec.events.at(-1)?.id ?? 0,
    };
    this.emit(strand, "ExecutionRedriven", { redriveCount: exec.redriveCount });
    // The state machine's TimeoutSeconds counts again from the redrive (developer guide, redrive).
    this.armTimeout(exec, nowMs);
    const resume = exec.resumeAt;
    if (resume) {
      const vars = new VariableScope();
      for (const [name, value] of Object.entries(resume.variables)) vars.set(name, value);
      void this.run(strand, resume.input, { state: resume.state, vars });
    } else {
      void this.run(strand, exec.input);
    }
    return { redriveDate: new Date(nowMs) };
  }

  /** Calls `listener` after any execution closes (the embedded stack's redrive policy, ADR 0024). */
  onExecutionClosed(listener: (execution: { executionArn: string; status: ExecutionStatus }) => void): void {
    this.anyCloseListeners.push(listener);
  }

  /**
   * The definition's TimeoutSeconds from `fromMs` (the start, or a redrive), never past the 1-year maximum
   * execution time counted from the start (limits.ts).
   */
  private armTimeout(exec: ExecutionRecord, fromMs: number): void {
    const timeout = exec.machine.definition.timeoutSeconds;
    const limitMs = exec.startMs + MAX_EXECUTION_MS;
    const atMs = Math.min(timeout === undefined ? limitMs : fromMs + timeout * 1000, limitMs);
    exec.timeoutTimer = this.clock.schedule(new Date(atMs), () => {
      if (exec.status !== "RUNNING") return;
      this.close(exec, "TIMED_OUT");
      exec.error = "States.Timeout";
      this.emitExec(exec, "ExecutionTimedOut", {
        error: "States.Timeout",
        cause:
          timeout !== undefined && fromMs + timeout * 1000 <= limitMs
            ? `The execution exceeded TimeoutSeconds (${timeout}).`
            : "The execution reached the maximum execution time of 1 year.",
      });
    });
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

  // ---------------------------------------------------------------- API: task tokens

  async sendTaskSuccess(input: { taskToken: string; output: string }): Promise<Record<string, never>> {
    if (payloadBytes(input.output) > MAX_PAYLOAD_BYTES)
      throw new ValidationApiError(`task output is over ${MAX_PAYLOAD_BYTES} bytes (256 KiB)`);
    let output: unknown;
    try {
      output = JSON.parse(input.output);
    } catch (error) {
      throw new StepFunctionsApiError("InvalidOutput", `Invalid output: ${(error as Error).message}`);
    }
    openToken(this.tokens, input.taskToken).deliverOrKeep({ kind: "success", output });
    return {};
  }

  async sendTaskFailure(input: {
    taskToken: string;
    error?: string;
    cause?: string;
  }): Promise<Record<string, never>> {
    openToken(this.tokens, input.taskToken).deliverOrKeep({
      kind: "failure",
      error: input.error ?? "",
      cause: input.cause,
    });
    return {};
  }

  async sendTaskHeartbeat(input: { taskToken: string }): Promise<Record<string, never>> {
    const { record } = openToken(this.tokens, input.taskToken);
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
    /** The input, or a function of the firing's scheduled instant. */
    input: string | ((firesAt: Date) => string);
    executionName?: (firesAt: Date) => string;
    /** The scheduler's role: each firing needs states:StartExecution on the target (IAM, ADR 0025). */
    roleArn?: string;
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
        const refusal =
          options.roleArn === undefined
            ? undefined
            : this.authorize?.(options.roleArn, "states:StartExecution", options.stateMachineArn);
        if (refusal !== undefined) {
          // Scheduler does not retry a permission error: the firing goes to its dead-letter queue.
          this.scheduleDeadLetters.push({
            schedule: options.name,
            scheduledTime: at.toISOString(),
            errorCode: "AccessDeniedException",
            errorMessage: refusal,
          });
          return;
        }
        const input = typeof options.input === "function" ? options.input(at) : options.input;
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

  private async run(
    strand: Strand,
    input: unknown,
    resume?: { state: string; vars: VariableScope },
  ): Promise<void> {
    const exec = strand.exec;
    // A strand of an attempt that was stopped, failed or timed out is stale once a redrive began a new
    // attempt (a new root scope): it must not close the new one.
    const current = () => exec.status === "RUNNING" && strand.scope === exec.root;
    try {
      const output = await this.interpreter.runStateList(
        strand,
        exec.machine.definition,
        input,
        resume?.vars ?? new VariableScope(),
        resume?.state,
      );
      if (!current()) return;
      this.close(exec, "SUCCEEDED");
      exec.outputText = JSON.stringify(output);
      this.emit(strand, "ExecutionSucceeded", {
        output: exec.outputText,
        outputDetails: { truncated: false },
      });
    } catch (error) {
      if (!current()) return;
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
    for (const token of exec.openTokens) closeToken(token);
    exec.root.cancel(new StrandCancelledError(`execution ${status}`));
    for (const listener of this.anyCloseListeners) {
      queueMicrotask(() => listener({ executionArn: exec.arn, status }));
    }
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

  /** The state machine whose execution holds this open task token (IAM checks SendTask* against it). */
  stateMachineOfTaskToken(taskToken: string): string | undefined {
    return this.tokens.get(taskToken)?.exec.machine.arn;
  }

  /** What a Distributed Map's Map Run borrows from the runtime (distributed-map.ts). */
  private hostForMapRuns(
    readS3Object: LocalStepFunctionsOptions["readS3Object"],
    authorize: LocalStepFunctionsOptions["authorize"],
  ): DistributedMapHost<Strand> {
    return {
      authorize: (strand, action, resource) => authorize?.(strand.exec.machine.roleArn, action, resource),
      region: this.region,
      accountId: this.accountId,
      nowMs: () => this.clock.nowMs(),
      emit: (strand, type, details) => {
        this.emit(strand, type, details);
      },
      block: (strand, setup) => block(this.clock, strand, setup),
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

  private emit(strand: Strand, type: string, details: Record<string, unknown> | undefined): void {
    emit(strand, this.clock.nowMs(), type, details);
  }

  private emitExec(exec: ExecutionRecord, type: string, details: Record<string, unknown>): void {
    emitExec(exec, this.clock.nowMs(), type, details);
  }
}
