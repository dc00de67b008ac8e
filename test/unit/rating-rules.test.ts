import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Contract, parseContract } from "../../functions/core/contract";
import { parseMoney } from "../../functions/core/money";
import { RatingError, rateUsage } from "../../functions/core/rating";
import { REJECTED_KEPT, type Statement, statementSchema } from "../../functions/core/statement";

const contract = parseContract(
  JSON.parse(readFileSync(new URL("../../contracts/11NA0700211920254001.json", import.meta.url), "utf8")),
);
const VOICE_HEADER = "call_start,duration_seconds,direction,calling_number,called_number";
const SMS_HEADER = "sent_at,recipient,direction,content,content_chars";

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}
const voiceCsv = (...rows: string[]) => bytes(`${[VOICE_HEADER, ...rows].join("\n")}\n`);
const smsCsv = (...rows: string[]) => bytes(`${[SMS_HEADER, ...rows].join("\n")}\n`);
const call = (at: string, seconds: number, direction = "outbound") =>
  direction === "outbound"
    ? `${at},${seconds},outbound,1239301,13900000000`
    : `${at},${seconds},inbound,13900000000,12393`;
const sms = (at: string, chars: number, direction = "downlink") => `${at},13900000000,${direction},,${chars}`;

function lineOf(statement: Statement, service: string, trial = false) {
  return statement.lines.find((l) => l.service === service && l.trial === trial);
}

function withRules(patch: Partial<Record<keyof Contract["rules"], unknown>>): Contract {
  const rules = { ...contract.rules } as Record<string, { value: unknown; rule: string }>;
  for (const [name, value] of Object.entries(patch))
    rules[name] = { ...(rules[name] as { rule: string }), value };
  return parseContract({ ...contract, rules });
}

describe("R-PRICE-1 monthly fee", () => {
  it("R-PRICE-1: a billed month carries one lump 4000.00 charge", async () => {
    const statement = await rateUsage({ contract, period: "2025-09" });
    expect(lineOf(statement, "monthly-fee")).toMatchObject({
      quantity: "1",
      unitPrice: "4000.00",
      amount: "4000.00",
      rule: "R-PRICE-1",
    });
    expect(statement.total).toBe("4000.00");
  });

  it("R-PRICE-1 / R-TRIAL-1: July 2025, entirely before billing starts, has the fee at 0 (Party B's)", async () => {
    const statement = await rateUsage({ contract, period: "2025-07" });
    expect(statement.trial.periodInTrial).toBe("entire");
    expect(lineOf(statement, "monthly-fee", true)).toMatchObject({ amount: "0.00", rule: "R-TRIAL-1" });
    expect(lineOf(statement, "monthly-fee")).toBeUndefined();
    expect(statement.total).toBe("0.00");
  });

  it("R-PRICE-1: billing starting mid-month — full fee without proration, by days with 'daily'", async () => {
    const midMonth = withRules({ billingStartsOn: "2025-08-15" });
    const full = await rateUsage({ contract: midMonth, period: "2025-08" });
    expect(full.trial.periodInTrial).toBe("partial");
    expect(lineOf(full, "monthly-fee")?.amount).toBe("4000.00");
    const daily = withRules({ billingStartsOn: "2025-08-15", monthlyFeeProration: "daily" });
    const prorated = await rateUsage({ contract: daily, period: "2025-08" });
    // 17 of 31 days: 4000 × 17 / 31 = 2193.548… → 2193.55
    expect(lineOf(prorated, "monthly-fee")).toMatchObject({ quantity: "0.5484", amount: "2193.55" });
  });
});

