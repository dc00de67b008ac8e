/**
 * RenewalWatch end to end (R-TERM-1..4, R-NOTICE-1..3, R-END-1). The sample contract takes effect
 * 2025-07-15 (assumed signing dates); worked out by hand:
 *   term 1 last day (R-TERM-4): 2026-07-14; next term from 2026-07-15
 *   non-renewal notice deemed delivered by (R-TERM-3, 30 calendar days): 2026-06-14
 *   latest dispatch, registered mail abroad (30 days, R-NOTICE-2): 2026-05-15
 *   reminder (renewalReminderLeadDays 14 before that): 2026-05-01 09:00
 *   registered mail within mainland China is deemed delivered on day 14 after dispatch:
 *   dispatched 2026-05-31 → 2026-06-14 (in time); dispatched 2026-06-01 → 2026-06-15 (one day late).
 */
import { afterEach, describe, expect, it } from "vitest";
import { getContract, getTerm } from "../../functions/adapters/repository";
import { recordNotice } from "../../functions/app/operations";
import type { EmbeddedApp } from "../../infra/local/app";
import { bootApp, emailsTo, PARTY_A, PARTY_B, runUntil, statesEntered } from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** A term's watch hands over to `<id>-term-<n>-c1` (ADR 0004, ADR 0021): the states of both, in order. */
async function statesOfTermOne(app: EmbeddedApp, contractId: string): Promise<string[]> {
  const { executions } = await app.stepFunctions.listExecutions({
    stateMachineArn: app.stateMachineArns.renewalWatch,
  });
  const states: string[] = [];
  for (const name of [`${contractId}-term-1`, `${contractId}-term-1-c1`]) {
    const execution = executions.find((e) => e.name === name);
    if (execution) states.push(...(await statesEntered(app, execution.executionArn)));
  }
  return states;
}

async function watchTermOne() {
  const booted = await bootApp("2025-07-15T00:00:00+08:00");
  app = booted.app;
  const { executionArn } = await app.stepFunctions.startExecution({
    stateMachineArn: app.stateMachineArns.renewalWatch,
    name: `${booted.contract.contractId}-term-1`,
    input: JSON.stringify({ contractId: booted.contract.contractId, term: 1 }),
  });
  return { app, contractId: booted.contract.contractId, executionArn };
}

describe("RenewalWatch on the embedded stack", () => {
  it("R-NOTICE-3: reminds both contacts on 2026-05-01 with the latest dispatch date per method", async () => {
    const { app, contractId } = await watchTermOne();
    await runUntil(app, "2026-05-01T08:00:00+08:00");
    expect(await emailsTo(app, PARTY_B)).toHaveLength(0);
    await runUntil(app, "2026-05-01T10:00:00+08:00");
    const [toA] = await emailsTo(app, PARTY_A);
    const [toB] = await emailsTo(app, PARTY_B);
    expect(toA?.messageId).toBe(toB?.messageId);
    expect(toA?.text).toContain("2026年6月14日");
    expect(toA?.text).toContain("2026年5月15日");
    const term = await getTerm(contractId, 1);
    expect(term).toMatchObject({ lastDay: "2026-07-14", noticeDeadline: "2026-06-14T23:59:59+08:00" });
  });

  it("R-NOTICE-2/R-TERM-2: a notice deemed delivered one day too late does not stop the automatic renewal", async () => {
    const { app, contractId, executionArn } = await watchTermOne();
    await runUntil(app, "2026-06-02T10:00:00+08:00");
    const notice = await recordNotice({
      contractId,
      kind: "non-renewal",
      method: "registered",
      region: "mainland",
      dispatched: "2026-06-01",
    });
    expect(notice).toMatchObject({ deemedDeliveredOn: "2026-06-15", inTime: false, daysLate: 1 });
    await runUntil(app, "2026-06-15T01:00:00+08:00");
    expect((await getTerm(contractId, 1))?.outcome).toBe("renewed");
    expect((await getContract(contractId)).term).toBe(2);
    const states = await statesOfTermOne(app, contractId);
    expect(states).toContain("Hand the watch over to a fresh execution");
    expect(states).toContain("Renew the contract for another term");
    const next = await app.stepFunctions.listExecutions({
      stateMachineArn: app.stateMachineArns.renewalWatch,
    });
    expect(next.executions.map((e) => e.name).sort()).toEqual([
      `${contractId}-term-1`,
      `${contractId}-term-1-c1`,
      `${contractId}-term-2`,
    ]);
    expect((await app.stepFunctions.describeExecution({ executionArn })).status).toBe("SUCCEEDED");
    expect((await getTerm(contractId, 2))?.firstDay).toBe("2026-07-15");
  });

  it("R-TERM-3/R-END-1: a notice deemed delivered on the deadline ends the contract at term end", async () => {
    const { app, contractId } = await watchTermOne();
    await runUntil(app, "2026-06-01T10:00:00+08:00");
    const notice = await recordNotice({
      contractId,
      kind: "non-renewal",
      method: "registered",
      region: "mainland",
      dispatched: "2026-05-31",
    });
    expect(notice).toMatchObject({ deemedDeliveredOn: "2026-06-14", inTime: true });
    await runUntil(app, "2026-07-14T12:00:00+08:00");
    expect((await getContract(contractId)).status).toBe("active");
    await runUntil(app, "2026-07-15T01:00:00+08:00");
    expect((await getContract(contractId)).status).toBe("ended");
    expect((await getTerm(contractId, 1))?.outcome).toBe("ended");
    const states = await statesOfTermOne(app, contractId);
    expect(states).toEqual(expect.arrayContaining(["Wait until the term ends", "End the contract"]));
    expect(states).not.toContain("Renew the contract for another term");
  });

  it("rejects a notice with an unknown delivery method and changes nothing", async () => {
    const { contractId } = await watchTermOne();
    await expect(
      recordNotice({
        contractId,
        kind: "non-renewal",
        method: "email",
        region: null,
        dispatched: "2026-05-01",
      }),
    ).rejects.toThrow(/unknown delivery method/);
    expect((await getTerm(contractId, 1))?.notice).toBeUndefined();
  });
});
