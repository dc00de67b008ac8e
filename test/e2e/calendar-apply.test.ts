/**
 * R-WD-3 end to end on the embedded stack. The December 2026 bill is emailed at 2027-01-01 01:00 while 2027
 * has only a provisional calendar (ADR 0003: New Year's Day off, then Monday–Friday). Counted by hand:
 *   reconciliation (5 working days): 1-4, 1-5, 1-6, 1-7, 1-8 → 2027-01-08 23:59:59; reminder 1-7 09:00.
 * On 1-2 a 2027 notice (test/fixtures/holiday-notices/made-up-2027.txt, not a published one) is imported and
 * applied: 1-1..1-4 off, Saturday 1-9 worked, so
 *   reconciliation: 1-5, 1-6, 1-7, 1-8, 1-9 → 2027-01-09 23:59:59; reminder 1-8 09:00,
 *   payment (10 working days): 1-5..1-9, 1-11..1-15 → 2027-01-15, as before (it does not move).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import calendarApply from "../../bin/ops/calendar-apply";
import calendarImport from "../../bin/ops/calendar-import";
import { auditHistory, getCycle } from "../../functions/adapters/repository";
import { recordPayment } from "../../functions/app/operations";
import type { EmbeddedApp } from "../../infra/local/app";
import {
  bootApp,
  emailsTo,
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

const PERIOD = "2026-12";
const NOTICE = fileURLToPath(new URL("../fixtures/holiday-notices/made-up-2027.txt", import.meta.url));

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function billDecember() {
  const booted = await bootApp("2027-01-01T01:00:00+08:00");
  app = booted.app;
  await uploadSmallMonth(booted.contract, PERIOD);
  const executionArn = await startCycle(app, booted.contract.contractId, PERIOD);
  await runUntil(app, "2027-01-02T10:00:00+08:00");
  const dir = mkdtempSync(join(tmpdir(), "calendar-apply-"));
  await calendarImport.run(["--notice", NOTICE, "--out", dir]);
  return { app, contractId: booted.contract.contractId, executionArn, dir };
}

/** A calendar file typed by hand (not a notice): 1-1 and Monday 1-11 off, no make-up day. */
function typedCalendar(): string {
  const dir = mkdtempSync(join(tmpdir(), "calendar-apply-typed-"));
  const typed = {
    year: 2027,
    source: "typed for this test",
    holidays: ["2027-01-01", "2027-01-11"],
    makeUpWorkdays: [],
  };
  writeFileSync(join(dir, "CN-2027.json"), JSON.stringify(typed));
  return dir;
}

const movedEmails = async (app: EmbeddedApp, address: string) =>
  (await emailsTo(app, address)).filter((e) => e.subject.startsWith("2027年节假日安排公布"));

