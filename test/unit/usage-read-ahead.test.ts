/**
 * `npm start`'s generated months read ahead of their upload from the cache of generated usage (ADR 0098, 0111): each
 * period gets the generator's bytes for its own seed — the scenario's seed plus the period's place in the run, the
 * periods whose files the scenario gives counted too — also past the months read before the stack boots; a period
 * whose files the scenario gives, or one outside the run, gets none.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseContract } from "../../functions/core/contract";
import { nextPeriod } from "../../functions/core/time";
import { generatedUsage } from "../../infra/local/contract-year";
import { scenarioSchema } from "../../infra/local/scenario/schema";
import { generateUsageContent } from "../../infra/local/usage-generator";

const repoRoot = new URL("../../", import.meta.url).pathname;
const contract = parseContract(
  JSON.parse(readFileSync(join(repoRoot, "contracts/11NA0700211920254001.json"), "utf8")),
);
// Fourteen periods, 2025-07 … 2026-08: more than the twelve read before the stack boots.
const periods = ["2025-07"];
while (periods.length < 14) periods.push(nextPeriod(periods.at(-1) as string));
const scenario = scenarioSchema.parse({
  contract: "contracts/11NA0700211920254001.json",
  seed: 100,
  usage: { voiceCallsPerMonth: 30, smsPerMonth: 4 },
  // 2025-08's voice file is the scenario's own; 2025-09's complaints feed alone leaves its usage generated.
  usageFiles: { "2025-08": { voice: "voice.csv" }, "2025-09": { complaints: "complaints.csv" } },
});

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("the generated months of a run", () => {
  it("give each period the generator's bytes for its seed, read from the cache, past the months read ahead", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "usage-read-ahead-"));
    dirs.push(cacheDir);
    // Twice: the first run fills the cache (generating), the second reads every month back from it.
    for (let run = 0; run < 2; run++) {
      const usage = generatedUsage({ contract, usageCacheDir: cacheDir }, scenario, periods);
      for (const [index, period] of periods.entries()) {
        if (period === "2025-08") continue;
        const expected = generateUsageContent({
          contract,
          period,
          seed: 100 + index,
          voiceCalls: 30,
          smsMessages: 4,
        });
        const month = await usage(period);
        expect(month.voice.equals(expected.voice)).toBe(true);
        expect(month.sms.equals(expected.sms)).toBe(true);
        expect([month.voiceRows, month.smsRows]).toEqual([30, 4]);
      }
    }
  });

  it("give none to a period whose files the scenario gives, nor to one outside the run", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "usage-read-ahead-"));
    dirs.push(cacheDir);
    for (const usage of [
      generatedUsage({ contract, usageCacheDir: cacheDir }, scenario, periods),
      generatedUsage({ contract }, scenario, periods),
    ]) {
      await expect(usage("2025-08")).rejects.toThrow("2025-08's usage is not generated in this run");
      await expect(usage("2026-09")).rejects.toThrow("2026-09's usage is not generated in this run");
    }
  });
});
