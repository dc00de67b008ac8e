/**
 * MonthlyKickoff (architecture §4): on the 1st at 01:00 Asia/Shanghai the schedule asks for the
 * contracts to bill for the month just ended; each gets one MonthlyCycle named `<contractId>-<YYYY-MM>`,
 * so a duplicate schedule delivery starts nothing new. The list goes to S3 as a manifest and the
 * Distributed Map hands it out in batches (ADR 0051).
 */

import { writeKickoffManifest } from "../adapters/kickoff-manifest";
import { listContracts } from "../adapters/repository/contracts";
import { requiredEnv, startNamedExecution } from "../adapters/workflow";
import { termStartDate } from "../core/contract";
import { firstDayOfPeriod, lastDayOfPeriod, periodOf, previousPeriod, shanghaiDateOf } from "../core/time";

/**
 * The period a kickoff bills (R-PERIOD-1): the one an operator named, else the calendar month (Asia/Shanghai)
 * that ended before the scheduled time — so a delayed delivery still bills the right month.
 */
export function periodToBill(firesAt: string, period?: string | null): string {
  return period ?? previousPeriod(periodOf(shanghaiDateOf(new Date(firesAt))));
}

export async function listContractsToBill(input: {
  firesAt: string;
  period?: string | null;
  manifestKey: string;
}) {
  const period = periodToBill(input.firesAt, input.period);
  const contracts = await listContracts();
  const billable = contracts.filter(
    (record) =>
      termStartDate(record.contract) <= lastDayOfPeriod(period) &&
      // An ended contract is still billed for the period in which it ended (R-END-1), never after.
      (record.status === "active" ||
        (record.endedOn !== undefined && record.endedOn >= firstDayOfPeriod(period))),
  );
  await writeKickoffManifest(
    input.manifestKey,
    billable.map((record) => ({ contractId: record.contractId })),
  );
  return { period, contractCount: billable.length, manifestKey: input.manifestKey };
}

export class CyclesNotStartedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CyclesNotStartedError";
  }
}

/**
 * Starts the MonthlyCycle of every contract of a batch. Every contract is tried even when one fails, so
 * a retry of the batch only has the failed ones left to start (the others already exist); the failure
 * names the contracts (ids only, no personal data) for the child execution's history.
 */
export async function startMonthlyCycles(input: { period: string; contracts: { contractId: string }[] }) {
  const stateMachineArn = requiredEnv("MONTHLY_CYCLE_ARN");
  const executionNames = input.contracts.map(({ contractId }) => `${contractId}-${input.period}`);
  const outcomes = await Promise.allSettled(
    input.contracts.map(({ contractId }, index) =>
      startNamedExecution(stateMachineArn, executionNames[index] as string, {
        contractId,
        period: input.period,
      }),
    ),
  );
  const failed = input.contracts.filter((_, index) => outcomes[index]?.status === "rejected");
  if (failed.length > 0) {
    const reasons = outcomes.flatMap((outcome) =>
      outcome.status === "rejected" ? [(outcome.reason as Error).name] : [],
    );
    throw new CyclesNotStartedError(
      `MonthlyCycle not started for ${failed.map((c) => c.contractId).join(", ")} (${input.period}): ${[...new Set(reasons)].join(", ")}`,
    );
  }
  const newlyStarted = outcomes.filter(
    (outcome) => outcome.status === "fulfilled" && outcome.value.started,
  ).length;
  // The names let a reader follow the kickoff to its cycles (the console's child executions).
  return { period: input.period, contracts: input.contracts.length, newlyStarted, executionNames };
}
