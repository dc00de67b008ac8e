/**
 * The ledger on the embedded stack (ADR 0010): several payments per bill, a short payment keeps R-PAY-2
 * going, a correction is a reversing entry (reversing the payment that cleared a bill: payment-reversal.test.ts).
 * The bill is the harness's hand-computed small month, 4000.30.
 */
import { afterEach, describe, expect, it } from "vitest";
import { getCycle, ledgerEntries } from "../../functions/adapters/repository";
import { recordPayment } from "../../functions/app/operations";
import { correctEntry } from "../../functions/app/payments";
import { formatFen } from "../../functions/core/money";
import { handler as prepareBillHandler } from "../../functions/prepare-bill/handler";
import { handler as recordMissedHandler } from "../../functions/record-missed-deadline/handler";
import { handler as sendBillHandler } from "../../functions/send-bill/handler";
import type { EmbeddedApp } from "../../infra/local/app";
import {
  bootApp,
  emailsTo,
  executionStatus,
  PARTY_B,
  runUntil,
  startCycle,
  statesEntered,
  uploadSmallMonth,
} from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const context = {
  functionName: "test",
  awsRequestId: "ledger-test",
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Parameters<typeof sendBillHandler>[1];

describe("payments in the ledger", () => {
  it("R-PAY-2: a short payment leaves 0.30 owing and the breach still comes at the due date; a correction reverses it", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    const period = "2025-09";
    await uploadSmallMonth(booted.contract, period);
    await prepareBillHandler({ contractId, period }, context);
    await sendBillHandler({ contractId, period }, context);
    await runUntil(app, "2025-10-09T10:00:00+08:00");

    const short = await recordPayment({ contractId, period, amount: "4000.00", date: "2025-10-09" });
    expect(short).toMatchObject({
      outcome: "short",
      outstanding: "0.30",
      invoiceDue: null,
      workflow: "still-waiting",
    });
    expect((await getCycle(contractId, period)).payment).toBeUndefined();

    // Due 2025-10-21 (10 working days after 10-01, holidays to 10-08, 10-11 a make-up day): breach then.
    await runUntil(app, "2025-10-22T10:00:00+08:00");
    await recordMissedHandler({ contractId, period, missed: "payment" }, context);
    expect((await getCycle(contractId, period)).breaches?.map((b) => b.rule)).toEqual(["R-PAY-1"]);

    const corrected = await correctEntry({
      contractId,
      period,
      entry: short.entry,
      reason: "wrong amount keyed",
    });
    expect(corrected).toMatchObject({
      reverses: "2025-09#payment#001",
      paid: "0.00",
      outstanding: "4000.30",
    });
    await expect(correctEntry({ contractId, period, entry: short.entry, reason: "again" })).rejects.toThrow(
      "already reversed",
    );

    const full = await recordPayment({ contractId, period, amount: "4000.30", date: "2025-10-22" });
    expect(full).toMatchObject({
      entry: "2025-09#payment#002",
      outcome: "paid-in-full",
      outstanding: "0.00",
    });
    expect((await getCycle(contractId, period)).payment).toMatchObject({ amountFen: 400030n });

    const kinds = (await ledgerEntries(contractId)).map((e) => `${e.entryId}:${e.amountFen}`);
    expect(kinds).toEqual([
      "2025-09#charge:400030",
      "2025-09#payment#001:400000",
      "2025-09#payment#001#reversal:-400000",
      "2025-09#payment#002:400030",
    ]);
  });
});

describe("a bill of 0.00 (R-TRIAL-1)", () => {
  it("is sent for information: no payment or invoice awaited, no breach, the cycle closes", async () => {
    const booted = await bootApp("2025-08-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    // July 2025 lies wholly before billing starts on 2025-08-01: every line is rated at zero.
    await uploadSmallMonth(booted.contract, "2025-07");
    const executionArn = await startCycle(app, contractId, "2025-07");
    await runUntil(app, "2025-09-30T10:00:00+08:00");
    const cycle = await getCycle(contractId, "2025-07");
    expect(formatFen(cycle.billTotalFen)).toBe("0.00");
    expect(await executionStatus(app, executionArn)).toBe("SUCCEEDED");
    const states = await statesEntered(app, executionArn);
    expect(states).toContain("Nothing to pay on this bill");
    expect(states).not.toContain("Wait for Party A's payment");
    expect(cycle.breaches ?? []).toEqual([]);
    expect(cycle.closedAt).toBeTruthy();
    expect((await emailsTo(app, PARTY_B)).filter((e) => e.subject.includes("违约"))).toEqual([]);
  });
});
