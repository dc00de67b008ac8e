import { describe, expect, it } from "vitest";
import contractJson from "../../contracts/11NA0700211920254001.json" with { type: "json" };
import { WorkingDayCalendar } from "../../functions/core/calendar";
import {
  bankAccountEffective,
  billDue,
  breachCureDeadline,
  cycleDeadlines,
  DeadlineInputError,
  type DeadlineRules,
  deadlineRulesFrom,
  invoiceDue,
  paymentDue,
  reconciliationDue,
  reconciliationReminderDate,
  reReconciliationDue,
  retention,
  serviceChangeEffective,
} from "../../functions/core/deadlines";
import { InvalidDateError } from "../../functions/core/time";

const rules: DeadlineRules = deadlineRulesFrom(contractJson.rules);
const at = (text: string) => new Date(text);

describe("contract tunables", () => {
  it("reads the sample contract's rules", () => {
    expect(rules).toEqual({
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
    });
  });

  it("rejects missing, non-integer or out-of-range tunables", () => {
    expect(() => deadlineRulesFrom({ ...contractJson.rules, billDueWorkingDays: { value: 0 } })).toThrow(
      DeadlineInputError,
    );
    expect(() => deadlineRulesFrom({ ...contractJson.rules, paymentWorkingDays: { value: "10" } })).toThrow(
      /paymentWorkingDays/,
    );
    expect(() => deadlineRulesFrom({ ...contractJson.rules, serviceChangeCutoffDay: { value: 32 } })).toThrow(
      /serviceChangeCutoffDay/,
    );
    const { breachCureDays: _, ...withoutBreach } = contractJson.rules;
    expect(() => deadlineRulesFrom(withoutBreach)).toThrow(/breachCureDays/);
  });
});

describe("R-BILL-1: bill due within 10 working days after the period", () => {
  it("R-BILL-1: the September 2025 bill is due 2025-10-21 (National Day + Mid-Autumn, make-up 10/11)", () => {
    expect(billDue("2025-09", rules)).toEqual({
      rule: "R-BILL-1",
      name: "bill due",
      date: "2025-10-21",
      at: "2025-10-21T23:59:59+08:00",
      kind: "deadline",
      provisional: false,
    });
  });

  it("R-BILL-1: the January 2026 bill, due before Spring Festival, on 2026-02-13", () => {
    expect(billDue("2026-01", rules).date).toBe("2026-02-13");
  });

  it("R-BILL-1 / R-WD-3: the December 2026 bill falls in 2027 and is provisional", () => {
    expect(billDue("2026-12", rules)).toMatchObject({ date: "2027-01-15", provisional: true });
    expect(billDue("2026-11", rules)).toMatchObject({ date: "2026-12-14", provisional: false });
  });

  it("R-BILL-1: the count comes from the contract, not a constant", () => {
    expect(billDue("2025-09", { ...rules, billDueWorkingDays: 3 }).date).toBe("2025-10-11");
  });

  it("R-BILL-1: uses the calendar it is given", () => {
    const weekdaysOnly = new WorkingDayCalendar([
      { year: 2025, source: "test: no holidays", holidays: ["2025-01-01"], makeUpWorkdays: [] },
    ]);
    expect(billDue("2025-09", rules, weekdaysOnly).date).toBe("2025-10-14");
  });

  it("R-BILL-1: rejects a bad period", () => {
    expect(() => billDue("2025-13", rules)).toThrow(InvalidDateError);
    expect(() => billDue("2025-9", rules)).toThrow(InvalidDateError);
  });
});

