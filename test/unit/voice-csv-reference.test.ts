/**
 * The voice CDR reader against a reference written here the obvious way (split lines, regex, Number, Date.UTC)
 * from docs/usage-csv.md and the contract (4.1: 语音通话费 0.06元/分, 被叫免费; R-PRICE-2: every started minute
 * billed), on random files of plain, odd and broken records cut into random chunks: the same calls, the same
 * rejections with the same lines and reasons, the same count, the same money. The reader's fast path for plain
 * records (ADR 0056) must agree with the general path everywhere, chunk boundaries included.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseContract } from "../../functions/core/contract";
import { rateUsage } from "../../functions/core/rating";
import { scanVoiceCsv, VOICE_HEADER } from "../../functions/core/usage-csv";
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

/** `fields`: each field's text as the visitor reads it (R-CALL-1 counts calls by their numbers). */
type Call = { line: number; startMs: number; seconds: number; outbound: boolean; fields: string[] };
type Outcome = { calls: Call[]; rejected: Array<{ line: number; reason: string }>; records: number };

const PHONE = /^\+?\d{3,20}$/;

type Accepted = Omit<Call, "line">;

/** One record's rejection reason, or the call it is. Fields are quoted here only whole, with no comma or quote inside. */
function referenceRecord(text: string): string | Accepted {
  if (text === "") return "empty line";
  const fields = text.split(",").map((f) => (/^"[^"]*"$/.test(f) ? f.slice(1, -1) : f));
  if (fields.length !== 5) return `wrong number of fields (expected 5, got ${fields.length})`;
  const [at, seconds, direction, calling, called] = fields as [string, string, string, string, string];
  const startMs = referenceInstant(at);
  if (startMs === undefined) return "call_start is not an ISO-8601 instant with offset";
  if (!/^\d{1,9}$/.test(seconds)) return "duration_seconds is not a non-negative whole number";
  if (direction !== "outbound" && direction !== "inbound") return "direction must be outbound or inbound";
  if (!PHONE.test(calling)) return "calling_number is not a phone number";
  if (!PHONE.test(called)) return "called_number is not a phone number";
  if (startMs < PERIOD_START_MS || startMs >= PERIOD_END_MS) return `outside period ${PERIOD}`;
  return { startMs, seconds: Number(seconds), outbound: direction === "outbound", fields };
}

/** The reference reader: one record a line (the header is line 1), a trailing CR dropped. */
function referenceRead(body: string): Outcome {
  const out: Outcome = { calls: [], rejected: [], records: 0 };
  const lines = body.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const [index, raw] of lines.entries()) {
    const line = index + 2;
    out.records++;
    const result = referenceRecord(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    if (typeof result === "string") out.rejected.push({ line, reason: result });
    else out.calls.push({ line, ...result });
  }
  return out;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** `asksFields`: which calls the visitor reads the fields of (all by default). */
async function read(
  bytes: Uint8Array,
  cuts: number[],
  asksFields: (outbound: boolean) => boolean = () => true,
): Promise<Outcome> {
  const out: Outcome = { calls: [], rejected: [], records: 0 };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let from = 0;
    for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
      yield bytes.subarray(from, cut);
      from = cut;
    }
    yield bytes.subarray(from);
  }
  const summary = await scanVoiceCsv(
    chunks(),
    {
      call: (startMs, seconds, outbound, line, record) =>
        out.calls.push({
          line,
          startMs,
          seconds,
          outbound,
          fields: asksFields(outbound) ? [0, 1, 2, 3, 4].map((f) => record.text(f)) : [],
        }),
      reject: (line, reason) => out.rejected.push({ line, reason }),
    },
    { period: PERIOD },
  );
  out.records = summary.records;
  return out;
}

