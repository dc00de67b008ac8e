/**
 * The SMS log reader against a reference written here the obvious way (a character-by-character RFC 4180
 * split of the text, regex, Number, Date.UTC) from docs/usage-csv.md and the contract (4.1: 短信 0.04元/条;
 * note (1) and Annex 2 §8, R-SMS-1: 70 characters a message, the signature 【吉林医保】 counted, a longer text
 * split into 70-character parts, each billed), on random files of plain, odd and broken records cut into
 * random chunks: the same messages with the same character counts and fields, the same rejections with the
 * same lines and reasons, the same count, the same money. The reader's fast path for plain records (ADR 0084)
 * must agree with the general path everywhere, chunk boundaries and the port/category header included.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseContract } from "../../functions/core/contract";
import { rateUsage } from "../../functions/core/rating";
import { SMS_HEADER, SMS_HEADER_WITH_CATEGORY, scanSmsCsv } from "../../functions/core/usage-csv";
import {
  oddInstant,
  PERIOD,
  PERIOD_END_MS,
  PERIOD_START_MS,
  plainInstant,
  referenceInstant,
  sameMinuteInstant,
} from "./usage-csv-reference";

const contract = parseContract(
  JSON.parse(readFileSync(new URL("../../contracts/11NA0700211920254001.json", import.meta.url), "utf8")),
);

type Message = { line: number; sentMs: number; chars: number; downlink: boolean; fields: string[] };
type Outcome = { messages: Message[]; rejected: Array<{ line: number; reason: string }>; records: number };

/** One record as RFC 4180 splits it: its fields unquoted, or what is wrong with its quotes. */
type Split = { line: number; fields: string[]; error?: string; emptyLine: boolean };

/**
 * Splits the text after the header into records, as docs/usage-csv.md describes: a field that starts with a
 * quote runs to the next lone quote ("" is a quote inside, and commas and line breaks are text); after it a
 * comma, a line break (LF or CRLF) or the end; anything else is a broken record that ends at the next line
 * feed. An unquoted field runs to the next comma or line feed, and a record's last field loses a final CR.
 */
function splitRecords(text: string): Split[] {
  const out: Split[] = [];
  let line = 2;
  let i = 0;
  while (i < text.length) {
    const record: Split = { line, fields: [], emptyLine: false };
    let newlines = 0;
    for (;;) {
      if (text[i] === '"') {
        let j = i + 1;
        let value = "";
        let closed = false;
        while (j < text.length) {
          if (text[j] === '"') {
            if (text[j + 1] === '"') {
              value += '"';
              j += 2;
              continue;
            }
            closed = true;
            break;
          }
          if (text[j] === "\n") newlines++;
          value += text[j];
          j++;
        }
        record.fields.push(value);
        if (!closed) {
          record.error = "unterminated quoted field";
          i = text.length;
          break;
        }
        const after = j + 1;
        if (text[after] === ",") {
          i = after + 1;
          continue;
        }
        if (after >= text.length) i = after;
        else if (text[after] === "\n") i = after + 1;
        else if (text.startsWith("\r\n", after)) i = after + 2;
        else {
          record.error = "characters after a closing quote";
          const lf = text.indexOf("\n", after);
          i = lf < 0 ? text.length : lf + 1;
        }
        break;
      }
      let j = i;
      while (j < text.length && text[j] !== "," && text[j] !== "\n") j++;
      if (text[j] === ",") {
        record.fields.push(text.slice(i, j));
        i = j + 1;
        continue;
      }
      const value = text.slice(i, j).replace(/\r$/, "");
      record.emptyLine = record.fields.length === 0 && value === "";
      record.fields.push(value);
      i = j + 1;
      break;
    }
    out.push(record);
    line += 1 + newlines;
  }
  return out;
}

const PHONE = /^\+?\d{3,20}$/;

