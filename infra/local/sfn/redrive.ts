/**
 * RedriveExecution's rules (API reference RedriveExecution and DescribeExecution; developer guide
 * "Redriving executions"): an unsuccessful Standard execution may be redriven within 14 days of its
 * stop, while it is within the one-year maximum open time and its history below 25,000 events.
 */
import type { ExecutionRecord } from "./records";

const REDRIVABLE_PERIOD_MS = 14 * 86_400_000;
const MAX_OPEN_MS = 365 * 86_400_000;
const MAX_HISTORY_EVENTS = 25_000;

/** Why the execution cannot be redriven now, in DescribeExecution's words; undefined when it can. */
export function redriveRefusal(exec: ExecutionRecord, nowMs: number): string | undefined {
  if (exec.status === "RUNNING") return "Execution is RUNNING and cannot be redriven";
  if (exec.status === "SUCCEEDED") return "Execution is SUCCEEDED and cannot be redriven";
  if (exec.events.length >= MAX_HISTORY_EVENTS) return "Execution history event limit exceeded";
  if (nowMs - exec.startMs > MAX_OPEN_MS) return "Execution has exceeded the max execution time";
  if (nowMs - (exec.stopMs ?? nowMs) > REDRIVABLE_PERIOD_MS) return "Execution redrivable period exceeded";
  return undefined;
}

/** DescribeExecution's redrive fields. */
export function redriveFields(exec: ExecutionRecord, nowMs: number) {
  const refusal = redriveRefusal(exec, nowMs);
  return {
    redriveCount: exec.redriveCount,
    ...(exec.redriveMs === undefined ? {} : { redriveDate: new Date(exec.redriveMs) }),
    redriveStatus: refusal === undefined ? "REDRIVABLE" : "NOT_REDRIVABLE",
    ...(refusal === undefined ? {} : { redriveStatusReason: refusal }),
  };
}
