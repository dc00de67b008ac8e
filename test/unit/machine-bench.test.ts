/**
 * `npm run bench:machine`'s command line: what it refuses, and that `--json` reports each round's page faults with
 * the figures derived from them. Its figures are printed, never asserted here (benchmarks are not tests).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, tsxExit } from "../tsx-cli";

function readIfPresent(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

describe("npm run bench:machine", () => {
  it("refuses a buffer glibc could serve from memory already touched, and unknown options, with its usage", async () => {
    for (const args of [
      ["--megabytes", "10"],
      ["--rounds", "0"],
      ["--pages", "3"],
    ]) {
      const run = await tsxExit(["bench/machine.bench.ts", ...args], { cwd: REPO_ROOT });
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stdout, args.join(" ")).toBe("");
      expect(run.stderr, args.join(" ")).toContain(
        "usage: npm run bench:machine -- [--megabytes N] [--rounds R] [--json]",
      );
    }
  });

  it("reports, with --json, each round's faults and what a fault cost from them", async () => {
    const run = await tsxExit(["bench/machine.bench.ts", "--megabytes", "64", "--rounds", "2", "--json"], {
      cwd: REPO_ROOT,
    });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      megabytes: number;
      pageBytes: number;
      rounds: {
        minorPageFaults: number;
        firstTouchMs: number;
        againMs: number;
        microsecondsPerFault: number;
      }[];
      medianMicrosecondsPerFault: number;
      cpuLoopMs: number[];
    };
    expect(report.megabytes).toBe(64);
    expect(report.pageBytes).toBe(4096);
    expect(report.rounds).toHaveLength(2);
    expect(report.cpuLoopMs).toHaveLength(2);
    // A fresh mapping faults once per page on its first write: 64 MB is 16,384 pages of 4 KiB, unless the kernel
    // backs every anonymous mapping with 2 MiB pages (transparent huge pages "always"), then 32. The process's
    // other threads may add faults of their own meanwhile, so the count is a floor, not an equality; and the
    // mapping's first page is written by the allocator (glibc's chunk header) before the bench touches it.
    const hugePagesAlways = /\[always\]/.test(readIfPresent("/sys/kernel/mm/transparent_hugepage/enabled"));
    const pages = hugePagesAlways ? 32 - 1 : 16_384 - 1;
    for (const round of report.rounds) {
      expect(round.minorPageFaults).toBeGreaterThanOrEqual(pages);
      // The per-fault figure is the one its own fields give.
      expect(round.microsecondsPerFault).toBeCloseTo(
        ((round.firstTouchMs - round.againMs) * 1000) / round.minorPageFaults,
        6,
      );
    }
    // The benches' median: the upper middle of an even count, here the larger of the two rounds' figures.
    expect(report.medianMicrosecondsPerFault).toBe(
      Math.max(...report.rounds.map((round) => round.microsecondsPerFault)),
    );
  });
});
