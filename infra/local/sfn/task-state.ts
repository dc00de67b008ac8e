/**
 * The Task state: Lambda invocations (`lambda:invoke`, `lambda:invoke.waitForTaskToken`, a bare function
 * ARN), their timeouts and heartbeats, and the task tokens SendTask* answer (docs/sfn-conformance.md,
 * Task resources).
 */
import { createHash } from "node:crypto";
import { block } from "./blocking";
import type { TaskState } from "./definition";
import { StatesFailureError, StepFunctionsApiError } from "./errors";
import { queryError, secondsField } from "./evaluation";
import type { EvalContext } from "./expressions";
import { emit, errorDetails } from "./history";
import { checkPayload, MAX_PAYLOAD_BYTES, payloadBytes } from "./limits";
import type { AuthorizeRole, InvokeLambda, Outcome, Strand, TokenRecord } from "./records";
import type { ScheduledTimer, VirtualClock } from "./virtual-clock";

/** What a Task borrows from the runtime. */
export interface TaskHost {
  clock: VirtualClock;
  region: string;
  accountId: string;
  invokeLambda: InvokeLambda;
  authorize: AuthorizeRole | undefined;
  /** Open task tokens by token string (SendTaskSuccess/Failure/Heartbeat look them up). */
  tokens: Map<string, TokenRecord>;
}

