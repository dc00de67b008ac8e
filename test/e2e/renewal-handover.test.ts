/**
 * A term longer than a Standard execution may live (one year): RenewalWatch hands over to fresh
 * executions as often as needed (ADR 0004, ADR 0021). A 3-year term (R-TERM-1 termYears = 3) of the
 * sample contract, taking effect 2025-07-15, worked out by hand as in renewal-watch.test.ts:
 *   term 1 last day (R-TERM-4): 2028-07-14; notice deemed delivered by (30 days, R-TERM-3): 2028-06-14
 *   latest dispatch abroad (30 days, R-NOTICE-2): 2028-05-15; reminder 14 days before: 2028-05-01 09:00
 */
import { afterEach, describe, expect, it } from "vitest";
import { registerContract } from "../../functions/adapters/repository";
import { loadContract } from "../../functions/core/contract";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { emailsTo, PARTY_A, runUntil, SAMPLE_CONTRACT } from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const YEAR_MS = 365 * 86_400_000;

describe("RenewalWatch handovers", () => {
  it("R-TERM-1/R-NOTICE-3: a 3-year term is watched by a chain of executions, each under a year, each named once", async () => {
    app = await startEmbeddedApp({ start: new Date("2025-07-15T00:00:00+08:00"), schedule: false });
    const sample = await loadContract(SAMPLE_CONTRACT);
    const contract = {
      ...sample,
      rules: { ...sample.rules, termYears: { ...sample.rules.termYears, value: 3 } },
    };
    await registerContract(contract);
    await app.stepFunctions.startExecution({
      stateMachineArn: app.stateMachineArns.renewalWatch,
      name: `${contract.contractId}-term-1`,
      input: JSON.stringify({ contractId: contract.contractId, term: 1 }),
    });

    await runUntil(app, "2028-05-01T08:00:00+08:00");
    expect(await emailsTo(app, PARTY_A)).toHaveLength(0);
    await runUntil(app, "2028-05-01T10:00:00+08:00");
    const [reminder] = await emailsTo(app, PARTY_A);
    expect(reminder?.text).toContain("2028年6月14日");

    const { executions } = await app.stepFunctions.listExecutions({
      stateMachineArn: app.stateMachineArns.renewalWatch,
    });
    // 2025-07-15 → 2028-05-01 is 1,021 days: more than five executions of at most 180 days' waiting.
    expect(executions.length).toBeGreaterThanOrEqual(6);
    expect(new Set(executions.map((e) => e.name)).size).toBe(executions.length);
    const now = app.clock.now().getTime();
    for (const execution of executions) {
      expect(execution.name.length).toBeLessThanOrEqual(80);
      expect(["SUCCEEDED", "RUNNING"]).toContain(execution.status);
      const ended = execution.stopDate ? new Date(execution.stopDate).getTime() : now;
      expect(ended - new Date(execution.startDate).getTime(), execution.name).toBeLessThan(YEAR_MS);
    }
    expect(executions.filter((e) => e.status === "RUNNING")).toHaveLength(1);
  });
});
