/**
 * The main job (`npm start`) as a test: the sample contract's first term on the embedded stack, the
 * real monthly schedule, Party A answering by email. Volumes are small here to keep the suite fast;
 * `npm start` runs realistic ones. Asserts on DynamoDB (through the report), SES and the executions.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadContract } from "../../functions/core/contract";
import { type RunReport, runContractYear } from "../../infra/local/contract-year";
import { SAMPLE_CONTRACT } from "./harness";

let report: RunReport;

beforeAll(async () => {
  const contract = await loadContract(SAMPLE_CONTRACT);
  report = await runContractYear({ contract, voiceCallsPerMonth: 800, smsPerMonth: 60, seed: 7 });
}, 300_000);

const period = (p: string) => {
  const found = report.periods.find((r) => r.period === p);
  if (!found) throw new Error(`no report row for ${p}`);
  return found;
};

describe("a contract year on the embedded stack (npm start)", () => {
  it("bills every period of the first term, 2025-07 … 2026-06, and closes every cycle", () => {
    expect(report.periods.map((p) => p.period)).toEqual([
      "2025-07",
      "2025-08",
      "2025-09",
      "2025-10",
      "2025-11",
      "2025-12",
      "2026-01",
      "2026-02",
      "2026-03",
      "2026-04",
      "2026-05",
      "2026-06",
    ]);
    expect(report.periods.every((p) => p.closed)).toBe(true);
    const cycles = report.executions.filter((e) => e.stateMachine.endsWith("MonthlyCycle"));
    expect(cycles).toHaveLength(12);
    expect(cycles.every((e) => e.status === "SUCCEEDED")).toBe(true);
  });

  it("R-TRIAL-1: July 2025 (before 2025-08-01) is billed at zero", () => {
    expect(period("2025-07").billTotal).toBe("0.00");
  });

  it("R-BILL-1: every bill is sent on the 1st at 01:00, before its due date", () => {
    for (const p of report.periods) {
      expect(p.billSentAt?.slice(8, 19)).toBe("01T01:00:00");
      expect(Date.parse(p.billSentAt as string)).toBeLessThanOrEqual(Date.parse(p.billDue));
    }
  });

  it("R-RECON-1/2: a confirmed bill and a reply within tolerance (the bill stands)", () => {
    expect(period("2025-08").reconciliation).toBe("confirmed");
    expect(period("2025-09").reconciliation).toBe("within-tolerance");
    expect(period("2025-09").adjustmentNextPeriod).toBe("0.00");
  });

  it("R-RECON-3/4: a dispute beyond 5 % is re-reconciled and the agreed difference adjusts the next period", () => {
    const october = period("2025-10");
    expect(october.reconciliation).toBe("re-reconcile");
    expect(october.agreedAmount).not.toBeNull();
    // Party A paid the bill's amount meanwhile (payment proceeds, R-RECON-4).
    expect(october.paidAt).not.toBeNull();
    const adjustment = october.adjustmentNextPeriod;
    expect(adjustment.startsWith("-")).toBe(true);
    // agreed − billed, in fen, recomputed here from the two figures in the report.
    const fen = (s: string) => BigInt(s.replace(".", ""));
    expect(fen(adjustment)).toBe(fen(october.agreedAmount as string) - fen(october.billTotal));
  });

  it("R-RECON-5: a month with no reply is deemed accepted", () => {
    expect(period("2025-11").reconciliation).toBe("no-reply");
  });

  it("R-PAY-1/R-PAY-2: a late payment is recorded as a breach, then paid and invoiced", () => {
    const december = period("2025-12");
    expect(december.breaches).toEqual(["R-PAY-1"]);
    expect(Date.parse(december.paidAt as string)).toBeGreaterThan(Date.parse(december.paymentDue as string));
    expect(december.invoicedAt).not.toBeNull();
    const others = report.periods.filter((p) => p.period !== "2025-12");
    expect(others.every((p) => p.breaches.length === 0)).toBe(true);
  });

  it("R-TERM-2/R-NOTICE-3: the renewal reminder went out and the contract renewed automatically", () => {
    expect(report.renewal).toMatchObject({
      outcome: "renewed",
      termLastDay: "2026-07-14",
      noticeDeadline: "2026-06-14T23:59:59+08:00",
      reminderSent: true,
      nextTermFirstDay: "2026-07-15",
    });
  });

  it("counts the emails and the state transitions of the run", () => {
    // At least a statement, an acknowledgement and an invoice email per period.
    expect(report.emailsSent).toBeGreaterThanOrEqual(36);
    expect(report.stateTransitions).toBeGreaterThan(12 * 8);
  });
});

describe("a run costs the same per month however long it is", () => {
  it("Party A's contact reads each sent email once, though the mailbox is looked at twice a day all year", () => {
    // About 800 looks over the run; reading the whole mailbox at each look is what made every month
    // slower than the one before. Counting emails taken, not seconds, shows the work per look is the
    // new mail only.
    expect(report.partyAEmailsRead).toBe(report.emailsSent);
  });
});
