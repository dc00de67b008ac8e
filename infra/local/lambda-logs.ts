/**
 * CloudWatch Logs for the embedded stack's Lambdas (ADR 0092). Each in-process invocation runs inside an
 * AsyncLocalStorage context; whatever its handler writes to stdout or stderr — console.log lines, the
 * project's JSON logger, Powertools' JSON — becomes a log event of the function's group
 * `/aws/lambda/<function name>`, between the START and END lines Lambda writes, stamped with the stack's
 * (virtual) time. A console.* call gets the Node.js runtime's text prefix
 * `<ISO time>\t<request id>\t<LEVEL>\t`; a direct write to stdout or stderr (a JSON logger's line) is
 * stored as written, as Lambda stores it.
 *
 * The console reads them back with the CloudWatch Logs API (FilterLogEvents over the task's time), which the
 * Step Functions endpoint also answers locally (`answer`), so the same code reads a deployed stack's logs.
 * The store keeps the newest MAX_EVENTS events, like a retention period, so a long run stays bounded.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import type { InvokeLambda } from "./sfn";
import type { VirtualClock } from "./sfn/virtual-clock";

export const MAX_EVENTS = 20_000;
const MAX_PAGE = 10_000;

export interface StoredLogEvent {
  logGroupName: string;
  logStreamName: string;
  timestamp: number;
  message: string;
  eventId: string;
}

interface Invocation {
  store: LambdaLogStore;
  logGroupName: string;
  logStreamName: string;
  requestId: string;
}

const invocations = new AsyncLocalStorage<Invocation>();
let outputPatched = false;

const CONSOLE_LEVELS = {
  log: "INFO",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
  debug: "DEBUG",
  trace: "TRACE",
} as const;

/**
 * Routes output made inside an invocation to its log group as well; outside one the streams and the
 * console behave as before. console.* is patched as Lambda's Node.js runtime patches it (a text line with
 * time, request id and level); a direct stream write is stored as written. Installed once per process,
 * on the first stack that captures logs.
 */
function patchOutput(): void {
  if (outputPatched) return;
  outputPatched = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const invocation = invocations.getStore();
      if (invocation) invocation.store.record(invocation, chunk);
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
  for (const [method, level] of Object.entries(CONSOLE_LEVELS) as [keyof typeof CONSOLE_LEVELS, string][]) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const invocation = invocations.getStore();
      if (!invocation) return original(...args);
      invocation.store.record(invocation, format(...args), level);
      // The original writes to a stream: outside the invocation's context, so it is not stored twice.
      invocations.exit(() => original(...args));
    };
  }
}

function groupOf(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

export class LogsApiError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class LambdaLogStore {
  private events: StoredLogEvent[] = [];
  private first = 0;
  private sequence = 0;
  private readonly created = new Map<string, number>();

  private readonly clock: VirtualClock;
  private readonly maxEvents: number;

  constructor(clock: VirtualClock, maxEvents = MAX_EVENTS) {
    this.clock = clock;
    this.maxEvents = maxEvents;
  }

  /** Wraps an invoker so each invocation's output is captured under its request id. */
  capture(invoke: InvokeLambda): InvokeLambda {
    patchOutput();
    return async (functionArn, payload, context) => {
      const day = new Date(this.clock.nowMs()).toISOString().slice(0, 10).replaceAll("-", "/");
      const invocation: Invocation = {
        store: this,
        logGroupName: groupOf(context.functionName),
        // Lambda gives each execution environment its own stream, and an environment runs one invocation
        // at a time; in-process invocations overlap, so each gets a stream of its own.
        logStreamName: `${day}/[$LATEST]${context.awsRequestId.replaceAll("-", "")}`,
        requestId: context.awsRequestId,
      };
      this.append(invocation, `START RequestId: ${context.awsRequestId} Version: $LATEST`);
      try {
        return await invocations.run(invocation, () => invoke(functionArn, payload, context));
      } finally {
        this.append(invocation, `END RequestId: ${context.awsRequestId}`);
      }
    };
  }

  /** A console call (with its level) becomes a runtime text line; a stream write is kept as written. */
  record(invocation: Invocation, chunk: unknown, level?: string): void {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    const message = text.replace(/\n$/, "");
    if (message === "") return;
    const at = new Date(this.clock.nowMs()).toISOString();
    this.append(invocation, level ? `${at}\t${invocation.requestId}\t${level}\t${message}` : message);
  }

  private append(invocation: Invocation, message: string): void {
    const timestamp = this.clock.nowMs();
    if (!this.created.has(invocation.logGroupName)) this.created.set(invocation.logGroupName, timestamp);
    this.events.push({
      logGroupName: invocation.logGroupName,
      logStreamName: invocation.logStreamName,
      timestamp,
      message,
      eventId: String(++this.sequence).padStart(20, "0"),
    });
    if (this.events.length - this.first > this.maxEvents) this.first++;
    // Dropped events are cut off in one go once they are as many as the kept ones.
    if (this.first >= this.maxEvents) {
      this.events = this.events.slice(this.first);
      this.first = 0;
    }
  }

  /** The Logs API operations the console calls, in the AWS JSON 1.1 shapes. */
  async answer(operation: string, input: Record<string, unknown>): Promise<unknown> {
    if (operation === "DescribeLogGroups") {
      const prefix = typeof input.logGroupNamePrefix === "string" ? input.logGroupNamePrefix : "";
      return {
        logGroups: [...this.created.entries()]
          .filter(([name]) => name.startsWith(prefix))
          .map(([logGroupName, creationTime]) => ({ logGroupName, creationTime })),
      };
    }
    if (operation === "FilterLogEvents") return this.filter(input);
    throw new LogsApiError("UnknownOperationException", `unknown operation ${operation}`);
  }

  private filter(input: Record<string, unknown>) {
    const group = input.logGroupName;
    if (typeof group !== "string" || !this.created.has(group))
      throw new LogsApiError("ResourceNotFoundException", "The specified log group does not exist.");
    const from = typeof input.startTime === "number" ? input.startTime : Number.NEGATIVE_INFINITY;
    const to = typeof input.endTime === "number" ? input.endTime : Number.POSITIVE_INFINITY;
    const limit = typeof input.limit === "number" ? Math.min(input.limit, MAX_PAGE) : MAX_PAGE;
    const after = typeof input.nextToken === "string" ? input.nextToken : "";
    const found: StoredLogEvent[] = [];
    for (let i = this.first; i < this.events.length; i++) {
      const event = this.events[i] as StoredLogEvent;
      if (event.logGroupName !== group || event.eventId <= after) continue;
      if (event.timestamp < from || event.timestamp > to) continue;
      if (found.length === limit) {
        return { events: found.map(wire), nextToken: found.at(-1)?.eventId };
      }
      found.push(event);
    }
    return { events: found.map(wire) };
  }
}

function wire(event: StoredLogEvent) {
  return {
    logStreamName: event.logStreamName,
    timestamp: event.timestamp,
    message: event.message,
    ingestionTime: event.timestamp,
    eventId: event.eventId,
  };
}
