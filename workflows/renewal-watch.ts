/**
 * RenewalWatch (架构 §4): one per contract term. Reminds both contacts ahead of the non-renewal deadline
 * with the latest dispatch date per delivery method (R-NOTICE-3), waits for a recorded written notice
 * until the deadline (R-TERM-3), then ends the contract at term end (R-END-1) or renews it (R-TERM-2),
 * which starts the next term's watch.
 *
 * A Standard execution lives at most one year, and a term lasts 365 days or more (termYears, or a contract
 * loaded months before its term); a chain of one execution per term would therefore overrun. So an
 * execution whose reminder is more than HANDOVER_AFTER_DAYS away waits until HANDOVER_LEAD_DAYS before the
 * reminder, but never more than HANDOVER_AFTER_DAYS after its own start, and hands over to a fresh
 * execution of the same term (`<contractId>-term-<n>-c<k>`), which decides again. Every execution stays
 * well under the limit, however long the term (ADR 0004, ADR 0021).
 */
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import {
  awaitStep,
  invokeStep,
  ON_TIMEOUT,
  secondsUntil,
  type WorkflowFunctions,
  waitUntil,
  waitUntilMillis,
} from "./states";

export type RenewalWatchFunctions = WorkflowFunctions<
  | "plan-renewal-watch"
  | "send-renewal-reminder"
  | "await-callback"
  | "renew-term"
  | "continue-renewal-watch"
  | "end-contract"
>;

export const HANDOVER_AFTER_DAYS = 180;
export const HANDOVER_LEAD_DAYS = 120;
const DAY_MS = 86_400_000;

const CONTRACT = "{% $contractId %}";
const TERM = "{% $term %}";

