/**
 * The console's actions on the embedded stack: start MonthlyKickoff for a period now, and move virtual
 * time on — to the next timer or to a day — so a newcomer can watch a cycle run in the browser. Moves
 * are serialized: one advance finishes before the next starts.
 */
import type { EmbeddedActions } from "../../console/server";
import type { EmbeddedApp } from "./app";

export function embeddedActions(app: EmbeddedApp): EmbeddedActions {
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  let kickoffs = 0;
  return {
    async startKickoff(period) {
      const { executionArn } = await app.stepFunctions.startExecution({
        stateMachineArn: app.stateMachineArns.monthlyKickoff,
        // A console start is its own execution; the cycles it starts are named per contract and period,
        // so a cycle the schedule already started is not started twice.
        name: `console-${period}-${app.clock.nowMs()}-${++kickoffs}`,
        input: JSON.stringify({ period }),
      });
      // On virtual time nothing moves unless someone runs the clock: run what is due now (the kickoff,
      // the cycles it starts, their steps up to the first wait), as the schedule's run would.
      if (app.clock.mode === "virtual") await serialized(() => app.clock.runUntil(app.clock.now()));
      return executionArn;
    },
    advance:
      app.clock.mode === "virtual"
        ? {
            toNextTimer: () =>
              serialized(async () => {
                const next = app.clock.nextTimerAt();
                if (next) await app.clock.runUntil(next);
                return next;
              }),
            to: (instant) => serialized(() => app.clock.runUntil(instant)),
          }
        : null,
  };
}
