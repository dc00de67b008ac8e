/**
 * Lambda's concurrency quota on the embedded stack: at most `limit` invocations run at once (AWS's default
 * account quota is 1,000 concurrent executions per Region, "Lambda quotas" in the developer guide); the
 * others wait their turn, first come first served. On AWS an invocation over the quota is throttled and
 * Step Functions retries it; waiting here is that retry without its delay. In one process the quota also
 * bounds memory: every invocation in flight holds its SDK requests and responses in the same heap.
 */
import type { InvokeLambda } from "./sfn";

/** AWS's default concurrent-executions quota per account and Region. */
export const DEFAULT_LAMBDA_CONCURRENCY = 1000;

export function limitLambdaConcurrency(invoke: InvokeLambda, limit: number): InvokeLambda {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Lambda concurrency must be a whole number ≥ 1, got ${limit}`);
  }
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (functionArn, payload, context) => {
    // A finished invocation hands its slot to the first waiting one, so a newcomer never overtakes it.
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await invoke(functionArn, payload, context);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
