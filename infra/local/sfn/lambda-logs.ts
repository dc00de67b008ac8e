/**
 * What CloudWatch Logs keeps of each Lambda invocation, on the embedded stack: every line a handler
 * writes to stdout or stderr while it runs, with the time (the stack's clock), the invocation's request id
 * and the line's level, kept per invocation and findable by the execution and state that invoked it.
 *
 * Handlers run concurrently in this one process, so each invocation runs in its own asynchronous context:
 * Lambda's invoke store in multi-concurrency mode (`@aws/lambda-invoke-store`, what Powertools reads its
 * per-invocation keys and metrics from, as on Lambda Managed Instances) and the line sink here.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { InvokeStore, InvokeStoreBase } from "@aws/lambda-invoke-store";

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

  constructor(private readonly nowMs: () => number) {}

  /**
   * Runs one invocation in its own invoke-store context, keeping the lines it writes. An invocation that
   * writes nothing leaves no record (the embedded stack runs thousands of quiet invocations).
   */
  async capture<T>(meta: InvocationMeta, run: () => Promise<T>): Promise<T> {
    installTee();
    const store = await InvokeStore.getInstanceAsync(true);
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
    return store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: meta.requestId }, () =>
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
