import { createReadStream, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseContract } from "../../functions/core/contract";
import { rateUsage } from "../../functions/core/rating";
import { generateUsage, generateUsageContent } from "../../infra/local/usage-generator";

const contract = parseContract(
  JSON.parse(readFileSync(new URL("../../contracts/11NA0700211920254001.json", import.meta.url), "utf8")),
);
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function generate(seed: number) {
  const outDir = await mkdtemp(join(tmpdir(), "usage-"));
  dirs.push(outDir);
  return generateUsage({ contract, period: "2025-09", seed, voiceCalls: 5000, smsMessages: 3000, outDir });
}

describe("generated usage (infra/local/usage-generator)", () => {
  it("is deterministic for a seed and differs between seeds", async () => {
    const a = await generate(7);
    const b = await generate(7);
    const c = await generate(8);
    // Buffer.equals: vitest's deep equality is slow on half a megabyte.
    expect(readFileSync(a.voicePath).equals(readFileSync(b.voicePath))).toBe(true);
    expect(readFileSync(a.smsPath).equals(readFileSync(b.smsPath))).toBe(true);
    expect(readFileSync(a.smsPath).equals(readFileSync(c.smsPath))).toBe(false);
  });

  it("in memory (as `npm start` uploads it) is the bytes the files hold", async () => {
    const written = await generate(11);
    const content = generateUsageContent({
      contract,
      period: "2025-09",
      seed: 11,
      voiceCalls: 5000,
      smsMessages: 3000,
    });
    expect(content.voice.equals(readFileSync(written.voicePath))).toBe(true);
    expect(content.sms.equals(readFileSync(written.smsPath))).toBe(true);
    expect([content.voiceMalformed, content.smsMalformed]).toEqual([
      written.voiceMalformed,
      written.smsMalformed,
    ]);
  });

  it("R-PERIOD-1, R-SMS-1, R-UPLINK-1: rates with exactly the planted malformed rows rejected, some 2-part SMS and some uplink", async () => {
    const usage = await generate(2025);
    const statement = await rateUsage({
      contract,
      period: "2025-09",
      voice: createReadStream(usage.voicePath),
      sms: createReadStream(usage.smsPath),
    });
    expect(usage.voiceMalformed).toBeGreaterThan(0);
    expect(usage.smsMalformed).toBeGreaterThan(0);
    expect(statement.rejectedCount).toBe(usage.voiceMalformed + usage.smsMalformed);
    expect(statement.usage.voiceRecords).toBe(usage.voiceRows);
    expect(statement.usage.smsRecords).toBe(usage.smsRows);
    expect(statement.usage.voiceInboundCalls).toBeGreaterThan(0);
    expect(statement.usage.smsUplinkIgnored).toBeGreaterThan(0);
    expect(statement.usage.smsParts).toBeGreaterThan(statement.usage.smsDownlinkMessages);
    const phones = readFileSync(usage.voicePath, "utf8").split("\n")[1]?.split(",")[4] ?? "";
    expect(JSON.stringify(statement)).not.toContain(phones);
  });
});
