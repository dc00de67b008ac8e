/** The SMS log's optional `port,category` columns (R-SMS-3) and on-demand field text of the usage parser. */
import { describe, expect, it } from "vitest";
import { SMS_HEADER_WITH_CATEGORY, scanSmsCsv, smsCsvRecords } from "../../functions/core/usage-csv";

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of source) all.push(item);
  return all;
}

describe("SMS log with port and category (R-SMS-3)", () => {
  it("R-SMS-1: rating reads the extended log like the plain one (the two columns are ignored)", async () => {
    const records = await collect(
      smsCsvRecords(
        bytes(
          `${SMS_HEADER_WITH_CATEGORY}\n2025-09-01T09:00:00+08:00,13900000001,downlink,医保,,10650823580002,service\n`,
        ),
      ),
    );
    expect(records).toEqual([
      {
        kind: "message",
        line: 2,
        sentAtMs: Date.parse("2025-09-01T01:00:00Z"),
        contentChars: 2,
        direction: "downlink",
      },
    ]);
  });

  it("a row of the extended log with 5 fields is rejected: the header says 7", async () => {
    const records = await collect(
      smsCsvRecords(
        bytes(`${SMS_HEADER_WITH_CATEGORY}\n2025-09-01T09:00:00+08:00,13900000001,downlink,医保,\n`),
      ),
    );
    expect(records).toEqual([
      { kind: "rejected", line: 2, reason: "wrong number of fields (expected 7, got 5)" },
    ]);
  });

  it("a visitor may read a field's text, quotes undone (RFC 4180 doubling)", async () => {
    const seen: string[] = [];
    await scanSmsCsv(
      bytes(
        `${SMS_HEADER_WITH_CATEGORY}\n2025-09-01T09:00:00+08:00,13900000001,downlink,"说""好""的",,106508235800021,marketing\n`,
      ),
      {
        message: (_ms, _chars, _down, _line, fields) =>
          seen.push(fields.text(3), fields.text(5), fields.text(6)),
        reject: () => {},
      },
    );
    expect(seen).toEqual(['说"好"的', "106508235800021", "marketing"]);
  });

  it("a log whose header has only port (no category) is not an SMS log", async () => {
    await expect(
      collect(smsCsvRecords(bytes("sent_at,recipient,direction,content,content_chars,port\n"))),
    ).rejects.toThrow(/not a SMS log file/);
  });
});
