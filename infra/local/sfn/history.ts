/**
 * Execution history: appending events to an execution's record, and rendering them as
 * GetExecutionHistory returns them (`<type>EventDetails` keys, API reference, HistoryEvent).
 */
import type { SpillStore } from "../spill-store";
import { StatesFailureError, StepFunctionsApiError } from "./errors";
import { MAX_HISTORY_EVENTS } from "./limits";
import type { ExecutionRecord, HistoryEvent, StoredEvent, Strand } from "./records";

/** Appends an event of a strand (its previousEventId is the strand's last event); returns its id. */
export function emit(
  strand: Strand,
  nowMs: number,
  type: string,
  details: Record<string, unknown> | undefined,
): number {
  const exec = strand.exec;
  const events = exec.events;
  // The 25,000-event quota: the last place is the execution's failure; nothing follows it.
  if (events.length >= MAX_HISTORY_EVENTS) return strand.lastEventId;
  if (events.length === MAX_HISTORY_EVENTS - 1 && exec.status === "RUNNING") {
    exec.onHistoryFull();
    return strand.lastEventId;
  }
  const id = events.length + 1;
  events.push({ id, previousEventId: strand.lastEventId, timestampMs: nowMs, type, details });
  strand.lastEventId = id;
  return id;
}

/** Appends an event of the execution itself (timed out, aborted), after the last event recorded. */
export function emitExec(
  exec: ExecutionRecord,
  nowMs: number,
  type: string,
  details: Record<string, unknown>,
): void {
  const events = exec.events;
  events.push({
    id: events.length + 1,
    previousEventId: events.length,
    timestampMs: nowMs,
    type,
    details,
  });
}

/** How to read back the events of an execution whose history is compacted. */
const compacted = new WeakMap<ExecutionRecord, () => StoredEvent[]>();

/**
 * Keeps an execution's events deflated in `store` (ADR 0055; on disk with a data directory, ADR 0072): a
 * contract's closed cycle held about 25 KB of event objects for the 90 days it is retained. The runtime's
 * next use of `events` (a new event, a redrive) reads them back into an array, which then stays until the
 * history is compacted again; GetExecutionHistory reads them without keeping them (`storedEvents`).
 */
export function packEvents(exec: ExecutionRecord, store: SpillStore): void {
  const read = store.put(JSON.stringify(exec.events));
  const unpack = () => JSON.parse(read()) as StoredEvent[];
  compacted.set(exec, unpack);
  const keep = (events: StoredEvent[]) => {
    compacted.delete(exec);
    Object.defineProperty(exec, "events", {
      value: events,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  };
  Object.defineProperty(exec, "events", {
    enumerable: true,
    configurable: true,
    get: () => {
      const events = unpack();
      keep(events);
      return events;
    },
    set: keep,
  });
}

/** Whether the execution's history is compacted (not held as events). */
export function isPacked(exec: ExecutionRecord): boolean {
  return compacted.has(exec);
}

/** The execution's events, read from where they are kept without bringing them back into the record. */
export function storedEvents(exec: ExecutionRecord): StoredEvent[] {
  return compacted.get(exec)?.() ?? exec.events;
}

export function errorDetails(error: string | undefined, cause: string | undefined): Record<string, string> {
  return {
    ...(error === undefined || error === "" ? {} : { error }),
    ...(cause === undefined ? {} : { cause }),
  };
}

/** QueryEvaluationErrors whose EvaluationFailed event is already in the history. */
const evaluationsRecorded = new WeakSet<StatesFailureError>();

/**
 * The details of the EvaluationFailed event a States.QueryEvaluationError writes, or undefined for any
 * other error and for one already recorded: AWS writes it once, where the evaluation failed, before the
 * state-level failure event (`MapStateEntered, EvaluationFailed, MapStateFailed` in recorded executions).
 * `location` names the field when the failure is the field's value (e.g. `Items`).
 */
export function evaluationFailure(
  error: unknown,
  state: string,
  location?: string,
): Record<string, unknown> | undefined {
  if (!(error instanceof StatesFailureError) || error.error !== "States.QueryEvaluationError")
    return undefined;
  if (evaluationsRecorded.has(error)) return undefined;
  evaluationsRecorded.add(error);
  return {
    error: error.error,
    cause: error.causeText,
    state,
    ...(location === undefined ? {} : { location }),
  };
}

const DETAILS_KEY: Record<string, string> = {
  ExecutionStarted: "executionStartedEventDetails",
  ExecutionSucceeded: "executionSucceededEventDetails",
  ExecutionFailed: "executionFailedEventDetails",
  ExecutionAborted: "executionAbortedEventDetails",
  ExecutionTimedOut: "executionTimedOutEventDetails",
  ExecutionRedriven: "executionRedrivenEventDetails",
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

export function toHistoryEvent(ev: StoredEvent, includeData: boolean): HistoryEvent {
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

export function paginate<T>(
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
