/**
 * R-BREACH-1 (5.1, 8.2, 8.3), R-LIAB-1 (5.3) and R-FM-1 (7.3) as pure rules. Oracles are hand counts of
 * calendar days from the contract text: 5.1 "收到…书面通知后…应在10日内", 9.3 deemed delivery ("发出后第5日"),
 * 5.3 "不超过甲方向乙方实际支付费用的总和", 7.3 "持续达30日或以上 … 发出协商书面通知之日起10日内".
 */
import { describe, expect, it } from "vitest";
import contractJson from "../../contracts/11NA0700211920254001.json" with { type: "json" };
import {
  ARBITRATION_BODY,
  type BreachEntry,
  breachNotice,
  breachStanding,
  cureReminderDay,
  forceMajeureStanding,
  liabilityCapFen,
} from "../../functions/core/breach-register";
import type { LedgerEntry } from "../../functions/core/ledger";
import { renewalRulesFrom } from "../../functions/core/renewal";

/** Clause 9.3's days as the sample contract states them (express within mainland China: day 5). */
const table = renewalRulesFrom(contractJson.rules).deemedDeliveryDays;

const latePayment = (notice?: BreachEntry["notice"], answer: Partial<BreachEntry> = {}): BreachEntry => ({
  breachId: "2025-09:R-PAY-1",
  rule: "R-PAY-1",
  party: "A",
  what: "payment for 2025-09 overdue",
  detectedOn: "2025-10-16",
  ...(notice ? { notice } : {}),
  ...answer,
});

describe("R-BREACH-1: the cure clock runs from the receipt of a written notice", () => {
  it("personal delivery: received the day it is signed, 10 calendar days to cure (10-20 → 10-30)", () => {
    expect(
      breachNotice({ method: "personal", region: null, sentOn: "2025-10-20", cureDays: 10, table }),
    ).toEqual({
      method: "personal",
      region: null,
      sentOn: "2025-10-20",
      receivedOn: "2025-10-20",
      cureDeadline: "2025-10-30",
    });
  });

  it("express to elsewhere in mainland China: received on day 5 after dispatch (9.3), so 10-25 → 11-04", () => {
    const notice = breachNotice({
      method: "express",
      region: "mainland",
      sentOn: "2025-10-20",
      cureDays: 10,
      table,
    });
    expect(notice.receivedOn).toBe("2025-10-25");
    expect(notice.cureDeadline).toBe("2025-11-04");
    expect(cureReminderDay(notice)).toBe("2025-11-03");
  });

  it("registered mail in the same city crosses the year: 2025-12-25 + 7 = 2026-01-01, cure by 2026-01-11", () => {
    const notice = breachNotice({
      method: "registered",
      region: "same-city",
      sentOn: "2025-12-25",
      cureDays: 10,
      table,
    });
    expect([notice.receivedOn, notice.cureDeadline]).toEqual(["2026-01-01", "2026-01-11"]);
  });

  const express = breachNotice({
    method: "express",
    region: "mainland",
    sentOn: "2025-10-20",
    cureDays: 10,
    table,
  });

  it("a detected breach without a written notice has no cure deadline: its clock has not started", () => {
    expect(breachStanding(latePayment(), "2025-12-31")).toMatchObject({
      state: "awaiting-notice",
      cureDeadline: null,
    });
    expect(breachStanding(latePayment(express), "2025-10-19").state).toBe("awaiting-notice");
  });

  it("between dispatch and deemed delivery the notice is in transit", () => {
    expect(breachStanding(latePayment(express), "2025-10-24")).toMatchObject({
      state: "notice-in-transit",
      cureDeadline: "2025-11-04",
    });
  });

  it("in the cure period the days left count the deadline day: 11 on receipt, 1 on 11-04", () => {
    expect(breachStanding(latePayment(express), "2025-10-25")).toMatchObject({
      state: "cure-period",
      daysLeft: 11,
    });
    expect(breachStanding(latePayment(express), "2025-11-04")).toMatchObject({
      state: "cure-period",
      daysLeft: 1,
    });
  });

  it("neither cure nor objection by the deadline: lapsed, arbitration at the 长春仲裁委员会 (8.3)", () => {
    const standing = breachStanding(latePayment(express), "2025-11-05");
    expect(standing.state).toBe("lapsed");
    expect(ARBITRATION_BODY).toBe("长春仲裁委员会");
    expect(standing.next).toContain("长春仲裁委员会");
  });

  it("cured on the deadline day is in time; a cure recorded later is late, and unknown before its day", () => {
    expect(breachStanding(latePayment(express, { curedOn: "2025-11-04" }), "2025-11-20")).toMatchObject({
      state: "cured",
      late: false,
    });
    const lateCure = latePayment(express, { curedOn: "2025-11-07" });
    expect(breachStanding(lateCure, "2025-11-06").state).toBe("lapsed");
    expect(breachStanding(lateCure, "2025-11-07")).toMatchObject({ state: "cured", late: true });
  });

  it("an objection leads to negotiation (8.2), then arbitration (8.3)", () => {
    const standing = breachStanding(latePayment(express, { objectedOn: "2025-10-28" }), "2025-10-28");
    expect(standing).toMatchObject({ state: "negotiation", late: false, cureDeadline: "2025-11-04" });
    expect(standing.next).toContain("8.2");
    expect(standing.next).toContain("长春仲裁委员会");
  });
});

