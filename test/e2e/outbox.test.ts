/**
 * Email failure never strands a workflow (architecture §7, ADR 0012): the state change is recorded and
 * the waiting task completed; the email stays in the outbox, `status` lists it, and resend sends it once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { resetAwsClients } from "../../functions/adapters/aws-config";
import { getCycle } from "../../functions/adapters/repository";
import { recordInvoice, recordPayment, resendEmail, unsentEmails } from "../../functions/app/operations";
import type { EmbeddedApp } from "../../infra/local/app";
import {
  bootApp,
  emailsTo,
  executionStatus,
  PARTY_A,
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

describe("the outbox", () => {
  it("R-INV-1: a failed invoice email leaves the invoice recorded and the cycle closed; resend sends it once", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, "2025-09");
    const executionArn = await startCycle(app, contractId, "2025-09");
    await runUntil(app, "2025-10-09T10:00:00+08:00");
    const statement = await statementEmail(app, "2025-09");
    await replyAsPartyA(app, statement.replyTo[0] as string, "确认");
    await recordPayment({ contractId, period: "2025-09", amount: SMALL_MONTH_TOTAL, date: "2025-10-09" });
    await runUntil(app, "2025-10-10T10:00:00+08:00");

    const invoice = await withSesDown(() =>
      recordInvoice({ contractId, period: "2025-09", number: "26220000001" }),
    );
    expect(invoice.email).toBe("queued");
    await runUntil(app, "2025-10-10T11:00:00+08:00");
    expect(await executionStatus(app, executionArn)).toBe("SUCCEEDED");
    expect((await getCycle(contractId, "2025-09")).closedAt).toBeTruthy();
    expect((await unsentEmails(contractId)).map((e) => e.emailKey)).toEqual(["invoice#2025-09"]);

    const invoiceEmails = async () =>
      (await emailsTo(app as EmbeddedApp, PARTY_A)).filter((e) => e.subject.includes("发票"));
    expect(await invoiceEmails()).toHaveLength(0);
    expect(await resendEmail({ contractId, period: "2025-09", email: "invoice" })).toMatchObject({
      sent: true,
    });
    await expect(resendEmail({ contractId, period: "2025-09", email: "invoice" })).rejects.toThrow(
      "already sent",
    );
    expect(await invoiceEmails()).toHaveLength(1);
    expect(await unsentEmails(contractId)).toEqual([]);
  });
});
