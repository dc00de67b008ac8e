import { describe, expect, it } from "vitest";
import type { PeriodReport, RunReport } from "../../infra/local/contract-year";
import { renderTextReport } from "../../infra/local/report";

const trialPeriod: PeriodReport = {
  period: "2025-07",
  billTotal: "0.00",
  billSentAt: "2025-08-01T01:00:00+08:00",
  billDue: "2025-08-14T23:59:59+08:00",
  reconciliation: "confirmed",
  reconciliationDeadline: "2025-08-08T23:59:59+08:00",
  partyAFigure: "0.00",
  agreedAmount: null,
  adjustmentNextPeriod: "0.00",
  paymentDue: "2025-08-15T23:59:59+08:00",
  paidAt: null,
  invoiceDue: null,
  invoicedAt: null,
  invoiceNumber: null,
  breaches: [],
  closed: true,
  lines: [{ kind: "monthly-fee", amount: "0.00" }],
  paid: "0.00",
  outstanding: "0.00",
  breachRecords: [],
};

const unpaidPeriod: PeriodReport = {
  ...trialPeriod,
  period: "2025-08",
  billTotal: "6979.36",
  billSentAt: "2025-09-01T01:00:00+08:00",
  billDue: "2025-09-15T23:59:59+08:00",
  paymentDue: "2025-09-15T23:59:59+08:00",
  closed: false,
};

function report(periods: PeriodReport[]): RunReport {
  return {
    contractId: "11NA0700211920254001",
    from: "2025-07",
    to: "2025-08",
    periods,
    renewal: {
      outcome: "pending",
      term: 1,
      termLastDay: null,
      noticeDeadline: null,
      reminderSent: false,
      nextTermFirstDay: null,
    },
    emailsSent: 0,
    partyAEmailsRead: 0,
    stateTransitions: 0,
    executions: [],
    failures: [],
    virtualEnd: "2025-09-20T00:00:00+08:00",
    scenario: null,
    operations: [],
    contract: { status: "active", lastDay: "2026-07-14" },
    terms: [{ term: 1, outcome: "pending" }],
    obligations: {
      breachRegister: {
        contractId: "11NA0700211920254001",
        asOf: "2025-09-19",
        liabilityCap: "0.00",
        arbitration: "长春仲裁委员会",
        breaches: [],
        forceMajeure: [],
      },
      serviceLevels: [],
      serviceChanges: [],
      partPeriodLines: [],
      billNotes: [],
    },
    settlement: null,
    ledger: [],
  };
}

const rowOf = (text: string, period: string) =>
  text.split("\n").find((line) => line.startsWith(period)) ?? "";

describe("npm start's table", () => {
  it("R-TRIAL-1: a 0.00 bill expects no payment and no invoice, so neither is shown as open", () => {
    const line = rowOf(renderTextReport(report([trialPeriod])), "2025-07");
    expect(line).not.toContain("open");
    expect(line.match(/none due/g)).toHaveLength(2);
  });

  it("R-PAY-1: a bill with an amount and no payment yet is still open", () => {
    const line = rowOf(renderTextReport(report([unpaidPeriod])), "2025-08");
    expect(line).toContain("- (open)");
    expect(line).not.toContain("none due");
  });
});