const seconds = fc.oneof(
  { weight: 6, arbitrary: fc.nat(7200).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("0", "999999999", "1000000000", "-1", "1.5", "", " 60", "07") },
);
const direction = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("outbound", "inbound") },
  { weight: 1, arbitrary: fc.constantFrom("Outbound", "outbounds", "inbound ", "in", "", "outbou") },
);
const phone = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^\+?\d{3,20}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[+\d a-z\r-]{0,23}$/) },
  { weight: 1, arbitrary: fc.constantFrom("139\r0", "+861\r39", "1390\r\r", "1390\r", "12") },
  // Bytes beside the digits (0x2F, 0x3A–0x3F share their high nibble): the number scan reads four at a time.
  { weight: 1, arbitrary: fc.stringMatching(/^\+?[\d:;<=>?/]{3,22}$/) },
);
const quoted = (field: fc.Arbitrary<string>) =>
  fc.tuple(field, fc.nat(9)).map(([f, q]) => (q === 0 && !/[",]/.test(f) ? `"${f}"` : f));
const record = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.tuple(plainInstant, seconds, direction, phone, phone).map((fields) => fields.join(",")),
  },
  {
    weight: 12,
    arbitrary: fc
      .tuple(sameMinuteInstant, seconds, direction, phone, phone)
      .map((fields) => fields.join(",")),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(quoted(oddInstant), quoted(seconds), quoted(direction), quoted(phone), quoted(phone))
      .map((fields) => fields.join(",")),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(plainInstant, seconds, direction, phone, phone, fc.nat(4))
      .map(([a, b, c, d, e, n]) => [a, b, c, d, e].slice(0, n).join(",") || ","),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constant(""),
      fc.stringMatching(/^[\d:T+,a-z\r-]{0,40}$/),
      fc.tuple(plainInstant, phone).map(([a, p]) => `${a},60,outbound,${p},${p},extra`),
      // A record broken by a line feed, anywhere or in place of a comma: two lines, each read on its own.
      fc.tuple(oddInstant, seconds, phone, fc.nat(), fc.boolean()).map(([a, sec, p, at, atComma]) => {
        const fields = [a, sec, "outbound", p, "1390000"];
        if (atComma) {
          const cut = 1 + (at % (fields.length - 1));
          return `${fields.slice(0, cut).join(",")}\n${fields.slice(cut).join(",")}`;
        }
        const whole = fields.join(",");
        const cut = at % (whole.length + 1);
        return `${whole.slice(0, cut)}\n${whole.slice(cut)}`;
      }),
    ),
  },
);
const file = fc.record({
  records: fc.array(fc.tuple(record, fc.boolean()), { maxLength: 80 }),
  finalNewline: fc.boolean(),
  cuts: fc.array(fc.nat(20_000), { maxLength: 6 }),
});

function body(records: Array<[string, boolean]>, finalNewline: boolean): string {
  const text = records.map(([r, crlf]) => `${r}${crlf ? "\r\n" : "\n"}`).join("");
  return finalNewline || text === "" ? text : text.replace(/\r?\n$/, "");
}

