/**
 * Where the stateful ops commands act: the embedded stack of `npm run local` by default (its fixed
 * ports), or a deployed stack with `--profile`/`--region` (`--stack` names it): the CONTRACT_OPS_TABLE etc.
 * of that stack come from its outputs (bin/stack-outputs.ts), read before the first call. Reads go to the
 * services directly; writes go to the operator function's URL, CONTRACT_OPS_OPERATOR_URL (ADR 0038), or the
 * personal-data function's, CONTRACT_OPS_PERSONAL_DATA_URL (ADR 0083).
 */
import * as z from "zod";
import { resetAwsClients } from "../../functions/adapters/aws-config";
import { onSystemClock, useClock } from "../../functions/adapters/clock";
import { NotFoundError } from "../../functions/adapters/repository";
import { loadStackCalendar } from "../../functions/app/calendar";
import { OperationRejectedError } from "../../functions/app/operations";
import { defaultLocalPorts, LOCAL_HOST } from "../../infra/local/ports";
import { STACK_CLOCK_PATH } from "../../infra/local/sfn/http-api";
import { outputsToEnv, readStackOutputs, StackOutputsError, type StackTarget } from "../stack-outputs";
import { InputError } from "./cli-kit";

export const targetOptions = {
  profile: { type: "string" },
  region: { type: "string" },
  stack: { type: "string" },
} as const;

/** The deployed stack whose outputs are still to be read (set by useTarget, read by applyStackOutputs). */
let pendingStack: StackTarget | undefined;

export function useTarget(values: StackTarget): void {
  pendingStack = undefined;
  if (values.profile || values.region) {
    pendingStack = values;
    if (values.profile) process.env.AWS_PROFILE = values.profile;
    if (values.region) process.env.AWS_REGION = values.region;
    for (const name of [
      "CONTRACT_OPS_DYNAMODB_ENDPOINT",
      "CONTRACT_OPS_S3_ENDPOINT",
      "CONTRACT_OPS_SES_ENDPOINT",
      "CONTRACT_OPS_SFN_ENDPOINT",
      "CONTRACT_OPS_LOGS_ENDPOINT",
    ]) {
      delete process.env[name];
    }
  } else {
    const local = (port: number) => `http://${LOCAL_HOST}:${port}`;
    process.env.CONTRACT_OPS_DYNAMODB_ENDPOINT ??= local(defaultLocalPorts.dynamodb);
    process.env.CONTRACT_OPS_S3_ENDPOINT ??= local(defaultLocalPorts.s3);
    process.env.CONTRACT_OPS_SES_ENDPOINT ??= local(defaultLocalPorts.ses);
    process.env.CONTRACT_OPS_SFN_ENDPOINT ??= local(defaultLocalPorts.stepFunctions);
    // The embedded stack answers CloudWatch Logs on its Step Functions endpoint (ADR 0092).
    process.env.CONTRACT_OPS_LOGS_ENDPOINT ??= process.env.CONTRACT_OPS_SFN_ENDPOINT;
    process.env.CONTRACT_OPS_OPERATOR_URL ??= `${local(defaultLocalPorts.operator)}/`;
    process.env.CONTRACT_OPS_PERSONAL_DATA_URL ??= `${local(defaultLocalPorts.personalData)}/`;
  }
  resetAwsClients();
}

/** With a deployed target: sets the variables from the stack's outputs (once); a stack it cannot read is exit 1. */
export async function applyStackOutputs(): Promise<void> {
  const target = pendingStack;
  if (!target) return;
  pendingStack = undefined;
  try {
    Object.assign(process.env, outputsToEnv((await readStackOutputs(target)).outputs));
  } catch (error) {
    if (error instanceof StackOutputsError) throw new InputError(error.message, { cause: error });
    throw error;
  }
  resetAwsClients();
}

/**
 * On the embedded stack, what a command records is stamped with the stack's clock: a virtual clock (npm start
 * -- --serve, tests) stands still while the stack is idle, so the command uses that instant. On AWS, or when the
 * stack cannot be asked, the system clock stays.
 */
async function useStackClock(): Promise<void> {
  const endpoint = process.env.CONTRACT_OPS_SFN_ENDPOINT;
  // In the stack's own process (tests, npm start) the stack's clock is already the process clock.
  if (!endpoint || !onSystemClock()) return;
  let answer: unknown;
  try {
    const response = await fetch(`${endpoint}${STACK_CLOCK_PATH}`);
    answer = response.ok ? await response.json() : undefined;
  } catch {
    return;
  }
  const parsed = stackClockSchema.safeParse(answer);
  if (parsed.success && parsed.data.mode === "virtual") {
    const instant = new Date(parsed.data.now);
    useClock({ now: () => new Date(instant) });
  }
}

const stackClockSchema = z.object({ now: z.iso.datetime(), mode: z.enum(["virtual", "real"]) });

/** Runs an operation; what the operator can fix (unknown contract, bad amount …) becomes exit 1. */
export async function operation<T>(run: () => Promise<T>): Promise<T> {
  try {
    await applyStackOutputs();
    await useStackClock();
    // Deadlines computed here count working days with the stack's official years too (ADR 0041).
    await loadStackCalendar();
    return await run();
  } catch (error) {
    if (error instanceof OperationRejectedError || error instanceof NotFoundError) {
      throw new InputError(error.message, { cause: error });
    }
    if (
      (error as NodeJS.ErrnoException).code === "ECONNREFUSED" ||
      (error as Error).name === "TimeoutError"
    ) {
      throw new InputError(
        "cannot reach the contract-ops stack: start it with `npm run local`, or pass --profile/--region for AWS",
        { cause: error },
      );
    }
    throw error;
  }
}
