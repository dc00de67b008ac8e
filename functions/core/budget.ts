/**
 * R-BUDGET-1: the contract total (合同总金额, fiscal funds) against the running billed total. Thresholds are
 * percentages as the contract file writes them ("80", "80.5"); the comparison is exact, never a float.
 */
import { comparePercentOf } from "./money";

/** The thresholds (in the contract's order) that `billedFen` has reached of `budgetFen`. */
export function budgetThresholdsReached(
  billedFen: bigint,
  budgetFen: bigint,
  thresholdPercents: readonly string[],
): string[] {
  return thresholdPercents.filter((percent) => comparePercentOf(billedFen, budgetFen, percent) >= 0);
}
