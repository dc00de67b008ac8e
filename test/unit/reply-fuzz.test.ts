import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatFen } from "../../functions/core/money";
import { findFigures } from "../../functions/core/reply/amounts";
import { decideReply } from "../../functions/core/reply/decide";
import {
  normaliseReplyText,
  type ReplyDecision,
  understandReply,
} from "../../functions/core/reply/understand";

const BILL = "4218.36";
const fixturesDir = new URL("../fixtures/replies/", import.meta.url);
const fixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith(".eml"))
  .map((f) => readFileSync(new URL(f, fixturesDir)));

/** A reported amount must be written in the new text: never invented, never taken from the quote. */
function amountIsInText(decision: ReplyDecision, newText: string): boolean {
  if (decision.decision === "confirmed") return decision.amount === BILL;
  if (decision.decision === "needs-person") return decision.amount === null;
  const text = normaliseReplyText(newText);
  return findFigures(text).some(
    (f) => f.fen !== null && formatFen(f.fen) === decision.amount && text.includes(f.raw),
  );
}

// Pieces a reply is made of; figures carry the value they were written for.
const words = fc.constantFrom(
  "确认",
  "无误",
  "无异议",
  "有异议",
  "不同意",
  "同意",
  "不一致",
  "应为",
  "OK",
  "disagree",
  "收到",
  "，",
  "。",
  " ",
  "\n",
  "> ",
  "电话：",
  "2026年9月3日",
  "10:02",
  "5000条",
);
const figure = fc.bigInt({ min: 1n, max: 99_999_999n }).chain((fen) =>
  fc
    .constantFrom(
      (f: bigint) => formatFen(f),
      (f: bigint) => `¥${formatFen(f).replace(/\B(?=(\d{3})+(?!\d))/, ",")}`,
      (f: bigint) => `人民币${formatFen(f)}元`,
      (f: bigint) => `${f / 100n}元${(f / 10n) % 10n}角${f % 10n}分`,
    )
    .map((write) => ({ text: write(fen), fen })),
);
const piece = fc.oneof(
  words.map((text) => ({ text, fen: null as bigint | null })),
  figure,
  fc.string({ maxLength: 6 }).map((text) => ({ text, fen: null as bigint | null })),
);

describe("R-RECON-1: fuzzing the reply reader", () => {
  it("understandReply never throws on any text, and any amount it reports is written in the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (text) => {
        const decision = understandReply(text, BILL);
        expect(amountIsInText(decision, text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("a disputed amount is one of the figures the reply was written with", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.map((p) => p.text).join("");
        const decision = understandReply(text, BILL);
        expect(amountIsInText(decision, text)).toBe(true);
        if (decision.decision === "disputed") {
          // Random strings may also contribute digits, so the check is against the text's own figures above;
          // here, whenever the reply was built only from known pieces, the amount is one of those written.
          const inserted = pieces.flatMap((p) => (p.fen === null ? [] : [formatFen(p.fen)]));
          if (pieces.every((p) => p.fen !== null || /^[^\d]*$/.test(p.text))) {
            expect(inserted).toContain(decision.amount);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("decideReply never throws on mutated fixtures, and reports amounts only from the new text", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: fixtures.length - 1 }),
        fc.array(
          fc.record({
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            kind: fc.constantFrom("flip", "cut", "insert", "duplicate"),
            bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        async (index, mutations) => {
          let raw = fixtures[index] as Buffer;
          for (const m of mutations) {
            const at = Math.floor(m.at * raw.length);
            if (m.kind === "flip")
              raw = Buffer.concat([
                raw.subarray(0, at),
                Buffer.from(m.bytes),
                raw.subarray(at + m.bytes.length),
              ]);
            else if (m.kind === "cut")
              raw = Buffer.concat([raw.subarray(0, at), raw.subarray(at + m.bytes.length * 20)]);
            else if (m.kind === "insert")
              raw = Buffer.concat([raw.subarray(0, at), Buffer.from(m.bytes), raw.subarray(at)]);
            else raw = Buffer.concat([raw.subarray(0, at), raw.subarray(at, at + 200), raw.subarray(at)]);
          }
          const { parsed, decision } = await decideReply(raw, BILL);
          expect(amountIsInText(decision, parsed.newText)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("decideReply never throws on random bodies under real headers", async () => {
    const head = Buffer.from(
      "From: mali@partya.example\r\nMessage-ID: <f@partya.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (body) => {
        const { parsed, decision } = await decideReply(Buffer.concat([head, body]), BILL);
        expect(amountIsInText(decision, parsed.newText)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
