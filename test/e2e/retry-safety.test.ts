/**
 * Every step safe to run again after a crash at any line (architecture §4, R-BREACH-1): a retried step
 * finishes what the crashed attempt left undone (the breach email) and does not repeat what it already
 * did (audit events); two operators recording a notice at once record one.
 */
import { afterEach, describe, expect, it } from "vitest";
import { resetAwsClients } from "../../functions/adapters/aws-config";
import { auditHistory, getCycle, getTerm } from "../../functions/adapters/repository";
import { OperationRejectedError, recordNotice } from "../../functions/app/operations";
import { handler as prepareBillHandler } from "../../functions/prepare-bill/handler";
import { handler as recordMissedHandler } from "../../functions/record-missed-deadline/handler";
import { handler as sendBillHandler } from "../../functions/send-bill/handler";
import type { EmbeddedApp } from "../../infra/local/app";
import { bootApp, emailsTo, PARTY_B, runUntil, uploadSmallMonth } from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const context = (name: string) =>
  ({
    functionName: name,
    awsRequestId: `${name}-test`,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Parameters<typeof sendBillHandler>[1];

/** SES unreachable while `body` runs: the email send fails after the step's writes. */
async function withSesDown<T>(body: () => Promise<T>): Promise<T> {
  const endpoint = process.env.CONTRACT_OPS_SES_ENDPOINT as string;
  process.env.CONTRACT_OPS_SES_ENDPOINT = "http://127.0.0.1:9";
  resetAwsClients();
  try {
    return await body();
  } finally {
    process.env.CONTRACT_OPS_SES_ENDPOINT = endpoint;
    resetAwsClients();
  }
}

async function billSent(contractId: string, period: string) {
  const event = { contractId, period };
  await prepareBillHandler(event, context("prepare-bill"));
  await sendBillHandler(event, context("send-bill"));
}

describe("steps retried after a crash", () => {
  it("R-PAY-2/R-BREACH-1: a breach recorded before its email failed is emailed to Party B on retry", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, "2025-09");
    await billSent(contractId, "2025-09");
    // Sent 2025-10-01 (holiday until 10-08; 10-11 a make-up working day): 10 working days → 2025-10-21.
    await runUntil(app, "2025-10-22T10:00:00+08:00");
    const event = { contractId, period: "2025-09", missed: "payment" as const };
    await withSesDown(async () => {
      await expect(recordMissedHandler(event, context("record-missed-deadline"))).rejects.toThrow();
    });
    expect((await getCycle(contractId, "2025-09")).breaches?.map((b) => b.rule)).toEqual(["R-PAY-1"]);
    expect(await emailsTo(app, PARTY_B)).toHaveLength(0);

    await recordMissedHandler(event, context("record-missed-deadline"));
    await recordMissedHandler(event, context("record-missed-deadline"));
    const toB = await emailsTo(app, PARTY_B);
    expect(toB).toHaveLength(1);
    expect((await getCycle(contractId, "2025-09")).breaches).toHaveLength(1);
    const breachEvents = (await auditHistory(contractId)).filter((e) => e.what.startsWith("breach recorded"));
    expect(breachEvents).toHaveLength(1);
  });

  it("send-bill run three times appends its audit event once (R-BILL-1)", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, "2025-09");
    await billSent(contractId, "2025-09");
    const event = { contractId, period: "2025-09" };
    await sendBillHandler(event, context("send-bill"));
    await sendBillHandler(event, context("send-bill"));
    const emailed = (await auditHistory(contractId)).filter(
      (e) => e.what === "bill emailed to Party A's contact",
    );
    expect(emailed).toHaveLength(1);
  });

  it("R-NOTICE-2: two notices recorded at once for the same term: one is recorded, the other refused", async () => {
    const booted = await bootApp("2026-05-20T10:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    const notice = (dispatched: string) =>
      recordNotice({ contractId, kind: "non-renewal", method: "registered", region: "mainland", dispatched });
    const results = await Promise.allSettled([notice("2026-05-18"), notice("2026-05-19")]);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r) => r.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(OperationRejectedError);
    const stored = (await getTerm(contractId, 1))?.notice?.dispatched;
    expect(stored).toBe((fulfilled[0] as PromiseFulfilledResult<{ dispatched: string }>).value.dispatched);
  });
});
