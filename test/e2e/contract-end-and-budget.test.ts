/**
 * The last period after the contract ended (R-END-1, R-RECON-4: settled both ways, not carried) and the
 * budget watch (R-BUDGET-1: warn both contacts once at 80 % of 98,000.00; never block billing).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  auditHistory,
  createCycle,
  endContract,
  getCycle,
  ledgerEntries,
} from "../../functions/adapters/repository";
import { recordAgreedAmount, recordInvoice, recordPayment } from "../../functions/app/operations";
import { parseYuanToFen } from "../../functions/core/money";
import type { EmbeddedApp } from "../../infra/local/app";
import {
  bootApp,
  emailsTo,
  executionStatus,
  PARTY_A,
  PARTY_B,
  replyAsPartyA,
  runUntil,
  SMALL_MONTH_TOTAL,
  startCycle,
  statementEmail,
  uploadSmallMonth,
} from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe("the end of the contract and the budget", () => {
  it("R-END-1: the period in which the contract ended is billed as the last one; its agreed difference is settled, not carried", async () => {
    // Ended at the end of term 1 (a timely non-renewal notice): its last period is July 2026.
    const booted = await bootApp("2026-08-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await endContract(contractId, "2026-07-14");
    await uploadSmallMonth(booted.contract, "2026-07");
    const executionArn = await startCycle(app, contractId, "2026-07");
    await runUntil(app, "2026-08-03T10:00:00+08:00");
    const cycle = await getCycle(contractId, "2026-07");
    expect(cycle.lastPeriod).toBe(true);
    const statement = await statementEmail(app, "2026-07");
    expect(statement.text).toContain("最后一个结算周期");

    // 3600.00 against 4000.30 is beyond 5 %: re-reconciliation, agreed at 3800.30 (−200.00).
    await replyAsPartyA(app, statement.replyTo[0] as string, "有异议，金额应为3600.00元。");
    await recordAgreedAmount({ contractId, period: "2026-07", agreed: "3800.30" });
    await recordPayment({ contractId, period: "2026-07", amount: SMALL_MONTH_TOTAL, date: "2026-08-03" });
    await runUntil(app, "2026-08-04T10:00:00+08:00");
    await recordInvoice({ contractId, period: "2026-07", number: "26220000099" });
    await runUntil(app, "2026-08-04T11:00:00+08:00");

    expect(await executionStatus(app, executionArn)).toBe("SUCCEEDED");
    expect((await getCycle(contractId, "2026-07")).adjustmentNextPeriodFen).toBe(0n);
    // The settlement document (结算单): paid 4000.30 in full, agreed 3800.30 → Party B refunds 200.00.
    const settlement = (await ledgerEntries(contractId)).find((e) => e.kind === "settlement");
    expect(settlement).toMatchObject({ period: "2026-07", amountFen: -20000n });
    const trueUp = (await auditHistory(contractId)).find((e) => e.rule === "R-END-1");
    expect(trueUp?.what).toBe("settlement document: refund 200.00");
    const documents = (await emailsTo(app, PARTY_A)).filter((e) => e.subject.startsWith("结算单"));
    expect(documents).toHaveLength(1);
    expect(documents[0]?.to).toContain(PARTY_B);
    expect(documents[0]?.subject).toContain("乙方应退还 200.00 元");
  });

  it("R-BUDGET-1: crossing 80 % of the contract total warns both contacts once and bills on", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    // Earlier bills worth 74,500.00 (76.0 % of 98,000.00): September's 4,000.30 brings it to 78,500.30 (80.1 %).
    for (const [period, total] of [
      ["2025-07", "4500.00"],
      ["2025-08", "70000.00"],
    ] as const) {
      await createCycle({
        contractId,
        period,
        billId: `${contractId}-${period}`,
        billTotalFen: parseYuanToFen(total, "any"),
        billDue: "2025-09-12T23:59:59+08:00",
        billDueProvisional: false,
        statement: {},
        lastPeriod: false,
        closedAt: "2025-09-30T00:00:00+08:00",
      });
    }
    await uploadSmallMonth(booted.contract, "2025-09");
    await startCycle(app, contractId, "2025-09");
    await runUntil(app, "2025-10-09T10:00:00+08:00");
    const statement = await statementEmail(app, "2025-09");
    await replyAsPartyA(app, statement.replyTo[0] as string, "确认");
    await recordPayment({ contractId, period: "2025-09", amount: SMALL_MONTH_TOTAL, date: "2025-10-09" });
    await runUntil(app, "2025-10-10T10:00:00+08:00");
    await recordInvoice({ contractId, period: "2025-09", number: "26220000100" });
    await runUntil(app, "2025-10-10T11:00:00+08:00");

    const warningsTo = async (address: string) =>
      (await emailsTo(app as EmbeddedApp, address)).filter((e) => e.subject.startsWith("合同金额使用已达"));
    expect(await warningsTo(PARTY_A)).toHaveLength(1);
    expect(await warningsTo(PARTY_B)).toHaveLength(1);
    expect((await warningsTo(PARTY_A))[0]?.subject).toContain("80");
    expect((await warningsTo(PARTY_A))[0]?.subject).toContain("78,500.30");
    expect((await getCycle(contractId, "2025-09")).closedAt).toBeTruthy();
  });
});
