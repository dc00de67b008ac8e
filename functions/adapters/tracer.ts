/**
 * X-Ray traces with Powertools for AWS Lambda's Tracer (ADR 0046): a `## handler` subsegment per
 * invocation (the handler kit's `captureLambdaHandler` middleware) annotated with the contract and period,
 * and one subsegment per AWS SDK call on every client built by aws-config.ts (`captureClient`).
 *
 * What reaches X-Ray is chosen so that personal data does not:
 * - no handler response as metadata (`captureResponse: false` in the handler kit): responses hold contact
 *   emails and reply text (inbound-reply, the operator commands);
 * - no handler error as metadata (POWERTOOLS_TRACER_CAPTURE_ERROR=false on every function, only the error
 *   flag): error messages can quote an address (SES's "identities failed the check: …");
 * - the SDK subsegments record what X-Ray's allow-list names (table, bucket and object key, capacity) and,
 *   for a failed call, the error's message, which `captureClient` masks for X-Ray only;
 * - no HTTP subsegments of their own: every outbound call here is an SDK call, already traced.
 *
 * Off outside Lambda: Powertools traces only where AWS_EXECUTION_ENV is set (Lambda sets it; the embedded
 * stack and the CLI never do), and POWERTOOLS_TRACE_ENABLED=false turns it off anywhere; there the X-Ray
 * SDK also starts without its async hook (./xray-mode.ts).
 */
// First: decides the X-Ray SDK's mode before it loads.
import "./xray-mode";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { maskPersonalDataInText } from "../core/mask";

/** The middleware of `captureClient` that masks a failed call's error message for X-Ray only, and its undoing. */
const MASK_MIDDLEWARE = "ContractOpsMaskErrorForXRay";
const RESTORE_MIDDLEWARE = "ContractOpsRestoreErrorAfterXRay";

let instance: Tracer | undefined;

/**
 * The process's Tracer, built on first use: Powertools reads POWERTOOLS_TRACE_ENABLED and AWS_EXECUTION_ENV
 * when it is built.
 */
export function tracer(): Tracer {
  instance ??= new Tracer({ serviceName: "contract-ops", captureHTTPsRequests: false });
  return instance;
}

/** An SDK middleware that passes the call on unchanged, whatever the step's argument and result types. */
type PassThrough = <Args, Result>(next: (args: Args) => Promise<Result>) => (args: Args) => Promise<Result>;

/** What `captureClient` needs of an SDK v3 client: its middleware stack. */
interface TraceableClient {
  middlewareStack: {
    add(middleware: PassThrough, options: { step: "initialize"; name: string }): void;
    add(middleware: PassThrough, options: { step: "build"; name: string; priority: "low" }): void;
  };
}

const original = new WeakMap<object, string>();

/**
 * Records this client's calls as X-Ray subsegments, when tracing is on. X-Ray stores a failed call's error
 * message as it is (MessageRejected from SES can name recipients), so a middleware inside X-Ray's (the
 * `XRaySDKInstrumentation` middleware of aws-xray-sdk-core) masks the message with `maskPersonalDataInText`
 * of core/mask.ts, and one outside it restores the message: the caller sees the error unchanged.
 */
export function captureClient<C extends TraceableClient>(client: C): C {
  const active = tracer();
  if (!active.isTracingEnabled()) return client;
  active.captureAWSv3Client(client);
  const stack = client.middlewareStack;
  const mask: PassThrough = (next) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if (error instanceof Error) {
        original.set(error, error.message);
        error.message = maskPersonalDataInText(error.message);
      }
      throw error;
    }
  };
  const restore: PassThrough = (next) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if (error instanceof Error && original.has(error)) {
        error.message = original.get(error) ?? error.message;
        original.delete(error);
      }
      throw error;
    }
  };
  // The X-Ray middleware is at the build step with normal priority: `low` in the same step runs inside it.
  stack.add(mask, { step: "build", name: MASK_MIDDLEWARE, priority: "low" });
  stack.add(restore, { step: "initialize", name: RESTORE_MIDDLEWARE });
  return client;
}