export function renewalWatchDefinition(scope: Construct, fns: RenewalWatchFunctions): sfn.IChainable {
  const plan = invokeStep(scope, {
    fn: fns["plan-renewal-watch"],
    stateName: "Work out the term's dates and deadlines",
    comment:
      "R-TERM-1, R-TERM-4, R-NOTICE-2, R-NOTICE-3, R-WD-4: the term's first and last day, the non-renewal deadline (last day minus 30 calendar days) and the reminder date.",
    payload: { contractId: "{% $states.input.contractId %}", term: "{% $states.input.term %}" },
    assign: {
      contractId: "{% $states.input.contractId %}",
      term: "{% $states.input.term %}",
      handover: "{% $exists($states.input.handover) ? $states.input.handover : 0 %}",
      plan: "{% $states.result.Payload %}",
    },
  });

  // --- Handover to a fresh execution (one-year execution limit) --------------------------------------
  const waitBeforeHandover = sfn.Wait.jsonata(
    scope,
    "Wait until it is time to hand over to a fresh execution",
    {
      stateName: "Wait until it is time to hand over to a fresh execution",
      comment: `R-TERM-2, R-TERM-4: a term outlasts one execution; this one sleeps until ${HANDOVER_LEAD_DAYS} days before the reminder date, or ${HANDOVER_AFTER_DAYS} days after its start if that comes first.`,
      time: waitUntilMillis(
        `$min([$toMillis($plan.reminderAt) - ${HANDOVER_LEAD_DAYS * DAY_MS}, $toMillis($states.context.Execution.StartTime) + ${HANDOVER_AFTER_DAYS * DAY_MS}])`,
      ),
    },
  );

  const handOver = invokeStep(scope, {
    fn: fns["continue-renewal-watch"],
    stateName: "Hand the watch over to a fresh execution",
    comment:
      "R-TERM-2, R-TERM-3: starts RenewalWatch `<contractId>-term-<n>-c<k>` for the same term, which hands over again or does the reminder and the deadline (idempotent start).",
    payload: { contractId: CONTRACT, term: TERM, handover: "{% $handover + 1 %}" },
  });

  const handedOver = sfn.Succeed.jsonata(scope, "Handed over to a fresh execution", {
    stateName: "Handed over to a fresh execution",
    comment: "R-TERM-2: the continued execution of this term watches the deadline from here.",
  });

  // --- Reminder, written notice, then renew or end -----------------------------------------------------
  const waitForReminderDate = sfn.Wait.jsonata(scope, "Wait until the renewal reminder date", {
    stateName: "Wait until the renewal reminder date",
    comment:
      "R-NOTICE-3, R-TERM-3: the reminder goes out early enough that every delivery method can still meet the deadline.",
    time: waitUntil("$plan.reminderAt"),
  });

  const remind = invokeStep(scope, {
    fn: fns["send-renewal-reminder"],
    stateName: "Remind both parties of the non-renewal deadline",
    comment:
      "R-NOTICE-3, R-NOTICE-1, R-TERM-3: emails both contacts the latest dispatch date per delivery method; the email is a reminder, not a written notice.",
    payload: { contractId: CONTRACT, term: TERM },
  });

  const waitForNotice = awaitStep(scope, {
    fn: fns["await-callback"],
    stateName: "Wait for a written non-renewal notice until the deadline",
    comment:
      "R-TERM-3, R-NOTICE-1, R-NOTICE-2, R-TERM-4: a written notice deemed delivered on or before the deadline, recorded by staff, ends the contract at term end.",
    awaiting: "written-notice",
    contractId: CONTRACT,
    period: null,
    term: TERM,
    timeoutSeconds: secondsUntil("$plan.noticeDeadline"),
    assign: { notice: "{% $states.result %}" },
  });

  const renew = invokeStep(scope, {
    fn: fns["renew-term"],
    stateName: "Renew the contract for another term",
    comment:
      "R-TERM-2: nobody objected in writing by the deadline: the contract renews for one year and the next term's RenewalWatch starts.",
    payload: { contractId: CONTRACT, term: TERM },
  });

  const renewed = sfn.Succeed.jsonata(scope, "Renewed", {
    stateName: "Renewed",
    comment: "R-TERM-2: renewed; the next term has its own watch.",
  });

  const waitForTermEnd = sfn.Wait.jsonata(scope, "Wait until the term ends", {
    stateName: "Wait until the term ends",
    comment: "R-TERM-3, R-TERM-4: the notice takes effect at the end of the term's last day.",
    time: waitUntil("$plan.termEndsAt"),
  });

  const end = invokeStep(scope, {
    fn: fns["end-contract"],
    stateName: "End the contract",
    comment:
      "R-END-1, R-RECON-4: the contract ends; the last period is settled both ways and Party B takes back the SMS access code.",
    payload: { contractId: CONTRACT, term: TERM },
  });

  const ended = sfn.Succeed.jsonata(scope, "Contract ended", {
    stateName: "Contract ended",
    comment: "R-END-1: the contract has ended at the end of the term.",
  });

  waitForNotice.addCatch(renew.next(renewed), ON_TIMEOUT);
  const watch = waitForReminderDate
    .next(remind)
    .next(waitForNotice)
    .next(waitForTermEnd)
    .next(end)
    .next(ended);

  const handoverDue = sfn.Choice.jsonata(scope, "Is the renewal reminder too far away for this execution?", {
    stateName: "Is the renewal reminder too far away for this execution?",
    comment: `R-TERM-2, R-TERM-4: a reminder more than ${HANDOVER_AFTER_DAYS} days away is left to a fresh execution, so no execution outlives the one-year limit.`,
  })
    .when(
      sfn.Condition.jsonata(
        `{% $toMillis($plan.reminderAt) - $toMillis($states.context.State.EnteredTime) > ${HANDOVER_AFTER_DAYS * DAY_MS} %}`,
      ),
      waitBeforeHandover.next(handOver).next(handedOver),
    )
    .otherwise(watch);

  // R-NOTICE-2, R-TERM-3: a watch restarted after an in-time notice undid the term's renewal finds the
  // term already ended, and only waits for its last day to end the contract.
  const decided = sfn.Choice.jsonata(scope, "Has a written notice already ended this term?", {
    stateName: "Has a written notice already ended this term?",
    comment:
      "R-NOTICE-2, R-TERM-3, R-TERM-4: a notice deemed delivered in time but recorded after the renewal ends the contract at this term's last day after all.",
  })
    .when(sfn.Condition.jsonata(`{% $plan.outcome = "ended" %}`), waitForTermEnd)
    .otherwise(handoverDue);

  plan.next(decided);
  return sfn.Chain.start(plan);
}
