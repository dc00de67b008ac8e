/**
 * The contract-ops application deployed onto the embedded stack: the same synthesized state machines,
 * the same handler modules, the same schedule as `cdk deploy` would create, with every AWS client
 * pointed at 127.0.0.1 and every clock reading the runtime's virtual time. Used by `npm start`,
 * `npm run local` and the end-to-end tests.
 */
import { fileURLToPath } from "node:url";
import { DEFAULT_REGION, loadAwsConfig, resetAwsClients } from "../../functions/adapters/aws-config";
import { timeToLiveAttributeOf } from "./dynamodb-ttl";
import { type FaultPlan, loadFaultPlan } from "./faults";
import { IamEnforcer, rolesFromTemplate } from "./iam";
import { inOwnInvokeContext } from "./invoke-store";
import { DEFAULT_LAMBDA_CONCURRENCY, limitLambdaConcurrency } from "./lambda-concurrency";
import { functionUrlTargetsOf, type OperatorUrl, startOperatorUrl } from "./operator-url";
import type { LocalServicesOptions } from "./services";
import {
  type ClockMode,
  type InvokeLambda,
  type LocalStepFunctions,
  lambdaInvokerFromTemplate,
  loadStateMachinesFromTemplate,
  VirtualClock,
} from "./sfn";
import { loadSchedulesFromTemplate, renderSchedulerInput } from "./sfn/template-schedules";
import { type LocalStack, startLocalStack } from "./stack";
import { localTemplate } from "./template-cache";

const ACCOUNT_ID = "000000000000";
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface EmbeddedApp {
  stack: LocalStack;
  clock: VirtualClock;
  stepFunctions: LocalStepFunctions;
  stateMachineArns: {
    monthlyKickoff: string;
    monthlyCycle: string;
    renewalWatch: string;
    calendarCheck: string;
    obligationClock: string;
  };
  stop(): Promise<void>;
}

export interface EmbeddedAppOptions {
  start: Date;
  mode?: ClockMode;
  ports?: LocalServicesOptions["ports"] & {
    stepFunctions?: number;
    operator?: number;
    personalData?: number;
  };
  verdicts?: LocalServicesOptions["verdicts"];
  dataDir?: string;
  /** SES sandbox mode: only these identities may receive (and send) mail; MessageRejected otherwise. */
  sesSandbox?: LocalServicesOptions["sesSandbox"];
  /** How the SDK clients reach DynamoDB and S3 (default "http"; ADR 0077). */
  transport?: LocalServicesOptions["transport"];
  /** Registers the monthly schedule (default true). */
  schedule?: boolean;
  /** Failures to inject (ADR 0022); default: the plan in the file named by FAULTS, if set. */
  faults?: FaultPlan;
  /** Wraps every Lambda invocation, e.g. to make one fail in a test (default: the handlers as they are). */
  wrapLambda?: (invoke: InvokeLambda) => InvokeLambda;
  /** Lambda invocations at once, beyond which they wait (default AWS's account quota, 1,000). */
  lambdaConcurrency?: number;
  /**
   * IAM enforcement from the template's roles (ADR 0025): on unless `false`. A test may pass a changed copy of
   * the synthesized template (`template`) to run with a grant removed.
   */
  iam?: false | { template?: Record<string, unknown> };
}

function machineArn(arns: Map<string, string>, suffix: string): string {
  const arn = [...arns.entries()].find(([name]) => name.endsWith(suffix))?.[1];
  if (!arn) throw new Error(`the synthesized stack has no state machine named *${suffix}`);
  return arn;
}

