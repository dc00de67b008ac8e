/**
 * Read-only Step Functions calls for the console: the deployed state machines, their executions and
 * execution histories. The same calls reach AWS (with the caller's credentials) or the embedded runtime;
 * every page is read to the end, since the console shows whole histories.
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  type ExecutionListItem,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  type StateMachineListItem,
} from "@aws-sdk/client-sfn";
import { sfnClient } from "./aws-config";

export type { ExecutionListItem, ExecutionStatus, HistoryEvent, StateMachineListItem };

export async function listStateMachines(): Promise<StateMachineListItem[]> {
  const machines: StateMachineListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfnClient().send(new ListStateMachinesCommand({ nextToken }));
    machines.push(...(page.stateMachines ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return machines;
}

export async function describeStateMachine(stateMachineArn: string) {
  return sfnClient().send(new DescribeStateMachineCommand({ stateMachineArn }));
}

/** Executions of one state machine, newest first (as ListExecutions returns them), up to `limit`. */
export async function listExecutions(
  stateMachineArn: string,
  options: { status?: ExecutionStatus; limit?: number } = {},
): Promise<ExecutionListItem[]> {
  const limit = options.limit ?? 1000;
  const executions: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfnClient().send(
      new ListExecutionsCommand({
        stateMachineArn,
        ...(options.status ? { statusFilter: options.status } : {}),
        maxResults: Math.min(1000, limit - executions.length),
        nextToken,
      }),
    );
    executions.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken && executions.length < limit);
  return executions;
}

/**
 * The child executions of a Distributed Map's Map Run (ListExecutions with `mapRunArn`, API reference):
 * they belong to no listed state machine.
 */
export async function mapRunExecutions(mapRunArn: string): Promise<ExecutionListItem[]> {
  const executions: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfnClient().send(
      new ListExecutionsCommand({ mapRunArn, maxResults: 1000, nextToken }),
    );
    executions.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return executions;
}

export async function describeExecution(executionArn: string) {
  return sfnClient().send(new DescribeExecutionCommand({ executionArn }));
}

/** The whole history of an execution, oldest event first. */
export async function executionHistory(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfnClient().send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: 1000,
        nextToken,
        includeExecutionData: true,
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}
