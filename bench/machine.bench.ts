/**
 * `npm run bench:machine [-- --megabytes N --rounds R] [--json]`: what this machine charges for what a run of
 * `npm start` does besides computing, so that a timing of it can be read against the machine's state at the time.
 *
 * A year's run takes about 46,000 minor page faults (`/usr/bin/time -f %R npm start`), most of them first writes
 * to fresh anonymous memory (the V8 heap and its young generation, what Node allocates): one fault per 4 KiB page.
 * On a bare machine a fault costs well under a microsecond; on a virtual machine whose host backs the guest's
 * memory lazily it can cost ten or more, and that cost moves with the host's load. This bench writes one byte
 * into every page of a fresh N MB ArrayBuffer (above glibc's largest mmap threshold, so each round's buffer is
 * freshly mapped and every page faults once), counts the faults with `process.resourceUsage()`, then writes the
 * same pages again (no fault: the loop's own cost) and, for comparison, times a fixed JavaScript loop. Printed,
 * never asserted.
 */
import { parseArgs } from "node:util";
import { median, refuseWithUsage } from "./per-call-options";

const usage = "npm run bench:machine -- [--megabytes N] [--rounds R] [--json]";
const PAGE_BYTES = 4096;
/** glibc's largest dynamic mmap threshold on 64-bit Linux is 32 MiB: a larger buffer is always mapped afresh. */
const LEAST_MEGABYTES = 64;

const refuse: (message: string) => never = (message) => refuseWithUsage(usage, message);

function options(): { megabytes: number; rounds: number; json: boolean } {
  let values: { megabytes: string; rounds: string; json: boolean } = {
    megabytes: "",
    rounds: "",
    json: false,
  };
  try {
    ({ values } = parseArgs({
      options: {
        megabytes: { type: "string", default: "180" },
        rounds: { type: "string", default: "3" },
        json: { type: "boolean", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    refuse(error instanceof Error ? error.message : String(error));
  }
  const megabytes = Number(values.megabytes);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(megabytes) || megabytes < LEAST_MEGABYTES)
    refuse(`--megabytes must be a whole number ≥ ${LEAST_MEGABYTES}, got ${values.megabytes}`);
  if (!Number.isInteger(rounds) || rounds < 1)
    refuse(`--rounds must be a whole number ≥ 1, got ${values.rounds}`);
  return { megabytes, rounds, json: values.json };
}

function milliseconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

/** Writes one byte into every page of `bytes`; returns the milliseconds it took. */
function touchEveryPage(bytes: Uint8Array, value: number): number {
  const started = process.hrtime.bigint();
  for (let at = 0; at < bytes.length; at += PAGE_BYTES) bytes[at] = value;
  return milliseconds(started);
}

interface Round {
  minorPageFaults: number;
  firstTouchMs: number;
  againMs: number;
  /** (first touch − again) / faults: what a fault costs beyond the write itself. */
  microsecondsPerFault: number;
}

function round(megabytes: number): Round {
  const bytes = new Uint8Array(new ArrayBuffer(megabytes * 1024 * 1024));
  const faultsBefore = process.resourceUsage().minorPageFault;
  const firstTouchMs = touchEveryPage(bytes, 1);
  const minorPageFaults = process.resourceUsage().minorPageFault - faultsBefore;
  const againMs = touchEveryPage(bytes, 2);
  return {
    minorPageFaults,
    firstTouchMs,
    againMs,
    microsecondsPerFault: minorPageFaults > 0 ? ((firstTouchMs - againMs) * 1000) / minorPageFaults : 0,
  };
}

/** A fixed amount of plain JavaScript (2 × 10^8 additions and remainders), for the CPU's speed at the time. */
function cpuLoopMs(): number {
  const started = process.hrtime.bigint();
  let sum = 0;
  for (let i = 0; i < 200_000_000; i++) sum += i % 7;
  // 2 × 10^8 = 7 × 28,571,428 + 4: 28,571,428 cycles of 0+1+…+6 = 21, then 0+1+2+3.
  if (sum !== 599_999_994) throw new Error(`the loop summed ${sum}`);
  return milliseconds(started);
}

const { megabytes, rounds, json } = options();
const measured: Round[] = [];
const loops: number[] = [];
for (let i = 0; i < rounds; i++) {
  measured.push(round(megabytes));
  loops.push(cpuLoopMs());
}
const result = {
  megabytes,
  pageBytes: PAGE_BYTES,
  rounds: measured,
  medianMicrosecondsPerFault: median(measured.map((r) => r.microsecondsPerFault)),
  cpuLoopMs: loops,
};
if (json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const lines = [
    `fresh anonymous memory, ${megabytes} MB, one write per ${PAGE_BYTES}-byte page, ${rounds} round(s):`,
    ...measured.map(
      (r, i) =>
        `  round ${i + 1}: ${r.minorPageFaults} minor page faults in ${r.firstTouchMs.toFixed(0)} ms (${r.microsecondsPerFault.toFixed(1)} µs a fault); the same pages again ${r.againMs.toFixed(0)} ms`,
    ),
    `  median ${result.medianMicrosecondsPerFault.toFixed(1)} µs a fault`,
    `a fixed JavaScript loop (2 × 10^8 additions): ${loops.map((ms) => ms.toFixed(0)).join(", ")} ms`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
