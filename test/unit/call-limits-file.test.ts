/**
 * R-CALL-1 (附件七第六条) read from the voice CDR file itself: the month's check against a reference written
 * here the obvious way — the file split into lines, each record split at its commas, the numbers kept as the
 * strings they are, counted in a Map per Asia/Shanghai day — over seeded random files cut into random chunks.
 * The files mix what could make two different numbers count as one or one number count as two: leading
 * zeros, a `+` prefix (docs/usage-csv.md allows one) and the same digits without it, numbers of 3 to 20
 * digits (past what a double holds exactly), quoted numbers, CRLF, calls either side of local midnight given
 * in +08:00 and in Z, limits reached exactly and exceeded, inbound calls (not counted) and broken rows.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CallRule, CallViolation } from "../../functions/core/sms-governance/call-limits";
import { checkCompliance } from "../../functions/core/sms-governance/compliance";
import { VOICE_HEADER } from "../../functions/core/usage-csv";
import { PERIOD, PERIOD_END_MS, PERIOD_START_MS, referenceInstant } from "./usage-csv-reference";

const LIMITS = { callsPerCallingNumberPerDay: 3, callsPerCalleePerDay: 2 };

const PHONE = /^\+?\d{3,20}$/;

/** Numbers that differ only where a careless key would merge them, and 16–20 digit ones beyond 2^53. */
const NUMBERS = [
  "110",
  "0110",
  "00110",
  "+110",
  "043112393",
  "0043112393",
  "13800000001",
  "03800000001",
  "+8613800000001",
  "8613800000001",
  "123456789012345",
  "+123456789012345",
  "1234567890123456",
  "9007199254740993",
  "9007199254740992",
  "12345678901234567890",
  "12345678901234567891",
  "+12345678901234567890",
  "99999999999999999999",
];

/** Numbers the format refuses: the row is rejected and counts for nothing. */
const BROKEN_NUMBERS = ["12", "+12", "123456789012345678901", "138-0000", "138 0000", "++110", ""];

/** Instants either side of 2025-09-04 00:00 Asia/Shanghai, written in +08:00 and in UTC, and the period's edges. */
const INSTANTS = [
  "2025-09-03T23:59:59+08:00",
  "2025-09-03T15:59:59Z",
  "2025-09-04T00:00:00+08:00",
  "2025-09-03T16:00:00Z",
  "2025-09-04T12:00:00+08:00",
  "2025-09-04T23:59:59+08:00",
  "2025-09-01T00:00:00+08:00",
  "2025-08-31T23:59:59+08:00",
  "2025-09-30T23:59:59+08:00",
  "2025-10-01T00:00:00+08:00",
  "2025-09-04T00:00:00.500+0800",
];

/** `quote`: which number is quoted; a record with a quote is the parser's general path's, a plain one its fast path's. */
type Row = {
  instant: string;
  direction: string;
  calling: string;
  called: string;
  quote: "none" | "calling" | "called";
  crlf: boolean;
};

/**
 * Numbers seen once or twice, beside the pool: a day's table then holds a hundred numbers and more, which a
 * table that starts small must keep through its growth.
 */
const anyNumber = fc.stringMatching(/^\+?\d{3,20}$/);

const row: fc.Arbitrary<Row> = fc.record({
  instant: fc.constantFrom(...INSTANTS),
  direction: fc.oneof(
    { weight: 6, arbitrary: fc.constant("outbound") },
    { weight: 2, arbitrary: fc.constant("inbound") },
    { weight: 1, arbitrary: fc.constant("outgoing") },
  ),
  calling: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...NUMBERS) },
    { weight: 6, arbitrary: anyNumber },
    { weight: 1, arbitrary: fc.constantFrom(...BROKEN_NUMBERS) },
  ),
  called: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...NUMBERS) },
    { weight: 6, arbitrary: anyNumber },
    { weight: 1, arbitrary: fc.constantFrom(...BROKEN_NUMBERS) },
  ),
  quote: fc.constantFrom("none", "none", "calling", "called"),
  crlf: fc.boolean(),
});

function fileOf(rows: Row[]): string {
  const q = (text: string, quote: boolean) => (quote ? `"${text}"` : text);
  return (
    `${VOICE_HEADER}\n` +
    rows
      .map(
        (r) =>
          `${r.instant},60,${r.direction},${q(r.calling, r.quote === "calling")},${q(r.called, r.quote === "called")}${r.crlf ? "\r\n" : "\n"}`,
      )
      .join("")
  );
}

