/**
 * The ops command line against a running stack (docs/operations.md): the same commands an operator types,
 * as child processes pointed at this test's embedded stack. Wrong input → a clear message, exit 1,
 * nothing changed; a missing flag → exit 2.
 */
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsConfig, s3Client } from "../../functions/adapters/aws-config";
import { getCycle } from "../../functions/adapters/repository";
import { formatFen } from "../../functions/core/money";
import type { EmbeddedApp } from "../../infra/local/app";
import { tsxExit } from "../tsx-cli";
import { bootApp, runUntil, SMALL_MONTH_TOTAL, startCycle, uploadSmallMonth } from "./harness";

const STACK_NOW = "2025-10-05T12:00:00+08:00";
let app: EmbeddedApp;
let contractId: string;

beforeAll(async () => {
  const booted = await bootApp("2025-10-01T01:00:00+08:00");
  app = booted.app;
  contractId = booted.contract.contractId;
  await uploadSmallMonth(booted.contract, "2025-09");
  await startCycle(app, contractId, "2025-09");
  await runUntil(app, "2025-10-01T02:00:00+08:00");
  // The commands below act on the stack's virtual day, after the payments they record.
  await runUntil(app, STACK_NOW);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

const ops = (...args: string[]) =>
  tsxExit(["bin/ops.ts", ...args], { env: { ...process.env, ...app.stack.env } });

describe("npm run ops against a running stack", () => {
  it("status says what the contract waits for, until when and who owes it", async () => {
    const { code, stdout } = await ops("status", "--contract", contractId, "--json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout).contracts[0]).toMatchObject({
      currentPeriod: "2025-09",
      step: "awaiting reconciliation reply",
      nextDeadline: "2025-10-14T23:59:59+08:00",
      owedBy: "Party A",
    });
  });

  it("record-payment rejects an unknown contract, a non-money amount and an unbilled period with exit 1", async () => {
    const base = ["record-payment", "--date", "2025-10-02"];
    const unknown = await ops(...base, "--contract", "NO-SUCH", "--period", "2025-09", "--amount", "1.00");
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain("unknown contract NO-SUCH");
    const notMoney = await ops(...base, "--contract", contractId, "--period", "2025-09", "--amount", "0.1e1");
    expect(notMoney.code).toBe(1);
    expect(notMoney.stderr).toContain("not an amount of money");
    const unbilled = await ops(...base, "--contract", contractId, "--period", "2025-10", "--amount", "1.00");
    expect(unbilled.code).toBe(1);
    expect(unbilled.stderr).toContain("has not been billed yet");
    expect((await getCycle(contractId, "2025-09")).payment).toBeUndefined();
  });

  it("record-payment without --amount is a usage error (exit 2)", async () => {
    const { code, stderr } = await ops("record-payment", "--contract", contractId, "--period", "2025-09");
    expect(code).toBe(2);
    expect(stderr).toContain("missing --amount");
  });

  // Several CLI processes in one test, each starting tsx: tens of seconds on a loaded machine.
  it("R-PAY-1: refuses -100.00, -0, an amount above the whole contract and a date before the bill was sent", async () => {
    const pay = (amount: string, date = "2025-10-02") =>
      ops(
        "record-payment",
        "--contract",
        contractId,
        "--period",
        "2025-09",
        `--amount=${amount}`,
        "--date",
        date,
      );
    const negative = await pay("-100.00");
    expect(negative.code).toBe(1);
    expect(negative.stderr).toContain('--amount must be more than 0.00, got "-100.00"');
    expect((await pay("-0")).code).toBe(1);
    const huge = await pay("99999999999999999999.99");
    expect(huge.code).toBe(1);
    expect(huge.stderr).toContain("--amount");
    // The contract's total (98,000.00) bounds one payment.
    const aboveContract = await pay("98000.01");
    expect(aboveContract.code).toBe(1);
    expect(aboveContract.stderr).toContain("at most 98000.00");
    const early = await pay(SMALL_MONTH_TOTAL, "2025-09-30");
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("before the bill for 2025-09 was sent (2025-10-01)");
    for (const result of [negative, huge, early]) expect(result.stderr).not.toMatch(/\n\s+at /);
    expect((await getCycle(contractId, "2025-09")).payment).toBeUndefined();
  }, 150_000);

  it("record-agreed with a negative amount: one line, exit 1, no stack trace", async () => {
    const result = await ops(
      "record-agreed",
      "--contract",
      contractId,
      "--period",
      "2025-09",
      "--agreed=-5.00",
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('error: --agreed cannot be negative, got "-5.00"');
  });

  it("records the payment that clears the bill; a further payment is a credit carried to the next bill", async () => {
    // Recorded once the stack's day has reached the payments' dates: the operator function judges dates by
    // the stack's clock (ADR 0038).
    await runUntil(app, "2025-10-03T10:00:00+08:00");
    const first = await ops(
      "record-payment",
      "--contract",
      contractId,
      "--period",
      "2025-09",
      "--amount",
      SMALL_MONTH_TOTAL,
      "--date",
      "2025-10-02",
      "--json",
    );
    expect(first.code).toBe(0);
    // R-INV-1: 10 working days after 2025-10-02 (a holiday): 10/9, 10/10, 10/11 (make-up Saturday), 10/13–10/17,
    // 10/20, 10/21 → 2025-10-21.
    expect(JSON.parse(first.stdout)).toMatchObject({
      amount: SMALL_MONTH_TOTAL,
      invoiceDue: "2025-10-21T23:59:59+08:00",
    });
    const second = await ops(
      "record-payment",
      "--contract",
      contractId,
      "--period",
      "2025-09",
      "--amount",
      "1.00",
      "--date",
      "2025-10-03",
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("overpayment: 1.00 carried as a credit to the next bill");
    // The payment that cleared the bill stays the one R-INV-1 counts from.
    expect(formatFen((await getCycle(contractId, "2025-09")).payment?.amountFen ?? 0n)).toBe(
      SMALL_MONTH_TOTAL,
    );
  });

  it("record-notice answers whether a notice is deemed delivered in time (R-NOTICE-2)", async () => {
    const { code, stdout } = await ops(
      "record-notice",
      "--contract",
      contractId,
      "--kind",
      "non-renewal",
      "--method",
      "express",
      "--region",
      "abroad",
      "--dispatched",
      "2026-05-26",
      "--json",
    );
    expect(code).toBe(0);
    // Express abroad: day 20 after dispatch → 2026-06-15, one day after the 2026-06-14 deadline.
    expect(JSON.parse(stdout)).toMatchObject({ deemedDeliveredOn: "2026-06-15", inTime: false, daysLate: 1 });
  });

  it("history lists what happened with its rule", async () => {
    const { code, stdout } = await ops("history", "--contract", contractId, "--json");
    expect(code).toBe(0);
    const rules = JSON.parse(stdout).events.map((e: { rule?: string }) => e.rule);
    expect(rules).toEqual(expect.arrayContaining(["R-BILL-1", "R-PAY-1", "R-NOTICE-2"]));
  });

  it("reply stamps the stack's virtual time, not the wall clock, in the message's Date", async () => {
    const smtpPort = String(app.stack.endpoints.smtp.port);
    const { code } = await ops(
      "reply",
      "--contract",
      contractId,
      "--period",
      "2025-09",
      "--text",
      "确认",
      "--smtp-port",
      smtpPort,
    );
    expect(code).toBe(0);
    await app.clock.idle();
    const listed = await s3Client().send(new ListObjectsV2Command({ Bucket: awsConfig().mailBucket }));
    const dates: number[] = [];
    for (const { Key } of listed.Contents ?? []) {
      const object = await s3Client().send(new GetObjectCommand({ Bucket: awsConfig().mailBucket, Key }));
      const header = /^Date: (.+)$/m.exec((await object.Body?.transformToString("utf8")) ?? "");
      if (header?.[1]) dates.push(Date.parse(header[1]));
    }
    // The virtual clock stands still while the stack is idle: the reply is dated exactly then.
    expect(dates).toEqual([Date.parse(STACK_NOW)]);
  });

  it("an operator's audit entry is stamped with the stack's time", async () => {
    const { stdout } = await ops("history", "--contract", contractId, "--json");
    const operatorEvents = JSON.parse(stdout).events.filter((e: { who: string }) => e.who === "operator");
    expect(operatorEvents.length).toBeGreaterThan(0);
    for (const event of operatorEvents) expect(Date.parse(event.at)).toBe(Date.parse(STACK_NOW));
  });
});
