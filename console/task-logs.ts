/**
 * The log lines of each Lambda invocation an execution's tasks made (ADR 0092), read from the function's
 * log group for the time the task ran, with a second's margin either side for clocks that differ.
 */
import { lambdaLogEvents } from "../functions/adapters/lambda-logs";
import type { TaskInvocation } from "./execution-view";
import { invocationLines, type LogLine } from "./log-lines";

/** A kickoff's inline Map may invoke a function per contract: the page reads the newest this many. */
export const INVOCATIONS_READ = 60;
const MARGIN_MS = 1_000;

export async function taskLogs(
  invocations: readonly TaskInvocation[],
  now: Date,
): Promise<Map<TaskInvocation, LogLine[]>> {
  const read = new Map<TaskInvocation, LogLine[]>();
  for (const invocation of invocations.slice(-INVOCATIONS_READ)) {
    if (!invocation.startedAt) continue;
    const events = await lambdaLogEvents({
      functionName: invocation.functionName,
      from: new Date(invocation.startedAt.getTime() - MARGIN_MS),
      to: new Date((invocation.endedAt ?? now).getTime() + MARGIN_MS),
    });
    read.set(invocation, invocationLines(events, invocation.requestId));
  }
  return read;
}
