/**
 * A notice is judged against the term it is meant for (R-NOTICE-2, R-TERM-3, R-TERM-4; 合同第十条10.1款,
 * 第九条9.3款). Worked by hand for the sample contract (effective 2025-07-15):
 *   term 1 runs 2025-07-15..2026-07-14; its notice must be deemed delivered by 2026-07-14 − 30 = 2026-06-14;
 *   registered mail within mainland China is deemed delivered on day 14 (9.3(4)): dispatched 2026-05-31 →
 *   2026-06-14, in time; dispatched 2026-06-01 → 2026-06-15, one day late.
 * With no notice recorded by the deadline the watch renews on 2026-06-14 at 23:59:59 (R-TERM-2). Recorded
 * on 2026-06-16, the in-time notice was dispatched in term 1 (the term in force on 2026-05-31), so 10.1
 * ends the contract on 2026-07-14: the renewal is undone and the contract ends at term 1's end.
 */
import { afterEach, describe, expect, it } from "vitest";
import { getContract, getTerm } from "../../functions/adapters/repository";
import { OperationRejectedError } from "../../functions/app/operation-input";
import { recordNotice } from "../../functions/app/operations";
import type { EmbeddedApp } from "../../infra/local/app";
import { bootApp, emailsTo, PARTY_A, runUntil } from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function renewedIntoTermTwo() {
  const booted = await bootApp("2025-07-15T00:00:00+08:00");
  app = booted.app;
  const contractId = booted.contract.contractId;
  await app.stepFunctions.startExecution({
    stateMachineArn: app.stateMachineArns.renewalWatch,
    name: `${contractId}-term-1`,
    input: JSON.stringify({ contractId, term: 1 }),
  });
  await runUntil(app, "2026-06-16T10:00:00+08:00");
  // The premise: renewed before the notice was recorded.
  expect((await getTerm(contractId, 1))?.outcome).toBe("renewed");
  expect((await getContract(contractId)).term).toBe(2);
  return { app, contractId };
}

async function runningWatches(app: EmbeddedApp, contractId: string, term: number): Promise<string[]> {
  const { executions } = await app.stepFunctions.listExecutions({
    stateMachineArn: app.stateMachineArns.renewalWatch,
  });
  return executions
    .filter((e) => e.status === "RUNNING" && e.name.startsWith(`${contractId}-term-${term}`))
    .map((e) => e.name);
}

const NOTICE = { kind: "non-renewal", method: "registered", region: "mainland" } as const;

// A contract year of virtual time per test: generous under a loaded CI machine.
describe("R-NOTICE-2, R-TERM-3: a notice recorded after the renewal, deemed delivered in time", {
  timeout: 180_000,
}, () => {
  it("is filed against term 1, undoes the renewal and ends the contract on 2026-07-14", async () => {
    const { app, contractId } = await renewedIntoTermTwo();
    const result = await recordNotice({ contractId, ...NOTICE, dispatched: "2026-05-31" });
    expect(result).toMatchObject({
      term: 1,
      deemedDeliveredOn: "2026-06-14",
      deadline: "2026-06-14",
      inTime: true,
      contractEndsOn: "2026-07-14",
      undid: "the automatic renewal of term 1 into term 2 (from 2026-07-15)",
    });
    expect((await getTerm(contractId, 1))?.outcome).toBe("ended");
    expect((await getTerm(contractId, 2))?.outcome).toBe("cancelled");
    expect(await getContract(contractId)).toMatchObject({ term: 1, status: "active" });
    expect(await runningWatches(app, contractId, 2)).toEqual([]);

    await runUntil(app, "2026-07-14T12:00:00+08:00");
    expect((await getContract(contractId)).status).toBe("active");
    await runUntil(app, "2026-07-15T01:00:00+08:00");
    expect(await getContract(contractId)).toMatchObject({ status: "ended", endedOn: "2026-07-14" });
    const ends = (await emailsTo(app, PARTY_A)).filter((e) => e.text?.includes("2026年7月14日"));
    expect(ends.length).toBeGreaterThan(0);
  });

  it("a late notice recorded after the renewal undoes nothing and says it is too late", async () => {
    const { app, contractId } = await renewedIntoTermTwo();
    const result = await recordNotice({ contractId, ...NOTICE, dispatched: "2026-06-01" });
    expect(result).toMatchObject({ term: 1, inTime: false, daysLate: 1, undid: null });
    expect((await getTerm(contractId, 1))?.outcome).toBe("renewed");
    expect((await getContract(contractId)).term).toBe(2);
    expect(await runningWatches(app, contractId, 2)).toEqual([`${contractId}-term-2`]);
  });

  it("--term names the term: a notice dispatched in term 1 for term 2 is judged against term 2's deadline; a term not begun is refused", async () => {
    const { contractId } = await renewedIntoTermTwo();
    // Term 2: 2026-07-15..2027-07-14, deadline 2027-06-14; 2026-05-31 + 14 days is long before it.
    const result = await recordNotice({ contractId, ...NOTICE, dispatched: "2026-05-31", term: 2 });
    expect(result).toMatchObject({ term: 2, deadline: "2027-06-14", inTime: true, undid: null });
    expect((await getTerm(contractId, 1))?.outcome).toBe("renewed");
    expect((await getContract(contractId)).term).toBe(2);
    // A term that has not begun is refused, and nothing changes.
    await expect(recordNotice({ contractId, ...NOTICE, dispatched: "2026-05-31", term: 3 })).rejects.toThrow(
      OperationRejectedError,
    );
    await expect(recordNotice({ contractId, ...NOTICE, dispatched: "2026-05-31", term: 3 })).rejects.toThrow(
      /term 3.*current term is 2/,
    );
    expect((await getTerm(contractId, 1))?.notice).toBeUndefined();
    expect((await getTerm(contractId, 3))?.notice).toBeUndefined();
  });
});
