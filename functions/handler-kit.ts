/**
 * The shape of every Lambda in this project (style.md, Powertools examples): middy with — first, so it
 * spans the rest — the invocation's X-Ray subsegment (annotated with contractId and period; no response or
 * error recorded, ADR 0082), then the Powertools integrations: the Logger gets the Lambda context and the
 * same correlation keys, the metrics an invocation counted are published as EMF when it ends — then the event parsed by a zod
 * schema (a malformed event fails loudly, before any side effect), then one call into the application layer.
 * Errors keep their class name, which Step Functions sees as the task's Error.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type * as z from "zod";
import { type CorrelationKeys, correlate } from "./adapters/correlation";
import { configuredLogLevel, logger } from "./adapters/logger";
import { metrics } from "./adapters/metrics";
import { endInvocation, startInvocation } from "./adapters/tracer";

export class InvalidEventError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidEventError";
  }
}

export class InvalidOutputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidOutputError";
  }
}

export interface HandlerOptions {
  /** The schema of the result the state machine reads (functions/schemas.ts `outputs`). */
  output?: z.ZodType;
  /**
   * The handler counts working days (its deadlines or the emails it renders): `loadStackCalendar` of
   * app/calendar.ts, which reads the stack's official calendar years from the table first, so a year loaded
   * after deployment is used at once (ADR 0041). Passed by the handler rather than imported here, so the
   * calendar is in the bundles of only the handlers that count working days (ADR 0080).
   */
  workingDays?: () => Promise<void>;
}

export function lambdaHandler<Schema extends z.ZodType, Result>(
  name: string,
  schema: Schema,
  body: (event: z.infer<Schema>) => Promise<Result>,
  options: HandlerOptions = {},
) {
  return middy<unknown, Result, Error, Context>()
    .use({
      before: () => startInvocation(),
      after: () => endInvocation({ failed: false }),
      onError: () => endInvocation({ failed: true }),
    })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics()))
    .before(async (request) => {
      logger.setLogLevel(configuredLogLevel());
      const parsed = schema.safeParse(request.event);
      if (!parsed.success) {
        throw new InvalidEventError(
          `${name}: invalid event: ${parsed.error.issues.map((i) => `${i.path.join(".") || "$"}: ${i.message}`).join("; ")}`,
        );
      }
      request.event = parsed.data;
      correlate(correlationKeys(parsed.data));
      await options.workingDays?.();
    })
    .onError((request) => {
      logger.error(`${name} failed`, { error: request.error ?? undefined });
    })
    .handler(async (event) => {
      const result = await body(event as z.infer<Schema>);
      const checked = options.output?.safeParse(result);
      if (checked && !checked.success) {
        throw new InvalidOutputError(
          `${name}: invalid output: ${checked.error.issues.map((i) => `${i.path.join(".") || "$"}: ${i.message}`).join("; ")}`,
        );
      }
      return result;
    });
}

/**
 * The contract and period an event is about, when it names them: every line of the invocation carries them.
 * An object whose `contractId` and `period` are each absent or text names them; any other event names neither
 * (what `z.object({ contractId: z.string().optional(), period: z.string().optional() })` accepts, read
 * without a second zod parse of the event per invocation, ADR 0114).
 */
export function correlationKeys(event: unknown): CorrelationKeys {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return {};
  const { contractId, period } = event as Record<string, unknown>;
  if (contractId !== undefined && typeof contractId !== "string") return {};
  if (period !== undefined && typeof period !== "string") return {};
  return { ...(contractId ? { contractId } : {}), ...(period ? { period } : {}) };
}
