/**
 * What an execution's history says about each state: the console colours the graph with it and lists
 * every visit's input, output and variables. Pure, over the events GetExecutionHistory returns.
 *
 * Events are tied to states through `previousEventId` (each branch of a Parallel and each Map iteration
 * is its own chain), so interleaved branches are read correctly. A failure event followed by the state's
 * exit is an error a Catch handled ("caught"); a failure followed by the task being scheduled again is a
 * retry; a failure with no exit is where the execution failed.
 */
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { maskToken } from "../functions/core/mask";
import type { StateStatus } from "./graph-svg";

export interface StateVisit {
  state: string;
  enteredAt: Date | null;
  exitedAt: Date | null;
  input: string | null;
  output: string | null;
  variables: Record<string, string> | null;
  errors: string[];
}

export interface PendingTask {
  state: string;
  /** Masked: a task token completes the task, so it is shown only enough to tell two apart. */
  tokenMasked: string;
  scheduledAt: Date | null;
  timeoutSeconds: number | null;
  timesOutAt: Date | null;
}

/**
 * One Lambda invocation a task made (each retry and each visit is its own attempt): where its log lines
 * are (ADR 0092). The request id is in the lambda:invoke result (`SdkResponseMetadata.RequestId`); a
 * failed invocation reports none, so its lines are found by time alone.
 */
export interface TaskInvocation {
  state: string;
  /** 1 for the state's first invocation in this execution, 2 for the next (a retry or a later visit)… */
  attempt: number;
  functionName: string;
  requestId: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
}

export interface ExecutionView {
  statuses: Map<string, StateStatus>;
  visits: StateVisit[];
  pendingTasks: PendingTask[];
  invocations: TaskInvocation[];
  /**
   * Names of the executions this one started (a batch's cycles, a renewal watch's continuation or the
   * next term's watch): the tasks that start one answer with its `executionName`, or a batch's with
   * `executionNames`.
   */
  childExecutionNames: string[];
  /**
   * The Map Runs of its Distributed Map states (MapRunStarted): the kickoff starts its cycles from their
   * child executions, so the console follows them to bubble the cycles up to the kickoff.
   */
  mapRunArns: string[];
}

const isFailure = (type: string) => !type.startsWith("Execution") && /(Failed|TimedOut|Aborted)$/.test(type);
const isRetryStart = (type: string) => /(Scheduled)$/.test(type);

function eventDetails(event: HistoryEvent): Record<string, unknown> {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith("EventDetails") && value && typeof value === "object")
      return value as Record<string, unknown>;
  }
  return {};
}

function tokenIn(parameters: string | undefined): string | undefined {
  if (!parameters) return undefined;
  return /"(?:taskToken|TaskToken)"\s*:\s*"([^"]+)"/.exec(parameters)?.[1];
}

