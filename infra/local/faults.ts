/**
 * Fault injection in the embedded stack (ADR 0022): a fault plan says which failure AWS could produce
 * happens where — a Lambda crashing before or after one of its SDK calls, a Lambda timing out, SES
 * throttling, a DynamoDB write answered with ConditionalCheckFailedException or
 * ProvisionedThroughputExceededException, an SES inbound event or a schedule delivered twice — and failed
 * executions are redriven as an operator would. Each fault fires once, at the first place it matches.
 *
 * SDK calls are counted per Lambda invocation (AsyncLocalStorage set by the invoker), from 1, in the
 * order the handler makes them; calls made outside an invocation (the operator's CLI, the stack itself)
 * are never faulted.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync } from "node:fs";
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import { SESServiceException } from "@aws-sdk/client-ses";
import * as z from "zod";
import type { ClientHook } from "../../functions/adapters/aws-config";
// The names module, not workflows/states: that one loads aws-cdk-lib (about 600 modules) into every run.
import { functionNames } from "../../workflows/names";
import type { InvokeLambda } from "./sfn";

const fn = z.enum(functionNames);
const index = z.number().int().min(1);
/** Which invocation of the function (1 = its first in the run); absent = the first one the fault fits. */
const target = { function: fn, invocation: index.optional() };
/** An SDK operation as the command names it without "Command" (GetItem, UpdateItem, SendEmail, …). */
const operation = z.string().regex(/^[A-Z][A-Za-z]+$/);

export const faultSchema = z.discriminatedUnion("kind", [
  /**
   * The process dies before the call is sent, or after its answer arrived (Runtime.ExitError). With
   * `operation` (e.g. "UpdateItem", "SendEmail"), `call` counts only the invocation's calls of it.
   */
  z.object({
    kind: z.literal("crash"),
    ...target,
    call: index,
    operation: operation.optional(),
    when: z.enum(["before", "after"]),
  }),
  /** The invocation runs past its timeout while making the call (Sandbox.Timedout). */
  z.object({ kind: z.literal("timeout"), ...target, call: index, operation: operation.optional() }),
  /** SES answers the invocation's `call`-th SendEmail with Throttling, `times` attempts in a row. */
  z.object({
    kind: z.literal("ses-throttle"),
    ...target,
    call: index,
    times: z.number().int().min(1).max(10),
  }),
  /**
   * The invocation's `call`-th conditional DynamoDB write loses a race: a concurrent twin of the step
   * made the same write first, so this one is answered ConditionalCheckFailedException.
   */
  z.object({ kind: z.literal("ddb-conditional-check-failed"), ...target, call: index }),
  /** DynamoDB answers the invocation's `call`-th write with ProvisionedThroughputExceeded, `times` in a row. */
  z.object({
    kind: z.literal("ddb-throughput-exceeded"),
    ...target,
    call: index,
    times: z.number().int().min(1).max(10),
  }),
  /** SES delivers the `delivery`-th inbound message's event to the Lambda twice, concurrently. */
  z.object({ kind: z.literal("duplicate-inbound"), delivery: index }),
  /** EventBridge Scheduler delivers the schedule's `firing`-th firing twice. */
  z.object({ kind: z.literal("duplicate-schedule"), schedule: z.string().min(1), firing: index }),
]);
export type Fault = z.infer<typeof faultSchema>;
export type FaultKind = Fault["kind"];
export const faultKinds = faultSchema.options.map((o) => o.shape.kind.value);

export const faultPlanSchema = z.object({
  faults: z.array(faultSchema),
  /** Virtual seconds after which a FAILED or TIMED_OUT execution is redriven (none when absent). */
  redriveAfterSeconds: z.number().int().min(1).optional(),
});
export type FaultPlan = z.infer<typeof faultPlanSchema>;

export class FaultPlanError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FaultPlanError";
  }
}

