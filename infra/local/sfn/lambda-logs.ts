/**
 * What CloudWatch Logs keeps of each Lambda invocation, on the embedded stack: every line a handler
 * writes to stdout or stderr while it runs, with the time (the stack's clock), the invocation's request id
 * and the line's level, kept per invocation and findable by the execution and state that invoked it.
 *
 * Handlers run concurrently in this one process, so each invocation runs in its own asynchronous context:
 * an invoke store as Lambda provides in multi-concurrency mode (`globalThis.awslambda.InvokeStore`, where
 * Powertools keeps per-invocation keys and metrics when AWS_LAMBDA_MAX_CONCURRENCY is set, as on Lambda
 * Managed Instances), and the line sink here.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { InvokeStoreBase } from "@aws/lambda-invoke-store";

type InvokeContext = Record<string | symbol, unknown>;

/**
 * Lambda's multi-concurrency invoke store, except that code running outside any invocation — a test calling a
 * handler directly, the local console acting for an operator — shares one context instead of failing: on
 * Lambda nothing runs outside an invocation, here the stack's own process does.
 */
class LocalInvokeStore extends InvokeStoreBase {
  private readonly als = new AsyncLocalStorage<InvokeContext>();
  private readonly outside: InvokeContext = {};

  getContext(): InvokeContext {
    return this.als.getStore() ?? this.outside;
  }

  hasContext(): boolean {
    return true;
  }

  get<T = unknown>(key: string | symbol): T | undefined {
    return this.getContext()[key] as T | undefined;
  }

  set<T = unknown>(key: string | symbol, value: T): void {
    if (this.isProtectedKey(key))
      throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    this.getContext()[key] = value;
  }

  run<T>(context: InvokeContext, fn: () => T): T {
    return this.als.run(context, fn);
  }
}

/**
 * The process's invoke store: this stack's, installed where Powertools looks for Lambda's
 * (`globalThis.awslambda`, which importing @aws/lambda-invoke-store creates).
 */
function invokeStore(): LocalInvokeStore {
  const current = globalThis.awslambda.InvokeStore;
  if (current instanceof LocalInvokeStore) return current;
  const store = new LocalInvokeStore();
  globalThis.awslambda.InvokeStore = store;
  return store;
}

/** One log event, shaped as CloudWatch Logs shows a Lambda's JSON log line. */
export interface LambdaLogLine {
  /** When the line was written, on the stack's clock (ISO 8601). */
  timestamp: string;
  requestId: string;
  /** The `level` field of a JSON line; INFO for other stdout lines, ERROR for other stderr lines. */
  level: string;
  /** The line as written (a JSON document for the Powertools Logger's and Metrics' lines). */
  message: string;
}

export interface LambdaInvocationLog {
  requestId: string;
  functionName: string;
  /** The execution and Task state that invoked the function; absent for SES's asynchronous invocation. */
  executionArn?: string;
  stateName?: string;
  lines: LambdaLogLine[];
}

export interface InvocationMeta {
  requestId: string;
  functionName: string;
  executionArn?: string;
  stateName?: string;
}

type Sink = (stream: "stdout" | "stderr", text: string) => void;

const currentSink = new AsyncLocalStorage<Sink>();
let teeInstalled = false;

/** Every write to stdout/stderr made inside an invocation also goes to that invocation's sink. */
function installTee(): void {
  if (teeInstalled) return;
  teeInstalled = true;
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      currentSink.getStore()?.(
        name,
        typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(),
      );
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}

function levelOf(line: string, stream: "stdout" | "stderr"): string {
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed && typeof parsed === "object" && "level" in parsed && typeof parsed.level === "string") {
      return parsed.level;
    }
  } catch {
    // Not JSON: a plain console line.
  }
  return stream === "stderr" ? "ERROR" : "INFO";
}

export class LambdaLogStore {
  private readonly byRequest = new Map<string, LambdaInvocationLog>();

  private readonly store = invokeStore();

  constructor(private readonly nowMs: () => number) {}

  /**
   * Runs one invocation in its own invoke-store context, keeping the lines it writes. An invocation that
   * writes nothing leaves no record (the embedded stack runs thousands of quiet invocations).
   */
  async capture<T>(meta: InvocationMeta, run: () => Promise<T>): Promise<T> {
    installTee();
    const sink: Sink = (stream, text) => {
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        let log = this.byRequest.get(meta.requestId);
        if (!log) {
          log = { ...meta, lines: [] };
          this.byRequest.set(meta.requestId, log);
        }
        log.lines.push({
          timestamp: new Date(this.nowMs()).toISOString(),
          requestId: meta.requestId,
          level: levelOf(line, stream),
          message: line,
        });
      }
    };
    return this.store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: meta.requestId }, () =>
      currentSink.run(sink, run),
    );
  }

  /** The invocations an execution's Task states made that wrote anything, in the order they first wrote. */
  forExecution(executionArn: string): LambdaInvocationLog[] {
    return [...this.byRequest.values()].filter((log) => log.executionArn === executionArn);
  }

  forRequest(requestId: string): LambdaInvocationLog | undefined {
    return this.byRequest.get(requestId);
  }
}
