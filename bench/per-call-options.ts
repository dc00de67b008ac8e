/**
 * What the per-call benches share (bench:transport, bench:sdk-call, bench:store): their `--calls N --rounds R`
 * options, this process's CPU clock and the median of a round's figures (the last two used by bench:machine too,
 * and the refusal of a command line by every bench with options). Printed figures only, never asserted.
 */
import { parseArgs } from "node:util";

export interface CallsAndRounds {
  calls: number;
  rounds: number;
}

/** A bench's refusal of its command line: one line naming what is wrong, then its usage, and exit 2. */
export function refuseWithUsage(usage: string, message: string): never {
  process.stderr.write(`${message}\nusage: ${usage}\n`);
  process.exit(2);
}

/**
 * `--calls N --rounds R` with the bench's defaults; a wrong or unknown option exits 2 with one line naming it and
 * the usage, as the project's commands do.
 */
export function callsAndRounds(usage: string, defaults: CallsAndRounds, leastCalls: number): CallsAndRounds {
  const refuse: (message: string) => never = (message) => refuseWithUsage(usage, message);
  let values: { calls: string; rounds: string } = { calls: "", rounds: "" };
  try {
    ({ values } = parseArgs({
      options: {
        calls: { type: "string", default: String(defaults.calls) },
        rounds: { type: "string", default: String(defaults.rounds) },
      },
      strict: true,
    }));
  } catch (error) {
    refuse(error instanceof Error ? error.message : String(error));
  }
  const calls = Number(values.calls);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(calls) || calls < leastCalls)
    refuse(`--calls must be a whole number ≥ ${leastCalls}, got ${values.calls}`);
  if (!Number.isInteger(rounds) || rounds < 1)
    refuse(`--rounds must be a whole number ≥ 1, got ${values.rounds}`);
  return { calls, rounds };
}

/** This process's user + system CPU so far, in microseconds. */
export function cpuMicroseconds(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** The middle figure of a round (the upper middle of an even count); NaN when there is none. */
export function median(figures: readonly number[]): number {
  return [...figures].sort((a, b) => a - b)[Math.floor(figures.length / 2)] ?? Number.NaN;
}
