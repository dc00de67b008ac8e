/**
 * The virtual clock: time jumps to the next timer only when nothing is in flight, timers fire in
 * (time, scheduling) order, and runs are deterministic.
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { now, systemClock, useClock } from "../../functions/adapters/clock";
import { LocalStepFunctions } from "../../infra/local/sfn/runtime";
import { VirtualClock } from "../../infra/local/sfn/virtual-clock";
import { harness, machine, START } from "../fixtures/sfn/harness";

const at = (ms: number) => new Date(START.getTime() + ms);

describe("VirtualClock", () => {
  it("fires timers in time order, then scheduling order, and stands at the limit afterwards", async () => {
    const clock = new VirtualClock(START);
    const fired: string[] = [];
    clock.schedule(at(2000), () => void fired.push(`b@${clock.nowMs() - START.getTime()}`));
    clock.schedule(at(1000), () => void fired.push(`a@${clock.nowMs() - START.getTime()}`));
    clock.schedule(at(2000), () => void fired.push(`c@${clock.nowMs() - START.getTime()}`));
    const cancelled = clock.schedule(at(1500), () => void fired.push("cancelled"));
    clock.schedule(at(9000), () => void fired.push("late"));
    cancelled.cancel();
    await clock.runUntil(at(5000));
    expect(fired).toEqual(["a@1000", "b@2000", "c@2000"]);
    expect(clock.nowMs()).toBe(START.getTime() + 5000);
    expect(clock.nextTimerAt()?.getTime()).toBe(START.getTime() + 9000);
  });

  it("fires any set of timers in (time, scheduling order), skipping cancelled ones (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 60 }),
        async (specs) => {
          const clock = new VirtualClock(START);
          const fired: Array<[number, number]> = [];
          specs.forEach(([offset, cancel], seq) => {
            const timer = clock.schedule(
              at(offset * 1000),
              () => void fired.push([clock.nowMs() - START.getTime(), seq]),
            );
            if (cancel) timer.cancel();
          });
          await clock.runUntil(at(60_000));
          const expected = specs
            .map(([offset, cancel], seq) => ({ offset, cancel, seq }))
            .filter((t) => !t.cancel)
            .sort((a, b) => a.offset - b.offset || a.seq - b.seq)
            .map((t): [number, number] => [t.offset * 1000, t.seq]);
          expect(fired).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("does not jump while tracked work is in flight, even work that takes real milliseconds", async () => {
    const clock = new VirtualClock(START);
    const seen: number[] = [];
    clock.schedule(at(1000), () => {
      // An SMTP delivery, say: real asynchronous work started by a timer, which schedules more.
      void clock.track(
        new Promise<void>((resolve) =>
          setTimeout(() => {
            seen.push(clock.nowMs() - START.getTime());
            clock.schedule(at(1500), () => void seen.push(clock.nowMs() - START.getTime()));
            resolve();
          }, 20),
        ),
      );
    });
    clock.schedule(at(2000), () => void seen.push(clock.nowMs() - START.getTime()));
    await clock.runUntil(at(3000));
    expect(seen).toEqual([1000, 1500, 2000]);
  });

  it("a scheduled callback's returned promise is in-flight work; its failure surfaces from runUntil", async () => {
    const clock = new VirtualClock(START);
    const order: string[] = [];
    clock.schedule(at(10), async () => {
      await new Promise((r) => setTimeout(r, 10));
      order.push("slow done");
    });
    clock.schedule(at(20), () => void order.push("next timer"));
    await clock.runUntil(at(100));
    expect(order).toEqual(["slow done", "next timer"]);
    clock.schedule(at(200), async () => {
      throw new Error("actor broke");
    });
    await expect(clock.runUntil(at(300))).rejects.toMatchObject({ name: "ScheduledWorkError" });
  });

  it("idle() waits for in-flight work without moving time", async () => {
    const clock = new VirtualClock(START);
    let done = false;
    void clock.track(
      new Promise<void>((r) =>
        setTimeout(() => {
          done = true;
          r();
        }, 5),
      ),
    );
    clock.schedule(at(1000), () => undefined);
    await clock.idle();
    expect(done).toBe(true);
    expect(clock.nowMs()).toBe(START.getTime());
  });

  it("is the clock handlers read through functions/adapters/clock once installed; real mode reads the wall clock", () => {
    const clock = new VirtualClock(START);
    useClock(clock);
    try {
      expect(now().toISOString()).toBe(START.toISOString());
    } finally {
      useClock(systemClock);
    }
    const real = new VirtualClock(START, "real");
    expect(Math.abs(real.nowMs() - Date.now())).toBeLessThan(1000);
  });

  it("real mode: a timer months away does not fire early (setTimeout's 24.8-day limit)", async () => {
    const real = new VirtualClock(START, "real");
    let fired = false;
    const timer = real.schedule(new Date(Date.now() + 200 * 86_400_000), () => {
      fired = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    timer.cancel();
    expect(fired).toBe(false);
  });

  it("two runs of the same workflow give identical histories (deterministic)", async () => {
    const definition = machine({
      Both: {
        Type: "Parallel",
        Branches: [
          {
            StartAt: "A",
            States: { A: { Type: "Wait", Seconds: 30, Next: "A2" }, A2: { Type: "Pass", End: true } },
          },
          {
            StartAt: "B",
            States: { B: { Type: "Wait", Seconds: 10, Next: "B2" }, B2: { Type: "Pass", End: true } },
          },
        ],
        End: true,
      },
    });
    const histories: string[] = [];
    for (let i = 0; i < 2; i++) {
      const h = harness();
      const arn = await h.start(definition, { i: 0 }, "same-name");
      await h.runtime.runExecutionToCompletion(arn, at(86_400_000));
      histories.push(JSON.stringify((await h.result(arn)).events));
    }
    expect(histories[0]).toBe(histories[1]);
  });
});

describe("real-time mode (npm run local)", () => {
  it("runs Waits on the wall clock", async () => {
    const clock = new VirtualClock(new Date(), "real");
    const runtime = new LocalStepFunctions({ clock, invokeLambda: async () => null });
    const { stateMachineArn } = await runtime.createStateMachine({
      name: "RealTime",
      definition: JSON.stringify(machine({ W: { Type: "Wait", Seconds: 1, End: true } })),
    });
    const { executionArn, startDate } = await runtime.startExecution({ stateMachineArn });
    const status = await runtime.runExecutionToCompletion(executionArn, new Date(Date.now() + 30_000));
    const { stopDate } = await runtime.describeExecution({ executionArn });
    expect(status).toBe("SUCCEEDED");
    expect((stopDate as Date).getTime() - startDate.getTime()).toBeGreaterThanOrEqual(1000);
  });

  // A Wait never ends before its time (the Step Functions Wait state: "delays the state machine from continuing
  // for a specified time"). setTimeout counts on a monotonic clock and Date.now() may read up to a millisecond
  // behind it when the timer fires, so a timer due at a wall-clock time must not fire before Date.now() reaches it.
  it("fires a timer no earlier than its wall-clock time, when setTimeout fires a millisecond early", () => {
    vi.useFakeTimers({ now: new Date("2026-12-01T00:00:00.000Z") });
    try {
      const clock = new VirtualClock(new Date(), "real");
      const due = new Date(Date.now() + 1000);
      const firedAt: number[] = [];
      clock.schedule(due, () => {
        firedAt.push(Date.now());
      });
      // The wall clock reads 1 ms behind the timers' clock: setTimeout's 1,000 ms end at 999 ms by Date.now().
      vi.setSystemTime(Date.now() - 1);
      vi.advanceTimersByTime(1000);
      expect(firedAt).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(firedAt).toEqual([due.getTime()]);
    } finally {
      vi.useRealTimers();
    }
  });
});