describe("R-PRICE-1 / R-END-1 the contract's last month", () => {
  it("R-PRICE-1 / R-END-1: with 'daily', a contract ending 2026-07-14 bills July 2026 for 14 of its 31 days", async () => {
    const daily = withRules({ monthlyFeeProration: "daily" });
    const statement = await rateUsage({ contract: daily, period: "2026-07", contractLastDay: "2026-07-14" });
    // Hand computation: 4000.00 × 14 / 31 = 1806.4516… → 1806.45 (R-MONEY-1: half-up to the fen, once per line).
    expect(lineOf(statement, "monthly-fee")).toMatchObject({
      quantity: "0.4516",
      unitPrice: "4000.00",
      amount: "1806.45",
      rule: "R-PRICE-1",
    });
    expect(statement.total).toBe("1806.45");
  });

  it("R-PRICE-1: without proration (the contract's 4000元/月 一次性收取) the last month is one full charge", async () => {
    const statement = await rateUsage({ contract, period: "2026-07", contractLastDay: "2026-07-14" });
    expect(lineOf(statement, "monthly-fee")).toMatchObject({ quantity: "1", amount: "4000.00" });
  });

  it("R-PRICE-1: a last day that is the period's last day bills the whole month, pro-rated or not", async () => {
    const daily = withRules({ monthlyFeeProration: "daily" });
    const statement = await rateUsage({ contract: daily, period: "2026-06", contractLastDay: "2026-06-30" });
    expect(lineOf(statement, "monthly-fee")).toMatchObject({ quantity: "1", amount: "4000.00" });
  });

  it("R-PRICE-1 / R-TRIAL-1 / R-END-1: billing starting and the contract ending in one month bill the days between", async () => {
    const daily = withRules({ billingStartsOn: "2025-08-15", monthlyFeeProration: "daily" });
    const statement = await rateUsage({ contract: daily, period: "2025-08", contractLastDay: "2025-08-20" });
    // 15th to 20th: 6 of 31 days, 4000 × 6 / 31 = 774.1935… → 774.19
    expect(lineOf(statement, "monthly-fee")).toMatchObject({ quantity: "0.1935", amount: "774.19" });
  });
});

describe("R-TERM-1 / R-END-1 usage outside the contract", () => {
  it("R-END-1: calls and messages after the contract's last day are counted on the statement and never billed", async () => {
    const statement = await rateUsage({
      contract,
      period: "2026-07",
      contractLastDay: "2026-07-14",
      voice: voiceCsv(
        call("2026-07-14T23:59:59+08:00", 60),
        call("2026-07-15T00:00:00+08:00", 600),
        call("2026-07-20T09:00:00+08:00", 61),
      ),
      sms: smsCsv(sms("2026-07-10T08:00:00+08:00", 10), sms("2026-07-16T08:00:00+08:00", 10)),
    });
    // Only the call of 2026-07-14 (1 minute, 0.06) and the message of 2026-07-10 (1 part, 0.04) are billed.
    expect(lineOf(statement, "voice-outbound")).toMatchObject({ quantity: "1", amount: "0.06" });
    expect(lineOf(statement, "sms")).toMatchObject({ quantity: "1", amount: "0.04" });
    expect(statement.total).toBe("4000.10");
    expect(statement.outsideContract).toEqual({
      firstDay: "2025-07-15",
      lastDay: "2026-07-14",
      beforeFirstDay: 0,
      afterLastDay: 3,
    });
    expect(statement.usage).toMatchObject({ voiceCalls: 1, smsMessages: 1 });
    // Not a data error: the rejected records stay those that failed validation.
    expect(statement.rejectedCount).toBe(0);
  });

  it("R-TERM-1: usage before the contract takes effect (2025-07-15, the later signing date) is not on the bill", async () => {
    const statement = await rateUsage({
      contract,
      period: "2025-07",
      voice: voiceCsv(call("2025-07-14T23:59:59+08:00", 60), call("2025-07-15T00:00:00+08:00", 120)),
    });
    // The call of 2025-07-15 is trial usage (R-TRIAL-1, 2 minutes at zero); the one of 2025-07-14 is not counted.
    expect(statement.usage).toMatchObject({ voiceCalls: 1, voiceTrialMinutes: "2" });
    expect(statement.outsideContract).toEqual({
      firstDay: "2025-07-15",
      lastDay: null,
      beforeFirstDay: 1,
      afterLastDay: 0,
    });
  });

  it("R-PERIOD-1: a month with all its usage inside the contract says nothing about usage outside it", async () => {
    const statement = await rateUsage({
      contract,
      period: "2025-09",
      voice: voiceCsv(call("2025-09-10T10:00:00+08:00", 60)),
    });
    expect(statement.outsideContract).toBeUndefined();
  });
});

