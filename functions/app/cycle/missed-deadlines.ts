/** MonthlyCycle's "Record the missed deadline" step (R-RECON-5, R-RECON-3, R-PAY-1, R-INV-1). */

import { now } from "../../adapters/clock";
import { sendEmail } from "../../adapters/mailer";
import {
  appendAuditEvent,
  closeReplyKey,
  getContract,
  getCycle,
  reconciliationAsYuan,
  setCycleFieldsOnce,
} from "../../adapters/repository";
import { formatFen } from "../../core/money";
import { formatInstant as instant } from "../../core/time";
import * as emails from "../email-views";
import { recordBreachOnce } from "./breaches";

// --- Deadlines that passed without the awaited fact --------------------------------------------------

export type Missed = "reconciliation-reply" | "agreed-amount" | "payment" | "invoice";

export async function recordMissedDeadline(input: { contractId: string; period: string; missed: Missed }) {
  const { contractId, period, missed } = input;
  const { contract } = await getContract(contractId);
  const cycle = await getCycle(contractId, period);
  switch (missed) {
    case "reconciliation-reply": {
      // R-RECON-5: no reply by the deadline → the bill is deemed accepted.
      const recorded = await setCycleFieldsOnce(contractId, period, "reconciliation", {
        reconciliation: { outcome: "no-reply" },
      });
      if (cycle.replyKey) await closeReplyKey(cycle.replyKey);
      // The recorded outcome (a reply that raced the deadline and won is kept), for the workflow's $reply.
      const reconciliation = (await getCycle(contractId, period)).reconciliation;
      if (reconciliation?.outcome === "no-reply") {
        await appendAuditEvent(
          {
            contractId,
            period,
            who: "system",
            what: "no reply by the reconciliation deadline: bill deemed accepted",
            rule: "R-RECON-5",
          },
          `deemed-accepted#${period}`,
        );
      }
      return { recorded, reconciliation: reconciliation && reconciliationAsYuan(reconciliation) };
    }
    case "agreed-amount": {
      const recorded = await setCycleFieldsOnce(contractId, period, "agreed", {
        agreed: { unresolved: true, recordedAt: instant(now()) },
      });
      const agreed = (await getCycle(contractId, period)).agreed;
      if (agreed && "unresolved" in agreed) {
        // Finished on every run (each effect keyed by step), so a crash after the write loses nothing.
        await appendAuditEvent(
          {
            contractId,
            period,
            who: "system",
            what: "re-reconciliation not agreed by its deadline: referred to negotiation, no adjustment carried",
            rule: "R-RECON-3",
          },
          `re-reconciliation-unresolved#${period}`,
        );
        await sendEmail({
          contractId,
          emailKey: `re-reconciliation-unresolved#${period}`,
          to: [contract.parties.partyB.contact.email],
          ...emails.reReconciliationUnresolved(contract, cycle),
        });
      }
      return { recorded };
    }
    case "payment": {
      // A token timeout capped by the execution's one-year budget can fire before the real deadline.
      if (now().getTime() < Date.parse(cycle.paymentDue ?? "")) return { recorded: false };
      const recorded = await recordBreachOnce(contract, cycle, {
        rule: "R-PAY-1",
        party: "A",
        what: `payment of ${formatFen(cycle.billTotalFen)} for ${period} not received by ${cycle.paymentDue}`,
      });
      await sendEmail({
        contractId,
        emailKey: `overdue-notice#${period}`,
        to: [contract.parties.partyA.contact.email],
        ...emails.overdueNotice(contract, cycle),
      });
      return { recorded };
    }
    case "invoice": {
      if (now().getTime() < Date.parse(cycle.payment?.invoiceDue ?? "")) return { recorded: false };
      const recorded = await recordBreachOnce(contract, cycle, {
        rule: "R-INV-1",
        party: "B",
        what: `VAT invoice for ${period} not issued by ${cycle.payment?.invoiceDue ?? "its due date"}`,
      });
      return { recorded };
    }
  }
}
