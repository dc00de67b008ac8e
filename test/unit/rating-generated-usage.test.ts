import { createHash } from "node:crypto";
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

  it("gives a seed's month the same bytes as before its voice rows were written in place", () => {
    // The digests of what the generator produced when each row was a string (commit c9b67ab), for the sample
    // scenario's volumes: the random draws keep their order, so every byte stays where it was.
    const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
    const months = [
      { period: "2025-09", seed: 2025 },
      { period: "2026-02", seed: 7 },
    ] as const;
    const digests = months.map(({ period, seed }) => {
      const content = generateUsageContent({ contract, period, seed, voiceCalls: 24_000, smsMessages: 600 });
      return [sha256(content.voice), sha256(content.sms), content.voiceMalformed, content.smsMalformed];
    });
    expect(digests).toEqual([
      [
        "e6265cea6ec1e85943789713e4ff76e4259d41db33dc994966d7092a7df60aed",
        "03ac823b2dffc7d10350012acf973127faf5752052b985f7f2f73fabc2bf7372",
        48,
        1,
      ],
      [
        "d4ee2fa4a547fc32e1e6c3e09375ce583ac1da987bd1a71e291d36950ac25b0b",
        "e256bbf070e2238f63da050be128c299cb123fc6f7d5e817a5d044314ef9c6c4",
        48,
        1,
      ],
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