describe("R-PRICE-2 voice", () => {
  it("R-PRICE-2: 0 s bills nothing, 60 s one minute, 61 s two minutes", async () => {
    const rate = async (seconds: number) =>
      lineOf(
        await rateUsage({
          contract,
          period: "2025-09",
          voice: voiceCsv(call("2025-09-10T10:00:00+08:00", seconds)),
        }),
        "voice-outbound",
      )?.quantity;
    expect(await rate(0)).toBe("0");
    expect(await rate(1)).toBe("1");
    expect(await rate(60)).toBe("1");
    expect(await rate(61)).toBe("2");
    expect(await rate(120)).toBe("2");
    expect(await rate(121)).toBe("3");
  });

  it("R-PRICE-2: inbound calls are free; outbound at 0.06 per minute", async () => {
    const statement = await rateUsage({
      contract,
      period: "2025-09",
      voice: voiceCsv(
        call("2025-09-10T10:00:00+08:00", 61),
        call("2025-09-10T11:00:00+08:00", 600, "inbound"),
        call("2025-09-10T12:00:00+08:00", 185),
      ),
    });
    expect(lineOf(statement, "voice-outbound")).toMatchObject({
      quantity: "6",
      unitPrice: "0.06",
      amount: "0.36",
    });
    expect(lineOf(statement, "voice-inbound")).toMatchObject({ quantity: "1", amount: "0.00" });
    expect(statement.usage).toMatchObject({ voiceCalls: 3, voiceOutboundCalls: 2, voiceInboundCalls: 1 });
    expect(statement.total).toBe("4000.36");
  });

  it("R-PRICE-2: a 6-second rounding unit bills tenths of a minute", async () => {
    const statement = await rateUsage({
      contract: withRules({ voiceRoundingSeconds: 6 }),
      period: "2025-09",
      voice: voiceCsv(call("2025-09-10T10:00:00+08:00", 61), call("2025-09-10T10:05:00+08:00", 7)),
    });
    // 61 s → 66 s, 7 s → 12 s: 78 s = 1.3 min × 0.06 = 0.078 → 0.08
    expect(lineOf(statement, "voice-outbound")).toMatchObject({ quantity: "1.3", amount: "0.08" });
  });

  it("R-MONEY-1: voice is rounded once per line, not per call", async () => {
    // 0.0375/min × 1 min rounds to 0.04 per call; 3 calls = 0.1125 → 0.11, not 0.12.
    const cheap = parseContract({
      ...contract,
      services: contract.services.map((s) =>
        s.service === "voice-outbound" ? { ...s, unitPrice: "0.0375" } : s,
      ),
    });
    const at = "2025-09-10T10:00:00+08:00";
    const statement = await rateUsage({
      contract: cheap,
      period: "2025-09",
      voice: voiceCsv(call(at, 60), call(at, 60), call(at, 60)),
    });
    expect(lineOf(statement, "voice-outbound")?.amount).toBe("0.11");
  });
});