describe("calendar import + apply on a running stack (R-WD-3)", () => {
  it("--dry-run lists the moving deadlines per contract and period and changes nothing", async () => {
    const { app, contractId, dir } = await billDecember();
    const output = await calendarApply.run(["--year", "2027", "--dir", dir, "--dry-run", "--json"]);
    expect(output.json).toMatchObject({
      year: 2027,
      dryRun: true,
      contracts: [
        {
          contractId,
          moves: [
            {
              period: PERIOD,
              rule: "R-RECON-5",
              from: "2027-01-07T09:00:00+08:00",
              to: "2027-01-08T09:00:00+08:00",
            },
            {
              period: PERIOD,
              rule: "R-RECON-1",
              from: "2027-01-08T23:59:59+08:00",
              to: "2027-01-09T23:59:59+08:00",
            },
          ],
          rearmed: [],
          emailed: false,
        },
      ],
    });
    expect(output.text).toMatch(
      /2026-12\s+reconciliation due \(R-RECON-1\)\s+2027-01-08T23:59:59\+08:00\s+2027-01-09T23:59:59\+08:00/,
    );
    const cycle = await getCycle(contractId, PERIOD);
    expect(cycle.reconciliationDeadline).toBe("2027-01-08T23:59:59+08:00");
    expect(cycle.calendarMoves).toBeUndefined();
    expect(await movedEmails(app, PARTY_A)).toEqual([]);
  });

  it("moves the stored deadlines, re-arms the waiting workflow, the timer fires on the new date, both contacts told", async () => {
    const { app, contractId, executionArn, dir } = await billDecember();
    const before = await getCycle(contractId, PERIOD);
    expect([before.reminderAt, before.reconciliationDeadline, before.paymentDue]).toEqual([
      "2027-01-07T09:00:00+08:00",
      "2027-01-08T23:59:59+08:00",
      "2027-01-15T23:59:59+08:00",
    ]);

    const applied = await calendarApply.run(["--year", "2027", "--dir", dir, "--json"]);
    expect(applied.json).toMatchObject({ contracts: [{ contractId, rearmed: [PERIOD], emailed: true }] });
    await runUntil(app, "2027-01-02T11:00:00+08:00");
    const after = await getCycle(contractId, PERIOD);
    expect([after.reminderAt, after.reconciliationDeadline, after.paymentDue]).toEqual([
      "2027-01-08T09:00:00+08:00",
      "2027-01-09T23:59:59+08:00",
      "2027-01-15T23:59:59+08:00",
    ]);
    expect(await statesEntered(app, executionArn)).toContain(
      "Take the deadlines the official calendar moved",
    );

    // Both contacts get one email listing what moved, citing the notice, clauses in words.
    for (const address of [PARTY_A, PARTY_B]) {
      const told = await movedEmails(app, address);
      expect(told).toHaveLength(1);
      expect(told[0]?.text).toContain("国务院办公厅关于2027年部分节假日安排的通知");
      expect(told[0]?.text).toContain(
        "对账确认期限（合同第四条4.6款）：2027年1月8日 23:59（北京时间） → 2027年1月9日 23:59（北京时间）",
      );
      expect(told[0]?.text).not.toMatch(/R-[A-Z]+-\d/);
    }

    // The old reminder time passes without a reminder; the new one sends it.
    const reminders = async () =>
      (await emailsTo(app, PARTY_A)).filter(
        (e) => e.subject.startsWith(`提醒：${PERIOD}`) || e.subject.startsWith("提醒："),
      );
    await runUntil(app, "2027-01-07T12:00:00+08:00");
    expect(await reminders()).toEqual([]);
    await runUntil(app, "2027-01-08T09:30:00+08:00");
    expect(await reminders()).toHaveLength(1);

    // Deemed accepted only after the new deadline (R-RECON-5).
    await runUntil(app, "2027-01-09T23:00:00+08:00");
    expect((await getCycle(contractId, PERIOD)).reconciliation).toBeUndefined();
    await runUntil(app, "2027-01-10T01:00:00+08:00");
    expect((await getCycle(contractId, PERIOD)).reconciliation?.outcome).toBe("no-reply");

    const history = await auditHistory(contractId);
    expect(history.filter((e) => e.rule === "R-WD-3")).toHaveLength(1);
  });

  it("a running payment wait is re-armed: the overdue notice comes after the moved due date, not before", async () => {
    const booted = await bootApp("2027-01-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, PERIOD);
    const executionArn = await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2027-01-01T02:00:00+08:00");
    await replyAsPartyA(
      app,
      (await statementEmail(app, PERIOD)).replyTo[0] as string,
      "确认，本期账单核对无误。",
    );
    await runUntil(app, "2027-01-02T10:00:00+08:00");
    const waiting = await getCycle(contractId, PERIOD);
    expect(waiting.reconciliation?.outcome).toBe("confirmed");
    // Provisional: 1-4..1-8, 1-11..1-15 → payment due 1-15.
    expect(waiting.paymentDue).toBe("2027-01-15T23:59:59+08:00");

    // The typed calendar, 1-11 off: 1-4..1-8, 1-12..1-15, 1-18 → 1-18.
    const applied = await calendarApply.run(["--year", "2027", "--dir", typedCalendar(), "--json"]);
    expect(applied.json).toMatchObject({
      contracts: [
        {
          contractId,
          moves: [
            {
              period: PERIOD,
              rule: "R-PAY-1",
              from: "2027-01-15T23:59:59+08:00",
              to: "2027-01-18T23:59:59+08:00",
            },
          ],
          rearmed: [PERIOD],
          emailed: true,
        },
      ],
    });
    const overdue = async () =>
      (await emailsTo(app as EmbeddedApp, PARTY_A)).filter((e) => e.subject.startsWith("逾期付款提醒"));
    await runUntil(app, "2027-01-16T12:00:00+08:00");
    expect(await overdue()).toEqual([]);
    expect((await getCycle(contractId, PERIOD)).breaches ?? []).toEqual([]);
    await runUntil(app, "2027-01-19T01:00:00+08:00");
    expect(await overdue()).toHaveLength(1);
    expect((await getCycle(contractId, PERIOD)).breaches?.map((b) => b.rule)).toEqual(["R-PAY-1"]);
    expect(await statesEntered(app, executionArn)).toContain(
      "Keep waiting for the payment until the moved due date",
    );
  });

  it("a running re-reconciliation wait is re-armed: unresolved only after the moved deadline", async () => {
    const booted = await bootApp("2027-01-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, PERIOD);
    const executionArn = await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2027-01-04T09:00:00+08:00");
    await replyAsPartyA(
      app,
      (await statementEmail(app, PERIOD)).replyTo[0] as string,
      "有异议，金额应为3000.00元",
    );
    await runUntil(app, "2027-01-04T10:00:00+08:00");
    // Dispute received 1-4. Provisional: 1-5..1-8, 1-11..1-15, 1-18 → 1-18 (R-RECON-3, 10 working days).
    expect((await getCycle(contractId, PERIOD)).reReconciliationDeadline).toBe("2027-01-18T23:59:59+08:00");
    // Typed calendar, 1-11 off: 1-5..1-8, 1-12..1-15, 1-18, 1-19 → 1-19; payment (from 1-1) 1-15 → 1-18.
    const applied = await calendarApply.run(["--year", "2027", "--dir", typedCalendar(), "--json"]);
    expect(applied.json).toMatchObject({
      contracts: [
        {
          moves: [
            { rule: "R-PAY-1", from: "2027-01-15T23:59:59+08:00", to: "2027-01-18T23:59:59+08:00" },
            { rule: "R-RECON-3", from: "2027-01-18T23:59:59+08:00", to: "2027-01-19T23:59:59+08:00" },
          ],
          rearmed: [PERIOD],
        },
      ],
    });
    const unresolved = async () =>
      (await emailsTo(app as EmbeddedApp, PARTY_B)).filter((e) =>
        e.subject.includes("重新对账未在期限内确定金额"),
      );
    await runUntil(app, "2027-01-19T12:00:00+08:00");
    expect(await unresolved()).toEqual([]);
    expect((await getCycle(contractId, PERIOD)).agreed).toBeUndefined();
    await runUntil(app, "2027-01-20T01:00:00+08:00");
    expect(await unresolved()).toHaveLength(1);
    expect((await getCycle(contractId, PERIOD)).agreed).toMatchObject({ unresolved: true });
    expect(await statesEntered(app, executionArn)).toContain(
      "Keep waiting for the agreed amount until the moved deadline",
    );
  });

  it("a running invoice wait is re-armed: the late-invoice breach only after the moved due date", async () => {
    const booted = await bootApp("2027-01-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, PERIOD);
    const executionArn = await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2027-01-01T02:00:00+08:00");
    await replyAsPartyA(
      app,
      (await statementEmail(app, PERIOD)).replyTo[0] as string,
      "确认，本期账单核对无误。",
    );
    await runUntil(app, "2027-01-05T16:00:00+08:00");
    await recordPayment({
      contractId,
      period: PERIOD,
      amount: SMALL_MONTH_TOTAL,
      date: "2027-01-05T15:00:00+08:00",
    });
    await runUntil(app, "2027-01-06T10:00:00+08:00");
    // Paid 1-5. Provisional: 1-6..1-8, 1-11..1-15, 1-18, 1-19 → 1-19 (R-INV-1, 10 working days).
    expect((await getCycle(contractId, PERIOD)).payment?.invoiceDue).toBe("2027-01-19T23:59:59+08:00");
    // Typed calendar, 1-11 off: 1-6..1-8, 1-12..1-15, 1-18..1-20 → 1-20.
    const applied = await calendarApply.run(["--year", "2027", "--dir", typedCalendar(), "--json"]);
    expect(applied.json).toMatchObject({
      contracts: [
        {
          moves: [{ rule: "R-INV-1", from: "2027-01-19T23:59:59+08:00", to: "2027-01-20T23:59:59+08:00" }],
          rearmed: [PERIOD],
        },
      ],
    });
    await runUntil(app, "2027-01-20T12:00:00+08:00");
    expect((await getCycle(contractId, PERIOD)).breaches ?? []).toEqual([]);
    await runUntil(app, "2027-01-21T01:00:00+08:00");
    expect((await getCycle(contractId, PERIOD)).breaches?.map((b) => b.rule)).toEqual(["R-INV-1"]);
    expect(await statesEntered(app, executionArn)).toContain(
      "Keep waiting for the VAT invoice until the moved due date",
    );
  });

  it("applying again moves nothing more and emails nobody twice", async () => {
    const { app, contractId, dir } = await billDecember();
    await calendarApply.run(["--year", "2027", "--dir", dir]);
    await runUntil(app, "2027-01-02T11:00:00+08:00");
    const again = await calendarApply.run(["--year", "2027", "--dir", dir, "--json"]);
    expect(
      (again.json as { contracts: Array<{ moves: unknown[] }> }).contracts.flatMap((c) => c.moves),
    ).toEqual([]);
    await runUntil(app, "2027-01-02T12:00:00+08:00");
    expect(await movedEmails(app, PARTY_B)).toHaveLength(1);
    expect((await getCycle(contractId, PERIOD)).reconciliationDeadline).toBe("2027-01-09T23:59:59+08:00");
  });

  it("refuses a year without a calendar file (exit 1) and a missing --year (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "calendar-apply-empty-"));
    await expect(calendarApply.run(["--year", "2027", "--dir", dir])).rejects.toThrow(/no CN-2027.json in/);
    await expect(calendarApply.run(["--year", "27", "--dir", dir])).rejects.toThrow(
      /expected a four-digit year/,
    );
    await expect(calendarApply.run(["--dir", dir])).rejects.toThrow(/missing --year/);
  });
});
