/**
 * A callback wait of the MonthlyCycle: the await-callback step keyed by the execution's contract and period
 * (a cycle's answers never name a term), so each wait states only what it waits for and until when.
 */
import type * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import type { Construct } from "constructs";
import type { MonthlyCycleFunctions } from "../monthly-cycle";
import { type AwaitStepProps, awaitStep } from "../states";
import { CONTRACT, PERIOD } from "./variables";

export function cycleWait(
  scope: Construct,
  fns: MonthlyCycleFunctions,
  props: Omit<AwaitStepProps, "fn" | "contractId" | "period" | "term">,
): tasks.LambdaInvoke {
  return awaitStep(scope, {
    ...props,
    fn: fns["await-callback"],
    contractId: CONTRACT,
    period: PERIOD,
    term: null,
  });
}
