/**
 * The whole embedded stack (architecture §2, §6): the AWS services of `startLocalServices` plus the
 * local Step Functions runtime and its HTTP API, all sharing one clock. The clock is installed as the
 * process clock (functions/adapters/clock) for the stack's lifetime, so handlers, inbound-mail
 * timestamps and the runtime's timers agree on what time it is; inbound SMTP processing is tracked
 * by it, so virtual time never jumps while a reply is being stored or handled.
 *
 * There is one process clock, so one stack per process owns it; stop() gives the system clock back.
 * This starts infrastructure only: no state machine is created and no handler is mapped unless the
 * caller passes `invokeLambda` and creates machines on `stepFunctions` (the application does that).
 */
import { join } from "node:path";
import { addClientHook, DEFAULT_REGION } from "../../functions/adapters/aws-config";
import { systemClock, useClock } from "../../functions/adapters/clock";
import { sweepDaily } from "./dynamodb-ttl";
import { FaultInjector, type FaultPlan } from "./faults";
import type { IamEnforcer } from "./iam";
import { LambdaLogStore } from "./lambda-logs";
import { handlesReleased, LOCAL_HOST, PortInUseError } from "./ports";
import {
  type LocalEndpoints,
  type LocalServices,
  type LocalServicesOptions,
  startLocalServices,
} from "./services";
import { type InvokeLambda, LocalStepFunctions, startStepFunctionsApi, VirtualClock } from "./sfn";

export class UnmappedLambdaError extends Error {
  constructor(functionArn: string, options?: ErrorOptions) {
    super(`no handler is mapped to ${functionArn} on this embedded stack`, options);
    this.name = "UnmappedLambdaError";
  }
}

export interface LocalStackOptions extends Omit<LocalServicesOptions, "ports" | "track"> {
  ports?: LocalServicesOptions["ports"] & { stepFunctions?: number };
  /** The stack's clock; a real-time clock (wall time, real timers) when absent. */
  clock?: VirtualClock;
  /** How the runtime's Lambda tasks run; without it every Lambda task fails with UnmappedLambdaError. */
  invokeLambda?: InvokeLambda;
  /** Failures to inject (ADR 0022); none when absent. */
  faults?: FaultPlan;
  /** IAM enforcement from the template's roles (ADR 0025); nothing is checked when absent. */
  iam?: IamEnforcer;
}

export interface LocalStack extends LocalServices {
  endpoints: LocalEndpoints & { stepFunctions: string };
  clock: VirtualClock;
  stepFunctions: LocalStepFunctions;
  /** How the stack invokes a Lambda (the runtime's tasks do the same): through the fault plan, if any. */
  invokeLambda: InvokeLambda;
  /** The fault plan's injector, when the stack was started with one. */
  faults?: FaultInjector;
  /** What each Lambda invocation wrote, as CloudWatch Logs holds it (ADR 0092). */
  lambdaLogs: LambdaLogStore;
  /** The IAM enforcer (its `denials` list every refused call), when the stack enforces IAM. */
  iam?: IamEnforcer;
}

/** A jump of virtual time this long or longer, with nothing running, compacts the waiting executions' histories. */
const HISTORY_QUIET_MS = 3_600_000;

