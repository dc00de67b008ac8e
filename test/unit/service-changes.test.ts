/**
 * R-CHANGE-1 (合同第四条4.10款: "于当月15日前提交乙方，经乙方确认同意后，自下月1日起…按照变更后的业务收取费用")
 * and the SMS tariff adjustment of 3.11 ("双方协商一致后可变更本协议资费价格") as dated price versions of the
 * contract's services, and rating at the price in force on each record's date.
 * Oracles: the contract text and hand computations (prices × quantities written out in each test).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  priceOn,
  ServiceChangeError,
  withServiceChange,
  withTariffAdjustment,
} from "../../functions/core/changes";
import { parseContract } from "../../functions/core/contract";
import { rateUsage } from "../../functions/core/rating";

const sample = parseContract(
  JSON.parse(readFileSync(new URL("../../contracts/11NA0700211920254001.json", import.meta.url), "utf8")),
);
const VOICE_HEADER = "call_start,duration_seconds,direction,calling_number,called_number";
const SMS_HEADER = "sent_at,recipient,direction,content,content_chars";
async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}
const voiceCsv = (...rows: string[]) => bytes(`${[VOICE_HEADER, ...rows].join("\n")}\n`);
const smsCsv = (...rows: string[]) => bytes(`${[SMS_HEADER, ...rows].join("\n")}\n`);
const call = (at: string, seconds: number) => `${at},${seconds},outbound,1239301,13900000000`;
const sms = (at: string, chars: number) => `${at},13900000000,downlink,,${chars}`;
const voice = (contract = sample) => contract.services.find((s) => s.service === "voice-outbound");

describe("R-CHANGE-1: a change requested by the 15th is in force from the 1st of next month", () => {
  const changed = withServiceChange(sample, {
    service: "voice-outbound",
    action: "change",
    unitPrice: "0.05",
    requestedOn: "2025-10-10",
    confirmedByPartyBOn: "2025-10-12",
  });

  it("R-CHANGE-1: requested 2025-10-10 → 0.06 up to 10-31, 0.05 from 11-01", () => {
    expect(changed.change.effectiveFrom).toBe("2025-11-01");
    const service = voice(changed.contract);
    if (!service) throw new Error("voice is priced in the sample contract");
    expect(priceOn(service, "2025-10-31")).toBe("0.06");
    expect(priceOn(service, "2025-11-01")).toBe("0.05");
  });

  it("R-CHANGE-1: requested on the 16th → the 1st of the month after next", () => {
    const late = withServiceChange(sample, {
      service: "sms",
      action: "cancel",
      requestedOn: "2025-10-16",
      confirmedByPartyBOn: "2025-10-16",
    });
    expect(late.change.effectiveFrom).toBe("2025-12-01");
  });

  it("R-CHANGE-1: Party B confirming only after the 1st pushes the change to the 1st after its confirmation", () => {
    // Requested 10-10 (→ 11-01), confirmed 11-03: 经乙方确认同意后 — not before 12-01.
    const confirmedLate = withServiceChange(sample, {
      service: "voice-outbound",
      action: "change",
      unitPrice: "0.05",
      requestedOn: "2025-10-10",
      confirmedByPartyBOn: "2025-11-03",
    });
    expect(confirmedLate.change.effectiveFrom).toBe("2025-12-01");
  });

  it("R-CHANGE-1: the same request again changes nothing; another price from the same day is refused", () => {
    const again = withServiceChange(changed.contract, {
      service: "voice-outbound",
      action: "change",
      unitPrice: "0.05",
      requestedOn: "2025-10-10",
      confirmedByPartyBOn: "2025-10-12",
    });
    expect(again.changed).toBe(false);
    expect(() =>
      withServiceChange(changed.contract, {
        service: "voice-outbound",
        action: "change",
        unitPrice: "0.04",
        requestedOn: "2025-10-11",
        confirmedByPartyBOn: "2025-10-12",
      }),
    ).toThrow(ServiceChangeError);
  });

  it("R-CHANGE-1: rejections — a confirmation before the request, a change without a price, adding a priced service, changing a cancelled one", () => {
    const base = { service: "voice-outbound" as const, requestedOn: "2025-10-10" };
    expect(() =>
      withServiceChange(sample, {
        ...base,
        action: "change",
        unitPrice: "0.05",
        confirmedByPartyBOn: "2025-10-09",
      }),
    ).toThrow(/before the request/);
    expect(() =>
      withServiceChange(sample, { ...base, action: "change", confirmedByPartyBOn: "2025-10-10" }),
    ).toThrow(/--unit-price/);
    expect(() =>
      withServiceChange(sample, {
        ...base,
        action: "add",
        unitPrice: "0.05",
        confirmedByPartyBOn: "2025-10-10",
      }),
    ).toThrow(/already priced/);
    const cancelled = withServiceChange(sample, {
      ...base,
      action: "cancel",
      confirmedByPartyBOn: "2025-10-10",
    });
    expect(() =>
      withServiceChange(cancelled.contract, {
        ...base,
        action: "change",
        unitPrice: "0.05",
        requestedOn: "2025-11-10",
        confirmedByPartyBOn: "2025-11-10",
      }),
    ).toThrow(/not in force/);
    // …but it can be added again, at a price, from a later 1st.
    const readded = withServiceChange(cancelled.contract, {
      ...base,
      action: "add",
      unitPrice: "0.07",
      requestedOn: "2025-11-10",
      confirmedByPartyBOn: "2025-11-10",
    });
    const service = voice(readded.contract);
    if (!service) throw new Error("voice stays listed");
    expect([
      priceOn(service, "2025-10-31"),
      priceOn(service, "2025-11-01"),
      priceOn(service, "2025-12-01"),
    ]).toEqual(["0.06", null, "0.07"]);
  });

  it("R-CHANGE-1: a contract file whose change of the monthly fee starts mid-month is refused at load", () => {
    const json = structuredClone(sample) as Record<string, unknown> & typeof sample;
    const fee = json.services.find((s) => s.service === "monthly-fee");
    if (!fee) throw new Error("the sample prices the monthly fee");
    Object.assign(fee, {
      changes: [
        {
          effectiveFrom: "2025-11-15",
          action: "change",
          unitPrice: "3000.00",
          requestedOn: "2025-10-01",
          confirmedByPartyBOn: "2025-10-01",
          basis: "R-CHANGE-1",
        },
      ],
    });
    expect(() => parseContract(json)).toThrow(/1st of a month/);
  });
});

describe("R-CHANGE-1 rating: each record at the price in force on its date", () => {
  const changed = withServiceChange(sample, {
    service: "voice-outbound",
    action: "change",
    unitPrice: "0.05",
    requestedOn: "2025-10-10",
    confirmedByPartyBOn: "2025-10-12",
  }).contract;

  it("R-CHANGE-1: October's 10 minutes at 0.06 = 0.60, November's 10 minutes at 0.05 = 0.50", async () => {
    const october = await rateUsage({
      contract: changed,
      period: "2025-10",
      voice: voiceCsv(call("2025-10-31T23:00:00+08:00", 600)),
    });
    const november = await rateUsage({
      contract: changed,
      period: "2025-11",
      voice: voiceCsv(call("2025-11-01T00:10:00+08:00", 600)),
    });
    const line = (s: typeof october) => s.lines.filter((l) => l.service === "voice-outbound");
    expect(line(october)).toEqual([
      expect.objectContaining({ quantity: "10", unitPrice: "0.06", amount: "0.60" }),
    ]);
    expect(line(november)).toEqual([
      expect.objectContaining({ quantity: "10", unitPrice: "0.05", amount: "0.50" }),
    ]);
    // 4000.00 + 0.50
    expect(november.total).toBe("4000.50");
  });

  it("R-CHANGE-1: a cancelled service bills nothing from its effective date", async () => {
    const cancelled = withServiceChange(sample, {
      service: "sms",
      action: "cancel",
      requestedOn: "2025-10-10",
      confirmedByPartyBOn: "2025-10-10",
    }).contract;
    const november = await rateUsage({
      contract: cancelled,
      period: "2025-11",
      sms: smsCsv(sms("2025-11-05T10:00:00+08:00", 10), sms("2025-11-06T10:00:00+08:00", 10)),
    });
    const lines = november.lines.filter((l) => l.service === "sms");
    expect(lines).toEqual([
      expect.objectContaining({ quantity: "2", unitPrice: "0.00", amount: "0.00", rule: "R-CHANGE-1" }),
    ]);
    expect(november.total).toBe("4000.00");
  });
});

describe("3.11: an agreed SMS tariff adjustment from its agreed date — a bill spanning it shows both prices", () => {
  const adjusted = withTariffAdjustment(sample, {
    unitPrice: "0.03",
    notifiedOn: "2025-11-03",
    agreedOn: "2025-11-10",
    effectiveFrom: "2025-11-16",
  });

  it("3.11: November's SMS — 3 parts up to 11-15 at 0.04 (0.12), 5 parts from 11-16 at 0.03 (0.15)", async () => {
    const november = await rateUsage({
      contract: adjusted.contract,
      period: "2025-11",
      sms: smsCsv(
        sms("2025-11-02T10:00:00+08:00", 10),
        // 65 content characters + 【吉林医保】: 2 parts (R-SMS-1)
        sms("2025-11-15T23:59:59+08:00", 65),
        sms("2025-11-16T00:00:00+08:00", 65),
        sms("2025-11-20T10:00:00+08:00", 65),
        sms("2025-11-30T10:00:00+08:00", 10),
      ),
    });
    const lines = november.lines.filter((l) => l.service === "sms");
    expect(lines).toEqual([
      expect.objectContaining({
        quantity: "3",
        unitPrice: "0.04",
        amount: "0.12",
        inForce: { from: "2025-11-01", to: "2025-11-15" },
      }),
      expect.objectContaining({
        quantity: "5",
        unitPrice: "0.03",
        amount: "0.15",
        inForce: { from: "2025-11-16", to: "2025-11-30" },
      }),
    ]);
    // 4000.00 + 0.12 + 0.15
    expect(november.total).toBe("4000.27");
    expect(november.usage.smsParts).toBe(8);
  });

  it("3.11: rejections — effective before the agreement, agreement before the notice", () => {
    expect(() =>
      withTariffAdjustment(sample, {
        unitPrice: "0.03",
        notifiedOn: "2025-11-03",
        agreedOn: "2025-11-10",
        effectiveFrom: "2025-11-09",
      }),
    ).toThrow(/before it was agreed/);
    expect(() =>
      withTariffAdjustment(sample, {
        unitPrice: "0.03",
        notifiedOn: "2025-11-11",
        agreedOn: "2025-11-10",
        effectiveFrom: "2025-11-16",
      }),
    ).toThrow(/before Party B notified/);
  });
});