describe("voice CDR reader against the reference (ADR 0056)", () => {
  it("reads random files, cut anywhere, exactly as the reference does", async () => {
    await fc.assert(
      fc.asyncProperty(file, async ({ records, finalNewline, cuts }) => {
        const text = body(records, finalNewline);
        const bytes = new TextEncoder().encode(`${VOICE_HEADER}\n${text}`);
        expect(await read(bytes, cuts)).toEqual(referenceRead(text));
      }),
      { numRuns: 400, seed: 56 },
    );
  });

  it("gives each call its own fields when the visitor reads only outbound calls' (as R-CALL-1's check does; ADR 0088)", async () => {
    // The fast path leaves a record's fields to be found when asked for; a call whose fields nobody asked for
    // must not lend them to the next call, which the general path may have read.
    const outboundOnly = (outbound: boolean) => outbound;
    await fc.assert(
      fc.asyncProperty(file, async ({ records, finalNewline, cuts }) => {
        const text = body(records, finalNewline);
        const bytes = new TextEncoder().encode(`${VOICE_HEADER}\n${text}`);
        const expected = referenceRead(text);
        for (const call of expected.calls) if (!call.outbound) call.fields = [];
        expect(await read(bytes, cuts, outboundOnly)).toEqual(expected);
      }),
      { numRuns: 400, seed: 88 },
    );
  });

  it("reads files of a few minutes' calls, valid seconds or not, exactly as the reference does (ADR 0084)", async () => {
    const minuteFile = fc.record({
      records: fc.array(
        fc.tuple(
          fc
            .tuple(sameMinuteInstant, fc.nat(7200), fc.constantFrom("outbound", "inbound"))
            .map(([at, sec, dir]) => `${at},${sec},${dir},123930039,13719790752`),
          fc.boolean(),
        ),
        { maxLength: 60 },
      ),
      cuts: fc.array(fc.nat(6_000), { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(minuteFile, async ({ records, cuts }) => {
        const text = body(records, true);
        const bytes = new TextEncoder().encode(`${VOICE_HEADER}\n${text}`);
        expect(await read(bytes, cuts)).toEqual(referenceRead(text));
      }),
      { numRuns: 300, seed: 84 },
    );
  });

  it("reads an instant alone on its line (a length other than 20 or 25 bytes) as a record of one field", async () => {
    // Found by comparing the reader before and after its fast path on mutated files: a line feed ended the
    // instant's field and the next line's fields were taken as the same record's.
    const text = [
      "2025-09-18T13:01:14+0800",
      "3672,outbound,123930039,13719790752",
      "2025-09-18T13:01:14.25+08:00",
      "60,outbound,123930039,13719790752",
      "2025-09-18T13:01:14+08:00,60,outbound,123930039,13719790752",
      "",
    ].join("\n");
    const outcome = await read(new TextEncoder().encode(`${VOICE_HEADER}\n${text}`), []);
    expect(outcome).toEqual(referenceRead(text));
    expect(outcome.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5]);
  });

  it("refuses a byte that is not UTF-8 with its line and byte offset, after any number of plain records", async () => {
    const broken = fc.record({
      records: fc.array(
        fc
          .tuple(plainInstant, fc.nat(7200), phone)
          .map(([at, sec, p]) => `${at},${sec},outbound,${p},1390000`),
        { minLength: 1, maxLength: 60 },
      ),
      at: fc.nat(),
      column: fc.nat(),
      byte: fc.constantFrom(0xff, 0xc3, 0x80, 0xed),
      cuts: fc.array(fc.nat(8_000), { maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(broken, async ({ records, at, column, byte, cuts }) => {
        const index = at % records.length;
        const record = records[index] as string;
        const head = `${VOICE_HEADER}\n${records
          .slice(0, index)
          .map((r) => `${r}\n`)
          .join("")}`;
        const cut = column % record.length;
        const encode = (text: string) => new TextEncoder().encode(text);
        const before = encode(`${head}${record.slice(0, cut)}`);
        const after = encode(
          `${record.slice(cut)}\n${records
            .slice(index + 1)
            .map((r) => `${r}\n`)
            .join("")}`,
        );
        const bytes = new Uint8Array([...before, byte, ...after]);
        await expect(read(bytes, cuts)).rejects.toThrow(
          `voice CDR file is not valid UTF-8 at line ${index + 2}, byte offset ${before.length}:`,
        );
      }),
      { numRuns: 200, seed: 5600 },
    );
  });

  it("rates random files to the reference's money: 0.06 per started minute of outbound calls (4.1)", async () => {
    const empty = await rateUsage({
      contract,
      period: PERIOD,
      voice: once(new TextEncoder().encode(VOICE_HEADER)),
    });
    await fc.assert(
      fc.asyncProperty(file, async ({ records, finalNewline }) => {
        const text = body(records, finalNewline);
        const reference = referenceRead(text);
        const minutes = reference.calls
          .filter((c) => c.outbound)
          .reduce((sum, c) => sum + Math.ceil(c.seconds / 60), 0);
        const statement = await rateUsage({
          contract,
          period: PERIOD,
          voice: once(new TextEncoder().encode(`${VOICE_HEADER}\n${text}`)),
        });
        // 6 fen a minute, added to the month's other lines (those of a month with no calls).
        const fen = (amount: string) => BigInt(amount.replace(".", ""));
        expect(fen(statement.total)).toBe(fen(empty.total) + BigInt(minutes) * 6n);
        expect(statement.usage.voiceRecords).toBe(reference.records);
        expect(statement.usage.voiceOutboundCalls).toBe(reference.calls.filter((c) => c.outbound).length);
        expect(statement.usage.voiceInboundCalls).toBe(reference.calls.filter((c) => !c.outbound).length);
        expect(statement.rejectedCount).toBe(reference.rejected.length);
      }),
      { numRuns: 150, seed: 560 },
    );
  });
});
