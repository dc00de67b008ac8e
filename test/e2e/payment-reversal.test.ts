/**
 * R-PAY-1, R-PAY-2, R-INV-1 (合同第四条4.8款, 第五条5.1款): reversing the payment that cleared a bill re-opens
 * the cycle's payment wait, and the overdue clock runs from the bill's original due date. Worked by hand for
 * the harness's small month (bill 4000.30, sent 2025-10-01): National Day holidays to 10-08, 10-11 a make-up
 * working day, so the reconciliation deadline is 10-14 (5 working days) and payment is due 10-21 (10).
 */
import { afterEach, describe, expect, it } from "vitest";
import { getCycle } from "../../functions/adapters/repository";
import { OperationRejectedError, recordInvoice, recordPayment } from "../../functions/app/operations";
import { correctEntry } from "../../functions/app/payments";
import type { EmbeddedApp } from "../../infra/local/app";
import { bootApp, executionStatus, runUntil, startCycle, statesEntered, uploadSmallMonth } from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe("ops correct of a payment that cleared its bill", { timeout: 180_000 }, () => {
  it("re-opens the payment wait; the breach comes at the original due date; a new payment and invoice close the cycle", async () => {
    const booted = await bootApp("2025-10-01T00:30:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    const period = "2025-09";
    await uploadSmallMonth(booted.contract, period);
    const executionArn = await startCycle(app, contractId, period);
    await runUntil(app, "2025-10-09T10:00:00+08:00");
    const paid = await recordPayment({ contractId, period, amount: "4000.30", date: "2025-10-09" });
    expect(paid.outcome).toBe("paid-in-full");
    // Deemed accepted after 10-14: the payment wait completes at once, the invoice wait begins.
    await runUntil(app, "2025-10-15T10:00:00+08:00");
    expect(await statesEntered(app, executionArn)).toContain("Wait for the VAT invoice to be recorded");

    const corrected = await correctEntry({
      contractId,
      period,
      entry: paid.entry,
      reason: "bank returned it",
    });
    expect(corrected).toMatchObject({
      paid: "0.00",
      outstanding: "4000.30",
      workflow: "payment-wait-reopened",
    });
    expect((await getCycle(contractId, period)).payment).toBeUndefined();
    await runUntil(app, "2025-10-16T10:00:00+08:00");
    const waits = (await statesEntered(app, executionArn)).filter((s) => s === "Wait for Party A's payment");
    expect(waits).toHaveLength(2);
    await expect(recordInvoice({ contractId, period, number: "INV-0001" })).rejects.toThrow(/no payment/);

    // R-PAY-2 from the original due date, 2025-10-21: no breach before it ends, one after.
    await runUntil(app, "2025-10-21T23:00:00+08:00");
    expect((await getCycle(contractId, period)).breaches ?? []).toEqual([]);
    await runUntil(app, "2025-10-22T10:00:00+08:00");
    expect((await getCycle(contractId, period)).breaches?.map((b) => b.rule)).toEqual(["R-PAY-1"]);

    const again = await recordPayment({ contractId, period, amount: "4000.30", date: "2025-10-22" });
    expect(again).toMatchObject({ entry: "2025-09#payment#002", outcome: "paid-in-full" });
    await runUntil(app, "2025-10-23T10:00:00+08:00");
    await recordInvoice({ contractId, period, number: "INV-0001", date: "2025-10-23" });
    await runUntil(app, "2025-10-24T10:00:00+08:00");
    expect(await executionStatus(app, executionArn)).toBe("SUCCEEDED");
    expect((await getCycle(contractId, period)).payment).toMatchObject({ amountFen: 400030n });

    // Once the VAT invoice was issued on it, the payment is no longer reversed by hand.
    const late = correctEntry({ contractId, period, entry: again.entry, reason: "try" });
    await expect(late).rejects.toBeInstanceOf(OperationRejectedError);
    await expect(late).rejects.toThrow(/INV-0001/);
  });
});
