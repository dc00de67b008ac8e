/**
 * MonthlyCycle (架构 §4): one execution per contract and billing period, named `<contractId>-<YYYY-MM>`.
 * Bill → reconciliation reply (or deemed acceptance) → re-reconciliation in parallel with payment →
 * VAT invoice → close. Every deadline is a task-token timeout; nothing here waits inside a Lambda.
 *
 * Variables: `$contractId`, `$period`, `$sent` (deadlines from "Send the bill"), `$reply` (the
 * reconciliation outcome). Inside the Parallel: `$reopened`, `$paid` (branch scope only); the branches
 * return `{agreed}` and `{payment, invoice}`, which the Parallel assigns to `$agreed`, `$payment`,
 * `$invoice` for "Close the cycle".
 */
import { Duration } from "aws-cdk-lib";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import {
  awaitStep,
  invokeStep,
  ON_TIMEOUT,
  SECONDS_LEFT_IN_BUDGET,
  secondsUntil,
  type WorkflowFunctions,
  waitUntil,
} from "./states";

export type MonthlyCycleFunctions = WorkflowFunctions<
  | "prepare-bill"
  | "report-bill-failure"
  | "send-bill"
  | "await-callback"
  | "send-reminder"
  | "record-missed-deadline"
  | "open-re-reconciliation"
  | "close-cycle"
>;

const CONTRACT = "{% $contractId %}";
const PERIOD = "{% $period %}";

