/**
 * MonthlyKickoff (架构 §4): started by EventBridge Scheduler at 01:00 Asia/Shanghai on the 1st; lists
 * the active contracts and starts one MonthlyCycle per contract for the month that just ended. The cycle
 * is named `<contractId>-<YYYY-MM>`, so a duplicate schedule delivery starts nothing new.
 */
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { invokeStep, type WorkflowFunctions } from "./states";

export type MonthlyKickoffFunctions = WorkflowFunctions<"list-active-contracts" | "start-monthly-cycle">;

export function monthlyKickoffDefinition(scope: Construct, fns: MonthlyKickoffFunctions): sfn.IChainable {
  const list = invokeStep(scope, {
    fn: fns["list-active-contracts"],
    stateName: "List the active contracts",
    comment:
      "R-PERIOD-1, R-BILL-1: the contracts to bill for the calendar month (Asia/Shanghai) that ended before the scheduled time. The schedule passes its scheduled time, so a delayed delivery still bills the right month; an operator may pass `period` to re-run a month.",
    payload: {
      firesAt:
        "{% $exists($states.input.scheduledTime) ? $states.input.scheduledTime : $states.context.Execution.StartTime %}",
      period: "{% $exists($states.input.period) ? $states.input.period : null %}",
    },
    assign: { listing: "{% $states.result.Payload %}" },
  });

  const startOne = invokeStep(scope, {
    fn: fns["start-monthly-cycle"],
    stateName: "Start the contract's monthly cycle",
    comment:
      "R-BILL-1: starts MonthlyCycle `<contractId>-<period>`; an execution of that name that already exists counts as started (idempotent).",
    payload: { contractId: "{% $states.input.contractId %}", period: "{% $states.input.period %}" },
  });

  const startAll = sfn.Map.jsonata(scope, "Start each contract's monthly cycle", {
    stateName: "Start each contract's monthly cycle",
    comment:
      "R-BILL-1, R-PERIOD-1: one MonthlyCycle per active contract; at most 10 starts at a time keeps StartExecution under its API rate.",
    items: sfn.ProvideItems.jsonata("{% $listing.contracts %}"),
    itemSelector: {
      contractId: "{% $states.context.Map.Item.Value.contractId %}",
      period: "{% $listing.period %}",
    },
    maxConcurrency: 10,
    outputs: {
      period: "{% $listing.period %}",
      contracts: "{% $count($states.result) %}",
      newlyStarted: "{% $count($states.result[started = true]) %}",
    },
  });
  startAll.itemProcessor(startOne);

  const done = sfn.Succeed.jsonata(scope, "All monthly cycles started", {
    stateName: "All monthly cycles started",
    comment: "R-BILL-1: every active contract has its MonthlyCycle for the period.",
  });

  return list.next(startAll).next(done);
}
