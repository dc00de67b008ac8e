/**
 * The Step Functions API over HTTP, AWS JSON 1.0 protocol: POST / with
 * `X-Amz-Target: AWSStepFunctions.<Operation>` and `Content-Type: application/x-amz-json-1.0`;
 * errors are HTTP 400 with `{"__type": "<code>", "message": "…"}`. Timestamps travel as epoch seconds,
 * as the protocol defines, so @aws-sdk/client-sfn works unchanged with an endpoint override.
 * Given a `logs` answerer, the same endpoint also takes `X-Amz-Target: Logs_20140328.<Operation>` (AWS JSON
 * 1.1), so @aws-sdk/client-cloudwatch-logs reads the local Lambdas' logs there (ADR 0092).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { refuseForeignHosts } from "../ports";
import type { LocalStepFunctions } from "./runtime";

const OPERATIONS = {
  CreateStateMachine: "createStateMachine",
  DescribeStateMachine: "describeStateMachine",
  ListStateMachines: "listStateMachines",
  StartExecution: "startExecution",
  DescribeExecution: "describeExecution",
  ListExecutions: "listExecutions",
  StopExecution: "stopExecution",
  RedriveExecution: "redriveExecution",
  GetExecutionHistory: "getExecutionHistory",
  SendTaskSuccess: "sendTaskSuccess",
  SendTaskFailure: "sendTaskFailure",
  SendTaskHeartbeat: "sendTaskHeartbeat",
  DescribeMapRun: "describeMapRun",
  ListMapRuns: "listMapRuns",
} as const;

type Operation = keyof typeof OPERATIONS;

const LOGS_PREFIX = "Logs_20140328.";

/** The CloudWatch Logs operations the embedded stack answers (infra/local/lambda-logs.ts). */
export interface LocalLogsApi {
  answer(operation: string, input: Record<string, unknown>): Promise<unknown>;
}

/** `GET` on the Step Functions endpoint: `{"now": ISO instant, "mode": "virtual" | "real"}`. */
export const STACK_CLOCK_PATH = "/contract-ops/clock";

export async function startStepFunctionsApi(
  runtime: LocalStepFunctions,
  options: { port?: number; host?: string; logs?: LocalLogsApi } = {},
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    // The request is work in flight: virtual time must not jump while it is being answered.
    void runtime.clock.track(handle(runtime, req, res, options.logs));
  });
  refuseForeignHosts(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function handle(
  runtime: LocalStepFunctions,
  req: IncomingMessage,
  res: ServerResponse,
  logs: LocalLogsApi | undefined,
): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    // Not an AWS operation: the stack's clock, for the ops CLI to stamp what it records with the stack's time.
    if (req.method === "GET" && req.url === STACK_CLOCK_PATH) {
      return send(res, 200, { now: runtime.clock.now().toISOString(), mode: runtime.clock.mode });
    }
    if (req.method !== "POST")
      return send(res, 400, errorBody("UnknownOperationException", "only POST is supported"));
    const target = String(req.headers["x-amz-target"] ?? "");
    let input: unknown;
    try {
      const text = Buffer.concat(chunks).toString("utf8");
      input = text.length === 0 ? {} : JSON.parse(text);
    } catch {
      return send(res, 400, errorBody("SerializationException", "request body is not valid JSON"));
    }
    if (logs && target.startsWith(LOGS_PREFIX)) {
      const output = await logs.answer(target.slice(LOGS_PREFIX.length), input as Record<string, unknown>);
      return send(res, 200, output, "application/x-amz-json-1.1");
    }
    const op = target.startsWith("AWSStepFunctions.") ? target.slice("AWSStepFunctions.".length) : "";
    if (!(op in OPERATIONS))
      return send(res, 400, errorBody("UnknownOperationException", `unknown operation '${target}'`));
    const method = OPERATIONS[op as Operation];
    const fn = runtime[method] as (this: LocalStepFunctions, i: unknown) => Promise<unknown>;
    const output = await fn.call(runtime, input);
    send(res, 200, toWire(output));
  } catch (error) {
    const e = error as Error;
    const known = e.name && e.name !== "Error" && !e.name.endsWith("Error");
    send(res, known ? 400 : 500, errorBody(known ? e.name : "InternalFailure", e.message));
  }
}

function errorBody(type: string, message: string): unknown {
  return { __type: type, message };
}

function send(res: ServerResponse, status: number, body: unknown, type = "application/x-amz-json-1.0"): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(text),
    "x-amzn-RequestId": cryptoId(),
  });
  res.end(text);
}

let requestCounter = 0;
function cryptoId(): string {
  requestCounter++;
  return `local-${requestCounter.toString(16).padStart(8, "0")}`;
}

/** Dates become epoch seconds (AWS JSON 1.0 timestamp format). */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toWire(v);
    return out;
  }
  return value;
}