describe("R-LIAB-1: Party B's liability cap is what Party A actually paid, as of a day", () => {
  const entry = (
    entryId: string,
    kind: LedgerEntry["kind"],
    amountFen: bigint,
    at: string,
    reverses?: string,
  ) =>
    ({
      entryId,
      period: entryId.slice(0, 7),
      kind,
      amountFen,
      at,
      recordedAt: at,
      who: "operator",
      ...(reverses ? { reverses } : {}),
    }) satisfies LedgerEntry;
  const ledger: LedgerEntry[] = [
    entry("2025-09#charge", "charge", 421_836n, "2025-10-09T09:00:00+08:00"),
    entry("2025-09#payment-1", "payment", 421_836n, "2025-10-20T23:30:00+08:00"),
    entry("2025-10#charge", "charge", 400_000n, "2025-11-10T09:00:00+08:00"),
    // 2025-11-18 00:00 in Beijing is still 11-17 in UTC: it counts from 11-18.
    entry("2025-10#payment-1", "payment", 400_000n, "2025-11-17T16:00:00Z"),
    entry("2025-10#payment-2", "payment", 10_000n, "2025-11-19T10:00:00+08:00"),
    entry("2025-10#reversal-1", "reversal", 10_000n, "2025-11-25T10:00:00+08:00", "2025-10#payment-2"),
  ];

  it("nothing paid before the first payment's day; charges are not payments", () => {
    expect(liabilityCapFen(ledger, "2025-10-19")).toBe(0n);
  });

  it("a payment at 23:30 Beijing time counts on that day: 4218.36", () => {
    expect(liabilityCapFen(ledger, "2025-10-20")).toBe(421_836n);
  });

  it("days are Beijing days: 2025-11-17T16:00Z is 11-18 (4218.36 + 4000.00 = 8218.36 from 11-18)", () => {
    expect(liabilityCapFen(ledger, "2025-11-17")).toBe(421_836n);
    expect(liabilityCapFen(ledger, "2025-11-18")).toBe(821_836n);
  });

  it("a reversed payment was never paid: not counted, even before the reversal was recorded", () => {
    expect(liabilityCapFen(ledger, "2025-11-20")).toBe(821_836n);
    expect(liabilityCapFen(ledger, "2025-12-31")).toBe(821_836n);
  });
});

describe("R-FM-1: force majeure of 30 days or more, then 10 days of negotiation", () => {
  const terms = { forceMajeureDays: 30, forceMajeureNegotiationDays: 10 };

  it("an event from 11-01 reaches 30 days on 11-30 (both days counted), not on 11-29", () => {
    const ongoing = { from: "2025-11-01", to: null, negotiationRequestedOn: null };
    expect(forceMajeureStanding(ongoing, terms, "2025-11-29")).toMatchObject({
      daysLasted: 29,
      negotiationOpensOn: "2025-11-30",
      negotiationOpen: false,
    });
    expect(forceMajeureStanding(ongoing, terms, "2025-11-30")).toMatchObject({
      daysLasted: 30,
      negotiationOpen: true,
      terminationRight: false,
      terminationRightFrom: null,
    });
  });

  it("a request sent 12-02: no agreement within 10 days (to 12-12) → either may terminate from 12-13", () => {
    const event = { from: "2025-11-01", to: null, negotiationRequestedOn: "2025-12-02" };
    expect(forceMajeureStanding(event, terms, "2025-12-12")).toMatchObject({
      negotiationEndsOn: "2025-12-12",
      terminationRightFrom: "2025-12-13",
      terminationRight: false,
    });
    expect(forceMajeureStanding(event, terms, "2025-12-13").terminationRight).toBe(true);
  });

  it("an event over after 20 days gives no right to terminate, even with a request", () => {
    const short = { from: "2025-11-01", to: "2025-11-20", negotiationRequestedOn: "2025-11-15" };
    expect(forceMajeureStanding(short, terms, "2026-01-31")).toMatchObject({
      daysLasted: 20,
      negotiationOpen: false,
      negotiationEndsOn: null,
      terminationRight: false,
    });
  });

  it("a request sent before the 30th day counts from the 30th day (11-30 + 10 = 12-10)", () => {
    const early = { from: "2025-11-01", to: null, negotiationRequestedOn: "2025-11-10" };
    expect(forceMajeureStanding(early, terms, "2025-12-31")).toMatchObject({
      negotiationEndsOn: "2025-12-10",
      terminationRightFrom: "2025-12-11",
      terminationRight: true,
    });
  });
});
