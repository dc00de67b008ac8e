/**
 * `npm start -- --prepare`, the project's prepare script (`npm ci` runs it): makes what a run reads from the
 * caches ahead of the run, so the first `npm start` after an install generates nothing the next would not.
 * Observed on the cache itself: the files a run finds and the ones it writes.
 */
import { mkdtemp, readdir, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadContract } from "../../functions/core/contract";
import { runContractYear } from "../../infra/local/contract-year";
import { prepareRun } from "../../infra/local/prepare-run";
import { loadScenarioFile, SAMPLE_YEAR } from "../../infra/local/scenario/sample";
import { templateCachePath, templateKey } from "../../infra/local/template-cache";
import { tsxExit } from "../tsx-cli";
import { SAMPLE_CONTRACT } from "./harness";

const repoRoot = join(import.meta.dirname, "../..");

/** Every file under the cache directory, with its size and modification time: what a writer would change. */
async function cacheFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  const described = await Promise.all(
    files.map(async (file) => {
      const { size, mtimeMs } = await stat(file);
      return `${file.slice(dir.length)} ${size} ${mtimeMs}`;
    }),
  );
  return described.sort();
}

async function twoMonths(usageCacheDir: string) {
  return {
    contract: await loadContract(SAMPLE_CONTRACT),
    scenario: await loadScenarioFile(SAMPLE_YEAR),
    from: "2025-08",
    to: "2025-09",
    voiceCallsPerMonth: 800,
    smsPerMonth: 60,
    seed: 11,
    usageCacheDir,
  };
}

describe("preparing npm start (--prepare)", () => {
  it("caches the months the run reads: the run after it writes nothing to the cache, one without it writes each month", async () => {
    const prepared = await mkdtemp(join(tmpdir(), "prepare-run-"));
    const played = await twoMonths(prepared);
    const result = await prepareRun(played);
    expect(result.generatedPeriods).toEqual(["2025-08", "2025-09"]);
    const before = await cacheFiles(prepared);
    // One entry per month, each whole (no temporary file left behind).
    expect(before.filter((file) => /\.usage /.test(file))).toHaveLength(2);
    expect(before.filter((file) => /\.tmp /.test(file))).toEqual([]);
    // The template the stack boots from is in the repository's cache under its current key.
    const template = JSON.parse(await readFile(templateCachePath(repoRoot, templateKey(repoRoot)), "utf8"));
    expect(Object.keys(template.Resources ?? {}).length).toBeGreaterThan(0);

    const afterPrepare = await runContractYear(played);
    expect(afterPrepare.periods.map((row) => [row.period, row.closed])).toEqual([
      ["2025-08", true],
      ["2025-09", true],
    ]);
    expect(await cacheFiles(prepared)).toEqual(before);

    // The control: the same run on an empty cache generates and writes both months, so the check above can fail.
    const unprepared = await mkdtemp(join(tmpdir(), "prepare-run-none-"));
    const withoutPreparing = await runContractYear({ ...played, usageCacheDir: unprepared });
    expect((await cacheFiles(unprepared)).filter((file) => /\.usage /.test(file))).toHaveLength(2);
    // And the months are the same either way: the same bills.
    expect(withoutPreparing.periods.map((row) => row.billTotal)).toEqual(
      afterPrepare.periods.map((row) => row.billTotal),
    );
  }, 120_000);

  it("from the command line: exit 0, nothing on stdout, one line naming what it made for the periods asked", async () => {
    const result = await tsxExit(["bin/start.ts", "--prepare", "--from", "2025-08", "--to", "2025-08"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^prepared for npm start: the prebuilt artefact, the stack's template \((synthesized|cached already)\), 1 generated month of usage \(2025-08 to 2025-08\), the code a run compiles \(\d+\.\d s\)\n$/,
    );
  }, 120_000);

  it("refuses the flags that only say how to run or what to print: exit 2 with the usage, nothing prepared", async () => {
    for (const flags of [["--json"], ["--transport", "http"]]) {
      const result = await tsxExit(["bin/start.ts", "--prepare", ...flags]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--prepare prints and serves nothing: ${flags[0]} cannot go with it`);
      expect(result.stderr).toContain("usage: npm start -- [--scenario <file.json>]");
      expect(result.stderr).not.toContain("prepared for npm start");
    }
  }, 120_000);

  it("is what npm ci runs: the project's prepare script is npm start's own command with --prepare, so both use one artefact", async () => {
    const { scripts } = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(scripts.prepare).toBe(`${scripts.start} --prepare`);
  });
});