describe("R-PRICE-3 / R-SMS-1 / R-UPLINK-1 SMS", () => {
  it("R-SMS-1: 64 content characters bill 1 part, 65 bill 2 (吉林医保)", async () => {
    const statement = await rateUsage({
      contract,
      period: "2025-09",
      sms: smsCsv(
        sms("2025-09-05T09:00:00+08:00", 64),
        sms("2025-09-05T09:00:00+08:00", 65),
        `2025-09-05T09:00:00+08:00,13900000000,downlink,"${"医".repeat(65)}",`,
      ),
    });
    expect(lineOf(statement, "sms")).toMatchObject({
      quantity: "5",
      unitPrice: "0.04",
      amount: "0.20",
      rule: "R-PRICE-3",
    });
    expect(statement.usage.smsParts).toBe(5);
  });

  it("R-UPLINK-1: uplink messages are shown but never billed", async () => {
    const statement = await rateUsage({
      contract,
      period: "2025-09",
      sms: smsCsv(sms("2025-09-05T09:00:00+08:00", 10, "uplink"), sms("2025-09-05T09:00:00+08:00", 10)),
    });
    expect(lineOf(statement, "sms")?.quantity).toBe("1");
    expect(lineOf(statement, "sms-uplink")).toMatchObject({
      quantity: "1",
      amount: "0.00",
      rule: "R-UPLINK-1",
    });
    expect(statement.usage.smsUplinkIgnored).toBe(1);
  });
});

describe("R-TRIAL-1 trial usage", () => {
  it("R-TRIAL-1: usage before 2025-08-01 is counted and shown at zero", async () => {
    const statement = await rateUsage({
      contract,
      period: "2025-07",
      voice: voiceCsv(call("2025-07-20T10:00:00+08:00", 61)),
      sms: smsCsv(sms("2025-07-31T23:59:59+08:00", 65)),
    });
    expect(lineOf(statement, "voice-outbound", true)).toMatchObject({
      quantity: "2",
      unitPrice: "0.00",
      amount: "0.00",
      rule: "R-TRIAL-1",
    });
    expect(lineOf(statement, "sms", true)).toMatchObject({ quantity: "2", amount: "0.00" });
    expect(statement.usage.trialRecords).toBe(2);
    expect(statement.total).toBe("0.00");
  });

  it("R-TRIAL-1: a month straddling the start splits trial and billed usage at 00:00 Asia/Shanghai", async () => {
    const statement = await rateUsage({
      contract: withRules({ billingStartsOn: "2025-08-15" }),
      period: "2025-08",
      voice: voiceCsv(call("2025-08-14T23:59:59+08:00", 60), call("2025-08-14T16:00:00Z", 120)),
    });
    expect(lineOf(statement, "voice-outbound", true)?.quantity).toBe("1");
    expect(lineOf(statement, "voice-outbound")).toMatchObject({ quantity: "2", amount: "0.12" });
  });
});

describe("R-PERIOD-1 periods", () => {
  it("R-PERIOD-1: the month is bounded in Asia/Shanghai time, records outside are rejected as such", async () => {
    const statement = await rateUsage({
      contract,
      period: "2025-09",
      voice: voiceCsv(
        call("2025-08-31T16:00:00Z", 60), // 2025-09-01 00:00 +08:00: inside
        call("2025-08-31T15:59:59Z", 60), // 2025-08-31 23:59:59 +08:00: outside
        call("2025-09-30T23:59:59+08:00", 60), // inside
        call("2025-10-01T00:00:00+08:00", 60), // outside
      ),
    });
    expect(lineOf(statement, "voice-outbound")?.quantity).toBe("2");
    expect(statement.rejected).toEqual([
      { file: "voice", line: 3, reason: "outside period 2025-09" },
      { file: "voice", line: 5, reason: "outside period 2025-09" },
    ]);
    expect(statement.periodStart).toBe("2025-09-01");
    expect(statement.periodEnd).toBe("2025-09-30");
  });

  it("R-PERIOD-1: a malformed period is refused", async () => {
    await expect(rateUsage({ contract, period: "2025-13" })).rejects.toThrow(/period/);
  });
});

