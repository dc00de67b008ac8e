/**
 * Handlers run concurrently in the embedded stack's one process, so each invocation runs in its own context
 * of an invoke store as Lambda provides in multi-concurrency mode (`globalThis.awslambda.InvokeStore`): with
 * AWS_LAMBDA_MAX_CONCURRENCY set, as on Lambda Managed Instances, Powertools keeps each invocation's log keys
 * (contractId, period, the Lambda context) and metrics there, so concurrent invocations do not mix them
 * (ADR 0045). Their output is captured separately (lambda-logs.ts, ADR 0092).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { InvokeStoreBase } from "@aws/lambda-invoke-store";
import type { InvokeLambda } from "./sfn";

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

/**
 * The first Blob a Node process makes detaches an ArrayBuffer, and V8 then drops every optimised function that
 * read a typed array on the assumption that none is ever detached (its ArrayBufferDetaching protector). On
 * Lambda each function has a process of its own; here the handlers share one. postal-mime, which the
 * inbound-reply handler runs, makes a Blob for every part it decodes, and the first reply came after the
 * first month: it dropped the usage parsers' compiled loops and the SDK's, which the second month then ran
 * cold again. One Blob when the stack starts, before that code is compiled, makes the event cost nothing
 * (ADR 0114).
 */
function detachOnceBeforeTheRun(): void {
  new Blob([new Uint8Array(0)]);
}

/**
 * Runs each invocation in a context of its own, as Lambda in multi-concurrency mode does. The caller sets
 * AWS_LAMBDA_MAX_CONCURRENCY for as long as the stack runs; the store is installed at once, so code outside an
 * invocation finds it too.
 */
export function inOwnInvokeContext(invoke: InvokeLambda): InvokeLambda {
  detachOnceBeforeTheRun();
  const store = invokeStore();
  return (functionArn, payload, context) =>
    store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () =>
      invoke(functionArn, payload, context),
    );
}
