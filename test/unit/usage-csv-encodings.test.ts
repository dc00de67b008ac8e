/**
 * Usage CSV encodings (docs/usage-csv.md). Oracles are by construction: each message below is 40 Chinese
 * characters, so R-SMS-1 (合同第四条4.1款注（1）: 70 characters per billed SMS) bills it as 1 part; GBK puts
 * 2 bytes per character, so reading GBK bytes as if they were UTF-8 is what once billed 2 messages as 4.
 * Byte offsets are counted by hand: the SMS header line is 49 characters + LF = 50 bytes, and the row prefix
 * `2025-10-03T10:00:00+08:00,13800000000,downlink,` is 47 bytes, so the content starts at byte 97.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { InputError } from "../../bin/ops/cli-kit";
import rate from "../../bin/ops/rate";
import { decodeToUtf8, SMS_HEADER, scanSmsCsv, UsageFileError } from "../../functions/core/usage-csv";

const FORTY = "您好您的医保业务已办理完成请于三日内登录吉林医保公共服务平台查询办理结果谢谢合作";
const ROWS = [
  `${SMS_HEADER}\n`,
  `2025-10-03T10:00:00+08:00,13800000000,downlink,${FORTY},\n`,
  `2025-10-04T11:00:00+08:00,13800000001,downlink,${FORTY},\n`,
];

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* parts;
}

async function countChars(source: AsyncIterable<Uint8Array>): Promise<number[]> {
  const chars: number[] = [];
  await scanSmsCsv(source, {
    message: (_at, contentChars) => chars.push(contentChars),
    reject: (line, reason) => {
      throw new Error(`line ${line}: ${reason}`);
    },
  });
  return chars;
}

function tempFile(name: string, bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), "usage-enc-")), name);
  writeFileSync(path, bytes);
  return path;
}

describe("usage CSV: invalid UTF-8 is refused with its line and byte offset", () => {
  it("the message text is 40 characters (the oracle's premise)", () => {
    expect([...FORTY].length).toBe(40);
  });

  it("refuses GBK bytes read as UTF-8: line 2, byte offset 97 (the content's first byte)", async () => {
    const bytes = iconv.encode(ROWS.join(""), "gbk");
    await expect(countChars(chunks(bytes))).rejects.toThrow(UsageFileError);
    await expect(countChars(chunks(bytes))).rejects.toThrow(/line 2, byte offset 97\b/);
  });

  it("finds the same offset however the stream is cut", async () => {
    const bytes = iconv.encode(ROWS.join(""), "gbk");
    await expect(countChars(chunks(bytes.subarray(0, 98), bytes.subarray(98)))).rejects.toThrow(
      /line 2, byte offset 97\b/,
    );
  });

  it("refuses a UTF-16 surrogate encoded as UTF-8 (ED A0 80) and a truncated sequence", async () => {
    const prefix = Buffer.from(`${ROWS[0]}2025-10-03T10:00:00+08:00,13800000000,downlink,a`);
    const surrogate = Buffer.concat([prefix, Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(",\n")]);
    await expect(countChars(chunks(surrogate))).rejects.toThrow(/line 2, byte offset 98\b/);
    const truncated = Buffer.concat([prefix, Buffer.from([0xe4, 0xbd]), Buffer.from(",\n")]);
    await expect(countChars(chunks(truncated))).rejects.toThrow(/line 2, byte offset 98\b/);
  });

  it("accepts the same text in UTF-8, with or without a BOM", async () => {
    const utf8 = Buffer.from(ROWS.join(""));
    expect(await countChars(chunks(utf8))).toEqual([40, 40]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    expect(await countChars(chunks(bom))).toEqual([40, 40]);
  });
});

describe("usage CSV: GBK and GB18030 exports (Excel on Chinese Windows)", () => {
  for (const encoding of ["gbk", "gb18030"] as const) {
    it(`reads ${encoding} as 40 characters per message, however the stream is cut`, async () => {
      const bytes = iconv.encode(ROWS.join(""), encoding);
      expect(await countChars(decodeToUtf8(chunks(bytes), encoding))).toEqual([40, 40]);
      // A cut inside a two-byte character (byte 98 is the second byte of the first one).
      expect(
        await countChars(decodeToUtf8(chunks(bytes.subarray(0, 98), bytes.subarray(98)), encoding)),
      ).toEqual([40, 40]);
    });
  }

  it("ops rate --encoding gbk bills the 2 messages as 2 parts, not 4", async () => {
    const sms = tempFile("sms.csv", iconv.encode(ROWS.join(""), "gbk"));
    const contract = "contracts/11NA0700211920254001.json";
    const result = await rate.run([
      "--contract",
      contract,
      "--period",
      "2025-10",
      "--sms",
      sms,
      "--encoding",
      "gbk",
    ]);
    const usage = (result.json as { usage: { smsMessages: number; smsParts: number } }).usage;
    expect(usage).toMatchObject({ smsMessages: 2, smsParts: 2 });
  });

  it("ops rate without --encoding refuses the GBK file in one line naming the line, offset and the option", async () => {
    const sms = tempFile("sms.csv", iconv.encode(ROWS.join(""), "gbk"));
    const run = rate.run([
      "--contract",
      "contracts/11NA0700211920254001.json",
      "--period",
      "2025-10",
      "--sms",
      sms,
    ]);
    await expect(run).rejects.toThrow(InputError);
    await expect(
      rate.run(["--contract", "contracts/11NA0700211920254001.json", "--period", "2025-10", "--sms", sms]),
    ).rejects.toThrow(/^[^\n]*line 2, byte offset 97[^\n]*--encoding[^\n]*$/);
  });

  it("ops rate refuses an unknown --encoding naming the field, the value and what is expected", async () => {
    await expect(
      rate.run([
        "--contract",
        "contracts/11NA0700211920254001.json",
        "--period",
        "2025-10",
        "--encoding",
        "latin1",
      ]),
    ).rejects.toThrow(/--encoding.*latin1.*utf-8, gbk or gb18030/);
  });
});
