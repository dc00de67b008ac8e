/**
 * A Map state in DISTRIBUTED mode: a Map Run whose items run as child executions of the state machine
 * `<machine>/<label>` ("Using Map state in Distributed mode", developer guide), answered through
 * DescribeMapRun and ListMapRuns.
 *
 * History of the parent, as AWS records it (recorded executions of LocalStack's AWS-validated snapshot
 * tests, `test_map_item_reader_base_json` and `…_json_no_json_list_object`):
 *   MapStateEntered, MapStateStarted {length: 0}, MapRunStarted {mapRunArn},
 *   MapRunSucceeded, MapStateSucceeded, MapStateExited                      — or on failure —
 *   MapRunFailed {error, cause}, MapStateFailed, ExecutionFailed (unless caught); MapStateFailed is written
 *   by the interpreter once the state's retriers are spent, as for an inline Map.
 * A reader that cannot produce items fails the run with States.ItemReaderFailed; more failed children
 * than ToleratedFailureCount / ToleratedFailurePercentage allow fail it with
 * States.ExceedToleratedFailureThreshold, and the children still running are stopped.
 */
import { createHash } from "node:crypto";
import type { StateList } from "./definition";
import type { DistributedMapConfig } from "./distributed-map-definition";
import { StatesFailureError, StepFunctionsApiError } from "./errors";
import { type CompiledValue, type EvalContext, failedIn } from "./expressions";
import { evaluationFailure } from "./history";

export type MapRunStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";

interface Counts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
  failuresNotRedrivable: number;
  pendingRedrive: number;
}

export interface MapRunRecord {
  mapRunArn: string;
  executionArn: string;
  stateMachineArn: string;
  status: MapRunStatus;
  startMs: number;
  stopMs: number | undefined;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  /** One count per child execution (an item, or a batch of items). */
  executionCounts: Counts;
  itemCounts: Counts;
  /** The child executions it started, in start order (ListExecutions with `mapRunArn`). */
  childExecutionArns: string[];
}

/** What the runtime lends a Map Run: its events, its clock hold and child executions. */
export interface DistributedMapHost<S> {
  region: string;
  accountId: string;
  nowMs(): number;
  emit(strand: S, type: string, details: Record<string, unknown> | undefined): void;
  /** Blocks the strand (releasing its hold on the clock) until `ok` or `fail` is called. */
  block<T>(strand: S, setup: (ok: (v: T) => void, fail: (e: unknown) => void) => () => void): Promise<T>;
  executionOf(strand: S): { arn: string; machineName: string };
  /** The child state machine `<machine>/<label>` running `processor`. */
  childMachine(name: string, processor: StateList): string;
  startChild(machineArn: string, name: string, input: unknown): string;
  /** Calls `then` once the execution has closed, while the clock is still held. */
  whenClosed(executionArn: string, then: (outcome: { status: string; output: unknown }) => void): void;
  stopChild(executionArn: string): void;
  readS3Object(bucket: string, key: string): Promise<string>;
  /** The AccessDenied message for what the execution's role may not do (IAM, ADR 0025), else undefined. */
  authorize(strand: S, action: string, resource: string): string | undefined;
}

/** Default concurrency of a Distributed Map: up to 10,000 child executions at once. */
const DEFAULT_MAX_CONCURRENCY = 10_000;

const zero = (): Counts => ({
  pending: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  timedOut: 0,
  aborted: 0,
  total: 0,
  resultsWritten: 0,
  failuresNotRedrivable: 0,
  pendingRedrive: 0,
});

/** Map Runs by ARN, in start order, for DescribeMapRun and ListMapRuns. */
export class MapRunRegistry {
  private readonly runs = new Map<string, MapRunRecord>();

  add(run: MapRunRecord): void {
    this.runs.set(run.mapRunArn, run);
  }

  describe(mapRunArn: string): MapRunRecord {
    const run = this.runs.get(mapRunArn);
    if (!run) throw new StepFunctionsApiError("ResourceNotFound", `Map Run Does Not Exist: '${mapRunArn}'`);
    return run;
  }

  forExecution(executionArn: string): MapRunRecord[] {
    return [...this.runs.values()].filter((run) => run.executionArn === executionArn);
  }
}

/** A stable, name-safe id from parts (child execution names are reproducible run to run). */
function stableId(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join("|")).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

