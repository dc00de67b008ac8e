import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { decideReply } from "../../functions/core/reply/decide";

interface ManifestEntry {
  file: string;
  client: string;
  bill: string;
  expected: { decision: string; amount: string | null; reasonCode: string };
}

const fixtures = new URL("../fixtures/replies/", import.meta.url);
const manifest = JSON.parse(await readFile(new URL("manifest.json", fixtures), "utf8")) as ManifestEntry[];

describe("R-RECON-1: the reply corpus (real clients' MIME)", () => {
  it("has at least 40 fixtures covering the common clients", () => {
    expect(manifest.length).toBeGreaterThanOrEqual(40);
    expect(new Set(manifest.map((m) => m.client))).toEqual(
      new Set(["outlook", "outlook-en", "foxmail", "qqmail", "netease", "apple-mail", "iphone", "gmail"]),
    );
  });

  it.each(manifest)("$file ($client) → $expected.decision $expected.reasonCode", async (entry) => {
    const raw = await readFile(new URL(entry.file, fixtures));
    const { parsed, decision } = await decideReply(raw, entry.bill);
    expect({ decision: decision.decision, amount: decision.amount, reasonCode: decision.reasonCode }).toEqual(
      entry.expected,
    );
    expect(parsed.from).toBe("mali@partya.example");
    expect(parsed.messageId).toMatch(/^<.+@partya\.example>$/);
    if (entry.expected.reasonCode === "unreadable") {
      expect(parsed.problems.join()).toMatch(/unreadable charset/);
      return;
    }
    expect(parsed.problems).toEqual([]);
    // The quoted bill's own figures never reach the new text.
    expect(parsed.newText).not.toContain("90.44");
    expect(parsed.newText).not.toMatch(/本期合[计計]/);
  });
});
