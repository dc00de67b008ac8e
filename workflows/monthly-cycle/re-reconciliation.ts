/**
 * MonthlyCycle, the re-reconciliation branch (重新对账): a difference beyond the tolerance is re-reconciled
 * within 10 working days, beside the payment and never holding it up (R-RECON-2, R-RECON-3, R-RECON-4).
 */
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import type { MonthlyCycleFunctions } from "../monthly-cycle";
import { invokeStep, ON_TIMEOUT, secondsUntil } from "../states";
import { cycleWait } from "./cycle-wait";
import { CONTRACT, PERIOD } from "./variables";

/** The branch's states, from "Is a re-reconciliation needed?" (returned); it ends with `{agreed}`. */
export function reReconciliationBranch(scope: Construct, fns: MonthlyCycleFunctions): sfn.Choice {
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

  const waitForAgreedAmount = cycleWait(scope, fns, {
    stateName: "Wait for the agreed amount",
    comment:
      "R-RECON-3, R-RECON-4: waits for the amount both parties fixed; its difference becomes next period's adjustment (or the final true-up).",
    awaiting: "agreed-amount",
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
  const waitForAgreedAmountUntilMovedDeadline = cycleWait(scope, fns, {
    stateName: "Keep waiting for the agreed amount until the moved deadline",
    comment:
      "R-RECON-3, R-WD-3: the re-reconciliation deadline had been counted on a provisional calendar; the official one moved it, so the wait runs until the new deadline.",
    awaiting: "agreed-amount",
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

  return reReconciliationBranch;
}