export async function runTask(
  host: TaskHost,
  strand: Strand,
  state: TaskState,
  ctx: EvalContext,
): Promise<unknown> {
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
  const timeoutSeconds = await secondsField(state.timeoutSeconds, ctx, "TimeoutSeconds");
  const heartbeatSeconds = await secondsField(state.heartbeatSeconds, ctx, "HeartbeatSeconds");
  strand.scope.check();

  let functionArn: string;
  let payload: unknown;
  if (state.integration === "function") {
    functionArn = stripQualifier(state.functionArn as string);
    payload = args;
  } else {
    const a = (args ?? {}) as Record<string, unknown>;
    if (typeof a.FunctionName !== "string") throw queryError(ctx, "Arguments.FunctionName must be a string");
    functionArn = lambdaArn(host, a.FunctionName);
    payload = a.Payload ?? {};
  }
  const payloadText = JSON.stringify(payload) ?? "null";
  // The state's input after Arguments is held to the payload quota before anything is invoked.
  checkPayload(payload, "input (after Arguments)", state.name);
  const resource = state.integration === "function" ? state.resource : state.integration;
  const taskDetails = { resourceType: "lambda", resource };
  if (state.integration === "function") {
    emit(strand, host.clock.nowMs(), "LambdaFunctionScheduled", {
      resource: state.resource,
      input: payloadText,
      inputDetails: { truncated: false },
      ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
    });
    emit(strand, host.clock.nowMs(), "LambdaFunctionStarted", undefined);
  } else {
    emit(strand, host.clock.nowMs(), "TaskScheduled", {
      ...taskDetails,
      region: host.region,
      parameters: JSON.stringify(args),
      ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
      ...(heartbeatSeconds === undefined ? {} : { heartbeatInSeconds: heartbeatSeconds }),
    });
    emit(strand, host.clock.nowMs(), "TaskStarted", taskDetails);
  }
  const startedMs = host.clock.nowMs();
  const requestId = uuidFrom(`${exec.arn}|${exec.events.length}`);
  const functionName = functionArn.slice(functionArn.lastIndexOf(":") + 1);

  return block<unknown>(host.clock, strand, (ok, fail) => {
    const timers: ScheduledTimer[] = [];
    let settled = false;
    const settle = (emitType: string, details: Record<string, unknown>, then: () => void) => {
      // After StopExecution/timeout the strand is gone: a late Lambda result records nothing.
      if (settled || strand.scope.reason) return;
      settled = true;
      if (token) closeToken(token);
      emit(strand, host.clock.nowMs(), emitType, details);
      then();
    };
    const timeOut = (error: "States.Timeout" | "States.HeartbeatTimeout") => {
      const cause = error === "States.Timeout" ? "Task timed out." : "Task heartbeat timed out.";
      const type = state.integration === "function" ? "LambdaFunctionTimedOut" : "TaskTimedOut";
      const details = state.integration === "function" ? { error, cause } : { ...taskDetails, error, cause };
      settle(type, details, () => fail(new StatesFailureError(error, cause)));
    };
    if (timeoutSeconds !== undefined) {
      timers.push(
        host.clock.schedule(new Date(startedMs + timeoutSeconds * 1000), () => timeOut("States.Timeout")),
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
        heartbeatTimer = host.clock.schedule(new Date(host.clock.nowMs() + heartbeatSeconds * 1000), () =>
          timeOut("States.HeartbeatTimeout"),
        );
      };
      armHeartbeat();
      t.heartbeat = armHeartbeat;
      t.deliver = deliver;
      timers.push({ cancel: () => heartbeatTimer?.cancel() });
      host.tokens.set(t.token, t);
      exec.openTokens.add(t);
    }
    const invocationHold = host.clock.hold();
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
      const result =
        state.integration === "function" ? payloadOut : lambdaInvokeResponse(payloadOut, requestId);
      if (!token && payloadBytes(JSON.stringify(result)) > MAX_PAYLOAD_BYTES) {
        // The task's result over the payload quota (limits.ts): the task fails, uncatchable by States.ALL.
        const error = "States.DataLimitExceeded";
        const cause = `The result of the task '${state.name}' is over the ${MAX_PAYLOAD_BYTES}-byte (256 KiB) quota.`;
        const type = state.integration === "function" ? "LambdaFunctionFailed" : "TaskFailed";
        const details = state.integration === "function" ? {} : taskDetails;
        return settle(type, { ...details, error, cause }, () => fail(new StatesFailureError(error, cause)));
      }
      if (state.integration === "function") {
        const output = JSON.stringify(payloadOut);
        return settle("LambdaFunctionSucceeded", { output, outputDetails: { truncated: false } }, () =>
          ok(payloadOut),
        );
      }
      const response = result;
      const output = JSON.stringify(response);
      if (!token)
        return settle("TaskSucceeded", { ...taskDetails, output, outputDetails: { truncated: false } }, () =>
          ok(response),
        );
      if (settled || strand.scope.reason) return;
      token.submitted = true;
      emit(strand, host.clock.nowMs(), "TaskSubmitted", {
        ...taskDetails,
        output,
        outputDetails: { truncated: false },
      });
      if (token.early) deliver(token.early);
    };
    // The invocation holds the clock itself and hands over to this strand (ok/fail re-acquire the
    // strand's hold synchronously) before letting go, so time cannot slip in between.
    // The role must allow lambda:InvokeFunction; Step Functions reports Lambda's 403 as a service exception.
    const refusal = host.authorize?.(exec.machine.roleArn, "lambda:InvokeFunction", functionArn);
    Promise.resolve()
      .then(() => {
        if (refusal !== undefined) throw new StatesFailureError("Lambda.AWSLambdaException", refusal);
        return host.invokeLambda(functionArn, JSON.parse(payloadText), {
          functionName,
          awsRequestId: requestId,
        });
      })
      .then(succeeded, failed)
      .catch(failed)
      .finally(invocationHold);
    return () => {
      for (const t of timers) t.cancel();
      if (token && !token.closed) closeToken(token);
    };
  });
}

/** The token SendTask* names, if still open; a callback is delivered or kept until TaskSubmitted. */
export function openToken(
  tokens: Map<string, TokenRecord>,
  taskToken: string,
): { record: TokenRecord; deliverOrKeep(outcome: Outcome): void } {
  const record = typeof taskToken === "string" ? tokens.get(taskToken) : undefined;
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

export function closeToken(token: TokenRecord): void {
  token.closed = true;
  token.deliver = undefined;
  token.heartbeat = undefined;
  token.early = undefined;
  token.exec.openTokens.delete(token);
}

function lambdaArn(host: TaskHost, nameOrArn: string): string {
  if (nameOrArn.startsWith("arn:")) return stripQualifier(nameOrArn);
  const name = nameOrArn.split(":")[0] as string;
  return `arn:aws:lambda:${host.region}:${host.accountId}:function:${name}`;
}

/** What a Lambda handler's exception becomes: Error = errorType, Cause = Lambda's error JSON. */
function lambdaError(error: unknown): { errorType: string; cause: string } {
  if (error instanceof StatesFailureError) return { errorType: error.error, cause: error.causeText ?? "" };
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
