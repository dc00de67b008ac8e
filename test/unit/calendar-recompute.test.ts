/**
 * R-WD-3: loading a year's official calendar recomputes the stored deadlines that came from its provisional
 * calendar, and only those; nothing decided or passed moves. Expected instants are counted by hand below.
 */
import chineseDays from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { officialYearsFromChineseDays, WorkingDayCalendar } from "../../functions/core/calendar";
import { type CycleDeadlineFacts, movedDeadlines } from "../../functions/core/calendar-recompute";
import type { DeadlineRules } from "../../functions/core/deadlines";

const rules: DeadlineRules = {
  billDueWorkingDays: 10,
  reconciliationWorkingDays: 5,
  reconciliationReminderWorkingDaysBefore: 1,
  reReconciliationWorkingDays: 10,
  paymentWorkingDays: 10,
  invoiceWorkingDays: 10,
  bankChangeNoticeDays: 10,
  serviceChangeCutoffDay: 15,
  billingDataRetentionMonths: 12,
  breachCureDays: 10,
};
const packageYears = officialYearsFromChineseDays(chineseDays);
// Provisional 2027 (ADR 0003): 1-1 (Fri) off, then Mon–Fri.
const before = new WorkingDayCalendar(packageYears);
// A 2027 calendar giving 1-1..1-4 off and Saturday 1-9 worked.
const after = new WorkingDayCalendar([
  ...packageYears,
  {
    year: 2027,
    source: "test",
    holidays: ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"],
    makeUpWorkdays: ["2027-01-09"],
  },
]);

/** The December 2026 cycle, its bill emailed at 01:00 on New Year's Day, as the bill's sending stored it. */
const december: CycleDeadlineFacts = {
  period: "2026-12",
  billDue: "2027-01-15T23:59:59+08:00",
  sentAt: "2027-01-01T01:00:00+08:00",
  // Provisional: working days 1-4, 1-5, 1-6, 1-7, 1-8 → due 1-8; reminder the working day before, 09:00.
  reminderAt: "2027-01-07T09:00:00+08:00",
  reconciliationDeadline: "2027-01-08T23:59:59+08:00",
  // 1-4..1-8 and 1-11..1-15 → 1-15.
  paymentDue: "2027-01-15T23:59:59+08:00",
  reconciliationDecided: false,
  agreedDecided: false,
  paymentDecided: false,
  invoiceDecided: false,
};
const moves = (facts: CycleDeadlineFacts, now = new Date("2027-01-02T12:00:00+08:00")) =>
  movedDeadlines({ facts, rules, reminderTime: "09:00", before, after, now });

describe("recomputing provisional deadlines (R-WD-3)", () => {
  it("moves the reconciliation deadline and its reminder by a day; payment stays on 1-15", () => {
    // New: working days 1-5, 1-6, 1-7, 1-8, 1-9 → due 1-9, reminder 1-8; payment 1-5..1-9, 1-11..1-15 → 1-15.
    expect(moves(december)).toEqual([
      {
        field: "reminderAt",
        rule: "R-RECON-5",
        name: "reconciliation reminder",
        from: "2027-01-07T09:00:00+08:00",
        to: "2027-01-08T09:00:00+08:00",
      },
      {
        field: "reconciliationDeadline",
        rule: "R-RECON-1",
        name: "reconciliation due",
        from: "2027-01-08T23:59:59+08:00",
        to: "2027-01-09T23:59:59+08:00",
      },
    ]);
  });

  it("moves deadlines earlier too: re-reconciliation and invoice gain the worked Saturday", () => {
    const facts: CycleDeadlineFacts = {
      ...december,
      reconciliationDecided: true,
      // Dispute received 1-6: old 1-7, 1-8, 1-11..1-15, 1-18, 1-19, 1-20 → 1-20; new with 1-9 → 1-19.
      disputeReceivedAt: "2027-01-06T10:00:00+08:00",
      reReconciliationDeadline: "2027-01-20T23:59:59+08:00",
      // Paid 1-5: old 1-6, 1-7, 1-8, 1-11..1-15, 1-18, 1-19 → 1-19; new with 1-9 → 1-18.
      paymentDecided: true,
      paidAt: "2027-01-05T15:00:00+08:00",
      invoiceDue: "2027-01-19T23:59:59+08:00",
    };
    expect(moves(facts, new Date("2027-01-06T12:00:00+08:00")).map((m) => [m.field, m.from, m.to])).toEqual([
      ["reReconciliationDeadline", "2027-01-20T23:59:59+08:00", "2027-01-19T23:59:59+08:00"],
      ["invoiceDue", "2027-01-19T23:59:59+08:00", "2027-01-18T23:59:59+08:00"],
    ]);
  });

  it("nothing decided is reopened: a recorded reply, agreed amount or invoice keeps its deadline", () => {
    expect(moves({ ...december, reconciliationDecided: true })).toEqual([]);
    const invoiced: CycleDeadlineFacts = {
      ...december,
      reconciliationDecided: true,
      paymentDecided: true,
      paidAt: "2027-01-05T15:00:00+08:00",
      invoiceDue: "2027-01-19T23:59:59+08:00",
      invoiceDecided: true,
    };
    expect(moves(invoiced)).toEqual([]);
  });

  it("a deadline already passed does not move, even if the new calendar would put it later", () => {
    // At 1-7 10:00 the reminder (1-7 09:00) has gone out; only the deadline itself still moves.
    expect(moves(december, new Date("2027-01-07T10:00:00+08:00")).map((m) => m.field)).toEqual([
      "reconciliationDeadline",
    ]);
    expect(moves(december, new Date("2027-01-09T00:30:00+08:00"))).toEqual([]);
  });

  it("a stored deadline the provisional calendar does not give (typed in, or from another calendar) stays", () => {
    expect(
      moves({ ...december, reconciliationDeadline: "2027-01-11T23:59:59+08:00" }).map((m) => m.field),
    ).toEqual(["reminderAt"]);
  });

  it("an unsent bill's due date moves with the calendar; once sent it is decided", () => {
    // Bill of 2026-12 due 10 working days after 12-31. Provisional: 1-4..1-8, 1-11..1-15 → 1-15.
    // A calendar also closing 1-11 (say) would give 1-18: make one and check the unsent bill follows.
    const closed = new WorkingDayCalendar([
      ...packageYears,
      { year: 2027, source: "test", holidays: ["2027-01-01", "2027-01-11"], makeUpWorkdays: [] },
    ]);
    const unsent: CycleDeadlineFacts = {
      period: "2026-12",
      billDue: "2027-01-15T23:59:59+08:00",
      reconciliationDecided: false,
      agreedDecided: false,
      paymentDecided: false,
      invoiceDecided: false,
    };
    const now = new Date("2026-12-31T12:00:00+08:00");
    expect(
      movedDeadlines({ facts: unsent, rules, reminderTime: "09:00", before, after: closed, now }),
    ).toEqual([
      {
        field: "billDue",
        rule: "R-BILL-1",
        name: "bill due",
        from: "2027-01-15T23:59:59+08:00",
        to: "2027-01-18T23:59:59+08:00",
      },
    ]);
  });
});
