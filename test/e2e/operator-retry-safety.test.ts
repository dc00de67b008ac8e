/**
 * Operator recordings safe to run again after a crash between their writes (architecture §4): the VAT
 * invoice (R-INV-1) and a written notice (R-NOTICE-2, R-TERM-3) are each one conditional write, then effects
 * keyed by the recording — the audit event, the completion of the waiting task, the email. A crash after the
 * write (here: Step Functions unreachable when the task is completed) and the same recording again finishes
 * what was left: one invoice, one notice, one audit event, one email, and the workflow moves on. A different
 * recording for the same bill or term is still refused.
 */
import { afterEach, describe, expect, it } from "vitest";
import { resetAwsClients } from "../../functions/adapters/aws-config";
import { auditHistory, getContract, getCycle, getTerm } from "../../functions/adapters/repository";
import {
  OperationRejectedError,
  recordInvoice,
  recordNotice,
  recordPayment,
} from "../../functions/app/operations";
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

/** Step Functions unreachable while `body` runs: completing the waiting task fails after the write. */
async function withStepFunctionsDown<T>(body: () => Promise<T>): Promise<T> {
  const endpoint = process.env.CONTRACT_OPS_SFN_ENDPOINT as string;
  process.env.CONTRACT_OPS_SFN_ENDPOINT = "http://127.0.0.1:9";
  resetAwsClients();
  try {
    return await body();
  } finally {
    process.env.CONTRACT_OPS_SFN_ENDPOINT = endpoint;
    resetAwsClients();
  }
}

describe("operator recordings retried after a crash", () => {
  it("R-INV-1: the same invoice recorded again after a crash completes the wait; one audit event, one email", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, "2025-09");
    const executionArn = await startCycle(app, contractId, "2025-09");
    await runUntil(app, "2025-10-09T10:00:00+08:00");
    await replyAsPartyA(
      app,
      (await statementEmail(app, "2025-09")).replyTo[0] as string,
      "确认，本期账单核对无误。",
    );
    await runUntil(app, "2025-10-09T11:00:00+08:00");
    await recordPayment({
      contractId,
      period: "2025-09",
      amount: SMALL_MONTH_TOTAL,
      date: "2025-10-09T11:00:00+08:00",
    });
    await runUntil(app, "2025-10-10T10:00:00+08:00");

    const invoice = { contractId, period: "2025-09", number: "26220000001" };
    await withStepFunctionsDown(() => expect(recordInvoice(invoice)).rejects.toThrow());
    expect((await getCycle(contractId, "2025-09")).invoice?.invoiceNumber).toBe("26220000001");

    const again = await recordInvoice(invoice);
    expect(again).toMatchObject({ invoiceNumber: "26220000001", workflow: "completed", email: "sent" });
    await expect(recordInvoice({ ...invoice, number: "26220000999" })).rejects.toBeInstanceOf(
      OperationRejectedError,
    );
    await runUntil(app, "2025-10-10T11:00:00+08:00");

    expect(await executionStatus(app, executionArn)).toBe("SUCCEEDED");
    const recorded = (await auditHistory(contractId)).filter((e) => e.what.startsWith("VAT invoice"));
    expect(recorded).toHaveLength(1);
    const invoiceEmails = (await emailsTo(app, PARTY_A)).filter((e) => e.text?.includes("26220000001"));
    expect(invoiceEmails).toHaveLength(1);
  });

  it("R-TERM-3: the same in-time notice recorded again after a crash still ends the contract at term end; one audit event", async () => {
    const booted = await bootApp("2025-07-15T00:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await app.stepFunctions.startExecution({
      stateMachineArn: app.stateMachineArns.renewalWatch,
      name: `${contractId}-term-1`,
      input: JSON.stringify({ contractId, term: 1 }),
    });
    await runUntil(app, "2026-06-01T10:00:00+08:00");
    // Registered mail within mainland China, dispatched 2026-05-31: deemed delivered 2026-06-14, the deadline.
    const notice = {
      contractId,
      kind: "non-renewal" as const,
      method: "registered",
      region: "mainland",
      dispatched: "2026-05-31",
    };
    await withStepFunctionsDown(() => expect(recordNotice(notice)).rejects.toThrow());
    expect((await getTerm(contractId, 1))?.notice?.dispatched).toBe("2026-05-31");

    const again = await recordNotice(notice);
    expect(again).toMatchObject({ inTime: true, workflow: "completed", contractEndsOn: "2026-07-14" });
    await expect(recordNotice({ ...notice, dispatched: "2026-05-30" })).rejects.toBeInstanceOf(
      OperationRejectedError,
    );
    await runUntil(app, "2026-07-15T01:00:00+08:00");

    expect((await getContract(contractId)).status).toBe("ended");
    const recorded = (await auditHistory(contractId)).filter((e) =>
      e.what.startsWith("written non-renewal notice"),
    );
    expect(recorded).toHaveLength(1);
  });
});
