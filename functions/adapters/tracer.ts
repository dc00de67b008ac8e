/**
 * X-Ray traces on Lambda, written here as segment documents and sent to Lambda's X-Ray daemon (ADR 0082,
 * which replaces the Powertools Tracer and the X-Ray SDK of ADR 0046; the X-Ray SDKs are in maintenance
 * mode since 25 February 2026 and end support on 25 February 2027): a `## <handler>` subsegment per
 * invocation under Lambda's own segment (the handler kit opens and closes it), annotated with the contract
 * and period, and one subsegment per AWS SDK call on every client built by aws-config.ts (`captureClient`),
 * whose trace header goes on the request so the call's service links to the trace.
 *
 * What reaches X-Ray is chosen so that personal data does not:
 * - no handler response and no handler error message: an invocation that fails is only flagged;
 * - an SDK subsegment records the operation, region, request id, retries, HTTP status and the request and
 *   response fields of `RECORDED_FIELDS` (tables, buckets, object keys — contract ids and periods — and
 *   capacity), and for a failed call the error's name and its message masked by `maskPersonalDataInText`
 *   (SES's MessageRejected can name recipients); the caller gets the error unchanged.
 *
 * Off outside Lambda: only where AWS_EXECUTION_ENV is set (Lambda sets it; the embedded stack, the CLI and the
 * tests never do) and POWERTOOLS_TRACE_ENABLED is not `false`; and only for a sampled invocation (Lambda's
 * trace header says `Sampled=1`). Lambda runs one invocation at a time in an execution environment, so the
 * open invocation is module state: nothing hooks the process's promises.
 */
import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { getXrayTraceDataFromEnv } from "@aws-lambda-powertools/commons/utils/env";
import { maskPersonalDataInText } from "../core/mask";

/** The `Service` annotation of every invocation, as the Logger's `service` key. */
export const TRACED_SERVICE = "contract-ops";

/** Where the daemon listens when AWS_XRAY_DAEMON_ADDRESS does not say (X-Ray Developer Guide, the daemon). */
const DEFAULT_DAEMON_ADDRESS = "127.0.0.1:2000";

/** The header line of every datagram to the daemon (X-Ray Developer Guide, "Sending segment documents"). */
const DAEMON_HEADER = `${JSON.stringify({ format: "json", version: 1 })}\n`;

/**
 * The request and response fields recorded on an SDK subsegment, under X-Ray's names: those aws-xray-sdk-core's
 * allow-list (aws_whitelist.json) records for the DynamoDB and S3 operations the functions call. None holds
 * personal data: table and index names, read options, capacity and counts; buckets, object keys and prefixes
 * (usage/<contractId>/<period>/…, inbound/<SES message id>).
 */
const RECORDED_FIELDS: Record<string, { request: Record<string, string>; response: Record<string, string> }> =
  {
    DynamoDB: {
      request: {
        TableName: "table_name",
        IndexName: "index_name",
        ConsistentRead: "consistent_read",
        ProjectionExpression: "projection_expression",
        Limit: "limit",
        ScanIndexForward: "scan_index_forward",
        Select: "select",
      },
      response: { ConsumedCapacity: "consumed_capacity", Count: "count", ScannedCount: "scanned_count" },
    },
    S3: {
      request: { Bucket: "bucket_name", Key: "key", VersionId: "version_id", Prefix: "prefix" },
      response: {},
    },
  };

/** A subsegment as the daemon takes it (X-Ray Developer Guide, "X-Ray segment documents"). */
export interface Subsegment {
  type: "subsegment";
  id: string;
  trace_id: string;
  parent_id: string;
  name: string;
  start_time: number;
  end_time?: number;
  namespace?: "aws";
  annotations?: Record<string, string | boolean>;
  aws?: Record<string, unknown>;
  http?: { response: { status: number } };
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  cause?: { exceptions: { id: string; type: string; message: string; remote: true }[] };
}

