/**
 * R-RETAIN-1 (合同第三条3.9款) and docs/usage-csv.md: SMS content is never stored. An SMS log is reduced to
 * character counts before it is stored; R-SMS-3's marketing check (2.23/2.24) runs on the content first and
 * only its findings (line and reason) are kept (ADR 0035). Expected counts are hand-counted code points.
 */
import { describe, expect, it } from "vitest";
import { loadContract } from "../../functions/core/contract";
import { rateUsage } from "../../functions/core/rating";
import { withoutSmsContent } from "../../functions/core/sms-content";
import { checkCompliance } from "../../functions/core/sms-governance/compliance";

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

const TEXT = new TextDecoder();

const LOG = [
  "sent_at,recipient,direction,content,content_chars,port,category",
  // 收到 = 2 code points; "a😀," inside quotes = 3 (the emoji is one, R-SMS-1).
  '2025-09-03T10:00:00+08:00,13800000001,downlink,"收到",,,service',
  '2025-09-03T10:01:00+08:00,13800000002,downlink,"a😀,",,,service',
  "2025-09-03T10:02:00+08:00,13800000003,downlink,,65,,service",
  // Marketing: ends with the opt-out (fine), text after it (2.24), none (2.23), logged without content.
  "2025-09-03T10:03:00+08:00,13800000004,downlink,医保新服务上线拒收请回复R,,1065082358000201,marketing",
  "2025-09-03T10:04:00+08:00,13800000005,downlink,医保新服务上线拒收请回复R。详询12393,,1065082358000201,marketing",
  "2025-09-03T10:05:00+08:00,13800000006,downlink,医保新服务上线,,1065082358000201,marketing",
  "2025-09-03T10:06:00+08:00,13800000007,downlink,,20,1065082358000201,marketing",
  // Refused by the parser: both filled; an instant without offset (its content must go too).
  '2025-09-03T10:07:00+08:00,13800000008,downlink,"秘密内容",4,,service',
  '2025-09-03 10:08:00,13800000009,downlink,"另一条秘密",,,service',
  "",
].join("\n");

describe("an SMS log is stored without its content", () => {
  it("replaces every content by its character count and keeps the other fields and lines", async () => {
    const { csv } = await withoutSmsContent(bytes(LOG));
    const lines = TEXT.decode(csv).split("\n");
    expect(lines[0]).toBe("sent_at,recipient,direction,content,content_chars,port,category");
    expect(lines[1]).toBe("2025-09-03T10:00:00+08:00,13800000001,downlink,,2,,service");
    expect(lines[2]).toBe("2025-09-03T10:01:00+08:00,13800000002,downlink,,3,,service");
    expect(lines[3]).toBe("2025-09-03T10:02:00+08:00,13800000003,downlink,,65,,service");
    // 医保新服务上线拒收请回复R = 7 + 6 = 13 code points.
    expect(lines[4]).toBe("2025-09-03T10:03:00+08:00,13800000004,downlink,,13,1065082358000201,marketing");
    // A refused row keeps its line, every field emptied: the bill still counts it as rejected there.
    expect(lines[8]).toBe(",,,,,,");
    expect(lines[9]).toBe(",,,,,,");
    const stored = TEXT.decode(csv);
    for (const secret of ["收到", "😀", "医保新服务", "秘密", "拒收请回复R"])
      expect(stored).not.toContain(secret);
  });

  it("R-SMS-3: the marketing check ran on the content; only lines and reasons are kept", async () => {
    const { findings } = await withoutSmsContent(bytes(LOG));
    expect(findings.marketingViolations).toEqual([
      { line: 6, reason: 'text after "拒收请回复R" (a trailing advertisement, 2.24)' },
      { line: 7, reason: 'marketing message without "拒收请回复R" at the end (2.23)' },
      { line: 8, reason: "marketing message logged without its content (2.23)" },
    ]);
    expect(findings.marketingViolationCount).toBe(3);
    // The header is line 1, one line per record after it.
    expect(findings.rejected.map((r) => r.line)).toEqual([9, 10]);
    expect(JSON.stringify(findings)).not.toMatch(/医保|秘密|138000/);
  });

  it("R-SMS-1: the stored log bills exactly what the original bills", async () => {
    const contract = await loadContract("contracts/11NA0700211920254001.json");
    const voice = "call_start,duration_seconds,direction,calling_number,called_number\n";
    const original = await rateUsage({ contract, period: "2025-09", voice: bytes(voice), sms: bytes(LOG) });
    const { csv } = await withoutSmsContent(bytes(LOG));
    const stored = await rateUsage({
      contract,
      period: "2025-09",
      voice: bytes(voice),
      sms: (async function* () {
        yield csv;
      })(),
    });
    expect(stored.total).toBe(original.total);
    expect(stored.usage).toEqual(original.usage);
    expect(stored.rejectedCount).toBe(original.rejectedCount);
  });

  it("compliance on the stored log takes the content findings of the upload instead of flagging every marketing row", async () => {
    const { csv, findings } = await withoutSmsContent(bytes(LOG));
    const report = await checkCompliance({
      period: "2025-09",
      smsPort: "10650823580002",
      management: "whitelist",
      callLimits: { callsPerCallingNumberPerDay: 500, callsPerCalleePerDay: 10 },
      sms: (async function* () {
        yield csv;
      })(),
      contentFindings: findings,
    });
    expect(report.marketingViolations).toEqual(findings.marketingViolations);
  });

  it("refuses a file that is not an SMS log: it cannot tell which column is content", async () => {
    await expect(withoutSmsContent(bytes("sent_at,recipient\n1,2\n"))).rejects.toThrow(/header/);
  });
});
