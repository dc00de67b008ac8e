/**
 * MonthlyCycle, the payment branch (付款、发票): wait for Party A's payment, then for the VAT invoice; a missed
 * due date is recorded as a breach and the wait goes on, a moved due date waits again (R-PAY-1, R-PAY-2,
 * R-INV-1, R-BREACH-1, R-WD-3).
 */
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import type { MonthlyCycleFunctions } from "../monthly-cycle";
import { invokeStep, ON_TIMEOUT, SECONDS_LEFT_IN_BUDGET, secondsUntil } from "../states";
import { cycleWait } from "./cycle-wait";
import { CONTRACT, PERIOD } from "./variables";

/** The branch's states, from "Is a payment due on this bill?" (returned); it ends with `{payment, invoice}`. */
export function paymentBranch(scope: Construct, fns: MonthlyCycleFunctions): sfn.Choice {
  const paymentReceived = { paid: "{% $states.result %}" };

  const waitForPayment = cycleWait(scope, fns, {
    stateName: "Wait for Party A's payment",
    comment:
      "R-PAY-1, R-RECON-4: waits for the payment to be recorded, due within 10 working days of receipt of the bill, whatever the reconciliation.",
    awaiting: "payment",
    timeoutSeconds: secondsUntil("$sent.paymentDue"),
    assign: paymentReceived,
  });

  const overdue = invokeStep(scope, {
    fn: fns["record-missed-deadline"],
    stateName: "Send the overdue notice and record the breach",
    comment:
      "R-PAY-2, R-BREACH-1: payment not recorded by the due date: overdue notice to Party A, Party B told, Party A's breach recorded.",
    payload: { contractId: CONTRACT, period: PERIOD, missed: "payment" },
  });

  const keepWaitingForPayment = cycleWait(scope, fns, {
    stateName: "Keep waiting for the payment",
    comment:
      "R-PAY-2: the cycle keeps waiting for the overdue payment, for what is left of the execution's one-year budget.",
    awaiting: "payment",
    timeoutSeconds: SECONDS_LEFT_IN_BUDGET,
    assign: paymentReceived,
  });

  const paymentNeverRecorded = sfn.Fail.jsonata(scope, "Hand the unpaid bill to a person", {
    stateName: "Hand the unpaid bill to a person",
    comment:
      "R-PAY-2, R-BREACH-1: no payment within the execution's year; the breach stands and staff take over (the failed execution raises an alarm).",
    error: "ContractOps.PaymentNeverRecorded",
    cause:
      "{% 'No payment was recorded for ' & $contractId & ' ' & $period & ' within the execution budget.' %}",
  });

  const invoiceRecorded = { payment: "{% $paid %}", invoice: "{% $states.result %}" };

  const waitForInvoice = cycleWait(scope, fns, {
    stateName: "Wait for the VAT invoice to be recorded",
    comment:
      "R-INV-1: Party B issues the VAT ordinary invoice (增值税普通发票) within 10 working days of receiving the payment.",
    awaiting: "invoice",
    timeoutSeconds: secondsUntil("$paid.invoiceDue"),
    assign: { invoiceAnswer: "{% $states.result %}" },
  });

  const lateInvoice = invokeStep(scope, {
    fn: fns["record-missed-deadline"],
    stateName: "Record the late invoice as a breach",
    comment:
      "R-INV-1, R-BREACH-1: no invoice recorded within 10 working days of the payment: Party B's breach is recorded.",
    payload: { contractId: CONTRACT, period: PERIOD, missed: "invoice" },
  });

  const keepWaitingForInvoice = cycleWait(scope, fns, {
    stateName: "Keep waiting for the VAT invoice",
    comment:
      "R-INV-1: the cycle cannot close without the invoice; waits for what is left of the execution's budget.",
    awaiting: "invoice",
    timeoutSeconds: SECONDS_LEFT_IN_BUDGET,
    outputs: invoiceRecorded,
  });

  const invoiceNeverRecorded = sfn.Fail.jsonata(scope, "Hand the missing invoice to a person", {
    stateName: "Hand the missing invoice to a person",
    comment:
      "R-INV-1, R-BREACH-1: no invoice within the execution's year; staff take over (the failed execution raises an alarm).",
    error: "ContractOps.InvoiceNeverRecorded",
    cause:
      "{% 'No VAT invoice was recorded for ' & $contractId & ' ' & $period & ' within the execution budget.' %}",
  });

  // R-WD-3 (ADR 0042): `ops calendar apply` ends the payment wait with `{deadlinesMoved, paymentDue}` when an
  // official calendar moved the due date; the branch waits again until the new one.
  const waitForPaymentUntilMovedDue = cycleWait(scope, fns, {
    stateName: "Keep waiting for the payment until the moved due date",
    comment:
      "R-PAY-1, R-WD-3: the payment due date had been counted on a provisional calendar; the official one moved it, so the wait runs until the new date.",
    awaiting: "payment",
    timeoutSeconds: secondsUntil("$paid.paymentDue"),
    assign: paymentReceived,
  });
  const paymentOrMovedDue = sfn.Choice.jsonata(scope, "Was the payment recorded, or did its due date move?", {
    stateName: "Was the payment recorded, or did its due date move?",
    comment:
      "R-WD-3, R-PAY-1: a wait ended by a moved due date waits again; a recorded payment goes on to the invoice.",
  })
    .when(sfn.Condition.jsonata("{% $paid.deadlinesMoved = true %}"), waitForPaymentUntilMovedDue)
    .otherwise(waitForInvoice);
  waitForPaymentUntilMovedDue.addCatch(overdue, ON_TIMEOUT);
  waitForPaymentUntilMovedDue.next(paymentOrMovedDue);

  waitForPayment.addCatch(overdue, ON_TIMEOUT);
  keepWaitingForPayment.addCatch(paymentNeverRecorded, ON_TIMEOUT);
  // R-WD-3 (ADR 0042): `ops calendar apply` ends this wait with `{deadlinesMoved, invoiceDue}` when an official
  // calendar moved the due date; the branch waits again until the new one.
  const waitForInvoiceUntilMovedDue = cycleWait(scope, fns, {
    stateName: "Keep waiting for the VAT invoice until the moved due date",
    comment:
      "R-INV-1, R-WD-3: the invoice due date had been counted on a provisional calendar; the official one moved it, so the wait runs until the new date.",
    awaiting: "invoice",
    timeoutSeconds: secondsUntil("$invoiceAnswer.invoiceDue"),
    assign: { invoiceAnswer: "{% $states.result %}" },
  });
  const invoiceIsRecorded = sfn.Succeed.jsonata(scope, "The VAT invoice is recorded", {
    stateName: "The VAT invoice is recorded",
    comment:
      "R-INV-1: the payment and its invoice are both recorded; the branch hands them to 'Close the cycle'.",
    outputs: { payment: "{% $paid %}", invoice: "{% $invoiceAnswer %}" },
  });
  const invoiceOrMovedDue = sfn.Choice.jsonata(scope, "Was the invoice recorded, or did its due date move?", {
    stateName: "Was the invoice recorded, or did its due date move?",
    comment:
      "R-WD-3, R-INV-1, R-PAY-2: a wait ended by a moved due date waits again; a reversed payment goes back to the payment wait; a recorded invoice ends the branch.",
  })
    .when(sfn.Condition.jsonata("{% $invoiceAnswer.deadlinesMoved = true %}"), waitForInvoiceUntilMovedDue)
    // R-PAY-1, R-PAY-2: `ops correct` reversed the payment this invoice would follow; the bill is owing
    // again and the branch waits for payment until the original due date (then overdue as usual).
    .when(sfn.Condition.jsonata("{% $invoiceAnswer.paymentReversed = true %}"), waitForPayment)
    .otherwise(invoiceIsRecorded);
  waitForInvoice.next(invoiceOrMovedDue);
  waitForInvoiceUntilMovedDue.addCatch(lateInvoice, ON_TIMEOUT);
  waitForInvoiceUntilMovedDue.next(invoiceOrMovedDue);
  waitForInvoice.addCatch(lateInvoice, ON_TIMEOUT);
  keepWaitingForInvoice.addCatch(invoiceNeverRecorded, ON_TIMEOUT);
  overdue.next(keepWaitingForPayment);
  keepWaitingForPayment.next(waitForInvoice);
  lateInvoice.next(keepWaitingForInvoice);
  waitForPayment.next(paymentOrMovedDue);
  const nothingToPay = sfn.Succeed.jsonata(scope, "Nothing to pay on this bill", {
    stateName: "Nothing to pay on this bill",
    comment:
      "R-TRIAL-1: a bill of 0.00 (trial) or below (a credit carried, ADR 0010) is sent for information: no payment or invoice is awaited and no breach can arise.",
    outputs: { payment: null, invoice: null },
  });
  const paymentBranch = sfn.Choice.jsonata(scope, "Is a payment due on this bill?", {
    stateName: "Is a payment due on this bill?",
    comment: "R-PAY-1, R-TRIAL-1: only a bill above 0.00 is paid and invoiced.",
  })
    .when(sfn.Condition.jsonata("{% $sent.paymentExpected = false %}"), nothingToPay)
    .otherwise(waitForPayment);

  return paymentBranch;
}