/** The reference: every line of the file, the numbers as strings, a count per (day, number) per rule. */
function reference(file: string): { violations: CallViolation[]; rejected: number } {
  const byCaller = new Map<string, number>();
  const byCallee = new Map<string, number>();
  let rejected = 0;
  const lines = file.split("\n").slice(1, -1);
  for (const line of lines) {
    const fields = line
      .replace(/\r$/, "")
      .split(",")
      .map((f) => (f.startsWith('"') ? f.slice(1, -1) : f));
    const [instant = "", , direction = "", calling = "", called = ""] = fields;
    const ms = referenceInstant(instant);
    const valid =
      ms !== undefined &&
      ms >= PERIOD_START_MS &&
      ms < PERIOD_END_MS &&
      (direction === "outbound" || direction === "inbound") &&
      PHONE.test(calling) &&
      PHONE.test(called);
    if (!valid) {
      rejected++;
      continue;
    }
    if (direction !== "outbound") continue;
    // The Asia/Shanghai day: the instant moved by +8 h, read as a UTC date.
    const day = new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
    const callerKey = `${day} ${calling}`;
    const calleeKey = `${day} ${called}`;
    byCaller.set(callerKey, (byCaller.get(callerKey) ?? 0) + 1);
    byCallee.set(calleeKey, (byCallee.get(calleeKey) ?? 0) + 1);
  }
  const over = (counts: Map<string, number>, limit: number, rule: CallRule): CallViolation[] =>
    [...counts]
      .filter(([, calls]) => calls > limit)
      .map(([key, calls]) => {
        const [date = "", number = ""] = key.split(" ");
        return { date, rule, number, calls };
      });
  const order = { "per-calling-number": 0, "per-callee": 1 };
  const violations = [
    ...over(byCaller, LIMITS.callsPerCallingNumberPerDay, "per-calling-number"),
    ...over(byCallee, LIMITS.callsPerCalleePerDay, "per-callee"),
  ].sort((a, b) =>
    a.date < b.date
      ? -1
      : a.date > b.date
        ? 1
        : order[a.rule] - order[b.rule] || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0),
  );
  return { violations, rejected };
}

function* chunks(bytes: Uint8Array, cuts: number[]): Generator<Uint8Array> {
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

async function checked(
  file: string,
  cuts: number[],
): Promise<{ violations: CallViolation[]; rejected: number }> {
  const bytes = new TextEncoder().encode(file);
  const report = await checkCompliance({
    period: PERIOD,
    smsPort: "10650823580002",
    management: "whitelist",
    callLimits: LIMITS,
    voice: (async function* () {
      yield* chunks(bytes, cuts);
    })(),
  });
  return { violations: report.callViolations, rejected: report.rejectedCount };
}

describe("R-CALL-1 counted from the voice CDR file", () => {
  it("counts by the numbers as written: a leading zero, a + and every one of 20 digits tell numbers apart", async () => {
    // Hand-counted: callers that a digit-dropping or sign-dropping key would merge each place 5 calls on
    // 2025-09-04 (Asia/Shanghai), two over the 3 a day; each callee gets 4, two over the 2 a day.
    const rows: Row[] = [];
    const add = (instant: string, calling: string, called: string) =>
      rows.push({ instant, direction: "outbound", calling, called, quote: "none", crlf: false });
    for (const calling of ["12345678901234567890", "12345678901234567891", "+110", "110"]) {
      for (let i = 0; i < 5; i++) add("2025-09-04T10:00:00+08:00", calling, `1390431000${i}`);
    }
    // 2025-09-03T16:00:00Z is 2025-09-04 00:00 in Shanghai: the fifth call of "0110" that day, with the
    // other four; the call a second before belongs to 2025-09-03.
    for (let i = 0; i < 4; i++) add("2025-09-04T00:00:00+08:00", "0110", `1380000000${i}`);
    add("2025-09-03T16:00:00Z", "0110", "13800000009");
    add("2025-09-03T15:59:59Z", "0110", "13800000009");
    const { violations } = await checked(fileOf(rows), []);
    expect(violations).toEqual([
      { date: "2025-09-04", rule: "per-calling-number", number: "+110", calls: 5 },
      { date: "2025-09-04", rule: "per-calling-number", number: "0110", calls: 5 },
      { date: "2025-09-04", rule: "per-calling-number", number: "110", calls: 5 },
      { date: "2025-09-04", rule: "per-calling-number", number: "12345678901234567890", calls: 5 },
      { date: "2025-09-04", rule: "per-calling-number", number: "12345678901234567891", calls: 5 },
      { date: "2025-09-04", rule: "per-callee", number: "13904310000", calls: 4 },
      { date: "2025-09-04", rule: "per-callee", number: "13904310001", calls: 4 },
      { date: "2025-09-04", rule: "per-callee", number: "13904310002", calls: 4 },
      { date: "2025-09-04", rule: "per-callee", number: "13904310003", calls: 4 },
      { date: "2025-09-04", rule: "per-callee", number: "13904310004", calls: 4 },
    ]);
  });

  it("finds the violations and rejections the reference finds, on random files in random chunks", async () => {
    const overLimit = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 100, maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (rows, cuts) => {
          const file = fileOf(rows);
          const found = await checked(file, cuts);
          expect(found).toEqual(reference(file));
          for (const v of found.violations) overLimit.add(`${v.rule} ${v.number}`);
        },
      ),
      { seed: 20261201, numRuns: 100, endOnFailure: true },
    );
    // The files did put every number over each limit somewhere: the comparison was not of empty lists.
    for (const rule of ["per-calling-number", "per-callee"])
      for (const number of NUMBERS) expect(overLimit).toContain(`${rule} ${number}`);
  });
});
