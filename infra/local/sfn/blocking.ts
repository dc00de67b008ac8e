/**
 * Blocking a strand on the virtual clock. A strand holds the clock while runnable and releases it only
 * while blocked on a timer, a task token or its child branches; whoever wakes it re-acquires the hold
 * synchronously, so virtual time can never jump past work in progress.
 */
import { StrandCancelledError } from "./errors";
import { emit } from "./history";
import { CancelScope, type Strand } from "./records";
import type { VirtualClock } from "./virtual-clock";

/**
 * Blocks a strand: releases its hold, and re-acquires it synchronously when `setup`'s ok/fail is
 * called (by a timer, a callback, or child strands) or when the strand's scope is cancelled.
 * `setup` may return a cleanup run once the block settles.
 */
export function block<T>(
  clock: VirtualClock,
  strand: Strand,
  setup: (ok: (v: T) => void, fail: (e: unknown) => void) => (() => void) | undefined,
): Promise<T> {
  strand.scope.check();
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let cleanup: (() => void) | undefined;
    const finish = () => {
      done = true;
      strand.scope.waiters.delete(onCancel);
      strand.release = clock.hold();
      cleanup?.();
    };
    const ok = (v: T) => {
      if (done) return;
      finish();
      resolve(v);
    };
    const fail = (e: unknown) => {
      if (done) return;
      finish();
      reject(e);
    };
    const onCancel = (e: Error) => {
      // Stopped, timed out, or a sibling branch failed: the state this strand waits in is aborted
      // (TaskStateAborted, WaitStateAborted, MapStateAborted, ParallelStateAborted).
      if (strand.stateType) emit(strand, clock.nowMs(), `${strand.stateType}StateAborted`, undefined);
      fail(e);
    };
    strand.scope.waiters.add(onCancel);
    strand.release();
    cleanup = setup(ok, fail);
    if (done) cleanup?.();
  });
}

export function sleepUntil(clock: VirtualClock, strand: Strand, atMs: number): Promise<void> {
  return block<void>(clock, strand, (ok) => {
    const timer = clock.schedule(new Date(atMs), () => ok(undefined));
    return () => timer.cancel();
  });
}

// ---------------------------------------------------------------- evaluation helpers

/**
 * Runs child branches (Parallel branches, Map iterations) with at most `concurrency` at once
 * (0 = all). The parent strand is blocked meanwhile; a child hands the hold back to the parent
 * before releasing its own. The first failure cancels the siblings and fails the parent.
 */
export function runChildren<T>(
  clock: VirtualClock,
  parent: Strand,
  count: number,
  concurrency: number,
  run: (index: number, child: Strand) => Promise<T>,
): Promise<T[]> {
  if (count === 0) return Promise.resolve([]);
  const group = new CancelScope(parent.scope);
  return block<T[]>(clock, parent, (ok, fail) => {
    const results: T[] = new Array(count);
    let next = 0;
    let running = 0;
    let finished = 0;
    let failed = false;
    const launch = () => {
      while (!failed && next < count && (concurrency === 0 || running < concurrency)) {
        const index = next++;
        running++;
        const child: Strand = {
          exec: parent.exec,
          scope: group,
          release: clock.hold(),
          lastEventId: parent.lastEventId,
        };
        run(index, child).then(
          (value) => {
            results[index] = value;
            running--;
            finished++;
            if (finished === count) {
              parent.lastEventId = parent.exec.events.length;
              ok(results);
            } else launch();
            child.release();
          },
          (error: unknown) => {
            running--;
            if (!failed) {
              failed = true;
              group.cancel(new StrandCancelledError("a sibling branch failed"));
              fail(error);
            }
            child.release();
          },
        );
      }
    };
    launch();
    return () => group.detach();
  });
}

// ---------------------------------------------------------------- Task state
