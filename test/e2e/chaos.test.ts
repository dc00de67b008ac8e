/**
 * `npm run chaos` (ADR 0023): the plan generator's promises, the comparison, and two short fixed-seed runs
 * of one month of the sample year (a dispute beyond 5 % re-reconciled) that must leave exactly what the
 * fault-free run leaves, every failed execution redriven.
 */
import { describe, expect, it } from "vitest";
import { differences, faultPlanFor, runChaos } from "../../infra/local/chaos";
import { faultKinds } from "../../infra/local/faults";
import { loadScenario } from "../../infra/local/scenario/load";

describe("chaos plans and comparison", () => {
  it("any 7 consecutive seeds inject every fault kind first; the same seed gives the same plan", () => {
    const firstKinds = new Set([3, 4, 5, 6, 7, 8, 9].map((seed) => faultPlanFor(seed).faults[0]?.kind));
    expect([...firstKinds].sort()).toEqual([...faultKinds].sort());
    expect(faultPlanFor(42)).toEqual(faultPlanFor(42));
    for (const seed of [1, 2, 3]) {
      const { faults, redriveAfterSeconds } = faultPlanFor(seed);
      expect(faults.length).toBeGreaterThanOrEqual(2);
      expect(faults.length).toBeLessThanOrEqual(4);
      expect(redriveAfterSeconds).toBe(60);
    }
  });

  it("counts what is missing and what is extra, a duplicate email included", () => {
    const base = { ledger: ["2025-10 charge 400030 "], emails: ["bill → a"], breaches: [] };
    expect(differences(base, base)).toEqual([]);
    expect(
      differences(base, {
        ledger: [],
        emails: ["bill → a", "bill → a"],
        breaches: ["2025-10 R-PAY-1 party A"],
      }),
    ).toEqual([
      "ledger: 2025-10 charge 400030  — expected 1, found 0",
      "emails: bill → a — expected 1, found 2",
      "breaches: 2025-10 R-PAY-1 party A — expected 0, found 1",
    ]);
  });
});

describe("fixed-seed chaos runs", () => {
  it("seeds 1 and 2 leave the fault-free month exactly", async () => {
    const loaded = await loadScenario("scenarios/sample-year.json");
    const report = await runChaos({
      contract: loaded.contract,
      scenario: loaded.scenario,
      seeds: 2,
      firstSeed: 1,
      from: "2025-10",
      to: "2025-10",
      voiceCallsPerMonth: 200,
      smsPerMonth: 50,
    });
    expect(report.runs).toBe(2);
    expect(report.divergences).toEqual([]);
    expect(report.faultsInjected).toBeGreaterThan(0);
  });
});
