/**
 * Memory figures of `npm run bench:scale`: the highest RSS sample, live memory after full collections, and
 * `--trace-memory`'s probes between virtual instants (ADR 0072, 0074).
 */
import { setFlagsFromString, writeHeapSnapshot } from "node:v8";
import { runInNewContext } from "node:vm";
import type { EmbeddedApp } from "../infra/local/app";

const mb = (bytes: number) => Math.round(bytes / 1048576);

/**
 * Samples RSS every 100 ms of wall time: the highest, with the virtual instant and the heap then; with
 * `traceEvery2s`, prints RSS and the heap every 2 s (what a burst of work does to them).
 */
export function sampleMemory(virtualNow: () => Date, traceEvery2s: boolean) {
  const peak = { rssMb: 0, atVirtual: "", heapUsedMb: 0, heapTotalMb: 0, externalMb: 0 };
  const sample = () => {
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    if (mb(rss) <= peak.rssMb) return;
    Object.assign(peak, {
      rssMb: mb(rss),
      atVirtual: virtualNow().toISOString(),
      heapUsedMb: mb(heapUsed),
      heapTotalMb: mb(heapTotal),
      externalMb: mb(external),
    });
  };
  let ticks = 0;
  const timer = setInterval(() => {
    sample();
    if (traceEvery2s && ++ticks % 20 === 0) {
      const m = process.memoryUsage();
      process.stderr.write(
        `memory at ${virtualNow().toISOString()}: rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB, external ${mb(m.external)} MB\n`,
      );
    }
  }, 100);
  return {
    peak,
    stop: () => {
      sample();
      clearInterval(timer);
    },
  };
}

/**
 * Live memory between virtual instants: a probe one millisecond after every `hours` of virtual time runs once
 * the work of the instant before it is done, collects garbage twice and prints what is still held (the
 * executions waiting, the stores, the timers). At `snapshotAt` (an ISO instant) it also writes a heap snapshot.
 */
export function traceLiveMemory(
  app: EmbeddedApp,
  from: Date,
  until: Date,
  hours: number,
  snapshotAt: Date | undefined,
  say: (line: string) => void,
) {
  for (let at = from.getTime() + 1; at < until.getTime(); at += hours * 3_600_000) {
    app.clock.schedule(new Date(at), () => {
      const live = liveMemory();
      const { rss, arrayBuffers } = process.memoryUsage();
      say(
        `live at ${new Date(at - 1).toISOString()}: heap ${live.heapUsedMb} MB, external ${live.externalMb} MB (arrayBuffers ${mb(arrayBuffers)} MB), rss ${mb(rss)} MB`,
      );
      if (snapshotAt !== undefined && Math.abs(snapshotAt.getTime() - at) < (hours * 3_600_000) / 2)
        say(`heap snapshot: ${writeHeapSnapshot()}`);
    });
  }
}

/** Heap and external memory in use after two full garbage collections (gc exposed at run time). */
export function liveMemory() {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return { heapUsedMb: mb(heapUsed), externalMb: mb(external) };
}
