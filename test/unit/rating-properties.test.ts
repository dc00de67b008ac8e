import { readFileSync } from "node:fs";
import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseContract } from "../../functions/core/contract";
import { parseMoney } from "../../functions/core/money";
import { rateUsage } from "../../functions/core/rating";
import type { Statement } from "../../functions/core/statement";
import { SMS_HEADER, VOICE_HEADER } from "../../functions/core/usage-csv";

const sample = JSON.parse(
  readFileSync(new URL("../../contracts/11NA0700211920254001.json", import.meta.url), "utf8"),
);
// Billing starts mid-August so one period holds trial and billed usage (R-TRIAL-1).
const contract = parseContract({
  ...sample,
  rules: { ...sample.rules, billingStartsOn: { value: "2025-08-15", rule: "R-TRIAL-1" } },
});
const PERIOD = "2025-08";
const AUG_START = Date.parse("2025-08-01T00:00:00+08:00");

type Row = { kind: "voice" | "sms"; csv: string };

// Instants from two days before to two days after the period, so some records fall outside it.
const instant = fc
  .integer({ min: -2 * 86400, max: 33 * 86400 })
  .map((s) => new Date(AUG_START + s * 1000 + 8 * 3600_000).toISOString().replace("Z", "+08:00"));
const voiceRow: fc.Arbitrary<Row> = fc
  .record({ at: instant, seconds: fc.nat(7200), outbound: fc.boolean() })
  .map(({ at, seconds, outbound }) => ({
    kind: "voice",
    csv: outbound
      ? `${at},${seconds},outbound,1239301,13900000000`
      : `${at},${seconds},inbound,13900000000,12393`,
  }));
const smsRow: fc.Arbitrary<Row> = fc
  .record({
    at: instant,
    content: fc.oneof(fc.nat(300), fc.string({ unit: "grapheme", maxLength: 200 })),
    downlink: fc.boolean(),
  })
  .map(({ at, content, downlink }) => ({
    kind: "sms",
    csv:
      typeof content === "number"
        ? `${at},13900000000,${downlink ? "downlink" : "uplink"},,${content}`
        : `${at},13900000000,${downlink ? "downlink" : "uplink"},"${content.replaceAll('"', '""')}",`,
  }));
const garbageRow: fc.Arbitrary<Row> = fc
  .record({ kind: fc.constantFrom<"voice" | "sms">("voice", "sms"), junk: fc.string({ maxLength: 30 }) })
  .map(({ kind, junk }) => ({ kind, csv: junk.replaceAll(/["\r\n]/g, "") }));
const rows = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: voiceRow },
    { weight: 4, arbitrary: smsRow },
    { weight: 1, arbitrary: garbageRow },
  ),
  {
    maxLength: 60,
  },
);

async function* bytes(header: string, list: Row[], kind: Row["kind"]): AsyncGenerator<Uint8Array> {
  const body = list.filter((r) => r.kind === kind).map((r) => `${r.csv}\n`);
  yield new TextEncoder().encode(`${header}\n${body.join("")}`);
}

const rate = (list: Row[], adjustments: string[] = []) =>
  rateUsage({
    contract,
    period: PERIOD,
    voice: bytes(VOICE_HEADER, list, "voice"),
    sms: bytes(SMS_HEADER, list, "sms"),
    adjustments: adjustments.map((amount) => ({
      description: "复核差额",
      amount,
      fromPeriod: "2025-07",
      rule: "R-RECON-4" as const,
    })),
  });

const usageQuantities = (s: Statement) =>
  new Map(
    s.lines
      .filter((l) => l.service !== "monthly-fee")
      .map((l) => [`${l.service}/${l.trial}`, new Decimal(l.quantity)]),
  );

describe("rating properties", () => {
  it("R-MONEY-1: the lines always sum to the total", async () => {
    const amount = fc.bigInt({ min: -1_000_000n, max: 1_000_000n }).map((fen) => {
      const abs = fen < 0n ? -fen : fen;
      return `${fen < 0n ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
    });
    await fc.assert(
      fc.asyncProperty(rows, fc.array(amount, { maxLength: 3 }), async (list, adjustments) => {
        const statement = await rate(list, adjustments);
        const sum = statement.lines.reduce((fen, l) => fen + parseMoney(l.amount).fen, 0n);
        expect(parseMoney(statement.total).fen).toBe(sum);
      }),
      { numRuns: 150 },
    );
  });

  it("R-PRICE-2, R-PRICE-3, R-TRIAL-1: rating a split of the records and adding per-line quantities equals rating them all", async () => {
    await fc.assert(
      fc.asyncProperty(rows, fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), async (list, side) => {
        const whole = await rate(list);
        const left = await rate(list.filter((_, i) => side[i]));
        const right = await rate(list.filter((_, i) => !side[i]));
        const expected = usageQuantities(whole);
        const a = usageQuantities(left);
        const b = usageQuantities(right);
        for (const key of new Set([...expected.keys(), ...a.keys(), ...b.keys()])) {
          const sum = (a.get(key) ?? new Decimal(0)).plus(b.get(key) ?? 0);
          expect(sum.toString(), key).toBe((expected.get(key) ?? new Decimal(0)).toString());
        }
        expect(left.rejectedCount + right.rejectedCount).toBe(whole.rejectedCount);
      }),
      { numRuns: 100 },
    );
  });
});
