/**
 * The run's monthly progress line (bills prepared, cycles closed), read by key (ADR 0057): the cycles of a
 * leading run of closed periods are counted once and not read again, so each month reads the cycles still open
 * and the ones after them — the same few items in a run's twelfth month as in its second, where reading every
 * cycle each month grew with the run.
 */
import { type CycleRecord, listCycles, listCyclesFrom } from "../../functions/adapters/repository";
import { nextPeriod } from "../../functions/core/time";

export interface CycleProgress {
  prepared: number;
  closed: number;
}

/**
 * Reads the contract's cycle counts, each call from the first period not known closed. A closed cycle stays
 * closed (the close step writes `closedAt` once) and a kickoff creates the cycle of the month before it, so
 * periods are created in order: only a run of consecutive closed periods from the first is skipped, and a
 * period missing in between keeps everything from it read again.
 */
export function cycleProgressReader(contractId: string): () => Promise<CycleProgress> {
  let from: string | undefined;
  let closedBefore = 0;
  return async () => {
    const cycles: CycleRecord[] =
      from === undefined ? await listCycles(contractId) : await listCyclesFrom(contractId, from);
    const progress = {
      prepared: closedBefore + cycles.length,
      closed: closedBefore + cycles.filter((cycle) => cycle.closedAt).length,
    };
    for (const cycle of cycles) {
      if (!cycle.closedAt || (from !== undefined && cycle.period !== from)) break;
      closedBefore++;
      from = nextPeriod(cycle.period);
    }
    return progress;
  };
}
