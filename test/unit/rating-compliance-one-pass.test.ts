/**
 * The bill step's one pass over a month's usage (ADR 0087): the compliance check (R-CALL-1, R-SMS-3) visits
 * the records the rating reads, so each file is read and parsed once, and both results are those of reading
 * the files separately. The findings below are counted by hand from the rows.
 */
import { describe, expect, it } from "vitest";
import { loadContract } from "../../functions/core/contract";
import { rateUsage } from "../../functions/core/rating";
import { ComplianceCheck, checkCompliance } from "../../functions/core/sms-governance/compliance";

const SAMPLE_CONTRACT = "contracts/11NA0700211920254001.json";
const PERIOD = "2025-09";

const SETUP = {
  period: PERIOD,
  smsPort: "10650823580002",
  management: "whitelist",
  callLimits: { callsPerCallingNumberPerDay: 500, callsPerCalleePerDay: 10 },
} as const;

// R-CALL-1: eleven calls to one callee on 09-03 (one over the 10 a day), one more on 09-04; a malformed row.
const VOICE = [
  "call_start,duration_seconds,direction,calling_number,called_number",
  ...Array.from(
    { length: 11 },
    (_, i) => `2025-09-03T10:${String(i).padStart(2, "0")}:00+08:00,60,outbound,043112393,13800000001`,
  ),
  "2025-09-04T10:00:00+08:00,60,outbound,043112393,13800000001",
  "2025-09-04T11:00:00+08:00,sixty,outbound,043112393,13800000002",
  "",
].join("\n");

// R-SMS-3: a marketing message without the opt-out (2.23), one with it; a category the contract does not know.
const SMS = [
  "sent_at,recipient,direction,content,content_chars,port,category",
  "2025-09-03T10:00:00+08:00,13800000001,downlink,医保新服务上线,,1065082358000201,marketing",
  "2025-09-03T10:01:00+08:00,13800000002,downlink,医保新服务上线拒收请回复R,,1065082358000201,marketing",
  "2025-09-03T10:02:00+08:00,13800000003,downlink,收到,,,lottery",
  "",
].join("\n");

/** A file as a stream that counts how often it is read from the start. */
function counted(text: string): { stream: AsyncIterable<Uint8Array>; reads: () => number } {
  let reads = 0;
  return {
    stream: {
      async *[Symbol.asyncIterator]() {
        reads++;
        yield new TextEncoder().encode(text);
      },
    },
    reads: () => reads,
  };
}

describe("rating and the compliance check in one pass", () => {
  it("reads each file once and gives the statement and the report of reading them separately", async () => {
    const contract = await loadContract(SAMPLE_CONTRACT);
    const voice = counted(VOICE);
    const sms = counted(SMS);
    const check = new ComplianceCheck(SETUP);
    const statement = await rateUsage({
      contract,
      period: PERIOD,
      voice: voice.stream,
      sms: sms.stream,
      alsoVisit: { voice: check.voice, sms: check.sms },
    });
    const report = check.report();
    expect([voice.reads(), sms.reads()]).toEqual([1, 1]);

    // By hand: 11 calls to 13800000001 on 09-03 is over the 10 a day; 09-04's one call is not.
    expect(report.callViolations).toEqual([
      { date: "2025-09-03", rule: "per-callee", number: "13800000001", calls: 11 },
    ]);
    expect(report.marketingChecked).toBe(true);
    expect(report.marketingViolations.map((v) => v.line)).toEqual([2]);
    // The voice file's bad duration (line 14), then the SMS log's unknown category (line 4).
    expect(report.rejected.map((r) => [r.file, r.line])).toEqual([
      ["voice", 14],
      ["sms", 4],
    ]);
    expect(statement.usage.voiceCalls).toBe(12);
    expect(statement.rejectedCount).toBe(1);

    const separately = await rateUsage({
      contract,
      period: PERIOD,
      voice: counted(VOICE).stream,
      sms: counted(SMS).stream,
    });
    expect(statement).toEqual(separately);
    expect(report).toEqual(
      await checkCompliance({ ...SETUP, voice: counted(VOICE).stream, sms: counted(SMS).stream }),
    );
  });

  it("reports the same however often it is asked: the content findings of a stored log are added once", async () => {
    const check = new ComplianceCheck({
      ...SETUP,
      contentFindings: {
        marketingViolations: [
          { line: 2, reason: 'marketing message without "拒收请回复R" at the end (2.23)' },
        ],
        marketingViolationCount: 1,
      },
    });
    const first = check.report();
    expect(first.marketingViolationCount).toBe(1);
    expect(check.report()).toEqual(first);
  });
});
