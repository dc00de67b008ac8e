/**
 * MonthlyKickoff (architecture §4): on the 1st at 01:00 Asia/Shanghai the schedule asks for the
 * contracts to bill for the month just ended; each gets one MonthlyCycle named `<contractId>-<YYYY-MM>`,
 * so a duplicate schedule delivery starts nothing new.
 */

import { listContracts } from "../adapters/repository";
import { requiredEnv, startNamedExecution } from "../adapters/workflow";
import { termStartDate } from "../core/contract";
import { firstDayOfPeriod, lastDayOfPeriod, periodOf, previousPeriod, shanghaiDateOf } from "../core/time";

export async function listContractsToBill(input: { firesAt: string; period?: string | null }) {
  const period = input.period ?? previousPeriod(periodOf(shanghaiDateOf(new Date(input.firesAt))));
  const contracts = await listContracts();
  const billable = contracts.filter(
    (record) =>
      termStartDate(record.contract) <= lastDayOfPeriod(period) &&
      // An ended contract is still billed for the period in which it ended (R-END-1), never after.
      (record.status === "active" ||
        (record.endedOn !== undefined && record.endedOn >= firstDayOfPeriod(period))),
  );
  return { period, contracts: billable.map((record) => ({ contractId: record.contractId })) };
}

export async function startMonthlyCycle(input: { contractId: string; period: string }) {
  const executionName = `${input.contractId}-${input.period}`;
  const { started } = await startNamedExecution(requiredEnv("MONTHLY_CYCLE_ARN"), executionName, input);
  return { executionName, started };
}
