import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseContract } from "../../functions/core/contract";
import { generateUsage } from "../../infra/local/usage-generator";
import { generateUsageInWorker } from "../../infra/local/usage-in-worker";

const contract = parseContract(
  JSON.parse(readFileSync(new URL("../../contracts/11NA0700211920254001.json", import.meta.url), "utf8")),
);
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "usage-worker-"));
  dirs.push(dir);
  return dir;
}

describe("usage generated on a worker thread (infra/local/usage-in-worker)", () => {
  it("writes the same bytes as the main thread for the same seeds, month by month in order", async () => {
    const inWorker = await scratch();
    const inMain = await scratch();
    const months = [
      { period: "2025-09", seed: 11 },
      { period: "2025-10", seed: 12 },
    ];
    const job = (outDir: string, month: (typeof months)[number]) => ({
      contract,
      ...month,
      voiceCalls: 3000,
      smsMessages: 800,
      outDir,
    });
    const generation = generateUsageInWorker(months.map((month) => job(inWorker, month)));
    try {
      for (const [i, month] of months.entries()) {
        const fromWorker = await generation.months[i];
        const fromMain = await generateUsage(job(inMain, month));
        if (fromWorker === undefined) throw new Error(`month ${i} missing`);
        expect(fromWorker.voicePath).toBe(join(inWorker, `voice-${contract.contractId}-${month.period}.csv`));
        // Buffer.equals: vitest's deep equality is slow on large files.
        expect(readFileSync(fromWorker.voicePath).equals(readFileSync(fromMain.voicePath))).toBe(true);
        expect(readFileSync(fromWorker.smsPath).equals(readFileSync(fromMain.smsPath))).toBe(true);
        expect(fromWorker.voiceRows).toBe(3000);
        expect(fromWorker.smsRows).toBe(800);
        expect(fromWorker.voiceMalformed).toBe(fromMain.voiceMalformed);
        expect(fromWorker.smsMalformed).toBe(fromMain.smsMalformed);
      }
    } finally {
      await generation.close();
      await generation.close();
    }
  });

  it("rejects a month the generator refuses, with its reason, and still generates the others", async () => {
    const outDir = await scratch();
    const generation = generateUsageInWorker([
      { contract, period: "2025-09", seed: 1, voiceCalls: -1, smsMessages: 10, outDir },
      { contract, period: "2025-10", seed: 2, voiceCalls: 20, smsMessages: 10, outDir },
    ]);
    try {
      await expect(generation.months[0]).rejects.toThrow(
        "usage generation failed: voiceCalls and smsMessages must be non-negative integers",
      );
      await expect(generation.months[1]).resolves.toMatchObject({ voiceRows: 20, smsRows: 10 });
    } finally {
      await generation.close();
    }
  });

  it("rejects the months not yet generated when it is closed early", async () => {
    const outDir = await scratch();
    const generation = generateUsageInWorker(
      ["2025-09", "2025-10", "2025-11"].map((period, seed) => ({
        contract,
        period,
        seed,
        voiceCalls: 200_000,
        smsMessages: 10,
        outDir,
      })),
    );
    await generation.close();
    await expect(generation.months[2]).rejects.toThrow("the usage worker exited");
  });
});