describe("R-RECON-4 adjustment lines", () => {
  it("R-RECON-4: an agreed difference of an earlier period becomes a line of this one", async () => {
    const statement = await rateUsage({
      contract,
      period: "2025-10",
      adjustments: [
        { description: "9月账单复核差额", amount: "-120.50", fromPeriod: "2025-09", rule: "R-RECON-4" },
        {
          description: "8月账单复核差额",
          amount: parseMoney("0.30"),
          fromPeriod: "2025-08",
          rule: "R-RECON-4",
        },
      ],
    });
    const adjustments = statement.lines.filter((l) => l.service === "adjustment");
    expect(adjustments).toEqual([
      expect.objectContaining({
        amount: "-120.50",
        quantity: "1",
        rule: "R-RECON-4",
        description: expect.stringContaining("2025-09"),
      }),
      expect.objectContaining({ amount: "0.30" }),
    ]);
    expect(statement.total).toBe("3879.80");
  });

  it("R-RECON-4: an adjustment cannot come from the same or a later period, nor carry a float-looking amount", async () => {
    await expect(
      rateUsage({
        contract,
        period: "2025-09",
        adjustments: [{ description: "x", amount: "1.00", fromPeriod: "2025-09", rule: "R-RECON-4" }],
      }),
    ).rejects.toThrow(RatingError);
    await expect(
      rateUsage({
        contract,
        period: "2025-10",
        adjustments: [{ description: "x", amount: "0.1e1", fromPeriod: "2025-09", rule: "R-RECON-4" }],
      }),
    ).rejects.toThrow(/money/);
  });
});

describe("statement shape", () => {
  it("R-MONEY-1: the total is the sum of the rounded lines, every amount a 2-decimal string", async () => {
    const statement = await rateUsage({
      contract,
      period: "2025-09",
      voice: voiceCsv(call("2025-09-10T10:00:00+08:00", 61)),
      sms: smsCsv(sms("2025-09-05T09:00:00+08:00", 5)),
    });
    for (const l of statement.lines) expect(l.amount).toMatch(/^-?\d+\.\d{2}$/);
    const sum = statement.lines.reduce((fen, l) => fen + parseMoney(l.amount).fen, 0n);
    expect(parseMoney(statement.total).fen).toBe(sum);
    expect(statement.total).toBe("4000.16");
  });

  it("matches the statement schema (the payload passed between workflow states)", async () => {
    const statement = await rateUsage({
      contract,
      period: "2025-07",
      voice: voiceCsv(call("2025-07-20T10:00:00+08:00", 61), "garbage"),
      sms: smsCsv(sms("2025-07-20T10:00:00+08:00", 5, "uplink")),
      adjustments: [{ description: "差额", amount: "1.00", fromPeriod: "2025-06", rule: "R-RECON-4" }],
    });
    expect(statementSchema.parse(statement)).toEqual(statement);
    expect(JSON.parse(JSON.stringify(statement))).toEqual(statement);
  });

  it("keeps the first rejections of each file and counts them all (bounded memory)", async () => {
    const bad = Array.from(
      { length: REJECTED_KEPT + 500 },
      () => "2025-09-10T10:00:00+08:00,1e3,outbound,1239301,139",
    );
    const statement = await rateUsage({
      contract,
      period: "2025-09",
      voice: voiceCsv(...bad),
      sms: smsCsv("x"),
    });
    expect(statement.rejectedCount).toBe(REJECTED_KEPT + 501);
    expect(statement.rejected).toHaveLength(REJECTED_KEPT + 1);
    expect(statement.rejected[0]).toEqual({
      file: "voice",
      line: 2,
      reason: "duration_seconds is not a non-negative whole number",
    });
    expect(statement.rejected.at(-1)).toEqual({
      file: "sms",
      line: 2,
      reason: "wrong number of fields (expected 5, got 1)",
    });
  });

  it("refuses usage for a service the contract does not price", async () => {
    const noSms = parseContract({
      ...contract,
      services: contract.services.filter((s) => s.service !== "sms"),
    });
    await expect(rateUsage({ contract: noSms, period: "2025-09", sms: smsCsv() })).rejects.toThrow(
      RatingError,
    );
  });
});
