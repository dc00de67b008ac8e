/**
 * MonthlyCycle, the bill (账单): rate the period's usage and prepare the bill, hold it while a usage file is
 * missing (ADR 0044), tell Party B when it cannot be prepared (ADR 0026), and send it to Party A (R-BILL-1).
 */
import { Duration } from "aws-cdk-lib";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import type { MonthlyCycleFunctions } from "../monthly-cycle";
import { invokeStep, waitUntil } from "../states";
import { CONTRACT, PERIOD } from "./variables";

/**
 * The bill's states, from "Rate usage and prepare the bill" (returned) to "Send the bill to Party A", which
 * goes on to `afterSent`.
 */
export function billStates(
  scope: Construct,
  fns: MonthlyCycleFunctions,
  afterSent: sfn.IChainable,
): sfn.IChainable {
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
  send.next(afterSent);
  return prepare;
}