export async function startEmbeddedApp(options: EmbeddedAppOptions): Promise<EmbeddedApp> {
  const clock = new VirtualClock(options.start, options.mode ?? "virtual");
  const { template: synthesized } = await localTemplate(repoRoot);
  const template = (options.iam !== false && options.iam?.template) || synthesized;
  const names = loadAwsConfig({});
  const { stateMachines, functions } = loadStateMachinesFromTemplate(template, {
    region: DEFAULT_REGION,
    accountId: ACCOUNT_ID,
    repoRoot,
    bucketNames: { usage: names.usageBucket, mail: names.mailBucket },
  });
  // Each invocation in its own invoke-store context, as on Lambda with AWS_LAMBDA_MAX_CONCURRENCY set: the
  // handlers run concurrently in this process, and Powertools keeps per-invocation keys and metrics there.
  const concurrencyBefore = process.env.AWS_LAMBDA_MAX_CONCURRENCY;
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= "64";
  const handlers = inOwnInvokeContext(lambdaInvokerFromTemplate(functions));
  const invokeLambda = limitLambdaConcurrency(
    options.wrapLambda ? options.wrapLambda(handlers) : handlers,
    options.lambdaConcurrency ?? DEFAULT_LAMBDA_CONCURRENCY,
  );
  const inboundArn = [...functions.entries()].find(([, fn]) =>
    fn.entry.endsWith("inbound-reply/handler.ts"),
  )?.[0];
  if (!inboundArn) throw new Error("the synthesized stack has no inbound-reply function");

  let requestCounter = 0;
  // Lambda's asynchronous invocation retries a failed event twice, one and then two minutes later
  // (Lambda developer guide, "Asynchronous invocation"); the retries run on the stack's clock.
  const invokeAsynchronously = async (event: unknown, attempt = 1): Promise<void> => {
    try {
      await stack.invokeLambda(inboundArn, event, {
        functionName: "inbound-reply",
        awsRequestId: `inbound-${++requestCounter}`,
      });
    } catch (error) {
      if (attempt === 3) throw error;
      clock.schedule(new Date(clock.nowMs() + attempt * 60_000), () =>
        invokeAsynchronously(event, attempt + 1).catch((final: Error) => {
          console.error(`inbound-reply failed three times: ${final.name}: ${final.message}`);
        }),
      );
    }
  };
  const faults = options.faults ?? (process.env.FAULTS ? loadFaultPlan(process.env.FAULTS) : undefined);
  const iam =
    options.iam === false
      ? undefined
      : new IamEnforcer(
          rolesFromTemplate(template, {
            region: DEFAULT_REGION,
            accountId: ACCOUNT_ID,
            tableName: names.tableName,
            bucketNames: { usage: names.usageBucket, mail: names.mailBucket },
          }),
          {
            region: DEFAULT_REGION,
            accountId: ACCOUNT_ID,
            ...(options.sesSandbox ? { sesVerifiedIdentities: options.sesSandbox.verifiedIdentities } : {}),
            stateMachineOfTaskToken: (token) => stack.stepFunctions.stateMachineOfTaskToken(token),
          },
        );
  const {
    operator: operatorPort = 0,
    personalData: personalDataPort = 0,
    ...stackPorts
  } = options.ports ?? {};
  const timeToLiveAttribute = timeToLiveAttributeOf(template);
  const stack = await startLocalStack({
    ...(iam ? { iam } : {}),
    ...(timeToLiveAttribute === undefined ? {} : { timeToLiveAttribute }),
    ...(faults ? { faults } : {}),
    clock,
    invokeLambda,
    ports: stackPorts,
    ...(options.verdicts ? { verdicts: options.verdicts } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.sesSandbox ? { sesSandbox: options.sesSandbox } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
    // SES invokes the receipt rule's Lambda action asynchronously; here it is the same handler module.
    // SES delivers at least once: a fault plan may deliver one event twice, concurrently.
    onInboundEmail: async (event) => {
      const deliveries = stack.faults?.nextInboundDeliveries() ?? 1;
      await Promise.all(Array.from({ length: deliveries }, () => invokeAsynchronously(event)));
    },
  });
  const { stepFunctions } = stack;
  const arns = new Map<string, string>();
  for (const machine of stateMachines) {
    const roleArn = iam?.roles.stateMachineRoles.get(
      `arn:aws:states:${DEFAULT_REGION}:${ACCOUNT_ID}:stateMachine:${machine.name}`,
    )?.arn;
    const { stateMachineArn } = await stepFunctions.createStateMachine({
      name: machine.name,
      definition: JSON.stringify(machine.definition),
      ...(roleArn ? { roleArn } : {}),
    });
    arns.set(machine.name, stateMachineArn);
  }
  const stateMachineArns = {
    monthlyKickoff: machineArn(arns, "MonthlyKickoff"),
    monthlyCycle: machineArn(arns, "MonthlyCycle"),
    renewalWatch: machineArn(arns, "RenewalWatch"),
    calendarCheck: machineArn(arns, "CalendarCheck"),
    obligationClock: machineArn(arns, "ObligationClock"),
  };

  // ADR 0038, ADR 0083: `ops` writes reach the operator function and the personal-data function only
  // through their (local) function URLs, each on its own port as each has its own host on AWS.
  const urlEndpoints: Record<string, { port: number; variable: string }> = {
    "ContractOps-operator-command": { port: operatorPort, variable: "CONTRACT_OPS_OPERATOR_URL" },
    "ContractOps-purge-personal-data": {
      port: personalDataPort,
      variable: "CONTRACT_OPS_PERSONAL_DATA_URL",
    },
  };
  const functionUrls: OperatorUrl[] = [];
  try {
    for (const target of functionUrlTargetsOf(template, functions)) {
      const endpoint = urlEndpoints[target.functionName];
      if (!endpoint) throw new Error(`the function URL of ${target.functionName} has no local endpoint`);
      const started = await startOperatorUrl({
        port: endpoint.port,
        ...target,
        invoke: (arn, event, context) => stack.invokeLambda(arn, event, context),
        track: (work) => clock.track(work),
      });
      functionUrls.push(started);
      stack.env[endpoint.variable] = started.url;
    }
  } catch (error) {
    await Promise.all(functionUrls.map((url) => url.stop()));
    await stack.stop();
    throw error;
  }

  // Handlers run in this process: they read the same variables the CDK stack sets on each function.
  Object.assign(process.env, stack.env, {
    AWS_REGION: DEFAULT_REGION,
    MONTHLY_CYCLE_ARN: stateMachineArns.monthlyCycle,
    RENEWAL_WATCH_ARN: stateMachineArns.renewalWatch,
    OBLIGATION_CLOCK_ARN: stateMachineArns.obligationClock,
  });
  resetAwsClients();

  // EventBridge Scheduler delivers at least once: a fault plan may start a firing's execution twice.
  // At-least-once delivery (fault plan): a duplicate firing starts the target again with the same input.
  const deliveredAtLeastOnce = (schedule: string, stateMachineArn: string, input: string) => {
    if (stack.faults?.duplicateFiring(schedule)) {
      void stepFunctions.startExecution({ stateMachineArn, input });
    }
    return input;
  };
  if (options.schedule !== false) {
    // The template's AWS::Scheduler::Schedule resources, as EventBridge Scheduler would fire them; each is
    // named after its target state machine (ContractOps-MonthlyKickoff, ContractOps-CalendarCheck).
    for (const schedule of loadSchedulesFromTemplate(template)) {
      const target = stateMachines.find((m) => m.logicalId === schedule.targetLogicalId);
      const stateMachineArn = target ? arns.get(target.name) : undefined;
      if (!target || !stateMachineArn)
        throw new Error(`schedule ${schedule.logicalId}: no target state machine`);
      const roleArn = iam?.roles.scheduleRoles.get(schedule.logicalId)?.arn;
      stepFunctions.registerSchedule({
        ...(roleArn ? { roleArn } : {}),
        name: target.name,
        cron: schedule.cron,
        timezone: schedule.timezone,
        stateMachineArn,
        input: (firesAt) =>
          deliveredAtLeastOnce(target.name, stateMachineArn, renderSchedulerInput(schedule.input, firesAt)),
      });
    }
  }

  return {
    stack,
    clock,
    stepFunctions,
    stateMachineArns,
    async stop() {
      resetAwsClients();
      await Promise.all(functionUrls.map((url) => url.stop()));
      await stack.stop();
      if (concurrencyBefore === undefined) delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;
    },
  };
}
