import { describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../bin/ops/cli-kit";
import reconcile from "../../bin/ops/reconcile";

describe("ops reconcile", () => {
  it("R-RECON-2: exactly 5 % stands, nothing to adjust", async () => {
    const output = await reconcile.run(["--bill", "4000.00", "--reply", "4200.00", "--json"]);
    expect(output.json).toEqual({
      outcome: "stands",
      rule: "R-RECON-2",
      billTotal: "4000.00",
      reply: "4200.00",
      difference: "200.00",
      differencePercent: "5.00",
      settlementAmount: "4000.00",
      agreedAmount: "4000.00",
      adjustmentNextPeriod: "0.00",
      finalTrueUp: null,
    });
  });

  it("R-RECON-3 / R-RECON-4: beyond 5 % → re-reconcile; the adjustment waits for the agreed amount", async () => {
    const pending = await reconcile.run(["--bill", "4000.00", "--reply", "4200.01", "--json"]);
    expect(pending.json).toMatchObject({
      outcome: "re-reconcile",
      adjustmentNextPeriod: null,
      agreedAmount: null,
    });
    const agreed = await reconcile.run([
      "--bill",
      "4000.00",
      "--reply",
      "4200.01",
      "--agreed",
      "4100.00",
      "--json",
    ]);
    expect(agreed.json).toMatchObject({
      outcome: "re-reconcile",
      settlementAmount: "4000.00",
      adjustmentNextPeriod: "100.00",
    });
    expect(agreed.text).toMatch(/adjustment next period\s+100\.00/);
  });

  it("R-END-1: the last period is trued up both ways instead of carried", async () => {
    const output = await reconcile.run([
      "--bill",
      "4000.00",
      "--reply",
      "3000.00",
      "--agreed",
      "3700.00",
      "--last-period",
      "--json",
    ]);
    expect(output.json).toMatchObject({
      adjustmentNextPeriod: null,
      finalTrueUp: { direction: "refund-to-party-a", payer: "party-b", amount: "300.00" },
    });
  });

  it("rejects bad amounts (exit 1) and missing options (exit 2)", async () => {
    await expect(reconcile.run(["--bill", "4,000", "--reply", "4000"])).rejects.toThrow(InputError);
    await expect(reconcile.run(["--bill", "4000", "--reply", "1e3"])).rejects.toThrow(InputError);
    await expect(reconcile.run(["--bill", "4000", "--reply", "5000", "--agreed", "x"])).rejects.toThrow(
      InputError,
    );
    await expect(reconcile.run(["--bill", "4000", "--reply", "4000", "--agreed", "3900"])).rejects.toThrow(
      InputError,
    );
    await expect(reconcile.run(["--bill", "4000"])).rejects.toThrow(UsageError);
    await expect(reconcile.run(["--reply", "4000"])).rejects.toThrow(UsageError);
  });
});
