/**
 * MonthlyCycle, the reconciliation reply (对账): wait for Party A's confirmation or figure, remind on the last
 * working day before the deadline, deem the bill accepted without a reply (R-RECON-1, R-RECON-5), and wait
 * again when an official calendar moved the deadlines (R-WD-3, ADR 0042).
 */
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import type { MonthlyCycleFunctions } from "../monthly-cycle";
import { invokeStep, ON_TIMEOUT, secondsUntil } from "../states";
import { cycleWait } from "./cycle-wait";
import { CONTRACT, PERIOD } from "./variables";

/**
 * The reconciliation's states, from "Is there time for a reminder before the reconciliation deadline?"
 * (returned); a reply, or the bill deemed accepted, goes on to `settle`.
 */
export function reconciliationStates(
  scope: Construct,
  fns: MonthlyCycleFunctions,
  settle: sfn.IChainable,
): sfn.Choice {
  const replyReceived = { reply: "{% $states.result %}" };

  const waitForReply = cycleWait(scope, fns, {
    stateName: "Wait for Party A's reconciliation reply",
    comment:
      "R-RECON-1, R-RECON-5: waits for Party A's emailed confirmation or figure until the reminder time (the working day before the deadline).",
    awaiting: "reconciliation-reply",
    timeoutSeconds: secondsUntil("$sent.reminderAt"),
    assign: replyReceived,
  });

  const remind = invokeStep(scope, {
    fn: fns["send-reminder"],
    stateName: "Remind Party A that the reconciliation is due",
    comment: "R-RECON-5: no reply yet on the last working day before the deadline: remind Party A's contact.",
    payload: { contractId: CONTRACT, period: PERIOD, kind: "reconciliation" },
  });

  const keepWaitingForReply = cycleWait(scope, fns, {
    stateName: "Keep waiting for the reconciliation reply until the deadline",
    comment:
      "R-RECON-1, R-RECON-5: waits for the reply until the end of the 5th working day after receipt of the bill.",
    awaiting: "reconciliation-reply",
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
  waitForReply.next(replyOrMovedDeadlines);
  keepWaitingForReply.next(replyOrMovedDeadlines);
  deemAccepted.next(settle);
  reminderDue
    .when(sfn.Condition.jsonata("{% $sent.reminderAt != null %}"), waitForReply)
    .otherwise(keepWaitingForReply);

  takeMovedDeadlines.next(reminderDue);
  return reminderDue;
}
