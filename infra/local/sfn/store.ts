/**
 * The records the local Step Functions API answers from: state machines, executions and Map Runs, and
 * the read operations on them (Describe*, List*, GetExecutionHistory), with the same input/output
 * field names as @aws-sdk/client-sfn and the same error codes.
 */

import { type SpillStore, spillStore } from "../spill-store";
import { parseDefinition } from "./definition";
import { MapRunRegistry } from "./distributed-map";
import { StepFunctionsApiError, ValidationApiError } from "./errors";
import { isPacked, packEvents, paginate, storedEvents, toHistoryEvent } from "./history";
import { EXECUTION_RETENTION_MS } from "./limits";
import {
  type ExecutionRecord,
  type ExecutionStatus,
  type HistoryEvent,
  type LocalStepFunctionsOptions,
  type StateMachineRecord,
  validName,
} from "./records";
import { redriveFields } from "./redrive";
import type { VirtualClock } from "./virtual-clock";

export class ExecutionStore {
  readonly clock: VirtualClock;
  readonly region: string;
  readonly accountId: string;
  protected readonly machines = new Map<string, StateMachineRecord>();
  protected readonly executions = new Map<string, ExecutionRecord>();
  protected readonly executionsByMachine = new Map<string, ExecutionRecord[]>();
  protected readonly mapRuns = new MapRunRegistry();
  private readonly histories: SpillStore;

  constructor(options: LocalStepFunctionsOptions) {
    this.clock = options.clock;
    this.histories = spillStore(options.dataDir, "execution-histories.deflated");
    this.region = options.region ?? "ap-east-1";
    this.accountId = options.accountId ?? "000000000000";
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
    redriveDate?: Date;
    redriveStatus: string;
    redriveStatusReason?: string;
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
      ...redriveFields(e, this.clock.nowMs()),
    };
  }

  async listExecutions(input: {
    stateMachineArn?: string;
    /** The Map Run whose child executions to list, instead of a state machine's (API reference). */
    mapRunArn?: string;
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
    const run = input.mapRunArn === undefined ? undefined : this.mapRuns.describe(input.mapRunArn);
    const machine = this.machine(run ? run.stateMachineArn : (input.stateMachineArn ?? ""));
    const executions = run
      ? run.childExecutionArns.map((arn) => this.execution(arn))
      : (this.executionsByMachine.get(machine.arn) ?? []);
    // Newest first, as ListExecutions returns them.
    const all = [...executions]
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

  async getExecutionHistory(input: {
    executionArn: string;
    maxResults?: number;
    reverseOrder?: boolean;
    nextToken?: string;
    includeExecutionData?: boolean;
  }): Promise<{ events: HistoryEvent[]; nextToken?: string }> {
    const e = this.execution(input.executionArn);
    const events = storedEvents(e);
    const stored = input.reverseOrder ? [...events].reverse() : events;
    // Page size: default 100, at most 1000 (API reference, GetExecutionHistory).
    const page = paginate(stored, Math.min(input.maxResults || 100, 1000), input.nextToken);
    const includeData = input.includeExecutionData !== false;
    return {
      events: page.items.map((ev) => toHistoryEvent(ev, includeData)),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  }

  /**
   * Keeps a closed execution's history deflated until it is read again (ADR 0055), in the data directory when
   * there is one (ADR 0072); a running one is left.
   */
  compactHistory(executionArn: string): void {
    const e = this.executions.get(executionArn);
    if (e && e.status !== "RUNNING") packEvents(e, this.histories);
  }

  /**
   * Compacts every history held as events (ADR 0072): the running executions' — a cycle waits days for its
   * reply with its events in memory — and those a redrive brought back. Called while nothing
   * runs (VirtualClock.whenQuiet); an execution's next event or read brings its events back.
   */
  compactHistories(): void {
    for (const e of this.executions.values()) {
      if (!isPacked(e)) packEvents(e, this.histories);
    }
  }

  /** Closes the file the compacted histories are kept in; a history compacted before cannot be read after. */
  closeHistoryStore(): void {
    this.histories.close();
  }

  protected machine(arn: string): StateMachineRecord {
    const m = this.machines.get(arn);
    if (!m)
      throw new StepFunctionsApiError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  protected execution(arn: string): ExecutionRecord {
    const e = this.executions.get(arn);
    if (!e) throw new StepFunctionsApiError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  /**
   * The execution of that ARN while AWS would still keep it, for StartExecution's name check: a closed
   * execution is forgotten 90 days after it closed, and only then may its name be used again
   * (limits.ts). Describe/List/GetExecutionHistory keep answering for it until then, so a local year's
   * report can read every month (docs/sfn-conformance.md, Quotas).
   */
  protected retained(arn: string): ExecutionRecord | undefined {
    const e = this.executions.get(arn);
    if (!e || !this.expired(e)) return e;
    this.executions.delete(arn);
    const siblings = this.executionsByMachine.get(e.machine.arn);
    siblings?.splice(siblings.indexOf(e), 1);
    return undefined;
  }

  private expired(e: ExecutionRecord): boolean {
    return e.stopMs !== undefined && this.clock.nowMs() - e.stopMs > EXECUTION_RETENTION_MS;
  }
}