/** Reads and validates a fault plan file (`FAULTS=<file>`). */
export function loadFaultPlan(path: string): FaultPlan {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new FaultPlanError(`fault plan ${path}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = faultPlanSchema.safeParse(json);
  if (!parsed.success) throw new FaultPlanError(`fault plan ${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** One fault as it fired. */
export interface InjectedFault {
  kind: FaultKind;
  where: string;
}

interface Invocation {
  function: string;
  invocation: number;
  calls: number;
  /** Calls so far per operation. */
  operations: Map<string, number>;
  writes: number;
  conditionalWrites: number;
  sends: number;
}

/** What the inner (retried) middleware must do to this call's attempts. */
interface AttemptFault {
  error: () => Error;
  remaining: number;
  /** Let the write happen first, then report the error (a twin's write won the race). */
  afterWrite: boolean;
}

const WRITE = /^(Put|Update|Delete|TransactWrite|BatchWrite)/;

function crashError(where: string): Error {
  const error = new Error(
    `RequestId: fault-plan Error: Runtime exited with error: signal: killed (${where})`,
  );
  error.name = "Runtime.ExitError";
  return error;
}

function timeoutError(where: string): Error {
  const error = new Error(`Task timed out (${where})`);
  error.name = "Sandbox.Timedout";
  return error;
}

const metadata = { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 };

/** A middleware stack as the injector uses it (every client's stack has this shape). */
interface Stack {
  add(
    middleware: (
      next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
      context: { clientName?: string; commandName?: string },
    ) => (args: { input: Record<string, unknown> }) => Promise<unknown>,
    options: { step: "initialize" | "finalizeRequest"; name: string; priority: "high" | "low" },
  ): void;
}

export class FaultInjector {
  readonly injected: InjectedFault[] = [];
  /** Every SDK call made inside an invocation, `<function> <invocation>.<call> <operation>`: for writing plans. */
  readonly callLog: string[] = [];
  private readonly pending: Fault[];
  private readonly invocations = new AsyncLocalStorage<Invocation>();
  private readonly counts = new Map<string, number>();
  private readonly attempts = new WeakMap<object, AttemptFault>();
  private inboundDeliveries = 0;
  private readonly firings = new Map<string, number>();

  constructor(readonly plan: FaultPlan) {
    this.pending = [...plan.faults];
  }

  /** Adds the plan's middleware to every SDK client the handlers build. */
  readonly clientHook: ClientHook = (client) => {
    const stack = client.middlewareStack as unknown as Stack;
    stack.add((next, context) => (args) => this.onCall(next, context, args), {
      step: "initialize",
      name: "faultPlanCall",
      priority: "high",
    });
    // Inside the SDK's retry middleware: a throttling answer is retried as AWS's would be.
    stack.add((next, context) => (args) => this.onAttempt(next, context, args), {
      step: "finalizeRequest",
      name: "faultPlanAttempt",
      priority: "low",
    });
  };

  /** Runs each Lambda invocation in its own call-counting context; `nameOf` gives the function's folder. */
  wrapInvoke(
    invoke: InvokeLambda,
    nameOf: (functionArn: string, functionName: string) => string,
  ): InvokeLambda {
    return (functionArn, payload, context) => {
      const name = nameOf(functionArn, context.functionName);
      const invocation = (this.counts.get(name) ?? 0) + 1;
      this.counts.set(name, invocation);
      const state: Invocation = {
        function: name,
        invocation,
        calls: 0,
        operations: new Map(),
        writes: 0,
        conditionalWrites: 0,
        sends: 0,
      };
      return this.invocations.run(state, () => invoke(functionArn, payload, context));
    };
  }

  /** How many times the next SES inbound event is delivered (2 when the plan duplicates it). */
  nextInboundDeliveries(): number {
    this.inboundDeliveries += 1;
    const n = this.inboundDeliveries;
    return this.take("duplicate-inbound", (f) => f.delivery === n, `inbound message ${n}`) ? 2 : 1;
  }

  /** Whether this firing of the schedule is delivered twice. */
  duplicateFiring(schedule: string): boolean {
    const n = (this.firings.get(schedule) ?? 0) + 1;
    this.firings.set(schedule, n);
    const fault = this.take(
      "duplicate-schedule",
      (f) => f.schedule === schedule && f.firing === n,
      `${schedule} firing ${n}`,
    );
    return fault !== undefined;
  }

  private take<K extends FaultKind>(
    kind: K,
    fits: (fault: Extract<Fault, { kind: K }>) => boolean,
    where: string,
  ): Extract<Fault, { kind: K }> | undefined {
    const i = this.pending.findIndex((f) => f.kind === kind && fits(f as Extract<Fault, { kind: K }>));
    if (i < 0) return undefined;
    const [fault] = this.pending.splice(i, 1);
    this.injected.push({ kind, where });
    return fault as Extract<Fault, { kind: K }>;
  }

  private async onCall(
    next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
    context: { clientName?: string; commandName?: string },
    args: { input: Record<string, unknown> },
  ): Promise<unknown> {
    const inv = this.invocations.getStore();
    if (!inv) return next(args);
    const operation = (context.commandName ?? "").replace(/Command$/, "");
    const dynamo = (context.clientName ?? "").startsWith("DynamoDB");
    inv.calls += 1;
    const call = inv.calls;
    const nth = (inv.operations.get(operation) ?? 0) + 1;
    inv.operations.set(operation, nth);
    this.callLog.push(`${inv.function} ${inv.invocation}.${call} ${operation}`);
    const at = (f: { call: number; operation?: string | undefined }) =>
      f.operation === undefined ? f.call === call : f.operation === operation && f.call === nth;
    const write = dynamo && WRITE.test(operation);
    if (write) inv.writes += 1;
    const conditional = write && typeof args.input.ConditionExpression === "string";
    if (conditional) inv.conditionalWrites += 1;
    if (operation === "SendEmail") inv.sends += 1;
    const mine = (f: { function: string; invocation?: number | undefined }) =>
      f.function === inv.function && (f.invocation === undefined || f.invocation === inv.invocation);
    const where = (what: string) =>
      `${inv.function} invocation ${inv.invocation}, ${what} (call ${call}: ${operation})`;

    if (this.take("crash", (f) => mine(f) && at(f) && f.when === "before", where("crash before")))
      throw crashError(where("crash before"));
    if (this.take("timeout", (f) => mine(f) && at(f), where("timeout"))) throw timeoutError(where("timeout"));
    if (operation === "SendEmail") {
      const throttle = this.take("ses-throttle", (f) => mine(f) && f.call === inv.sends, where("throttled"));
      if (throttle) {
        this.attempts.set(context, {
          remaining: throttle.times,
          afterWrite: false,
          error: () =>
            new SESServiceException({
              name: "Throttling",
              $fault: "client",
              $metadata: { ...metadata },
              message: "Maximum sending rate exceeded.",
            }),
        });
      }
    }
    if (write) {
      const throughput = this.take(
        "ddb-throughput-exceeded",
        (f) => mine(f) && f.call === inv.writes,
        where("throughput exceeded"),
      );
      if (throughput) {
        this.attempts.set(context, {
          remaining: throughput.times,
          afterWrite: false,
          error: () =>
            new ProvisionedThroughputExceededException({
              $metadata: { ...metadata },
              message: "The level of configured provisioned throughput for the table was exceeded.",
            }),
        });
      }
    }
    if (conditional) {
      const lost = this.take(
        "ddb-conditional-check-failed",
        (f) => mine(f) && f.call === inv.conditionalWrites,
        where("conditional check failed"),
      );
      if (lost) {
        this.attempts.set(context, {
          remaining: 1,
          afterWrite: true,
          error: () =>
            new ConditionalCheckFailedException({
              $metadata: { ...metadata },
              message: "The conditional request failed",
            }),
        });
      }
    }
    const result = await next(args);
    if (this.take("crash", (f) => mine(f) && at(f) && f.when === "after", where("crash after")))
      throw crashError(where("crash after"));
    return result;
  }

  private async onAttempt(
    next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
    context: object,
    args: { input: Record<string, unknown> },
  ): Promise<unknown> {
    const fault = this.attempts.get(context);
    if (!fault || fault.remaining === 0) return next(args);
    fault.remaining -= 1;
    if (fault.afterWrite) await next(args);
    throw fault.error();
  }
}