interface Invocation {
  subsegment: Subsegment & { annotations: Record<string, string | boolean> };
  /** Datagrams not yet handed to the socket: awaited before the invocation returns, as Lambda may freeze. */
  sends: Promise<void>[];
}

let open: Invocation | undefined;
let coldStart = true;
let socket: Socket | undefined;

/** Whether this process traces at all (Lambda, and not switched off). */
export function tracingEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return (
    (env.AWS_EXECUTION_ENV ?? "") !== "" && (env.POWERTOOLS_TRACE_ENABLED ?? "").toLowerCase() !== "false"
  );
}

/** A 16-hex-digit segment id. */
function newId(): string {
  return randomBytes(8).toString("hex");
}

/** Seconds since the epoch, with the milliseconds, as segment documents give times. */
function epochSeconds(): number {
  return Date.now() / 1000;
}

/** The daemon's UDP address: `host:port`, or `udp:host:port tcp:host:port` (both forms Lambda documents). */
function daemonAddress(): { host: string; port: number } {
  const configured = process.env.AWS_XRAY_DAEMON_ADDRESS ?? DEFAULT_DAEMON_ADDRESS;
  const udp = configured.split(" ").find((part) => part.startsWith("udp:")) ?? configured;
  const [host = "", port = ""] = udp.replace(/^udp:/, "").split(":");
  return { host, port: Number(port) };
}

function send(invocation: Invocation, subsegment: Subsegment): void {
  socket ??= createSocket("udp4").unref();
  const { host, port } = daemonAddress();
  const datagram = Buffer.from(DAEMON_HEADER + JSON.stringify(subsegment), "utf8");
  invocation.sends.push(
    new Promise((resolve) => {
      // A trace that cannot be sent never fails the invocation (X-Ray's own SDK drops it too), be the
      // address unusable (thrown at once) or the datagram refused (reported to the callback).
      try {
        socket?.send(datagram, port, host, () => resolve());
      } catch {
        resolve();
      }
    }),
  );
}

/**
 * Opens the invocation's subsegment under Lambda's segment (the `Parent` of Lambda's trace header), when
 * tracing is on and Lambda sampled the request. The first invocation of the process is the cold start.
 */
export function startInvocation(handlerName = process.env._HANDLER ?? "handler"): void {
  const wasCold = coldStart;
  coldStart = false;
  open = undefined;
  if (!tracingEnabled()) return;
  const header = getXrayTraceDataFromEnv();
  if (header?.Sampled !== "1" || !header.Root || !header.Parent) return;
  open = {
    subsegment: {
      type: "subsegment",
      id: newId(),
      trace_id: header.Root,
      parent_id: header.Parent,
      name: `## ${handlerName}`,
      start_time: epochSeconds(),
      annotations: { ColdStart: wasCold, Service: TRACED_SERVICE },
    },
    sends: [],
  };
}

/** Annotates the open invocation's subsegment (X-Ray indexes annotations for filtering). */
export function putAnnotation(key: string, value: string): void {
  if (open) open.subsegment.annotations[key] = value;
}

/** Closes the invocation's subsegment, flagged if the invocation failed, and waits until it is sent. */
export async function endInvocation(outcome: { failed: boolean }): Promise<void> {
  const invocation = open;
  open = undefined;
  if (!invocation) return;
  send(invocation, {
    ...invocation.subsegment,
    end_time: epochSeconds(),
    ...(outcome.failed ? { error: true } : {}),
  });
  await Promise.all(invocation.sends);
}

/** What `captureClient` needs of an SDK v3 client: its middleware stack. */
interface TraceableClient {
  middlewareStack: {
    add(middleware: TracingMiddleware, options: { step: "build"; name: string }): void;
  };
}

/** The parts of the SDK's build step the middleware reads; the rest passes through untouched. */
type TracingMiddleware = <
  Args extends { input: object; request?: unknown },
  Result extends { output: object },
>(
  next: (args: Args) => Promise<Result>,
  context: { clientName?: string; commandName?: string },
) => (args: Args) => Promise<Result>;

/** The middleware's name in a client's stack. */
export const TRACING_MIDDLEWARE = "ContractOpsXRaySubsegment";