/** One record's rejection reason, or the message it is. */
function referenceRecord(record: Split, width: number): string | Omit<Message, "line"> {
  if (record.error) return record.error;
  if (record.emptyLine) return "empty line";
  const { fields } = record;
  if (fields.length !== width) return `wrong number of fields (expected ${width}, got ${fields.length})`;
  const [at, recipient, direction, content, count] = fields as [string, string, string, string, string];
  const sentMs = referenceInstant(at);
  if (sentMs === undefined) return "sent_at is not an ISO-8601 instant with offset";
  if (!PHONE.test(recipient)) return "recipient is not a phone number";
  if (direction !== "downlink" && direction !== "uplink") return "direction must be downlink or uplink";
  if ((content === "") === (count === "")) return "exactly one of content and content_chars must be filled";
  if (count !== "" && !/^\d{1,9}$/.test(count)) return "content_chars is not a non-negative whole number";
  if (sentMs < PERIOD_START_MS || sentMs >= PERIOD_END_MS) return `outside period ${PERIOD}`;
  // R-SMS-1: characters are code points.
  const chars = count !== "" ? Number(count) : [...content].length;
  return { sentMs, chars, downlink: direction === "downlink", fields };
}

function referenceRead(text: string, width: number): Outcome {
  const out: Outcome = { messages: [], rejected: [], records: 0 };
  for (const record of splitRecords(text)) {
    out.records++;
    const result = referenceRecord(record, width);
    if (typeof result === "string") out.rejected.push({ line: record.line, reason: result });
    else out.messages.push({ line: record.line, ...result });
  }
  return out;
}

function chunked(bytes: Uint8Array, cuts: number[]): AsyncIterable<Uint8Array> {
  return (async function* () {
    let from = 0;
    for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
      yield bytes.subarray(from, cut);
      from = cut;
    }
    yield bytes.subarray(from);
  })();
}

async function read(bytes: Uint8Array, cuts: number[], width: number): Promise<Outcome> {
  const out: Outcome = { messages: [], rejected: [], records: 0 };
  const summary = await scanSmsCsv(
    chunked(bytes, cuts),
    {
      message: (sentMs, chars, downlink, line, record) =>
        out.messages.push({
          line,
          sentMs,
          chars,
          downlink,
          fields: Array.from({ length: width }, (_, f) => record.text(f)),
        }),
      reject: (line, reason) => out.rejected.push({ line, reason }),
    },
    { period: PERIOD },
  );
  out.records = summary.records;
  return out;
}

const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
const contentText = fc
  .array(
    fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom("您", "的", "医", "保", "账", "户", "，", "。", "【", "】") },
      { weight: 3, arbitrary: fc.constantFrom("a", "1", " ", "é", "😀", "𠀀") },
      { weight: 1, arbitrary: fc.constantFrom(",", '"', "\n", "\r", "\r\n") },
    ),
    { minLength: 1, maxLength: 90 },
  )
  .map((parts) => parts.join(""));
const plainContent = fc
  .array(fc.constantFrom("您", "的", "医", "保", "，", "a", "😀"), { minLength: 1, maxLength: 90 })
  .map((parts) => quote(parts.join("")));
const count = fc.oneof(
  { weight: 6, arbitrary: fc.nat(300).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("0", "999999999", "1000000000", "-1", "1.5", " 5", "07", "5\r") },
);
/** content and content_chars: one of them filled as the format wants, or not. */
const contentAndCount = fc.oneof(
  { weight: 8, arbitrary: contentText.map((t) => `${quote(t)},`) },
  { weight: 3, arbitrary: count.map((c) => `,${c}`) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.tuple(contentText, count).map(([t, c]) => `${quote(t)},${c}`),
      fc.constantFrom(",", '"",', '"",12', "unquoted 文字,", 'a"b,', '"abc"x,', '"abc""",', '"a""b",'),
    ),
  },
);
const recipient = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^\+?\d{3,20}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[+\d a-z\r-]{0,23}$/) },
  // Bytes beside the digits (0x2F, 0x3A–0x3F share their high nibble): the number scan reads four at a time.
  { weight: 1, arbitrary: fc.stringMatching(/^\+?[\d:;<=>?/]{3,22}$/) },
);
const direction = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("downlink", "uplink") },
  { weight: 1, arbitrary: fc.constantFrom("Downlink", "downlinks", "uplink ", "up", "", "downlin") },
);
const instant = fc.oneof(
  { weight: 4, arbitrary: plainInstant },
  { weight: 6, arbitrary: sameMinuteInstant },
  { weight: 1, arbitrary: oddInstant },
);
const portAndCategory = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom("10650823580002", "106508235800021", "") },
      { weight: 1, arbitrary: fc.constantFrom('"10650823580002"', "1065 0823", "a\rb") },
    ),
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom("商业类", "服务类", "管理类", "") },
      { weight: 1, arbitrary: fc.constantFrom('"服务类"', "服务,类", "x\r", '服务"类') },
    ),
  )
  .map(([port, category]) => `,${port},${category}`);

