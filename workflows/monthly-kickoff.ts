/**
 * MonthlyKickoff (架构 §4): started by EventBridge Scheduler at 01:00 Asia/Shanghai on the 1st; lists
 * the active contracts and starts one MonthlyCycle per contract for the month that just ended. The cycle
 * is named `<contractId>-<YYYY-MM>`, so a duplicate schedule delivery starts nothing new.
 *
 * The fan-out is a Distributed Map (ADR 0051): the list step writes the contracts as a JSON Lines
 * manifest to S3 and returns only its location, so neither the 256 KiB payload limit nor the parent's
 * 25,000-event history bounds the number of contracts; each child execution starts the cycles of a
 * batch of contracts and keeps its own history.
 */
import { Duration } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { invokeStep, type WorkflowFunctions } from "./states";

export type MonthlyKickoffFunctions = WorkflowFunctions<"list-active-contracts" | "start-monthly-cycle">;

/**
 * Contracts per child execution. A child costs a few state transitions and one Lambda invocation; ten
 * StartExecution calls fit well inside one invocation, so batching divides both by ten, and a failing
 * batch still leaves the other batches' contracts started.
 */
export const CONTRACTS_PER_BATCH = 10;

/**
 * Failed children (counted in contracts) the Map Run tolerates before it stops starting the rest: a
 * few failed batches must not keep every other contract from being billed (they are reported and
 * alarmed at the end), but when most batches fail something systemic is wrong and going on is waste.
 */
export const TOLERATED_FAILURE_PERCENTAGE = 50;

/** Where the list step writes each kickoff's manifest: `kickoff/<kickoff execution name>.jsonl`. */
export const KICKOFF_MANIFEST_PREFIX = "kickoff/";

/** The Map Run's label: child executions belong to `ContractOps-MonthlyKickoff/StartCycles`. */
export const START_CYCLES_LABEL = "StartCycles";

/**
 * The manifest's ItemReader, granted s3:GetObject on the manifests only: CDK's reader would grant the
 * whole bucket, usage CSVs included, to the kickoff's role.
 */
class ManifestReader extends sfn.S3JsonLItemReader {
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: ["s3:GetObject"],
        resources: [this.bucket.arnForObjects(`${KICKOFF_MANIFEST_PREFIX}*`)],
      }),
    ];
  }
}

export function monthlyKickoffDefinition(
  scope: Construct,
  fns: MonthlyKickoffFunctions,
  manifestBucket: s3.IBucket,
): sfn.IChainable {
  const list = invokeStep(scope, {
    fn: fns["list-active-contracts"],
    stateName: "List the active contracts",
    comment:
      "R-PERIOD-1, R-BILL-1: the contracts to bill for the calendar month (Asia/Shanghai) that ended before the scheduled time, written to S3 as a manifest (one JSON line per contract). The schedule passes its scheduled time, so a delayed delivery still bills the right month; an operator may pass `period` to re-run a month.",
    payload: {
      firesAt:
        "{% $exists($states.input.scheduledTime) ? $states.input.scheduledTime : $states.context.Execution.StartTime %}",
      period: "{% $exists($states.input.period) ? $states.input.period : null %}",
      manifestKey: `{% '${KICKOFF_MANIFEST_PREFIX}' & $states.context.Execution.Name & '.jsonl' %}`,
    },
    assign: { listing: "{% $states.result.Payload %}" },
  });

  const startBatch = invokeStep(scope, {
    fn: fns["start-monthly-cycle"],
    stateName: "Start the monthly cycles of a batch of contracts",
    comment:
      "R-BILL-1: starts MonthlyCycle `<contractId>-<period>` for each contract of the batch; an execution of that name that already exists counts as started (idempotent), so a retried batch starts nothing twice.",
    payload: { period: "{% $states.input.BatchInput.period %}", contracts: "{% $states.input.Items %}" },
  });

  // A contract whose start failed (StartExecution throttled, say) is tried again with the batch; the
  // contracts already started count as started on the retry.
  startBatch.addRetry({
    errors: ["CyclesNotStartedError"],
    interval: Duration.seconds(5),
    backoffRate: 2,
    maxAttempts: 3,
    jitterStrategy: sfn.JitterType.FULL,
  });

  const startAll = sfn.DistributedMap.jsonata(scope, "Start each contract's monthly cycle", {
    stateName: "Start each contract's monthly cycle",
    comment:
      "R-BILL-1, R-PERIOD-1: one MonthlyCycle per active contract, read from the list step's manifest in batches; failed batches are tolerated up to a share so the rest still start, then reported below.",
    itemReader: new ManifestReader({ bucket: manifestBucket, key: "{% $listing.manifestKey %}" }),
    itemBatcher: new sfn.ItemBatcher({
      maxItemsPerBatch: CONTRACTS_PER_BATCH,
      batchInput: { period: "{% $listing.period %}" },
    }),
    label: START_CYCLES_LABEL,
    mapExecutionType: sfn.StateMachineType.STANDARD,
    // StartExecution's token bucket (us-east-1: 1,300 burst, 300/s refill) stays far from empty.
    maxConcurrency: 20,
    toleratedFailurePercentage: TOLERATED_FAILURE_PERCENTAGE,
    outputs: {
      period: "{% $listing.period %}",
      contracts: "{% $listing.contractCount %}",
      // `[…]` keeps an empty run (no contracts, no results) a sum of 0 rather than no value.
      started: "{% $sum([$states.result.contracts]) %}",
      newlyStarted: "{% $sum([$states.result.newlyStarted]) %}",
    },
  });
  startAll.itemProcessor(startBatch);

  const allStarted = sfn.Succeed.jsonata(scope, "All monthly cycles started", {
    stateName: "All monthly cycles started",
    comment: "R-BILL-1: every active contract has its MonthlyCycle for the period.",
  });

  const someNotStarted = sfn.Fail.jsonata(scope, "Some contracts' monthly cycles did not start", {
    stateName: "Some contracts' monthly cycles did not start",
    comment:
      "R-BILL-1: a failed execution raises the MonthlyKickoff alarm; the failed child executions of the Map Run name the contracts, and re-running the kickoff for the period starts only the missing cycles.",
    error: "ContractOps.CyclesNotStarted",
    cause:
      "{% $string($states.input.contracts - $states.input.started) & ' of ' & $string($states.input.contracts) & ' contracts have no MonthlyCycle for ' & $states.input.period & ': see the failed child executions of the Map Run (ListMapRuns, then ListExecutions with its mapRunArn); starting MonthlyKickoff again with {\"period\": \"' & $states.input.period & '\"} starts only the missing ones.' %}",
  });

  const check = sfn.Choice.jsonata(scope, "Did every contract's cycle start?", {
    stateName: "Did every contract's cycle start?",
    comment: "R-BILL-1: compares the cycles started with the contracts listed.",
  })
    .when(sfn.Condition.jsonata("{% $states.input.started = $states.input.contracts %}"), allStarted)
    .otherwise(someNotStarted);

  return list.next(startAll).next(check);
}
