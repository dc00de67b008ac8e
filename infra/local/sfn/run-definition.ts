/**
 * Runs one definition to completion on virtual time and reports it the way DescribeExecution and
 * GetExecutionHistory would — the core of `npm run sfn -- run`, also used to compare the runtime with
 * behaviour recorded on AWS.
 */
import { useClock } from "../../../functions/adapters/clock";
import { LocalStepFunctions } from "./runtime";
import { VirtualClock } from "./virtual-clock";

/** What a `--handlers` module maps a function name or ARN to. */
export type LocalHandler = (
  payload: unknown,
  context: {
    functionName: string;
    awsRequestId: string;
    invokedFunctionArn: string;
    getRemainingTimeInMillis(): number;
    /** The run's clock: schedule a simulated callback at a virtual time with `clock.schedule`. */
    clock: VirtualClock;
    /** The runtime, for SendTaskSuccess/Failure/Heartbeat from a handler or a scheduled actor. */
    stepFunctions: LocalStepFunctions;
  },
) => Promise<unknown>;

export interface RunReport {
  status: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  history: Array<Record<string, unknown>>;
}

export class HandlerNotFoundError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "Lambda.ResourceNotFoundException";
  }
}

export async function runDefinition(options: {
  definition: object | string;
  input: string;
  handlers?: Record<string, LocalHandler>;
  start?: Date;
  /** Virtual-time limit; an execution still blocked then is reported RUNNING. */
  until?: Date;
  region?: string;
  accountId?: string;
  /** What a Distributed Map's ItemReader reads (s3:GetObject); absent, a reader fails the Map Run. */
  readS3Object?: (bucket: string, key: string) => Promise<string>;
}): Promise<RunReport> {
  const start = options.start ?? new Date();
  const clock = new VirtualClock(start);
  useClock(clock);
  const handlers = options.handlers ?? {};
  const runtime: LocalStepFunctions = new LocalStepFunctions({
    clock,
    ...(options.region ? { region: options.region } : {}),
    ...(options.accountId ? { accountId: options.accountId } : {}),
    ...(options.readS3Object ? { readS3Object: options.readS3Object } : {}),
    invokeLambda: async (functionArn, payload, context) => {
      const handler = handlers[functionArn] ?? handlers[context.functionName];
      if (!handler)
        throw new HandlerNotFoundError(`Function not found: ${functionArn} (no handler given for it)`);
      return handler(payload, {
        ...context,
        invokedFunctionArn: functionArn,
        getRemainingTimeInMillis: () => 900_000,
        clock,
        stepFunctions: runtime,
      });
    },
  });
  const definition =
    typeof options.definition === "string" ? options.definition : JSON.stringify(options.definition);
  const { stateMachineArn } = await runtime.createStateMachine({ name: "LocalRun", definition });
  const { executionArn } = await runtime.startExecution({
    stateMachineArn,
    name: "local-run",
    input: options.input,
  });
  const until = options.until ?? new Date(start.getTime() + 10 * 366 * 86_400_000);
  await runtime.runExecutionToCompletion(executionArn, until);
  const described = await runtime.describeExecution({ executionArn });
  const events: Array<Record<string, unknown>> = [];
  let nextToken: string | undefined;
  do {
    const page = await runtime.getExecutionHistory({
      executionArn,
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    for (const e of page.events) events.push({ ...e, timestamp: e.timestamp.toISOString() });
    nextToken = page.nextToken;
  } while (nextToken);
  return {
    status: described.status,
    output: described.output ?? null,
    error: described.error ?? null,
    cause: described.cause ?? null,
    history: events,
  };
}