/** A record: the usual five fields, plus port and category when the header has them. */
const record = (withCategory: boolean) =>
  fc.oneof(
    {
      weight: 14,
      arbitrary: fc
        .tuple(
          instant,
          recipient,
          direction,
          contentAndCount,
          withCategory ? portAndCategory : fc.constant(""),
        )
        .map(([at, to, dir, rest, extra]) => `${at},${to},${dir},${rest}${extra}`),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constant(""),
        fc.stringMatching(/^[\d:T+,a-z"\r-]{0,40}$/),
        fc.tuple(plainInstant, plainContent).map(([at, c]) => `${at},13800138000,downlink,${c},,extra`),
        fc.tuple(plainInstant, plainContent).map(([at, c]) => `${at},13800138000,downlink,${c}`),
        // A record broken by a line feed anywhere: two lines, each read on its own.
        fc.tuple(plainInstant, plainContent, fc.nat()).map(([at, c, cut]) => {
          const whole = `${at},13800138000,downlink,${c},`;
          const k = cut % (whole.length + 1);
          return `${whole.slice(0, k)}\n${whole.slice(k)}`;
        }),
      ),
    },
  );
const file = fc.boolean().chain((withCategory) =>
  fc.record({
    withCategory: fc.constant(withCategory),
    records: fc.array(fc.tuple(record(withCategory), fc.boolean()), { maxLength: 60 }),
    finalNewline: fc.boolean(),
    cuts: fc.array(fc.nat(12_000), { maxLength: 6 }),
  }),
);

function body(records: Array<[string, boolean]>, finalNewline: boolean): string {
  const text = records.map(([r, crlf]) => `${r}${crlf ? "\r\n" : "\n"}`).join("");
  return finalNewline || text === "" ? text : text.replace(/\r?\n$/, "");
}

const encode = (text: string) => new TextEncoder().encode(text);

describe("SMS log reader against the reference (ADR 0084)", () => {
  it("reads random files, cut anywhere, exactly as the reference does", async () => {
    await fc.assert(
      fc.asyncProperty(file, async ({ withCategory, records, finalNewline, cuts }) => {
        const text = body(records, finalNewline);
        const header = withCategory ? SMS_HEADER_WITH_CATEGORY : SMS_HEADER;
        const width = withCategory ? 7 : 5;
        expect(await read(encode(`${header}\n${text}`), cuts, width)).toEqual(referenceRead(text, width));
      }),
      { numRuns: 400, seed: 84 },
    );
  });

  it("counts the characters of plain Chinese content, one to four bytes each, as the reference does", async () => {
    // Content long enough for the reader's count by words, in every alignment.
    const text = [
      '2025-09-10T10:07:01+08:00,13800138000,downlink,"您的医保账户本月划入金额已到账😀a",',
      '2025-09-10T10:07:02+08:00,13800138000,downlink,"a您的医保账户本月划入金额已到账😀",',
      '2025-09-10T10:07:03+08:00,13800138000,uplink,"ab您的医保账户本月划入金额已到账𠀀é",',
      '2025-09-10T10:07:04+08:00,13800138000,downlink,"abc您的医保账户本月划入金额已到账，请查询。",',
      "2025-09-10T10:07:05+08:00,13800138000,downlink,,65",
      // 1,204 bytes of two-byte characters: a leading byte in every other byte lane of 301 words, more than
      // a lane holds (255); and 1,801 bytes of three-byte ones.
      `2025-09-10T10:07:06+08:00,13800138000,downlink,"${"é".repeat(600)}您a",`,
      `2025-09-10T10:07:07+08:00,13800138000,downlink,"${"您".repeat(600)}a",`,
      "",
    ].join("\n");
    const outcome = await read(encode(`${SMS_HEADER}\n${text}`), [], 5);
    expect(outcome).toEqual(referenceRead(text, 5));
    expect(outcome.messages.map((m) => m.chars)).toEqual([17, 17, 19, 23, 65, 602, 601]);
  });

  it("refuses a byte that is not UTF-8 with its line and byte offset, after any number of plain records", async () => {
    const broken = fc.record({
      records: fc.array(
        fc
          .tuple(sameMinuteInstant, plainContent)
          .map(([at, content]) => `${at},13800138000,downlink,${content},`),
        { minLength: 1, maxLength: 40 },
      ),
      at: fc.nat(),
      column: fc.nat(),
      byte: fc.constantFrom(0xff, 0xc3, 0x80, 0xed),
      cuts: fc.array(fc.nat(8_000), { maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(broken, async ({ records, at, column, byte, cuts }) => {
        const index = at % records.length;
        const record = encode(records[index] as string);
        const before = encode(
          `${SMS_HEADER}\n${records
            .slice(0, index)
            .map((r) => `${r}\n`)
            .join("")}`,
        );
        const after = encode(
          `\n${records
            .slice(index + 1)
            .map((r) => `${r}\n`)
            .join("")}`,
        );
        // The byte goes anywhere in the record, also inside a character of its content.
        const cut = column % record.length;
        const bytes = new Uint8Array([
          ...before,
          ...record.subarray(0, cut),
          byte,
          ...record.subarray(cut),
          ...after,
        ]);
        const offset = before.length + cut;
        const error = await read(bytes, cuts, 5).then(
          () => undefined,
          (e: unknown) => (e instanceof Error ? e.message : String(e)),
        );
        const message = /^SMS log file is not valid UTF-8 at line (\d+), byte offset (\d+):/.exec(
          error ?? "",
        );
        expect(message?.[1]).toBe(String(index + 2));
        const named = Number(message?.[2]);
        if (((record[cut] as number) & 0xc0) !== 0x80) {
          // Between two characters the byte itself starts the first ill-formed sequence.
          expect(named).toBe(offset);
        } else {
          // Inside a character it may complete a sequence with the character's bytes, leaving the
          // character's last ones ill-formed: the sequence starts within three bytes of it.
          expect(Math.abs(named - offset)).toBeLessThanOrEqual(3);
        }
      }),
      { numRuns: 200, seed: 8400 },
    );
  });

  it("rates random files to the reference's money: 0.04 a part, 70 characters with 【吉林医保】 (4.1, R-SMS-1)", async () => {
    const once = (text: string) =>
      (async function* () {
        yield encode(text);
      })();
    const empty = await rateUsage({ contract, period: PERIOD, sms: once(SMS_HEADER) });
    await fc.assert(
      fc.asyncProperty(file, async ({ withCategory, records, finalNewline }) => {
        const text = body(records, finalNewline);
        const header = withCategory ? SMS_HEADER_WITH_CATEGORY : SMS_HEADER;
        const reference = referenceRead(text, withCategory ? 7 : 5);
        // The signature 【吉林医保】 is 6 characters; a signed text over 70 is billed per 70-character part.
        const parts = reference.messages
          .filter((m) => m.downlink)
          .reduce((sum, m) => sum + Math.max(1, Math.ceil((m.chars + 6) / 70)), 0);
        const statement = await rateUsage({ contract, period: PERIOD, sms: once(`${header}\n${text}`) });
        const fen = (amount: string) => BigInt(amount.replace(".", ""));
        expect(fen(statement.total)).toBe(fen(empty.total) + BigInt(parts) * 4n);
        expect(statement.usage.smsRecords).toBe(reference.records);
        expect(statement.usage.smsDownlinkMessages).toBe(reference.messages.filter((m) => m.downlink).length);
        expect(statement.usage.smsUplinkIgnored).toBe(reference.messages.filter((m) => !m.downlink).length);
        expect(statement.rejectedCount).toBe(reference.rejected.length);
      }),
      { numRuns: 150, seed: 840 },
    );
  });
});
