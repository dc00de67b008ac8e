/**
 * `npm run bench:year [-- --years N]`: the sample scenario (scenarios/sample-year.json) played as `npm start`
 * plays it, for N years from the contract's first billed month (default 1), on the embedded stack and virtual
 * time. Prints the wall and CPU milliseconds each simulated month took (from one month's progress line, 23:00
 * on the 1st, to the next), and the mean per month of the first and of the last year with their ratio: a run
 * is flat when a later year costs no more per month than the first. The CPU figure (this process's user +
 * system time) is the steadier one on a shared machine. Printed, never asserted.
 */
import { parseArgs } from "node:util";
import { markRunRepresentative } from "../bin/artefact-loader.js";
import { refuseWithUsage } from "./per-call-options";
import { playSampleMonths } from "./sample-months";

const usage = "npm run bench:year -- [--years N]";
const { values } = parseArgs({ options: { years: { type: "string", default: "1" } }, strict: true });
const years = Number(values.years);
if (!Number.isInteger(years) || years < 1 || years > 20)
  refuseWithUsage(usage, `--years must be a whole number from 1 to 20, got ${values.years}`);

process.env.CONTRACT_OPS_LOG_LEVEL ??= "error";
// As in `npm start`: no EMF metric lines on stdout.
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
// No top-level await: the prebuilt artefact runs this as a CommonJS module (ADR 0120).
async function main(): Promise<void> {
  const started = Date.now();
  const marks: { period: string; atMs: number; cpuMs: number }[] = [];
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const { report, from, to } = await playSampleMonths(years * 12, (line) => {
    const month = /^(\d{4}-\d{2}): /.exec(line);
    if (month?.[1]) marks.push({ period: month[1], atMs: Date.now(), cpuMs: cpuMs() });
    else process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
  });
  const totalMs = Date.now() - started;

  const months = marks.slice(1).map((mark, i) => {
    const before = marks[i] as { atMs: number; cpuMs: number };
    return { period: mark.period, ms: mark.atMs - before.atMs, cpuMs: Math.round(mark.cpuMs - before.cpuMs) };
  });
  process.stdout.write("| month (to 23:00 on the 1st) | wall ms | CPU ms |\n| --- | ---: | ---: |\n");
  for (const m of months) process.stdout.write(`| ${m.period} | ${m.ms} | ${m.cpuMs} |\n`);
  const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / Math.max(1, xs.length);
  const wall = months.map((m) => m.ms);
  const cpu = months.map((m) => m.cpuMs);
  const [first, last] = [mean(wall.slice(0, 12)), mean(wall.slice(-12))];
  const [firstCpu, lastCpu] = [mean(cpu.slice(0, 12)), mean(cpu.slice(-12))];
  const closed = report.periods.filter((p) => p.closed).length;
  process.stdout.write(
    `\n${years} year(s) from ${from} to ${to}: ${years * 12} periods played; ${report.periods.length} periods still ` +
      `in the table at the end (older ones expired by TTL, R-RETAIN-1), ${closed} of them closed; ` +
      `${report.emailsSent} emails, ${report.stateTransitions} state transitions; ${(totalMs / 1000).toFixed(1)} s wall in all\n` +
      `mean per month, wall: first year ${first.toFixed(0)} ms, last year ${last.toFixed(0)} ms (last/first ${(last / first).toFixed(2)})\n` +
      `mean per month, CPU: first year ${firstCpu.toFixed(0)} ms, last year ${lastCpu.toFixed(0)} ms (last/first ${(lastCpu / firstCpu).toFixed(2)})\n`,
  );
  // A run played to its end: the code it compiled is what the next run needs.
  markRunRepresentative();
}

void main();