async function numberField(
  value: CompiledValue | undefined,
  ctx: EvalContext,
  field: string,
  fallback: number,
): Promise<number> {
  if (!value) return fallback;
  const v = await value.evaluate(ctx);
  if (typeof v !== "number" || v < 0) {
    throw new StatesFailureError(
      "States.QueryEvaluationError",
      `${failedIn(ctx)} field '${field}' must evaluate to a non-negative number, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

async function readItems<S>(
  host: DistributedMapHost<S>,
  strand: S,
  config: DistributedMapConfig,
  ctx: EvalContext,
): Promise<unknown[]> {
  const reader = config.itemReader;
  if (!reader) throw new Error("readItems needs an ItemReader");
  const args = (await reader.arguments.evaluate(ctx)) as { Bucket?: unknown; Key?: unknown } | null;
  if (!args || typeof args.Bucket !== "string" || typeof args.Key !== "string") {
    throw new StatesFailureError(
      "States.ItemReaderFailed",
      "ItemReader Arguments must name a Bucket and a Key.",
    );
  }
  const refusal = host.authorize(strand, "s3:GetObject", `arn:aws:s3:::${args.Bucket}/${args.Key}`);
  if (refusal !== undefined) throw new StatesFailureError("States.ItemReaderFailed", refusal);
  let text: string;
  try {
    text = await host.readS3Object(args.Bucket, args.Key);
  } catch (error) {
    throw new StatesFailureError(
      "States.ItemReaderFailed",
      `S3 getObject failed: ${(error as Error).message}`,
    );
  }
  let items: unknown;
  try {
    items =
      reader.inputType === "JSON"
        ? JSON.parse(text)
        : text
            .split("\n")
            .filter((line) => line.trim() !== "")
            .map((line) => JSON.parse(line));
  } catch {
    throw new StatesFailureError("States.ItemReaderFailed", `The object is not valid ${reader.inputType}.`);
  }
  if (!Array.isArray(items))
    throw new StatesFailureError("States.ItemReaderFailed", "Attempting to map over non-iterable node.");
  const maxItems = await numberField(reader.maxItems, ctx, "MaxItems", 0);
  return maxItems > 0 ? items.slice(0, maxItems) : items;
}

/** Groups item inputs into child inputs `{ Items, BatchInput }` (ItemBatcher), or one child per item. */
async function childInputs(
  config: DistributedMapConfig,
  inputs: unknown[],
  ctx: EvalContext,
): Promise<unknown[]> {
  const batcher = config.itemBatcher;
  if (!batcher) return inputs;
  const maxItems = await numberField(batcher.maxItemsPerBatch, ctx, "MaxItemsPerBatch", 0);
  const maxBytes = await numberField(batcher.maxInputBytesPerBatch, ctx, "MaxInputBytesPerBatch", 0);
  const batchInput = batcher.batchInput ? await batcher.batchInput.evaluate(ctx) : undefined;
  const batches: unknown[][] = [];
  let current: unknown[] = [];
  let bytes = 0;
  for (const item of inputs) {
    const size = Buffer.byteLength(JSON.stringify(item));
    const full =
      current.length > 0 &&
      ((maxItems > 0 && current.length >= maxItems) || (maxBytes > 0 && bytes + size > maxBytes));
    if (full) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches.map((items) =>
    batchInput === undefined ? { Items: items } : { Items: items, BatchInput: batchInput },
  );
}

export interface DistributedMapRun<S> {
  host: DistributedMapHost<S>;
  registry: MapRunRegistry;
  strand: S;
  stateName: string;
  config: DistributedMapConfig;
  processor: StateList;
  ctx: EvalContext;
  /** The Map's `Items` when there is no ItemReader (already evaluated). */
  items: () => Promise<unknown[]>;
  /** ItemSelector applied to one item. */
  select: (item: unknown, index: number) => Promise<unknown>;
  maxConcurrency: number;
}

export async function runDistributedMap<S>(run: DistributedMapRun<S>): Promise<unknown[]> {
  const { host, strand, config, ctx } = run;
  const parent = host.executionOf(strand);
  const label = config.label ?? stableId(parent.arn, run.stateName).slice(0, 8);
  const runId = stableId(parent.arn, run.stateName, String(host.nowMs()));
  const childMachineName = `${parent.machineName}/${label}`;
  const mapRunArn = `arn:aws:states:${host.region}:${host.accountId}:mapRun:${childMachineName}:${runId}`;
  const childMachineArn = host.childMachine(childMachineName, run.processor);
  // Child executions are started with the parent's role, which needs states:StartExecution on the parent.
  const refusal = host.authorize(
    strand,
    "states:StartExecution",
    childMachineArn.slice(0, childMachineArn.lastIndexOf("/")),
  );
  if (refusal !== undefined) throw new StatesFailureError("States.Runtime", refusal);
  const toleratedFailurePercentage = await numberField(
    config.toleratedFailurePercentage,
    ctx,
    "ToleratedFailurePercentage",
    0,
  );
  const toleratedFailureCount = await numberField(
    config.toleratedFailureCount,
    ctx,
    "ToleratedFailureCount",
    0,
  );
  const record: MapRunRecord = {
    mapRunArn,
    executionArn: parent.arn,
    stateMachineArn: childMachineArn,
    status: "RUNNING",
    startMs: host.nowMs(),
    stopMs: undefined,
    maxConcurrency: run.maxConcurrency,
    toleratedFailurePercentage,
    toleratedFailureCount,
    executionCounts: zero(),
    itemCounts: zero(),
    childExecutionArns: [],
  };
  run.registry.add(record);
  host.emit(strand, "MapStateStarted", { length: 0 });
  host.emit(strand, "MapRunStarted", { mapRunArn });
  const finish = (status: MapRunStatus) => {
    record.status = status;
    record.stopMs = host.nowMs();
  };
  try {
    let inputs: unknown[];
    try {
      const items = config.itemReader ? await readItems(host, strand, config, ctx) : await run.items();
      inputs = [];
      for (const [index, item] of items.entries()) inputs.push(await run.select(item, index));
    } catch (error) {
      const evaluation = evaluationFailure(error, run.stateName);
      if (evaluation) host.emit(strand, "EvaluationFailed", evaluation);
      throw error;
    }
    const children = await childInputs(config, inputs, ctx);
    record.itemCounts.total = inputs.length;
    record.itemCounts.pending = inputs.length;
    record.executionCounts.total = children.length;
    record.executionCounts.pending = children.length;
    const itemsIn = (child: unknown) =>
      config.itemBatcher ? ((child as { Items: unknown[] }).Items.length as number) : 1;
    const results = await runChildren(run, record, childMachineArn, runId, children, itemsIn);
    finish("SUCCEEDED");
    host.emit(strand, "MapRunSucceeded", undefined);
    host.emit(strand, "MapStateSucceeded", undefined);
    return results;
  } catch (error) {
    if (record.status === "RUNNING") finish("FAILED");
    if (error instanceof StatesFailureError) {
      host.emit(strand, "MapRunFailed", {
        error: error.error,
        ...(error.causeText ? { cause: error.causeText } : {}),
      });
    }
    throw error;
  }
}

function runChildren<S>(
  run: DistributedMapRun<S>,
  record: MapRunRecord,
  childMachineArn: string,
  runId: string,
  children: unknown[],
  itemsIn: (child: unknown) => number,
): Promise<unknown[]> {
  const { host } = run;
  const limit = run.maxConcurrency > 0 ? run.maxConcurrency : DEFAULT_MAX_CONCURRENCY;
  const results: unknown[] = new Array(children.length);
  if (children.length === 0) return Promise.resolve(results);
  return host.block<unknown[]>(run.strand, (ok, fail) => {
    const running = new Set<string>();
    let next = 0;
    let closed = 0;
    let failedItems = 0;
    let stopped = false;
    const move = (counts: Counts, from: keyof Counts, to: keyof Counts, n: number) => {
      counts[from] -= n;
      counts[to] += n;
    };
    const exceeded = () =>
      failedItems > record.toleratedFailureCount &&
      (failedItems * 100) / record.itemCounts.total > record.toleratedFailurePercentage;
    const stopAll = () => {
      stopped = true;
      for (const arn of running) host.stopChild(arn);
    };
    const launch = () => {
      while (!stopped && next < children.length && running.size < limit) {
        const index = next++;
        const input = children[index];
        const n = itemsIn(input);
        const arn = host.startChild(childMachineArn, stableId(runId, String(index)), input);
        record.childExecutionArns.push(arn);
        running.add(arn);
        move(record.executionCounts, "pending", "running", 1);
        move(record.itemCounts, "pending", "running", n);
        host.whenClosed(arn, (outcome) => {
          running.delete(arn);
          closed++;
          const to: keyof Counts =
            outcome.status === "SUCCEEDED"
              ? "succeeded"
              : outcome.status === "TIMED_OUT"
                ? "timedOut"
                : outcome.status === "ABORTED"
                  ? "aborted"
                  : "failed";
          move(record.executionCounts, "running", to, 1);
          move(record.itemCounts, "running", to, n);
          if (to === "succeeded") results[index] = outcome.output;
          else if (to !== "aborted") failedItems += n;
          if (stopped) {
            if (running.size === 0) {
              record.status = "FAILED";
              record.stopMs = host.nowMs();
              fail(
                new StatesFailureError(
                  "States.ExceedToleratedFailureThreshold",
                  "The specified tolerated failure threshold was exceeded",
                ),
              );
            }
            return;
          }
          if (to !== "succeeded" && exceeded()) {
            stopAll();
            if (running.size === 0) {
              record.status = "FAILED";
              record.stopMs = host.nowMs();
              fail(
                new StatesFailureError(
                  "States.ExceedToleratedFailureThreshold",
                  "The specified tolerated failure threshold was exceeded",
                ),
              );
            }
            return;
          }
          if (closed === children.length) ok(results);
          else launch();
        });
      }
    };
    launch();
    return () => {
      if (!stopped && running.size > 0) stopAll();
    };
  });
}