/** What the SDK says of a call in `$metadata`, on its output or on the error it threw. */
function sdkMetadata(value: unknown): { status?: number; requestId?: string; attempts?: number } {
  const metadata =
    typeof value === "object" && value !== null && "$metadata" in value ? value.$metadata : undefined;
  if (typeof metadata !== "object" || metadata === null) return {};
  const fields = new Map(Object.entries(metadata));
  const status = fields.get("httpStatusCode");
  const requestId = fields.get("requestId");
  const attempts = fields.get("attempts");
  return {
    ...(typeof status === "number" ? { status } : {}),
    ...(typeof requestId === "string" ? { requestId } : {}),
    ...(typeof attempts === "number" ? { attempts } : {}),
  };
}

function pick(source: object, names: Record<string, string>): Record<string, unknown> {
  const values = new Map(Object.entries(source));
  return Object.fromEntries(
    Object.entries(names).flatMap(([from, to]) =>
      values.get(from) === undefined ? [] : [[to, values.get(from)]],
    ),
  );
}

/**
 * Records this client's calls as subsegments of the open invocation, when tracing is on: at the build step,
 * as aws-xray-sdk-core's `captureAWSv3Client` did, so one subsegment covers the call with its retries.
 */
export function captureClient<C extends TraceableClient>(client: C): C {
  if (!tracingEnabled()) return client;
  const middleware: TracingMiddleware = (next, context) => async (args) => {
    const invocation = open;
    if (!invocation) return next(args);
    const service = (context.clientName ?? "").replace(/Client$/, "");
    const fields = RECORDED_FIELDS[service];
    const subsegment: Subsegment = {
      type: "subsegment",
      id: newId(),
      trace_id: invocation.subsegment.trace_id,
      parent_id: invocation.subsegment.id,
      name: service,
      namespace: "aws",
      start_time: epochSeconds(),
    };
    const { request } = args;
    if (typeof request === "object" && request !== null && "headers" in request) {
      const { headers } = request;
      if (typeof headers === "object" && headers !== null)
        Reflect.set(
          headers,
          "X-Amzn-Trace-Id",
          `Root=${subsegment.trace_id};Parent=${subsegment.id};Sampled=1`,
        );
    }
    const aws = (outcome: unknown, output: object | undefined) => {
      const { requestId, attempts } = sdkMetadata(outcome);
      return {
        operation: (context.commandName ?? "").replace(/Command$/, ""),
        region: process.env.AWS_REGION,
        ...(requestId ? { request_id: requestId } : {}),
        ...(attempts ? { retries: attempts - 1 } : {}),
        ...(fields ? pick(args.input, fields.request) : {}),
        ...(fields && output ? pick(output, fields.response) : {}),
      };
    };
    try {
      const result = await next(args);
      const { status } = sdkMetadata(result.output);
      send(invocation, {
        ...subsegment,
        end_time: epochSeconds(),
        aws: aws(result.output, result.output),
        ...(status ? { http: { response: { status } } } : {}),
      });
      return result;
    } catch (error) {
      const { status } = sdkMetadata(error);
      const name = error instanceof Error ? error.name : "Error";
      const message = error instanceof Error ? error.message : String(error);
      send(invocation, {
        ...subsegment,
        end_time: epochSeconds(),
        aws: aws(error, undefined),
        ...(status ? { http: { response: { status } } } : {}),
        // X-Ray's meaning of the flags: error for a 4xx, throttle beside it for a 429, fault for a 5xx or
        // for a call that got no answer.
        ...(status !== undefined && status < 500 ? { error: true } : { fault: true }),
        ...(status === 429 || /Throttl|TooManyRequests/.test(name) ? { throttle: true } : {}),
        cause: {
          exceptions: [{ id: newId(), type: name, message: maskPersonalDataInText(message), remote: true }],
        },
      });
      throw error;
    }
  };
  client.middlewareStack.add(middleware, { step: "build", name: TRACING_MIDDLEWARE });
  return client;
}