describe("R-RECON-1 / R-RECON-5: reconciliation within 5 working days of receipt, reminder the working day before", () => {
  it("R-RECON-1: bill sent 2025-10-21 10:00 → reconciliation due 2025-10-28", () => {
    expect(reconciliationDue(at("2025-10-21T10:00:00+08:00"), rules)).toMatchObject({
      rule: "R-RECON-1",
      date: "2025-10-28",
      at: "2025-10-28T23:59:59+08:00",
    });
  });

  it("R-RECON-1 / R-WD-2: an instant is counted from its Asia/Shanghai day (00:30 on 10/22 is 10/22)", () => {
    expect(reconciliationDue(at("2025-10-21T16:30:00Z"), rules).date).toBe("2025-10-29");
    expect(reconciliationDue(at("2025-10-21T15:59:59Z"), rules).date).toBe("2025-10-28");
  });

  it("R-RECON-1: a bill sent before Spring Festival 2026 counts the make-up Saturday and skips the holiday", () => {
    expect(reconciliationDue(at("2026-02-10T09:00:00+08:00"), rules).date).toBe("2026-02-24");
  });

  it("R-RECON-5: reminder on the last working day before the deadline (the contract's 1)", () => {
    expect(
      reconciliationReminderDate(reconciliationDue(at("2025-10-21T10:00:00+08:00"), rules), rules),
    ).toEqual({
      date: "2025-10-27",
      provisional: false,
    });
    expect(reconciliationReminderDate("2026-02-24", rules).date).toBe("2026-02-14");
  });

  it("R-RECON-5: the reminder day is the contract's reconciliationReminderWorkingDaysBefore", () => {
    // Spring Festival 2026 (国办发明电〔2025〕7号): off 02-15..02-23, Saturday 02-14 worked. Two working days
    // before 02-24: 02-14 (the make-up Saturday), then Friday 02-13.
    const two = deadlineRulesFrom({
      ...contractJson.rules,
      reconciliationReminderWorkingDaysBefore: { value: 2 },
    });
    expect(reconciliationReminderDate("2026-02-24", two).date).toBe("2026-02-13");
    expect(() =>
      deadlineRulesFrom({ ...contractJson.rules, reconciliationReminderWorkingDaysBefore: { value: 0 } }),
    ).toThrow(/reconciliationReminderWorkingDaysBefore/);
  });

  it("R-RECON-1: rejects an invalid instant", () => {
    expect(() => reconciliationDue(new Date("not a date"), rules)).toThrow(DeadlineInputError);
  });
});

describe("R-RECON-3: re-reconciliation within 10 working days of the dispute's receipt", () => {
  it("R-RECON-3: dispute received 2026-02-26 → re-reconciliation due 2026-03-11 (make-up Saturday 2/28 counts)", () => {
    expect(reReconciliationDue(at("2026-02-26T15:00:00+08:00"), rules)).toMatchObject({
      rule: "R-RECON-3",
      date: "2026-03-11",
    });
  });
});

describe("R-PAY-1 / R-INV-1: payment and invoice within 10 working days", () => {
  it("R-PAY-1: bill sent 2025-10-21 → payment due 2025-11-04", () => {
    expect(paymentDue(at("2025-10-21T10:00:00+08:00"), rules)).toMatchObject({
      rule: "R-PAY-1",
      date: "2025-11-04",
      at: "2025-11-04T23:59:59+08:00",
    });
  });

  it("R-PAY-1: bill sent 2026-02-13 → payment due 2026-03-05 (two make-up Saturdays count)", () => {
    expect(paymentDue("2026-02-13", rules).date).toBe("2026-03-05");
  });

  it("R-INV-1: payment received 2025-09-30 → invoice due 2025-10-21", () => {
    expect(invoiceDue(at("2025-09-30T15:00:00+08:00"), rules)).toMatchObject({
      rule: "R-INV-1",
      date: "2025-10-21",
    });
  });
});

describe("R-CHANGE-1: service change effective the 1st of the next month, or the month after if after the 15th", () => {
  it("R-CHANGE-1: requested on the 15th → the 1st of next month", () => {
    expect(serviceChangeEffective("2025-09-15", rules)).toEqual({
      rule: "R-CHANGE-1",
      name: "service change effective",
      date: "2025-10-01",
      at: "2025-10-01T00:00:00+08:00",
      kind: "effective",
      provisional: false,
    });
  });

  it("R-CHANGE-1: requested on the 16th → the 1st of the month after next, across a year end", () => {
    expect(serviceChangeEffective("2025-09-16", rules).date).toBe("2025-11-01");
    expect(serviceChangeEffective("2025-12-20", rules).date).toBe("2026-02-01");
    expect(serviceChangeEffective("2025-12-01", rules).date).toBe("2026-01-01");
  });

  it("R-CHANGE-1: an instant late on the 15th UTC is already the 16th in Asia/Shanghai", () => {
    expect(serviceChangeEffective(at("2025-09-15T17:00:00Z"), rules).date).toBe("2025-11-01");
  });
});

