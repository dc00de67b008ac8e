/**
 * The embedded stack's Lambda concurrency quota (infra/local/lambda-concurrency.ts): never more than the
 * limit in flight, the waiting ones served in arrival order, and a failing invocation frees its slot. The
 * oracle is counting, by hand, what a limit of 2 allows for 5 invocations released one at a time.
 */
import { describe, expect, it } from "vitest";
import { limitLambdaConcurrency } from "../../infra/local/lambda-concurrency";

function controlled() {
  const started: number[] = [];
  const finish = new Map<number, { ok: () => void; fail: (error: Error) => void }>();
  let inFlight = 0;
  let peak = 0;
  const invoke = (_arn: string, payload: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const n = payload as number;
      started.push(n);
      inFlight++;
      peak = Math.max(peak, inFlight);
      finish.set(n, {
        ok: () => {
          inFlight--;
          resolve(n);
        },
        fail: (error) => {
          inFlight--;
          reject(error);
        },
      });
    });
  return { invoke, started, finish, peak: () => peak };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const context = { functionName: "f", awsRequestId: "r" };

describe("Lambda concurrency on the embedded stack", () => {
  it("runs at most the limit at once and starts the waiting ones in arrival order", async () => {
    const c = controlled();
    const limited = limitLambdaConcurrency(c.invoke, 2);
    const all = Promise.allSettled([1, 2, 3, 4, 5].map((n) => limited("arn", n, context)));
    await settle();
    expect(c.started).toEqual([1, 2]);
    c.finish.get(2)?.ok();
    await settle();
    expect(c.started).toEqual([1, 2, 3]);
    c.finish.get(1)?.ok();
    await settle();
    expect(c.started).toEqual([1, 2, 3, 4]);
    c.finish.get(3)?.fail(new Error("boom"));
    await settle();
    expect(c.started).toEqual([1, 2, 3, 4, 5]);
    c.finish.get(4)?.ok();
    c.finish.get(5)?.ok();
    const settled = await all;
    expect(settled.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    expect(c.peak()).toBe(2);
  });

  it("refuses a limit that is not a whole number of at least 1", () => {
    const c = controlled();
    expect(() => limitLambdaConcurrency(c.invoke, 0)).toThrow(RangeError);
    expect(() => limitLambdaConcurrency(c.invoke, 1.5)).toThrow(RangeError);
  });
});
