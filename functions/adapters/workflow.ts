/**
 * Callbacks into Step Functions: completing a waiting task and starting executions. The same calls
 * reach AWS or the embedded runtime; only the endpoint differs (aws-config).
 */
import {
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { sfnClient } from "./aws-config";

/**
 * The SendTaskSuccess errors (API reference) that mean the task is gone: its token timed out or was
 * already answered (TaskTimedOut), the task no longer exists (TaskDoesNotExist), or the token is not
 * one Step Functions knows (InvalidToken).
 */
const TASK_CLOSED_ERRORS = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);

export async function completeTask(
  taskToken: string,
  output: unknown,
): Promise<"completed" | "already-closed"> {
  try {
    await sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return "completed";
  } catch (error) {
    // A token that timed out or was already answered: the step has moved on and must not be reopened.
    if (error instanceof Error && TASK_CLOSED_ERRORS.has(error.name)) return "already-closed";
    throw error;
  }
}

/** Starts a named execution; a name already used means it was started before (idempotent start). */
export async function startNamedExecution(
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<{ started: boolean; executionArn?: string }> {
  try {
    const result = await sfnClient().send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return { started: true, executionArn: result.executionArn };
  } catch (error) {
    if ((error as Error).name === "ExecutionAlreadyExists") return { started: false };
    throw error;
  }
}

/** Stops the running executions `names` accepts; returns the names stopped (none is idempotent). */
export async function stopRunningExecutions(
  stateMachineArn: string,
  names: (name: string) => boolean,
  cause: string,
): Promise<string[]> {
  const stopped: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfnClient().send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: "RUNNING", nextToken }),
    );
    for (const execution of page.executions ?? []) {
      if (!execution.name || !execution.executionArn || !names(execution.name)) continue;
      await sfnClient().send(new StopExecutionCommand({ executionArn: execution.executionArn, cause }));
      stopped.push(execution.name);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return stopped;
}

export function requiredEnv(name: "MONTHLY_CYCLE_ARN" | "RENEWAL_WATCH_ARN"): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** The ARN of a deployed state machine by its name (for tools outside the stack, such as the ops CLI). */
export async function stateMachineArnByName(name: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await sfnClient().send(new ListStateMachinesCommand({ nextToken }));
    const found = page.stateMachines?.find((machine) => machine.name === name);
    if (found?.stateMachineArn) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}
