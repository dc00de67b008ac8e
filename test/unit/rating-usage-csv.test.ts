import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_RECORD_BYTES,
  parseInstantBytes,
  SMS_HEADER,
  smsCsvRecords,
  UsageFileError,
  VOICE_HEADER,
  voiceCsvRecords,
} from "../../functions/core/usage-csv";

const encoder = new TextEncoder();
const VOICE_FIXTURE = readFileSync(new URL("../fixtures/usage/voice-2025-09.csv", import.meta.url));
const SMS_FIXTURE = readFileSync(new URL("../fixtures/usage/sms-2025-09.csv", import.meta.url));

async function* chunks(data: Uint8Array, cuts: number[] = []): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    yield data.subarray(start, cut);
    start = cut;
  }
  yield data.subarray(start);
}
const text = (s: string) => encoder.encode(s);

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("voice CDR parsing", () => {
  it("reads the fixture: valid calls and every malformed row rejected with its line and reason", async () => {
    const records = await collect(voiceCsvRecords(chunks(VOICE_FIXTURE), { period: "2025-09" }));
    const rejected = records.filter((r) => r.kind === "rejected");
    expect(records.filter((r) => r.kind === "call").map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 8]);
    expect(rejected).toEqual([
      { kind: "rejected", line: 7, reason: "outside period 2025-09" },
      { kind: "rejected", line: 9, reason: "outside period 2025-09" },
      { kind: "rejected", line: 10, reason: "call_start is not an ISO-8601 instant with offset" },
      { kind: "rejected", line: 11, reason: "duration_seconds is not a non-negative whole number" },
      { kind: "rejected", line: 12, reason: "duration_seconds is not a non-negative whole number" },
      { kind: "rejected", line: 13, reason: "direction must be outbound or inbound" },
      { kind: "rejected", line: 14, reason: "wrong number of fields (expected 5, got 4)" },
      { kind: "rejected", line: 15, reason: "call_start is not an ISO-8601 instant with offset" },
      { kind: "rejected", line: 16, reason: "called_number is not a phone number" },
    ]);
  });

  it("decodes instants exactly, including fractions and offsets", async () => {
    const records = await collect(
      voiceCsvRecords(
        chunks(
          text(
            `${VOICE_HEADER}\n2025-09-15T14:30:12.250+08:00,1,outbound,1239301,139\n2025-09-15T06:30:12Z,1,inbound,139,12393\n2025-09-15T14:30:12+0800,1,outbound,+8613900000000,139\n`,
          ),
        ),
      ),
    );
    expect(records.map((r) => (r.kind === "call" ? r.callStartMs : r.reason))).toEqual([
      Date.parse("2025-09-15T14:30:12.250+08:00"),
      Date.parse("2025-09-15T06:30:12Z"),
      Date.parse("2025-09-15T14:30:12+08:00"),
    ]);
  });

  it.each([
    "2025-02-29T10:00:00+08:00",
    "2025-09-15T24:00:00+08:00",
    "2025-09-15T10:60:00+08:00",
    "2025-09-15T10:00:00",
    "2025-09-15T10:00:00+8:00",
    "2025-09-15T10:00:00.+08:00",
    "2025-9-15T10:00:00+08:00",
    "２０２５-09-15T10:00:00+08:00",
  ])("rejects the instant %s", async (instant) => {
    const [record] = await collect(
      voiceCsvRecords(chunks(text(`${VOICE_HEADER}\n${instant},1,outbound,1239301,139\n`))),
    );
    expect(record).toMatchObject({
      kind: "rejected",
      line: 2,
      reason: "call_start is not an ISO-8601 instant with offset",
    });
  });

  it("property: the byte decoder agrees with Date.parse on any instant and offset", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1970-01-02T00:00:00Z"),
          max: new Date("2199-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (date, offsetMinutes) => {
          const shifted = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
          const sign = offsetMinutes < 0 ? "-" : "+";
          const abs = Math.abs(offsetMinutes);
          const iso = `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
          const bytes = text(iso);
          expect(parseInstantBytes(bytes, 0, bytes.length)).toBe(date.getTime());
        },
      ),
    );
  });

  it("accepts CRLF line ends, a UTF-8 byte order mark and a last line without a line break", async () => {
    const records = await collect(
      voiceCsvRecords(
        chunks(
          text(
            `\ufeff${VOICE_HEADER}\r\n2025-09-01T08:00:00+08:00,61,outbound,1239301,139\r\n2025-09-01T08:00:00+08:00,1,inbound,139,12393`,
          ),
        ),
      ),
    );
    expect(records.map((r) => r.kind)).toEqual(["call", "call"]);
    expect(records[1]).toMatchObject({ direction: "inbound", durationSeconds: 1, line: 3 });
  });

  it("refuses a file whose first line is not the header, accepts an empty file", async () => {
    await expect(
      collect(voiceCsvRecords(chunks(text("2025-09-01T08:00:00+08:00,61,outbound,1,2\n")))),
    ).rejects.toThrow(UsageFileError);
    await expect(collect(voiceCsvRecords(chunks(text(`${SMS_HEADER}\n`))))).rejects.toThrow(
      /first line must be exactly/,
    );
    expect(await collect(voiceCsvRecords(chunks(new Uint8Array(0))))).toEqual([]);
  });

  it("rejects blank lines and rows with extra fields instead of dropping them", async () => {
    const records = await collect(
      voiceCsvRecords(
        chunks(text(`${VOICE_HEADER}\n\n2025-09-01T08:00:00+08:00,1,outbound,1239301,139,extra\n`)),
      ),
    );
    expect(records).toEqual([
      { kind: "rejected", line: 2, reason: "empty line" },
      { kind: "rejected", line: 3, reason: "wrong number of fields (expected 5, got 6)" },
    ]);
  });

  it("gives the same records however the stream is cut into chunks", async () => {
    const whole = await collect(voiceCsvRecords(chunks(VOICE_FIXTURE), { period: "2025-09" }));
    for (let cut = 1; cut < VOICE_FIXTURE.length; cut++) {
      expect(await collect(voiceCsvRecords(chunks(VOICE_FIXTURE, [cut]), { period: "2025-09" }))).toEqual(
        whole,
      );
    }
  });
});

describe("SMS log parsing", () => {
  it("reads quoted content with commas, doubled quotes and line breaks; counts code points; keeps line numbers", async () => {
    const records = await collect(smsCsvRecords(chunks(SMS_FIXTURE), { period: "2025-09" }));
    expect(records.filter((r) => r.kind === "message")).toEqual([
      {
        kind: "message",
        line: 2,
        sentAtMs: Date.parse("2025-09-01T09:00:00+08:00"),
        contentChars: 29,
        direction: "downlink",
      },
      {
        kind: "message",
        line: 3,
        sentAtMs: Date.parse("2025-09-01T09:01:00+08:00"),
        contentChars: 64,
        direction: "downlink",
      },
      {
        kind: "message",
        line: 4,
        sentAtMs: Date.parse("2025-09-01T09:02:00+08:00"),
        contentChars: 65,
        direction: "downlink",
      },
      // 含有逗号,和"引号"的\n多行短信 = 16 code points
      {
        kind: "message",
        line: 5,
        sentAtMs: Date.parse("2025-09-01T09:03:00+08:00"),
        contentChars: 16,
        direction: "downlink",
      },
      {
        kind: "message",
        line: 7,
        sentAtMs: Date.parse("2025-09-01T09:04:00+08:00"),
        contentChars: 10,
        direction: "uplink",
      },
    ]);
    expect(records.filter((r) => r.kind === "rejected")).toEqual([
      { kind: "rejected", line: 8, reason: "exactly one of content and content_chars must be filled" },
      { kind: "rejected", line: 9, reason: "exactly one of content and content_chars must be filled" },
      { kind: "rejected", line: 10, reason: "direction must be downlink or uplink" },
      { kind: "rejected", line: 11, reason: "outside period 2025-09" },
      { kind: "rejected", line: 12, reason: "content_chars is not a non-negative whole number" },
    ]);
  });

  it("never keeps the content: records carry only its length", async () => {
    const secret = "参保人张三身份证220102199001011234";
    const records = await collect(
      smsCsvRecords(
        chunks(text(`${SMS_HEADER}\n2025-09-01T09:00:00+08:00,13900000000,downlink,"${secret}",\n`)),
      ),
    );
    expect(records).toHaveLength(1);
    expect(JSON.stringify(records)).not.toContain("张三");
    expect(JSON.stringify(records)).not.toContain("13900000000");
    expect(records[0]).toMatchObject({ contentChars: [...secret].length });
  });

  it("counts an emoji and other astral characters as one character each (R-SMS-1)", async () => {
    const [record] = await collect(
      smsCsvRecords(chunks(text(`${SMS_HEADER}\n2025-09-01T09:00:00+08:00,139000,downlink,医保😀𠀀,\n`))),
    );
    expect(record).toMatchObject({ contentChars: 4 });
  });

  it("rejects an unterminated quote at the end of the file and junk after a closing quote", async () => {
    const records = await collect(
      smsCsvRecords(
        chunks(
          text(
            `${SMS_HEADER}\n2025-09-01T09:00:00+08:00,139000,downlink,"ok"x,\n2025-09-01T09:00:00+08:00,139000,downlink,"never closed,\nmore`,
          ),
        ),
      ),
    );
    expect(records).toEqual([
      { kind: "rejected", line: 2, reason: "characters after a closing quote" },
      { kind: "rejected", line: 3, reason: "unterminated quoted field" },
    ]);
  });

  it("bounds a record to MAX_RECORD_BYTES: an unterminated quote does not swallow the file into memory", async () => {
    const huge = "医".repeat(Math.ceil(MAX_RECORD_BYTES / 3) + 10);
    const data = text(
      `${SMS_HEADER}\n2025-09-01T09:00:00+08:00,139000,downlink,"${huge}\n2025-09-01T09:01:00+08:00,139000,downlink,,5\n`,
    );
    const cuts = Array.from({ length: Math.floor(data.length / 65536) }, (_, i) => (i + 1) * 65536);
    const records = await collect(smsCsvRecords(chunks(data, cuts)));
    expect(records).toEqual([
      {
        kind: "rejected",
        line: 2,
        reason: `record longer than ${MAX_RECORD_BYTES} bytes (unterminated quote?)`,
      },
      expect.objectContaining({ kind: "message", line: 3, contentChars: 5 }),
    ]);
  });

  it("gives the same records however the stream is cut into chunks (multi-byte characters split too)", async () => {
    const whole = await collect(smsCsvRecords(chunks(SMS_FIXTURE), { period: "2025-09" }));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: SMS_FIXTURE.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          expect(await collect(smsCsvRecords(chunks(SMS_FIXTURE, cuts), { period: "2025-09" }))).toEqual(
            whole,
          );
        },
      ),
    );
  });
});
