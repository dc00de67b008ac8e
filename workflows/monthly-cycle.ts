/**
 * MonthlyCycle (架构 §4): one execution per contract and billing period, named `<contractId>-<YYYY-MM>`.
 * Bill → reconciliation reply (or deemed acceptance) → re-reconciliation in parallel with payment →
 * VAT invoice → close. Every deadline is a task-token timeout; nothing here waits inside a Lambda.
 *
 * Each phase builds its states in ./monthly-cycle/ (bill, reconciliation, re-reconciliation, payment; the
 * execution's variables in ./monthly-cycle/variables); this file joins them and closes the cycle.
 */
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { billStates } from "./monthly-cycle/bill";
import { paymentBranch } from "./monthly-cycle/payment";
import { reReconciliationBranch } from "./monthly-cycle/re-reconciliation";
import { reconciliationStates } from "./monthly-cycle/reconciliation";
import { CONTRACT, PERIOD } from "./monthly-cycle/variables";
import { invokeStep, type WorkflowFunctions } from "./states";

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

export function monthlyCycleDefinition(scope: Construct, fns: MonthlyCycleFunctions): sfn.IChainable {
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
    .branch(reReconciliationBranch(scope, fns))
    .branch(paymentBranch(scope, fns));

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

  settle.next(close).next(closed);
  return sfn.Chain.start(billStates(scope, fns, reconciliationStates(scope, fns, settle)));
}
