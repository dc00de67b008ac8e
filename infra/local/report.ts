/** The terminal rendering of a contract-year run (the HTML report is the console's contract page). */
import { table } from "../../bin/ops/cli-kit";
import { failureMessage } from "../../functions/app/cycle/bill-failure";
import { parseYuanToFen } from "../../functions/core/money";
import type { PeriodReport, RunReport } from "./contract-year";

const day = (instant: string | null) => (instant ? instant.slice(0, 10) : "-");

function met(done: string | null, due: string | null): string {
  if (!due) return "-";
  if (!done) return "open";
  return Date.parse(done) <= Date.parse(due) ? "met" : "MISSED";
}

/** A bill of 0.00 or less is sent for information: no payment and no invoice are expected (R-TRIAL-1). */
const nothingToPay = (p: PeriodReport) => parseYuanToFen(p.billTotal, "any") <= 0n;

function settlementStep(p: PeriodReport, done: string | null, due: string | null): string {
  return nothingToPay(p) && !done ? "- (none due)" : `${day(done)} (${met(done, due)})`;
}

function row(p: PeriodReport): string[] {
  return [
    p.period,
    p.billTotal,
    `${day(p.billSentAt)} (${met(p.billSentAt, p.billDue)})`,
    p.reconciliation ?? "open",
    p.partyAFigure && p.reconciliation !== "confirmed" ? p.partyAFigure : "",
    p.adjustmentNextPeriod,
    settlementStep(p, p.paidAt, p.paymentDue),
    settlementStep(p, p.invoicedAt, p.invoiceDue),
    p.breaches.join(" ") || "-",
  ];
}

const HEADER = [
  "period",
  "total",
  "bill sent (R-BILL-1)",
  "reconciliation",
  "A's figure",
  "adj. next",
  "paid (R-PAY-1)",
  "invoiced (R-INV-1)",
  "breaches",
];

/** "27 (25 succeeded, 2 running)": executions by status, as the console's list shows them. */
function executionSummary(report: RunReport): string {
  const byStatus = new Map<string, number>();
  for (const e of report.executions) byStatus.set(e.status, (byStatus.get(e.status) ?? 0) + 1);
  const parts = [...byStatus.entries()].map(
    ([status, n]) => `${n} ${status.toLowerCase().replace("_", " ")}`,
  );
  return `${report.executions.length} (${parts.join(", ")})`;
}

export function renderTextReport(report: RunReport): string {
  const r = report.renewal;
  return [
    `contract ${report.contractId}, periods ${report.from} … ${report.to} (virtual time until ${report.virtualEnd})`,
    "",
    table(HEADER, report.periods.map(row)),
    "",
    `renewal (term ${r.term}, last day ${r.termLastDay ?? "-"}): ${r.outcome}; non-renewal notice deadline ${r.noticeDeadline ?? "-"}; reminder sent: ${r.reminderSent ? "yes" : "no"}; next term from ${r.nextTermFirstDay ?? "-"}`,
    `emails sent: ${report.emailsSent}; state transitions: ${report.stateTransitions}; executions: ${executionSummary(report)}`,
    ...scenarioOutcome(report),
  ].join("\n");
}

/** What a scenario adds beyond the sample year: only printed when it happened, so the sample's output stays. */
function scenarioOutcome(report: RunReport): string[] {
  const lines: string[] = [];
  if (report.contract.status === "ended")
    lines.push(`contract ended, last day ${report.contract.lastDay ?? "-"} (R-TERM-3, R-END-1)`);
  const s = report.settlement;
  if (s)
    lines.push(
      `settlement document (结算单, R-END-1): ${s.direction === "none" ? "nothing to settle" : `${s.direction} ${s.amount}`}, sent ${s.sentAt}`,
    );
  for (const o of report.operations.filter((op) => op.outcome === "refused"))
    lines.push(`refused: ${o.operation} ${o.period ?? ""} at ${o.at}: ${o.detail}`);
  // A Lambda error's cause is its JSON with the stack trace: a reader needs the message (run.json keeps all).
  for (const f of report.failures)
    lines.push(`${f.status}: ${f.stateMachine} ${f.name}: ${f.error}: ${failureMessage(f.cause)}`);
  return lines;
}