describe("R-BANK-1: new bank account used from 10 calendar days after the notice", () => {
  it("R-BANK-1 / R-WD-4: calendar days, holidays included", () => {
    expect(bankAccountEffective("2025-09-28", rules)).toMatchObject({
      rule: "R-BANK-1",
      date: "2025-10-08",
      at: "2025-10-08T00:00:00+08:00",
      kind: "effective",
      provisional: false,
    });
  });
});

describe("R-RETAIN-1: billing data kept 12 months after the month of the bill", () => {
  it("R-RETAIN-1: a bill produced in October 2025 is kept, and open to objection, through 2026-10-31", () => {
    const { retentionEnd, objectionWindowEnd } = retention("2025-10-21", rules);
    expect(retentionEnd).toMatchObject({
      rule: "R-RETAIN-1",
      date: "2026-10-31",
      at: "2026-10-31T23:59:59+08:00",
    });
    expect(objectionWindowEnd).toMatchObject({ rule: "R-RETAIN-1", date: "2026-10-31" });
  });

  it("R-RETAIN-1: the month of production does not count, whatever its day", () => {
    expect(retention("2025-12-01", rules).retentionEnd.date).toBe("2026-12-31");
    expect(retention("2027-01-31", rules).retentionEnd.date).toBe("2028-01-31");
    expect(retention("2027-02-28", rules).retentionEnd.date).toBe("2028-02-29");
  });
});

describe("R-BREACH-1: 10 days to cure after a written breach notice", () => {
  it("R-BREACH-1 / R-WD-4: calendar days from delivery", () => {
    expect(breachCureDeadline("2025-10-25", rules)).toEqual({
      rule: "R-BREACH-1",
      name: "breach cure deadline",
      date: "2025-11-04",
      at: "2025-11-04T23:59:59+08:00",
      kind: "deadline",
      provisional: false,
    });
  });
});

describe("the whole cycle", () => {
  it("R-BILL-1 / R-RECON-1 / R-PAY-1: without a sent instant, the bill is assumed sent on its due day", () => {
    const deadlines = cycleDeadlines({ period: "2025-09", rules });
    expect(deadlines.map((d) => [d.rule, d.date, d.assumed ?? false])).toEqual([
      ["R-BILL-1", "2025-10-21", false],
      ["R-RECON-5", "2025-10-27", true],
      ["R-RECON-1", "2025-10-28", true],
      ["R-PAY-1", "2025-11-04", true],
      ["R-RETAIN-1", "2026-10-31", true],
      ["R-RETAIN-1", "2026-10-31", true],
    ]);
  });

  it("R-RECON-3 / R-INV-1: recorded events add their deadlines and drop the assumption", () => {
    const deadlines = cycleDeadlines({
      period: "2026-01",
      billSentAt: at("2026-02-10T09:00:00+08:00"),
      disputeReceivedAt: at("2026-02-24T11:00:00+08:00"),
      paidAt: at("2026-02-27T14:00:00+08:00"),
      rules,
    });
    expect(deadlines.map((d) => [d.rule, d.date])).toEqual([
      ["R-BILL-1", "2026-02-13"],
      ["R-RECON-5", "2026-02-14"],
      ["R-RECON-1", "2026-02-24"],
      ["R-PAY-1", "2026-03-02"],
      ["R-RECON-3", "2026-03-09"],
      ["R-INV-1", "2026-03-12"],
      ["R-RETAIN-1", "2027-02-28"],
      ["R-RETAIN-1", "2027-02-28"],
    ]);
    expect(deadlines.some((d) => d.assumed)).toBe(false);
  });

  it("R-WD-3: an assumed send date on a provisional due day makes every later deadline provisional", () => {
    const deadlines = cycleDeadlines({ period: "2026-12", rules });
    expect(deadlines.every((d) => d.provisional)).toBe(true);
  });
});
