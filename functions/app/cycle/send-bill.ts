/**
 * MonthlyCycle step "Send the bill to Party A" (architecture §4), apart from preparing it so that its Lambda
 * does not bundle the usage reader and its charset tables (ADR 0051). Safe to run twice: a conditional write
 * decides the reply key and the deadlines, and the email goes through the outbox.
 */
import { now } from "../../adapters/clock";
import { replyAddress, sendEmail } from "../../adapters/mailer";
import { countMetric } from "../../adapters/metrics";
import {
  appendAuditEvent,
  getContract,
  getCycle,
  newReplyKey,
  setCycleFieldsOnceAndGet,
} from "../../adapters/repository";
import { paymentDue, reconciliationDue, reconciliationReminderDate } from "../../core/deadlines";
import { atTimeOfDay, formatInstant as instant } from "../../core/time";
import * as emails from "../email-views";
import { deadlineRules, REMINDER_TIME } from "../rules";
import { complianceNote, serviceLevelNote } from "./bill-notes";
import { recordBreachOnce } from "./breaches";

// --- Send the bill to Party A (R-BILL-1, R-RECON-1, R-PAY-1) ----------------------------------------

export async function sendBill(input: { contractId: string; period: string }) {
  const { contract } = await getContract(input.contractId);
  let cycle = await getCycle(input.contractId, input.period);
  if (!cycle.replyKey) {
    // The email's sending is its receipt (R-BILL-1 → R-RECON-1, R-PAY-1 count from it).
    const sentAt = now();
    const rules = deadlineRules(contract);
    const reconciliation = reconciliationDue(sentAt, rules);
    const reminderDay = reconciliationReminderDate(reconciliation, rules);
    const reminderAt = atTimeOfDay(reminderDay.date, REMINDER_TIME);
    const payment = paymentDue(sentAt, rules);
    ({ cycle } = await setCycleFieldsOnceAndGet(input.contractId, input.period, "replyKey", {
      replyKey: newReplyKey(),
      sentAt: instant(sentAt),
      reconciliationDeadline: reconciliation.at,
      reminderAt: reminderAt.getTime() > sentAt.getTime() ? instant(reminderAt) : null,
      paymentDue: payment.at,
      lateBill: sentAt.getTime() > Date.parse(cycle.billDue),
    }));
  }
  const replyKey = cycle.replyKey as string;
  const rendered = emails.statement(contract, cycle, {
    serviceLevels: await serviceLevelNote(contract, input.period, now()),
    compliance: complianceNote(contract, cycle),
  });
  const { sent } = await sendEmail({
    contractId: input.contractId,
    emailKey: `statement#${input.period}`,
    to: [contract.parties.partyA.contact.email],
    replyTo: replyAddress(replyKey),
    ...rendered,
  });
  // Counted when this run sent it: a retry after the email went out does not count the bill twice.
  if (sent) countMetric("BillsSent");
  // R-TRIAL-1: a bill of 0.00 or less is sent for information; no payment, no invoice, no breach arises.
  const paymentExpected = cycle.billTotalFen > 0n;
  if (cycle.lateBill && paymentExpected) {
    await recordBreachOnce(contract, cycle, {
      rule: "R-BILL-1",
      party: "B",
      what: `bill for ${input.period} sent after its due date ${cycle.billDue}`,
    });
  }
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "system",
      what: "bill emailed to Party A's contact",
      rule: "R-BILL-1",
      details: { sentAt: cycle.sentAt, reconciliationDeadline: cycle.reconciliationDeadline },
    },
    `bill-sent#${input.period}`,
  );
  return {
    sentAt: cycle.sentAt as string,
    reminderAt: cycle.reminderAt ?? null,
    reconciliationDeadline: cycle.reconciliationDeadline as string,
    paymentDue: cycle.paymentDue as string,
    lateBill: cycle.lateBill === true,
    paymentExpected,
  };
}