export function monthlyCycleDefinition(scope: Construct, fns: MonthlyCycleFunctions): sfn.IChainable {
  const prepare = invokeStep(scope, {
    fn: fns["prepare-bill"],
    stateName: "Rate usage and prepare the bill",
    comment:
      "R-PERIOD-1, R-PRICE-1..3, R-SMS-1, R-TRIAL-1, R-MONEY-1, R-RECON-4, R-CHANGE-1: rates the period's usage at the prices in force on each record's day and writes the bill once (bill id = contract + period), carrying the previous period's agreed adjustment; R-CALL-1, R-SMS-3, R-THROTTLE-1: checks the month's files as `ops compliance` does and stores the findings with the bill (ADR 0065).",
    payload: { contractId: "{% $states.input.contractId %}", period: "{% $states.input.period %}" },
    assign: { contractId: "{% $states.input.contractId %}", period: "{% $states.input.period %}" },
  });

  // R-BILL-1 at risk: the bill cannot be prepared even after the retries. Party B is told, then one more
  // attempt fails the execution on the step itself (the MonthlyCycle failure alarm tells admins), so a
  // redrive reruns the step once the cause is fixed — a redrive resumes at the failed state, and a Fail
  // state would only fail again.
  const reportBillFailure = invokeStep(scope, {
    fn: fns["report-bill-failure"],
    stateName: "Tell Party B the bill could not be prepared",
    comment:
      "R-BILL-1: rating or preparing the bill failed after its retries; the failure is recorded and Party B's contact is emailed before the cycle ends failed.",
    payload: {
      contractId: CONTRACT,
      period: PERIOD,
      error: "{% $failure.Error %}",
      cause: "{% $exists($failure.Cause) ? $failure.Cause : '' %}",
      executionName: "{% $states.context.Execution.Name %}",
      redriveCount: "{% $states.context.Execution.RedriveCount %}",
    },
  });
  const prepareOnceFixed = invokeStep(scope, {
    fn: fns["prepare-bill"],
    stateName: "Prepare the bill once the cause is fixed",
    comment:
      'R-BILL-1: the same step as "Rate usage and prepare the bill", without a catch: while the cause remains it fails the cycle with the step\'s own error; redriven once the cause is fixed, it prepares the bill and the cycle goes on.',
    payload: { contractId: CONTRACT, period: PERIOD },
  });

  const send = invokeStep(scope, {
    fn: fns["send-bill"],
    stateName: "Send the bill to Party A",
    comment:
      "R-BILL-1, R-RECON-1, R-PAY-1, R-RECON-5, R-BREACH-1: emails the bill; the sent instant is the receipt, from which the reconciliation deadline, the reminder and the payment due date are computed; a bill sent after 10 working days is recorded as Party B's breach.",
    payload: { contractId: CONTRACT, period: PERIOD },
    assign: { sent: "{% $states.result.Payload %}" },
  });

  // --- Reconciliation reply (R-RECON-1, R-RECON-5) -------------------------------------------------
  const replyReceived = { reply: "{% $states.result %}" };

  const waitForReply = awaitStep(scope, {
    fn: fns["await-callback"],
    stateName: "Wait for Party A's reconciliation reply",
    comment:
      "R-RECON-1, R-RECON-5: waits for Party A's emailed confirmation or figure until the reminder time (the working day before the deadline).",
    awaiting: "reconciliation-reply",
    contractId: CONTRACT,
    period: PERIOD,
    term: null,
    timeoutSeconds: secondsUntil("$sent.reminderAt"),
    assign: replyReceived,
  });

  const remind = invokeStep(scope, {
    fn: fns["send-reminder"],
    stateName: "Remind Party A that the reconciliation is due",
    comment: "R-RECON-5: no reply yet on the last working day before the deadline: remind Party A's contact.",
    payload: { contractId: CONTRACT, period: PERIOD, kind: "reconciliation" },
  });

  const keepWaitingForReply = awaitStep(scope, {
    fn: fns["await-callback"],
    stateName: "Keep waiting for the reconciliation reply until the deadline",
    comment:
      "R-RECON-1, R-RECON-5: waits for the reply until the end of the 5th working day after receipt of the bill.",
    awaiting: "reconciliation-reply",
    contractId: CONTRACT,
    period: PERIOD,
    term: null,
    timeoutSeconds: secondsUntil("$sent.reconciliationDeadline"),
    assign: replyReceived,
  });

  const deemAccepted = invokeStep(scope, {
    fn: fns["record-missed-deadline"],
    stateName: "Deem the bill accepted without a reply",
    comment:
      "R-RECON-5: no reply by the deadline: the bill is deemed accepted and recorded as 'no reply'; the cycle goes on.",
    payload: { contractId: CONTRACT, period: PERIOD, missed: "reconciliation-reply" },
    // The recorded outcome, not a constant: a reply that raced the timeout and was recorded first wins.
    assign: { reply: "{% $states.result.Payload.reconciliation %}" },
  });

  const reminderDue = sfn.Choice.jsonata(
    scope,
    "Is there time for a reminder before the reconciliation deadline?",
    {
      stateName: "Is there time for a reminder before the reconciliation deadline?",
      comment:
        "R-RECON-5: the reminder goes out on the last working day before the deadline; a bill sent too late for that (reminderAt null) waits straight for the deadline.",
    },
  );

  // --- Branch 1: re-reconciliation (R-RECON-3, R-RECON-4) ------------------------------------------
  const openReReconciliation = invokeStep(scope, {
    fn: fns["open-re-reconciliation"],
    stateName: "Open the re-reconciliation",
    comment:
      "R-RECON-3: Party A's figure differs by more than 5 %: both parties re-reconcile within 10 working days; payment is not held up (R-RECON-4).",
    payload: {
      contractId: CONTRACT,
      period: PERIOD,
      partyAAmount: "{% $reply.partyAAmount %}",
      receivedAt: "{% $reply.receivedAt %}",
    },
    assign: { reopened: "{% $states.result.Payload %}" },
  });

  const waitForAgreedAmount = awaitStep(scope, {
    fn: fns["await-callback"],
    stateName: "Wait for the agreed amount",
    comment:
      "R-RECON-3, R-RECON-4: waits for the amount both parties fixed; its difference becomes next period's adjustment (or the final true-up).",
    awaiting: "agreed-amount",
    contractId: CONTRACT,
    period: PERIOD,
    term: null,
    timeoutSeconds: secondsUntil("$reopened.reReconciliationDeadline"),
    assign: { agreedAnswer: "{% $states.result %}" },
  });

  const recordUnresolved = invokeStep(scope, {
    fn: fns["record-missed-deadline"],
    stateName: "Record the re-reconciliation as unresolved",
    comment:
      "R-RECON-3, R-BREACH-1: no agreed amount within 10 working days: recorded for the parties to settle; the bill amount stands for payment (R-RECON-4).",
    payload: { contractId: CONTRACT, period: PERIOD, missed: "agreed-amount" },
    outputs: { agreed: null },
  });

  const noReReconciliation = sfn.Succeed.jsonata(scope, "No re-reconciliation needed", {
    stateName: "No re-reconciliation needed",
    comment:
      "R-RECON-2, R-RECON-5: confirmed, within the 5 % tolerance (inclusive) or deemed accepted: the bill total is the settlement basis.",
    outputs: { agreed: null },
  });

  // R-WD-3 (ADR 0042): `ops calendar apply` ends this wait with `{deadlinesMoved, reReconciliationDeadline}` when an
  // official calendar moved the deadline; the branch waits again until the new one.
  const waitForAgreedAmountUntilMovedDeadline = awaitStep(scope, {
    fn: fns["await-callback"],
    stateName: "Keep waiting for the agreed amount until the moved deadline",
    comment:
      "R-RECON-3, R-WD-3: the re-reconciliation deadline had been counted on a provisional calendar; the official one moved it, so the wait runs until the new deadline.",
    awaiting: "agreed-amount",
    contractId: CONTRACT,
    period: PERIOD,
    term: null,
    timeoutSeconds: secondsUntil("$agreedAnswer.reReconciliationDeadline"),
    assign: { agreedAnswer: "{% $states.result %}" },
  });
  const amountAgreed = sfn.Succeed.jsonata(scope, "The amount is agreed", {
    stateName: "The amount is agreed",
    comment:
      "R-RECON-3, R-RECON-4: both parties fixed the amount; its difference is carried by 'Close the cycle'.",
    outputs: { agreed: "{% $agreedAnswer %}" },
  });
  const agreedOrMovedDeadline = sfn.Choice.jsonata(
    scope,
    "Was the amount agreed, or did its deadline move?",
    {
      stateName: "Was the amount agreed, or did its deadline move?",
      comment:
        "R-WD-3, R-RECON-3: a wait ended by a moved deadline waits again; an agreed amount ends the branch.",
    },
  )
    .when(
      sfn.Condition.jsonata("{% $agreedAnswer.deadlinesMoved = true %}"),
      waitForAgreedAmountUntilMovedDeadline,
    )
    .otherwise(amountAgreed);
  waitForAgreedAmount.addCatch(recordUnresolved, ON_TIMEOUT);
  waitForAgreedAmount.next(agreedOrMovedDeadline);
  waitForAgreedAmountUntilMovedDeadline.addCatch(recordUnresolved, ON_TIMEOUT);
  waitForAgreedAmountUntilMovedDeadline.next(agreedOrMovedDeadline);
  const reReconciliationBranch = sfn.Choice.jsonata(scope, "Is a re-reconciliation needed?", {
    stateName: "Is a re-reconciliation needed?",
    comment: "R-RECON-2, R-RECON-3: only a difference beyond 5 % of the bill total is re-reconciled.",
  })
    .when(
      sfn.Condition.jsonata('{% $reply.outcome = "re-reconcile" %}'),
      openReReconciliation.next(waitForAgreedAmount),
    )
    .otherwise(noReReconciliation);

  // --- Branch 2: payment, then the VAT invoice (R-PAY-1, R-PAY-2, R-INV-1) --------------------------
  const paymentReceived = { paid: "{% $states.result %}" };

  const waitForPayment = awaitStep(scope, {
    fn: fns["await-callback"],
    stateName: "Wait for Party A's payment",
    comment:
      "R-PAY-1, R-RECON-4: waits for the payment to be recorded, due within 10 working days of receipt of the bill, whatever the reconciliation.",
    awaiting: "payment",
    contractId: CONTRACT,
    period: PERIOD,
    term: null,
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

  const keepWaitingForPayment = awaitStep(scope, {
    fn: fns["await-callback"],
    stateName: "Keep waiting for the payment",
    comment:
      "R-PAY-2: the cycle keeps waiting for the overdue payment, for what is left of the execution's one-year budget.",
    awaiting: "payment",
    contractId: CONTRACT,
    period: PERIOD,
    term: null,
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

  const waitForInvoice = awaitStep(scope, {
    fn: fns["await-callback"],
    stateName: "Wait for the VAT invoice to be recorded",
    comment:
      "R-INV-1: Party B issues the VAT ordinary invoice (增值税普通发票) within 10 working days of receiving the payment.",
    awaiting: "invoice",
    contractId: CONTRACT,
    period: PERIOD,
    term: null,
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

  const keepWaitingForInvoice = awaitStep(scope, {
    fn: fns["await-callback"],
    stateName: "Keep waiting for the VAT invoice",
    comment:
      "R-INV-1: the cycle cannot close without the invoice; waits for what is left of the execution's budget.",
    awaiting: "invoice",
    contractId: CONTRACT,
    period: PERIOD,
    term: null,
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
  const waitForPaymentUntilMovedDue = awaitStep(scope, {
    fn: fns["await-callback"],
    stateName: "Keep waiting for the payment until the moved due date",
    comment:
      "R-PAY-1, R-WD-3: the payment due date had been counted on a provisional calendar; the official one moved it, so the wait runs until the new date.",
    awaiting: "payment",
    contractId: CONTRACT,
    period: PERIOD,
    term: null,
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
  const waitForInvoiceUntilMovedDue = awaitStep(scope, {
    fn: fns["await-callback"],
    stateName: "Keep waiting for the VAT invoice until the moved due date",
    comment:
      "R-INV-1, R-WD-3: the invoice due date had been counted on a provisional calendar; the official one moved it, so the wait runs until the new date.",
    awaiting: "invoice",
    contractId: CONTRACT,
    period: PERIOD,
    term: null,
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

  const settle = sfn.Parallel.jsonata(scope, "Re-reconcile while payment proceeds", {
    stateName: "Re-reconcile while payment proceeds",
    comment:
      "R-RECON-3, R-RECON-4, R-PAY-1, R-INV-1: re-reconciliation never holds up payment; branch outputs carry the agreed amount, the payment and the invoice out of the branches.",
    assign: {
      agreed: "{% $states.result[0].agreed %}",
      payment: "{% $states.result[1].payment %}",
      invoice: "{% $states.result[1].invoice %}",
    },
  })
    .branch(reReconciliationBranch)
    .branch(paymentBranch);

  const close = invokeStep(scope, {
    fn: fns["close-cycle"],
    stateName: "Close the cycle",
    comment:
      "R-RECON-4, R-BUDGET-1, R-END-1: writes the cycle summary, carries the agreed difference to the next period (or settles it both ways after the last period) and checks the running total against the contract budget.",
    payload: {
      contractId: CONTRACT,
      period: PERIOD,
      reconciliation: "{% $reply %}",
      agreed: "{% $agreed %}",
      payment: "{% $payment %}",
      invoice: "{% $invoice %}",
    },
  });

  const closed = sfn.Succeed.jsonata(scope, "Cycle closed", {
    stateName: "Cycle closed",
    comment: "R-PERIOD-1: the period is billed, reconciled, paid and invoiced.",
  });

  // R-WD-3 (ADR 0042): `ops calendar apply` ends a reconciliation wait with `{deadlinesMoved, sent}` when an
  // official calendar moved its reminder or deadline; the cycle then waits again from the new instants.
  const takeMovedDeadlines = sfn.Pass.jsonata(scope, "Take the deadlines the official calendar moved", {
    stateName: "Take the deadlines the official calendar moved",
    comment:
      "R-WD-3: the reminder and the reconciliation deadline had been counted on a provisional calendar; the official one moved them, so the wait starts again from the new instants.",
    assign: { sent: "{% $reply.sent %}" },
  });
  const replyOrMovedDeadlines = sfn.Choice.jsonata(scope, "Did a reply arrive, or did the deadlines move?", {
    stateName: "Did a reply arrive, or did the deadlines move?",
    comment: "R-WD-3, R-RECON-1: a wait ended by moved deadlines waits again; a reply goes on to settlement.",
  })
    .when(sfn.Condition.jsonata("{% $reply.deadlinesMoved = true %}"), takeMovedDeadlines)
    .otherwise(settle);

  waitForReply.addCatch(remind.next(keepWaitingForReply), ON_TIMEOUT);
  keepWaitingForReply.addCatch(deemAccepted, ON_TIMEOUT);
  settle.next(close).next(closed);
  waitForReply.next(replyOrMovedDeadlines);
  keepWaitingForReply.next(replyOrMovedDeadlines);
  deemAccepted.next(settle);
  reminderDue
    .when(sfn.Condition.jsonata("{% $sent.reminderAt != null %}"), waitForReply)
    .otherwise(keepWaitingForReply);

  takeMovedDeadlines.next(reminderDue);
  // R-BILL-1 (ADR 0044): an expected usage file still missing holds the bill; prepare-bill says until when
  // to look again (the next working day's check) and stops holding on the last day the bill may wait.
  const waitForUsage = sfn.Wait.jsonata(scope, "Wait a working day for the missing usage file", {
    stateName: "Wait a working day for the missing usage file",
    comment:
      "R-BILL-1: clause 4.5 wants each service's actual usage on the bill, clause 4.6 allows 10 working days; the bill is prepared again at the next working day's check.",
    time: waitUntil("$states.input.recheckAt"),
  });
  const usageMissing = sfn.Choice.jsonata(scope, "Is a usage file still missing?", {
    stateName: "Is a usage file still missing?",
    comment: "R-BILL-1: a held bill waits for its usage file; a prepared bill is sent.",
  })
    .when(sfn.Condition.jsonata("{% $states.input.held = true %}"), waitForUsage.next(prepare))
    .otherwise(send);
  // Any failure may be transient (a crash, a timeout, throttling past the SDK's attempts): the idempotent
  // step is tried again twice before Party B is bothered.
  prepare.addRetry({
    errors: ["States.ALL"],
    interval: Duration.seconds(60),
    backoffRate: 2,
    maxAttempts: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
  prepare.addCatch(reportBillFailure.next(prepareOnceFixed).next(usageMissing), {
    errors: ["States.ALL"],
    assign: {
      failure: "{% $states.errorOutput %}",
      contractId: "{% $states.input.contractId %}",
      period: "{% $states.input.period %}",
    },
  });
  prepare.next(usageMissing);
  send.next(reminderDue);
  return sfn.Chain.start(prepare);
}
