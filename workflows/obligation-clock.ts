/**
 * ObligationClock: one execution per dated obligation a recorded event starts — the cure period of a
 * written breach notice (R-BREACH-1, 5.1) or a service-level ticket's deadline (R-SLA-1, R-SLA-2). It waits
 * until the reminder day (if any) and reminds, then waits for the answer until the deadline; the answer
 * (a written cure or objection, the ticket's close) completes the wait, the deadline records what passing it
 * means. Every deadline here is less than a year away, inside one execution's limit.
 */
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import type { Construct } from "constructs";
import {
  invokeStep,
  ON_TIMEOUT,
  secondsUntil,
  type WorkflowFunctions,
  waitUntil,
  withTransientRetry,
} from "./states";

export type ObligationClockFunctions = WorkflowFunctions<"obligation-clock">;

const SUBJECT = { contractId: "{% $contractId %}", kind: "{% $kind %}", ref: "{% $ref %}" };

export function obligationClockDefinition(scope: Construct, fns: ObligationClockFunctions): sfn.IChainable {
  const fn = fns["obligation-clock"];
  const read = sfn.Pass.jsonata(scope, "Read the obligation and its deadline", {
    stateName: "Read the obligation and its deadline",
    comment:
      "R-BREACH-1, R-SLA-1, R-SLA-2: the clock's subject, reminder day and deadline, as the event that started it recorded them.",
    assign: {
      contractId: "{% $states.input.contractId %}",
      kind: "{% $states.input.kind %}",
      ref: "{% $states.input.ref %}",
      remindAt: "{% $states.input.remindAt %}",
      dueAt: "{% $states.input.dueAt %}",
    },
  });

  const waitForReminder = sfn.Wait.jsonata(scope, "Wait until the reminder day", {
    stateName: "Wait until the reminder day",
    comment: "R-BREACH-1: the day before the cure period ends.",
    time: waitUntil("$remindAt"),
  });

  const remind = invokeStep(scope, {
    fn,
    stateName: "Remind both parties of the deadline",
    comment:
      "R-BREACH-1, R-NOTICE-1: an email to both contacts that the cure period ends tomorrow; it informs, it is no written notice.",
    payload: { action: "remind", ...SUBJECT },
  });

  const awaitAnswer = withTransientRetry(
    tasks.LambdaInvoke.jsonata(scope, "Wait for the answer until the deadline", {
      stateName: "Wait for the answer until the deadline",
      comment:
        "R-BREACH-1, R-SLA-1, R-SLA-2: a written cure or objection, or the ticket's close, recorded by staff, completes this wait; the deadline is the token timeout.",
      lambdaFunction: fn,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        action: "await",
        ...SUBJECT,
        taskToken: "{% $states.context.Task.Token %}",
      }),
      taskTimeout: sfn.Timeout.jsonata(secondsUntil("$dueAt")),
      retryOnServiceExceptions: false,
    }),
  );

  const answered = sfn.Succeed.jsonata(scope, "Answered before the deadline", {
    stateName: "Answered before the deadline",
    comment: "R-BREACH-1, R-SLA-2: the register shows the outcome from the recorded answer.",
  });

  const passed = invokeStep(scope, {
    fn,
    stateName: "Record that the deadline passed",
    comment:
      "R-BREACH-1: a cure period without answer has lapsed (negotiation, then the 长春仲裁委员会, 8.3), both contacts are told; R-SLA-1, R-SLA-2: an open ticket is a breach of the party its clause binds.",
    payload: { action: "due", ...SUBJECT },
  });

  const lapsed = sfn.Succeed.jsonata(scope, "Deadline passed", {
    stateName: "Deadline passed",
    comment: "R-BREACH-1: the breach register shows the entry as lapsed or the ticket as a breach.",
  });

  awaitAnswer.addCatch(passed.next(lapsed), ON_TIMEOUT);
  awaitAnswer.next(answered);
  const reminderDue = sfn.Choice.jsonata(scope, "Is there a reminder before the deadline?", {
    stateName: "Is there a reminder before the deadline?",
    comment: "R-BREACH-1: cure periods are reminded the day before; ticket deadlines are not.",
  })
    .when(sfn.Condition.jsonata("{% $remindAt != null %}"), waitForReminder.next(remind).next(awaitAnswer))
    .otherwise(awaitAnswer);
  return sfn.Chain.start(read).next(reminderDue);
}
