/**
 * The one clock of the embedded stack: the local Step Functions runtime, every handler (through
 * functions/adapters/clock.ts) and simulated external actors read time from it.
 *
 * In "virtual" mode it is a discrete-event clock: time stands still while anything is in flight and
 * jumps to the next due timer only when nothing is. "In flight" is counted exactly — every runnable
 * piece of work holds a hold (see `hold()`), every tracked promise holds one until it settles — so a
 * jump never happens while a Lambda handler, an SMTP delivery or a state transition is still running.
 * Waking a blocked piece of work re-acquires its hold synchronously inside the timer callback, before
 * the clock looks for the next timer again, so there is no window in which time could slip.
 *
 * In "real" mode (npm run local) `now()` is the wall clock and timers are plain setTimeout calls.
 */
import type { Clock } from "../../../functions/adapters/clock";

export type ClockMode = "virtual" | "real";

export interface ScheduledTimer {
  cancel(): void;
}

const MAX_TIMEOUT_MS = 2_147_483_647;

interface Timer {
  at: number;
  seq: number;
  fn: () => void | Promise<void>;
  cancelled: boolean;
  wallTimer?: NodeJS.Timeout;
}

/** A failure thrown by a scheduled callback or a tracked promise; surfaced by the next runUntil/idle. */
export class ScheduledWorkError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ScheduledWorkError";
  }
}

export class VirtualClock implements Clock {
  readonly mode: ClockMode;
  private currentMs: number;
  private readonly heap: Timer[] = [];
  private seq = 0;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private failures: unknown[] = [];
  private readonly quietListeners: { minGapMs: number; fn: () => void }[] = [];

  constructor(start: Date, mode: ClockMode = "virtual") {
    this.mode = mode;
    this.currentMs = start.getTime();
    if (Number.isNaN(this.currentMs)) throw new RangeError("VirtualClock needs a valid start date");
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.mode === "real" ? Date.now() : this.currentMs;
  }

  /** Number of holds and tracked promises outstanding (0 = the clock may jump). */
  get pendingWork(): number {
    return this.inFlight;
  }

  /** Time of the earliest live timer, if any. */
  nextTimerAt(): Date | undefined {
    const top = this.peek();
    return top ? new Date(top.at) : undefined;
  }

  /**
   * Marks the caller as runnable until the returned release function is called (idempotent).
   * The runtime holds one per running execution branch and releases it while blocked.
   */
  hold(): () => void {
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      if (this.inFlight === 0) this.notifyIdle();
    };
  }

  track<T>(work: Promise<T>): Promise<T> {
    const release = this.hold();
    work.then(release, release);
    return work;
  }

  schedule(at: Date, fn: () => void | Promise<void>): ScheduledTimer {
    const timer: Timer = { at: at.getTime(), seq: this.seq++, fn, cancelled: false };
    if (Number.isNaN(timer.at)) throw new RangeError("cannot schedule at an invalid date");
    if (this.mode === "real") {
      this.armWallTimer(timer);
    } else {
      this.push(timer);
    }
    return {
      cancel: () => {
        timer.cancelled = true;
        if (timer.wallTimer) clearTimeout(timer.wallTimer);
      },
    };
  }

  /**
   * setTimeout holds at most 2^31-1 ms (about 24.8 days) and fires at once beyond that, so a real-time
   * timer months away (a renewal deadline) is re-armed in steps until it is due. setTimeout counts on a
   * monotonic clock, and Date.now() can read a millisecond behind it when the timer fires: a timer that finds
   * the wall clock short of its time is re-armed for the rest, so a Wait never ends before its time.
   */
  private armWallTimer(timer: Timer): void {
    const remaining = timer.at - Date.now();
    timer.wallTimer =
      remaining > MAX_TIMEOUT_MS
        ? setTimeout(() => this.armWallTimer(timer), MAX_TIMEOUT_MS)
        : setTimeout(
            () => (Date.now() < timer.at ? this.armWallTimer(timer) : this.fire(timer)),
            Math.max(0, remaining),
          );
  }

  /**
   * Calls `fn` whenever virtual time is about to jump at least `minGapMs` with nothing in flight: the moment to
   * tidy what the work just done left behind (ADR 0072). `fn` runs synchronously and must not start work.
   */
  whenQuiet(minGapMs: number, fn: () => void): void {
    this.quietListeners.push({ minGapMs, fn });
  }

  /** Resolves when nothing is runnable and nothing is in flight; never moves time. */
  async idle(): Promise<void> {
    while (this.inFlight > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    this.rethrowFailures();
  }

  /**
   * Advances time, firing timers in (time, scheduling order), until the system is idle and the next
   * timer is after `limit`; the clock then stands at `limit` (it never moves backwards).
   */
  async runUntil(limit: Date): Promise<void> {
    await this.advance(limit.getTime(), () => false);
    if (this.mode === "virtual") this.jumpTo(limit.getTime());
  }

  /**
   * Like runUntil, but stops as soon as `done()` is true while idle (the clock stays at the last
   * fired timer) and returns whether it became true. Used to run one execution to completion.
   */
  async runUntilCondition(done: () => boolean, limit: Date): Promise<boolean> {
    return this.advance(limit.getTime(), done);
  }

  private async advance(limitMs: number, done: () => boolean): Promise<boolean> {
    if (this.mode === "real") {
      while (!done() && Date.now() < limitMs) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, limitMs - Date.now())));
      }
      await this.idle();
      return done();
    }
    for (;;) {
      await this.idle();
      if (done()) return true;
      const next = this.peek();
      if (!next || next.at > limitMs) return false;
      this.jumpTo(next.at);
      // Every timer due at this instant fires before anything runs, in scheduling order: the
      // interleaving of what they wake is then fixed by that order alone (deterministic).
      const due: Timer[] = [];
      while (this.peek()?.at === next.at) due.push(this.pop() as Timer);
      for (const timer of due) this.fire(timer);
    }
  }

  /** Moves virtual time forward to `ms` (never back), nothing being in flight. */
  private jumpTo(ms: number): void {
    for (const quiet of this.quietListeners) if (ms - this.currentMs >= quiet.minGapMs) quiet.fn();
    this.currentMs = Math.max(this.currentMs, ms);
  }

  private fire(timer: Timer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    try {
      const result = timer.fn();
      if (result && typeof (result as Promise<void>).then === "function") {
        this.track(result as Promise<void>).catch((error: unknown) => this.failures.push(error));
      }
    } catch (error) {
      this.failures.push(error);
    }
  }

  private rethrowFailures(): void {
    if (this.failures.length === 0) return;
    const [first] = this.failures;
    const count = this.failures.length;
    this.failures = [];
    throw new ScheduledWorkError(`${count} scheduled callback(s) failed: ${String(first)}`, { cause: first });
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  // Binary min-heap on (at, seq); cancelled timers are dropped lazily when they reach the top.
  private peek(): Timer | undefined {
    while (this.heap.length > 0 && this.heap[0]?.cancelled) this.pop();
    return this.heap[0];
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Timer, heap[parent] as Timer)) break;
      [heap[i], heap[parent]] = [heap[parent] as Timer, heap[i] as Timer];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && before(heap[l] as Timer, heap[smallest] as Timer)) smallest = l;
        if (r < heap.length && before(heap[r] as Timer, heap[smallest] as Timer)) smallest = r;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest] as Timer, heap[i] as Timer];
        i = smallest;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
