import { describe, expect, it } from "vitest";
import { budgetThresholdsReached } from "../../functions/core/budget";

describe("R-BUDGET-1: warning thresholds of the contract total", () => {
  // 98000.00 yuan × 80.5 % = 78890.00 yuan (hand computation: 98000 × 0.805).
  it("R-BUDGET-1: a threshold with decimals (80.5) is read exactly instead of crashing", () => {
    expect(budgetThresholdsReached(7888999n, 9800000n, ["80.5", "100"])).toEqual([]);
    expect(budgetThresholdsReached(7889000n, 9800000n, ["80.5", "100"])).toEqual(["80.5"]);
  });

  it("R-BUDGET-1: 80 % and 100 % of 98000.00 are 78400.00 and 98000.00", () => {
    expect(budgetThresholdsReached(7839999n, 9800000n, ["80", "100"])).toEqual([]);
    expect(budgetThresholdsReached(7840000n, 9800000n, ["80", "100"])).toEqual(["80"]);
    expect(budgetThresholdsReached(9800000n, 9800000n, ["80", "100"])).toEqual(["80", "100"]);
  });
});