function executionNamesIn(output: string): string[] {
  try {
    const parsed: unknown = JSON.parse(output);
    const payload =
      parsed && typeof parsed === "object" && "Payload" in parsed
        ? (parsed as { Payload: unknown }).Payload
        : parsed;
    if (!payload || typeof payload !== "object") return [];
    const { executionName, executionNames } = payload as {
      executionName?: unknown;
      executionNames?: unknown;
    };
    if (typeof executionName === "string") return [executionName];
    return Array.isArray(executionNames) ? executionNames.filter((n) => typeof n === "string") : [];
  } catch {
    return [];
  }
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]`, or a bare name. */
function functionNameOf(nameOrArn: string): string {
  const parts = nameOrArn.split(":");
  return nameOrArn.startsWith("arn:") ? (parts[6] ?? nameOrArn) : (parts[0] ?? nameOrArn);
}

function functionOfTask(event: HistoryEvent): string | null {
  if (event.lambdaFunctionScheduledEventDetails?.resource)
    return functionNameOf(event.lambdaFunctionScheduledEventDetails.resource);
  const details = event.taskScheduledEventDetails;
  if (details?.resourceType !== "lambda" || !details.parameters) return null;
  try {
    const name = (JSON.parse(details.parameters) as { FunctionName?: unknown }).FunctionName;
    return typeof name === "string" ? functionNameOf(name) : null;
  } catch {
    return null;
  }
}

function requestIdIn(output: string | undefined, cause: string | undefined): string | null {
  if (output) {
    try {
      const id = (JSON.parse(output) as { SdkResponseMetadata?: { RequestId?: unknown } }).SdkResponseMetadata
        ?.RequestId;
      if (typeof id === "string") return id;
    } catch {
      // Not an invoke result.
    }
  }
  // A Lambda timeout names its request: "RequestId: <id> Error: Task timed out after …".
  return (cause && /RequestId: ([0-9a-f-]{36})/.exec(cause)?.[1]) || null;
}

export function readExecution(events: readonly HistoryEvent[], running: boolean): ExecutionView {
  const stateOfEvent = new Map<number, string>();
  const statuses = new Map<string, StateStatus>();
  const failing = new Set<string>();
  const visits: StateVisit[] = [];
  const openVisit = new Map<string, StateVisit>();
  const scheduled = new Map<string, { token: string; at: Date | null; timeout: number | null }>();
  const children = new Set<string>();
  const invocations: TaskInvocation[] = [];
  const runningInvocation = new Map<string, TaskInvocation>();

  for (const event of events) {
    const id = event.id ?? 0;
    const type = event.type ?? "";
    const at = event.timestamp ? new Date(event.timestamp) : null;
    let state = stateOfEvent.get(event.previousEventId ?? -1);
    if (event.stateEnteredEventDetails?.name) {
      state = event.stateEnteredEventDetails.name;
      statuses.set(state, "running");
      failing.delete(state);
      const visit: StateVisit = {
        state,
        enteredAt: at,
        exitedAt: null,
        input: event.stateEnteredEventDetails.input ?? null,
        output: null,
        variables: null,
        errors: [],
      };
      visits.push(visit);
      openVisit.set(state, visit);
    }
    if (event.stateExitedEventDetails?.name) state = event.stateExitedEventDetails.name;
    if (state === undefined) continue;
    stateOfEvent.set(id, state);
    const details = eventDetails(event);
    if (isFailure(type)) {
      failing.add(state);
      const error = [details.error, details.cause].filter((v) => typeof v === "string").join(": ");
      openVisit.get(state)?.errors.push(`${type}${error ? ` ${error}` : ""}`);
    } else if (isRetryStart(type)) {
      failing.delete(state);
    }
    const functionName =
      type === "TaskScheduled" || type === "LambdaFunctionScheduled" ? functionOfTask(event) : null;
    if (functionName) {
      const invocation: TaskInvocation = {
        state,
        attempt: invocations.filter((i) => i.state === state).length + 1,
        functionName,
        requestId: null,
        startedAt: at,
        endedAt: null,
      };
      invocations.push(invocation);
      runningInvocation.set(state, invocation);
    }
    const invocation = runningInvocation.get(state);
    if (invocation && /^(Task|LambdaFunction)(Succeeded|Submitted|Failed|TimedOut)$/.test(type)) {
      invocation.requestId ??= requestIdIn(
        typeof details.output === "string" ? details.output : undefined,
        typeof details.cause === "string" ? details.cause : undefined,
      );
      invocation.endedAt ??= at;
      if (type !== "TaskSubmitted") runningInvocation.delete(state);
    }
    if (type === "TaskScheduled") {
      const parameters = event.taskScheduledEventDetails?.parameters;
      const token = tokenIn(parameters);
      if (token) {
        scheduled.set(state, {
          token,
          at,
          timeout: event.taskScheduledEventDetails?.timeoutInSeconds ?? null,
        });
      }
    }
    if (/Succeeded$/.test(type) && typeof details.output === "string") {
      for (const name of executionNamesIn(details.output)) children.add(name);
    }
    if (event.stateExitedEventDetails) {
      statuses.set(state, failing.has(state) ? "caught" : "succeeded");
      failing.delete(state);
      scheduled.delete(state);
      const visit = openVisit.get(state);
      if (visit) {
        visit.exitedAt = at;
        visit.output = event.stateExitedEventDetails.output ?? null;
        visit.variables = event.stateExitedEventDetails.assignedVariables ?? null;
        openVisit.delete(state);
      }
    }
  }
  for (const state of failing) statuses.set(state, "failed");
  // A finished execution leaves nothing running: a state still open was cut off by the execution's end.
  if (!running)
    for (const [state, status] of statuses) if (status === "running") statuses.set(state, "failed");
  const pendingTasks: PendingTask[] = running
    ? [...scheduled.entries()].map(([state, task]) => ({
        state,
        tokenMasked: maskToken(task.token),
        scheduledAt: task.at,
        timeoutSeconds: task.timeout,
        timesOutAt:
          task.at && task.timeout !== null ? new Date(task.at.getTime() + task.timeout * 1000) : null,
      }))
    : [];
  const mapRunArns = events.flatMap((e) =>
    e.mapRunStartedEventDetails?.mapRunArn ? [e.mapRunStartedEventDetails.mapRunArn] : [],
  );
  return { statuses, visits, pendingTasks, invocations, childExecutionNames: [...children], mapRunArns };
}
