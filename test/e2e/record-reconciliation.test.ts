/**
 * `ops record-reconciliation` (R-RECON-2, R-RECON-3): a reply the system handed to a person is decided by
 * the person, through the same path as an understood reply — the waiting workflow moves on with it.
 * The bill is the harness's hand-computed small month, 4000.30.
 */
import { afterEach, describe, expect, it } from "vitest";
import { getCycle } from "../../functions/adapters/repository";
import { OperationRejectedError } from "../../functions/app/operations";
import { recordReconciliationByPerson } from "../../functions/app/reconciliation-decision";
import type { EmbeddedApp } from "../../infra/local/app";
import {
  bootApp,
  emailsTo,
  PARTY_B,
  replyAsPartyA,
  runUntil,
  startCycle,
  statementEmail,
  statesEntered,
  uploadSmallMonth,
} from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe("a person records the reconciliation", () => {
  it("R-RECON-3: an unclear reply, then the person records Party A's figure 3600.00: re-reconciliation opens", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, "2025-09");
    const executionArn = await startCycle(app, contractId, "2025-09");
    await runUntil(app, "2025-10-09T10:00:00+08:00");
    const statement = await statementEmail(app, "2025-09");
    await replyAsPartyA(app, statement.replyTo[0] as string, "金额应为4000元还是3600元？我们再核对一下。");
    const note = (await emailsTo(app, PARTY_B)).find((e) => e.text?.includes("record-reconciliation"));
    expect(note?.text).toContain(`--contract ${contractId} --period 2025-09`);

    const base = { contractId, period: "2025-09", source: "电话核实，麻丽丽 10月9日" };
    await expect(recordReconciliationByPerson({ ...base, decision: "disputed" })).rejects.toBeInstanceOf(
      OperationRejectedError,
    );
    await expect(
      recordReconciliationByPerson({ ...base, decision: "maybe", amount: "3600.00" }),
    ).rejects.toThrow("expected confirmed or disputed");
    // 3600.00 against 4000.30: |−400.30| is 10.0 % of the bill, beyond 5 % (R-RECON-3).
    const decided = await recordReconciliationByPerson({ ...base, decision: "disputed", amount: "3600.00" });
    expect(decided).toMatchObject({ outcome: "re-reconcile", difference: "-400.30" });
    await runUntil(app, "2025-10-09T11:00:00+08:00");
    expect((await getCycle(contractId, "2025-09")).reconciliation).toMatchObject({
      outcome: "re-reconcile",
      partyAAmountFen: 360000n,
    });
    expect(await statesEntered(app, executionArn)).toContain("Open the re-reconciliation");
    await expect(recordReconciliationByPerson({ ...base, decision: "confirmed" })).rejects.toThrow(
      "already recorded",
    );
  });
});