const unmapped: InvokeLambda = async (functionArn) => {
  throw new UnmappedLambdaError(functionArn);
};

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const {
    ports = {},
    clock = new VirtualClock(new Date(), "real"),
    invokeLambda: plainInvoke = unmapped,
    faults: plan,
    iam,
    ...rest
  } = options;
  const { stepFunctions: stepFunctionsPort = 0, ...servicePorts } = ports;

  const faults = plan ? new FaultInjector(plan) : undefined;
  // Only a handler that runs writes logs; an injected invoke failure never reaches one.
  const lambdaLogs = new LambdaLogStore(clock);
  const loggedInvoke = lambdaLogs.capture(plainInvoke);
  // The deployed names are ContractOps-<folder under functions/>; a plan names the folder.
  const faultyInvoke = faults
    ? faults.wrapInvoke(loggedInvoke, (_arn, functionName) => functionName.replace(/^ContractOps-/, ""))
    : loggedInvoke;
  const invokeLambda = iam ? iam.wrapInvoke(faultyInvoke) : faultyInvoke;
  const removeFaultHook = faults ? addClientHook(faults.clientHook) : () => {};
  const removeIamHook = iam ? addClientHook(iam.clientHook) : () => {};
  const removeHook = () => {
    removeFaultHook();
    removeIamHook();
  };
  let services: LocalServices | undefined;
  try {
    services = await startLocalServices({ ...rest, ports: servicePorts, track: (work) => clock.track(work) });
    const objects = services;
    const stepFunctions = new LocalStepFunctions({
      clock,
      invokeLambda,
      ...(iam ? { authorize: iam.authorizeRole } : {}),
      region: DEFAULT_REGION,
      readS3Object: (bucket, key) => objects.readObject(bucket, key),
      ...(rest.dataDir === undefined ? {} : { dataDir: join(rest.dataDir, "stepfunctions") }),
    });
    // A closed execution's history is kept deflated until read (ADR 0055); after the listeners of the close ran.
    stepFunctions.onExecutionClosed(({ executionArn }) => {
      setImmediate(() => stepFunctions.compactHistory(executionArn));
    });
    // With a data directory, a waiting execution's history is kept there too while time jumps (ADR 0072).
    if (rest.dataDir !== undefined) clock.whenQuiet(HISTORY_QUIET_MS, () => stepFunctions.compactHistories());
    const redriveAfterSeconds = faults?.plan.redriveAfterSeconds;
    if (redriveAfterSeconds !== undefined) {
      // The operator the alarm wakes (ADR 0024): every execution that failed or timed out is redriven.
      stepFunctions.onExecutionClosed(({ executionArn, status }) => {
        if (status !== "FAILED" && status !== "TIMED_OUT") return;
        clock.schedule(new Date(clock.nowMs() + redriveAfterSeconds * 1000), async () => {
          await stepFunctions.redriveExecution({ executionArn }).catch(() => undefined);
        });
      });
    }
    const api = await startStepFunctionsApi(stepFunctions, {
      port: stepFunctionsPort,
      host: LOCAL_HOST,
      logs: lambdaLogs,
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EADDRINUSE") throw error;
      throw new PortInUseError("Step Functions (local runtime)", stepFunctionsPort, { cause: error });
    });
    const startedServices = services;
    // DynamoDB's TTL on the stack's clock (ADR 0053), when the table has one.
    const { sweepExpiredItems } = startedServices;
    const ttlSweep = sweepExpiredItems ? sweepDaily(clock, sweepExpiredItems) : undefined;
    // Installed only once everything is up, so a failed start leaves the process clock alone.
    useClock(clock);
    let stopped = false;
    return {
      ...startedServices,
      endpoints: { ...startedServices.endpoints, stepFunctions: api.endpoint },
      // CloudWatch Logs is answered on the Step Functions endpoint (ADR 0092).
      env: {
        ...startedServices.env,
        CONTRACT_OPS_SFN_ENDPOINT: api.endpoint,
        CONTRACT_OPS_LOGS_ENDPOINT: api.endpoint,
      },
      clock,
      stepFunctions,
      invokeLambda,
      lambdaLogs,
      ...(faults ? { faults } : {}),
      ...(iam ? { iam } : {}),
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          // Let running Lambda tasks and tracked inbound mail finish against live services first; their
          // failures were already reported through runUntil/idle and do not stop the shutdown.
          ttlSweep?.cancel();
          await clock.idle().catch(() => undefined);
          await api.stop();
          stepFunctions.closeHistoryStore();
          await startedServices.stop();
          await handlesReleased();
        } finally {
          removeHook();
          useClock(systemClock);
        }
      },
    };
  } catch (error) {
    removeHook();
    await services?.stop().catch(() => undefined);
    throw error;
  }
}
