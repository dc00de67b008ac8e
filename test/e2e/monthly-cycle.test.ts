/**
 * The MonthlyCycle end to end on the embedded stack: the synthesized state machine, the handlers, dynalite,
 * the SES emulator and the SMTP inbound path, on virtual time. The September 2025 bill is emailed at
 * 2025-10-01 01:00 (the schedule's time); its deadlines, counted by hand on the official 2025 calendar
 * (National Day 10/1–10/8, make-up working Saturday 10/11):
 *   reconciliation (R-RECON-1, 5 working days): 10/9, 10/10, 10/11, 10/13, 10/14 → 2025-10-14 23:59:59
 *   reminder (R-RECON-5): the working day before → 2025-10-13
 *   payment (R-PAY-1, 10 working days): … 10/15, 10/16, 10/17, 10/20, 10/21 → 2025-10-21 23:59:59
 */
import { S3Client } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { addClientHook } from "../../functions/adapters/aws-config";
import { auditHistory, getCycle, getReplyKey, ledgerEntries } from "../../functions/adapters/repository";
import { recordAgreedAmount, recordInvoice, recordPayment } from "../../functions/app/operations";
import { pendingCarries } from "../../functions/core/ledger";
import { formatFen } from "../../functions/core/money";
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
  statesEntered,
  uploadSmallMonth,
} from "./harness";

const PERIOD = "2025-09";
const BILL_SENT = "2025-10-01T01:00:00+08:00";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function billSeptember() {
  const booted = await bootApp(BILL_SENT);
  app = booted.app;
  await uploadSmallMonth(booted.contract, PERIOD);
  const executionArn = await startCycle(app, booted.contract.contractId, PERIOD);
  await runUntil(app, "2025-10-01T02:00:00+08:00");
  return { app, contractId: booted.contract.contractId, executionArn };
}

