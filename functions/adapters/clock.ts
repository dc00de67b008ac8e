/**
 * The one clock every handler and the local Step Functions runtime read time from.
 * On AWS it is the system clock; on the embedded stack the local runtime installs its
 * virtual clock here, so a whole contract year of Waits and deadlines runs in seconds.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let current: Clock = systemClock;

export function now(): Date {
  return current.now();
}

/** Installs a clock for the whole process (the embedded stack's virtual clock, or a test's). */
export function useClock(clock: Clock): void {
  current = clock;
}

/** Whether the process reads the system clock (no stack or test has installed its own). */
export function onSystemClock(): boolean {
  return current === systemClock;
}