describe("MonthlyCycle on the embedded stack", () => {
  it("R-BILL-1/R-RECON-1/R-PAY-1: rates the month exactly and emails the statement with a reply key and the deadlines", async () => {
    const { app, contractId } = await billSeptember();
    const cycle = await getCycle(contractId, PERIOD);
    expect(formatFen(cycle.billTotalFen)).toBe(SMALL_MONTH_TOTAL);
    expect(cycle.reconciliationDeadline).toBe("2025-10-14T23:59:59+08:00");
    expect(cycle.paymentDue).toBe("2025-10-21T23:59:59+08:00");
    expect(cycle.reminderAt).toBe("2025-10-13T09:00:00+08:00");
    expect(cycle.lateBill).toBe(false);
    const statement = await statementEmail(app, PERIOD);
    expect(statement.replyTo).toHaveLength(1);
    expect(statement.replyTo[0]).toMatch(new RegExp(`^reply\\+${cycle.replyKey}@`));
    // The reply key stands for the task token: the token itself is never in an email.
    const key = await getReplyKey(cycle.replyKey as string);
    expect(key?.taskToken).toBeTruthy();
    expect(statement.text).not.toContain(key?.taskToken as string);
    expect(statement.text).toContain("4,000.30");
  });

  it("R-BILL-1, R-CALL-1: the bill step reads each usage file once for both the rating and the compliance check", async () => {
    // Every S3 GetObject the stack's clients send, by key (ADR 0087: one read and one parse per file).
    const reads = new Map<string, number>();
    const removeHook = addClientHook((client) => {
      if (!(client instanceof S3Client)) return;
      client.middlewareStack.add(
        (next, context) => (args) => {
          const key = "Key" in args.input ? args.input.Key : undefined;
          if (context.commandName === "GetObjectCommand" && typeof key === "string")
            reads.set(key, (reads.get(key) ?? 0) + 1);
          return next(args);
        },
        { step: "initialize", name: "countGetObject" },
      );
    });
    try {
      const { contractId } = await billSeptember();
      expect(reads.get(`usage/${contractId}/${PERIOD}/voice.csv`)).toBe(1);
      expect(reads.get(`usage/${contractId}/${PERIOD}/sms.csv`)).toBe(1);
      const cycle = await getCycle(contractId, PERIOD);
      expect(formatFen(cycle.billTotalFen)).toBe(SMALL_MONTH_TOTAL);
      // The small month by hand: three outbound calls to three callees, an SMS log without the category
      // column (R-SMS-3 not checkable), no complaints (the port at full rate all month).
      expect(cycle.compliance).toEqual({
        callViolationCount: 0,
        callViolations: [],
        marketingChecked: false,
        marketingViolationCount: 0,
        marketingViolations: [],
        reducedDays: [],
      });
    } finally {
      removeHook();
    }
  });

  it("R-RECON-2: a confirmation, then payment and invoice, closes the cycle through the expected states", async () => {
    const { app, contractId, executionArn } = await billSeptember();
    const statement = await statementEmail(app, PERIOD);
    await runUntil(app, "2025-10-09T10:00:00+08:00");
    await replyAsPartyA(app, statement.replyTo[0] as string, "确认，本期账单核对无误。");
    await runUntil(app, "2025-10-09T11:00:00+08:00");
    expect((await getCycle(contractId, PERIOD)).reconciliation?.outcome).toBe("confirmed");
    const acks = (await emailsTo(app, PARTY_A)).filter((e) => e.text?.includes("我们理解您的回复为"));
    expect(acks).toHaveLength(1);

    await recordPayment({
      contractId,
      period: PERIOD,
      amount: SMALL_MONTH_TOTAL,
      date: "2025-10-09T11:00:00+08:00",
    });
    await runUntil(app, "2025-10-10T10:00:00+08:00");
    await recordInvoice({ contractId, period: PERIOD, number: "26220000001" });
    await runUntil(app, "2025-10-10T11:00:00+08:00");

    expect(await executionStatus(app, executionArn)).toBe("SUCCEEDED");
    const states = await statesEntered(app, executionArn);
    expect(states).toEqual(
      expect.arrayContaining([
        "Rate usage and prepare the bill",
        "Send the bill to Party A",
        "Wait for Party A's reconciliation reply",
        "Wait for Party A's payment",
        "Wait for the VAT invoice to be recorded",
        "Close the cycle",
      ]),
    );
    expect(states).not.toContain("Remind Party A that the reconciliation is due");
    expect(states).not.toContain("Send the overdue notice and record the breach");
    const cycle = await getCycle(contractId, PERIOD);
    expect(cycle.closedAt).toBeTruthy();
    expect(cycle.breaches ?? []).toEqual([]);
  });

  it("R-RECON-4: a payment recorded before the reconciliation ends completes the payment wait at once", async () => {
    const { app, contractId, executionArn } = await billSeptember();
    const payment = await recordPayment({
      contractId,
      period: PERIOD,
      amount: SMALL_MONTH_TOTAL,
      date: "2025-10-01T01:30:00+08:00",
    });
    expect(payment.workflow).toBe("not-waiting-yet");
    const statement = await statementEmail(app, PERIOD);
    await runUntil(app, "2025-10-10T10:00:00+08:00");
    await replyAsPartyA(app, statement.replyTo[0] as string, "核对无误");
    await runUntil(app, "2025-10-10T11:00:00+08:00");
    await recordInvoice({ contractId, period: PERIOD, number: "26220000002" });
    await runUntil(app, "2025-10-10T12:00:00+08:00");
    expect(await executionStatus(app, executionArn)).toBe("SUCCEEDED");
    const states = await statesEntered(app, executionArn);
    expect(states).toContain("Wait for Party A's payment");
    expect(states).not.toContain("Send the overdue notice and record the breach");
  });

  it("R-RECON-5: no reply — reminder the working day before, bill deemed accepted; a later reply is recorded as late and changes nothing", async () => {
    const { app, contractId, executionArn } = await billSeptember();
    const statement = await statementEmail(app, PERIOD);
    await runUntil(app, "2025-10-15T09:00:00+08:00");
    const reminders = (await emailsTo(app, PARTY_A)).filter((e) => e.subject.includes("提醒"));
    expect(reminders).toHaveLength(1);
    expect((await getCycle(contractId, PERIOD)).reconciliation?.outcome).toBe("no-reply");

    await replyAsPartyA(app, statement.replyTo[0] as string, "有异议，金额应为3000.00元");
    await runUntil(app, "2025-10-15T10:00:00+08:00");
    const cycle = await getCycle(contractId, PERIOD);
    expect(cycle.reconciliation?.outcome).toBe("no-reply");
    const history = await auditHistory(contractId);
    expect(history.some((e) => e.what.includes("recorded as late"))).toBe(true);
    const states = await statesEntered(app, executionArn);
    expect(states).toContain("Remind Party A that the reconciliation is due");
    expect(states).toContain("Deem the bill accepted without a reply");
    expect(states).not.toContain("Open the re-reconciliation");
  });

  it("R-PAY-2/R-BREACH-1: an overdue payment sends the overdue notice, records the breach and keeps waiting", async () => {
    const { app, contractId, executionArn } = await billSeptember();
    const statement = await statementEmail(app, PERIOD);
    await runUntil(app, "2025-10-09T10:00:00+08:00");
    await replyAsPartyA(app, statement.replyTo[0] as string, "确认");
    await runUntil(app, "2025-10-22T10:00:00+08:00");
    const cycle = await getCycle(contractId, PERIOD);
    expect(cycle.breaches?.map((b) => b.rule)).toEqual(["R-PAY-1"]);
    expect(cycle.breaches?.[0]?.party).toBe("A");
    // The breach email names the clause broken (4.8: pay within 10 working days), never the rule ID.
    expect((await emailsTo(app, PARTY_B)).some((e) => e.text?.includes("依据：合同第四条4.8款"))).toBe(true);
    for (const sent of await app.stack.sentEmails()) {
      expect(`${sent.subject}\n${sent.text}\n${sent.html}`).not.toMatch(/R-[A-Z]+-\d/);
    }
    expect(await executionStatus(app, executionArn)).toBe("RUNNING");
    await recordPayment({
      contractId,
      period: PERIOD,
      amount: SMALL_MONTH_TOTAL,
      date: "2025-10-22T10:00:00+08:00",
    });
    await runUntil(app, "2025-10-23T10:00:00+08:00");
    expect(await statesEntered(app, executionArn)).toEqual(
      expect.arrayContaining([
        "Send the overdue notice and record the breach",
        "Keep waiting for the payment",
      ]),
    );
  });

  it("R-RECON-3/R-RECON-4: a dispute beyond 5 % opens a re-reconciliation in parallel with payment; the agreed difference is carried to October", async () => {
    const { app, contractId, executionArn } = await billSeptember();
    const statement = await statementEmail(app, PERIOD);
    await runUntil(app, "2025-10-09T10:00:00+08:00");
    // 3600.00 vs 4000.30: |400.30| / 4000.30 ≈ 10.0 % > 5 %.
    await replyAsPartyA(app, statement.replyTo[0] as string, "有异议，金额应为3600.00元。");
    await runUntil(app, "2025-10-09T11:00:00+08:00");
    const cycle = await getCycle(contractId, PERIOD);
    expect(cycle.reconciliation).toMatchObject({ outcome: "re-reconcile", partyAAmountFen: 360000n });
    // R-RECON-3: 10 working days after 10/9: 10/10, 10/11 (make-up Saturday), 10/13–10/17, 10/20–10/22.
    expect(cycle.reReconciliationDeadline).toBe("2025-10-22T23:59:59+08:00");
    const agreed = await recordAgreedAmount({ contractId, period: PERIOD, agreed: "3800.30" });
    expect(agreed.adjustment).toBe("-200.00");
    await runUntil(app, "2025-10-10T10:00:00+08:00");
    await recordPayment({
      contractId,
      period: PERIOD,
      amount: SMALL_MONTH_TOTAL,
      date: "2025-10-10T10:00:00+08:00",
    });
    await runUntil(app, "2025-10-13T10:00:00+08:00");
    await recordInvoice({ contractId, period: PERIOD, number: "26220000003" });
    await runUntil(app, "2025-10-13T11:00:00+08:00");
    expect(await executionStatus(app, executionArn)).toBe("SUCCEEDED");
    expect((await getCycle(contractId, PERIOD)).adjustmentNextPeriodFen).toBe(-20000n);
    expect(await statesEntered(app, executionArn)).toEqual(
      expect.arrayContaining([
        "Re-reconcile while payment proceeds",
        "Open the re-reconciliation",
        "Wait for the agreed amount",
      ]),
    );
    // 3800.30 − 4000.30 = −200.00, for the October bill (not yet prepared when it was agreed).
    expect(agreed.carriedTo).toBe("the bill for 2025-10");
    expect(pendingCarries(await ledgerEntries(contractId), "2025-10")).toEqual([
      { kind: "adjustment", sourcePeriod: PERIOD, amountFen: -20000n },
    ]);
  });
});
