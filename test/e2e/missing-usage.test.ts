/**
 * A month whose SMS log (or voice CDR file) is not in the usage bucket (R-BILL-1, ADR 0044; clauses 4.5 and
 * 4.6): the bill waits for it, looked for again at 17:00 on each working day, and goes out the day the file
 * arrives; if it never does, the bill goes out at the last working day's check (working day 8) saying which
 * file it lacks. Party B's contact is told on the first day, and again when the bill goes out without it.
 *
 * Hand-worked figures (harness SMALL_MONTH_TOTAL): voice 3 min × 0.06 = 0.18, SMS 3 × 0.04 = 0.12, monthly
 * fee 4000.00. Working days after 2025-09 (2025 holiday notice: 1–8 October off, Saturday 11 October worked):
 * 9 Oct (1), 10 Oct (2), 11 Oct (3), 13–17 Oct (4–8), so the last day the bill may wait is 17 October.
 */
import { afterEach, describe, expect, it } from "vitest";
import { findCycle, getCycle } from "../../functions/adapters/repository";
import { putUsage } from "../../functions/adapters/usage-store";
import { contractsOverview } from "../../functions/app/console-model";
import { formatFen } from "../../functions/core/money";
import type { EmbeddedApp } from "../../infra/local/app";
import {
  bootApp,
  emailsTo,
  executionStatus,
  PARTY_B,
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

const VOICE_ONLY = [
  "call_start,duration_seconds,direction,calling_number,called_number",
  `${PERIOD}-03T10:00:00+08:00,61,outbound,043112393,13800000001`,
  `${PERIOD}-03T11:00:00+08:00,60,outbound,043112393,13800000002`,
  `${PERIOD}-04T09:00:00+08:00,0,outbound,043112393,13800000003`,
  `${PERIOD}-05T09:00:00+08:00,300,inbound,13800000004,043112393`,
].join("\n");

const SMS_ONLY = [
  "sent_at,recipient,direction,content,content_chars",
  `${PERIOD}-03T10:00:00+08:00,13800000001,downlink,,64`,
  `${PERIOD}-03T10:05:00+08:00,13800000002,downlink,,65`,
  `${PERIOD}-03T10:09:00+08:00,13800000003,uplink,,10`,
].join("\n");

const toPartyB = async (a: EmbeddedApp) => emailsTo(a, PARTY_B);
const heldWarnings = async (a: EmbeddedApp) =>
  (await toPartyB(a)).filter((e) => e.subject.includes("账单暂缓出具"));
const billedWithoutWarnings = async (a: EmbeddedApp) =>
  (await toPartyB(a)).filter(
    (e) => e.subject.includes("使用量文件缺失") && !e.subject.includes("账单暂缓出具"),
  );

describe("a month without its SMS or voice usage file", () => {
  it("holds the bill; the voice file uploaded on working day 3 is billed that day, complete", async () => {
    const booted = await bootApp(BILL_SENT);
    app = booted.app;
    const { contractId } = booted.contract;
    await putUsage(contractId, PERIOD, "sms", Buffer.from(`${SMS_ONLY}\n`));
    const executionArn = await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2025-10-01T02:00:00+08:00");

    expect(await findCycle(contractId, PERIOD)).toBeUndefined();
    const held = await heldWarnings(app);
    expect(held).toHaveLength(1);
    expect(held[0]?.text).toContain(`usage/${contractId}/${PERIOD}/voice.csv`);
    expect(held[0]?.text).toContain("2025年10月17日");
    // The console lists the held bill as waiting for Party B's file until the last check (17:00 on 17 October).
    const waiting = async () =>
      (await contractsOverview(booted.app.clock.now())).tasks.filter((t) => t.waitsFor === "usage-file");
    expect(await waiting()).toEqual([
      {
        contractId,
        period: PERIOD,
        waitsFor: "usage-file",
        owedBy: "B",
        deadline: "2025-10-17T17:00:00+08:00",
        rule: "R-BILL-1",
        overdue: false,
      },
    ]);

    await runUntil(app, "2025-10-11T10:00:00+08:00");
    expect(await findCycle(contractId, PERIOD)).toBeUndefined();
    await putUsage(contractId, PERIOD, "voice", Buffer.from(`${VOICE_ONLY}\n`));
    await runUntil(app, "2025-10-11T18:00:00+08:00");

    const cycle = await getCycle(contractId, PERIOD);
    expect(formatFen(cycle.billTotalFen)).toBe(SMALL_MONTH_TOTAL);
    expect(cycle.sentAt).toBe("2025-10-11T17:00:00+08:00");
    expect(await waiting()).toEqual([]);
    expect((cycle.statement as { missingUsage?: string[] }).missingUsage ?? []).toEqual([]);
    expect((await statementEmail(app, PERIOD)).text).not.toContain("本期未收到");
    expect(await heldWarnings(app)).toHaveLength(1);
    expect(await billedWithoutWarnings(app)).toHaveLength(0);
    expect(await executionStatus(app, executionArn)).toBe("RUNNING");
  });

  it("never uploaded: the bill goes out at working day 8's check with what it has, saying the SMS log is missing", async () => {
    const booted = await bootApp(BILL_SENT);
    app = booted.app;
    const { contractId } = booted.contract;
    await putUsage(contractId, PERIOD, "voice", Buffer.from(`${VOICE_ONLY}\n`));
    await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2025-10-17T16:00:00+08:00");
    expect(await findCycle(contractId, PERIOD)).toBeUndefined();
    await runUntil(app, "2025-10-17T18:00:00+08:00");

    const cycle = await getCycle(contractId, PERIOD);
    // 4000.00 + 0.18 of voice; no SMS line can be billed.
    expect(formatFen(cycle.billTotalFen)).toBe("4000.18");
    expect(cycle.sentAt).toBe("2025-10-17T17:00:00+08:00");
    expect(cycle.lateBill).toBe(false);
    expect((cycle.statement as { missingUsage?: string[] }).missingUsage).toEqual(["sms"]);
    expect((await statementEmail(app, PERIOD)).text).toContain("本期未收到短信使用记录");

    expect(await heldWarnings(app)).toHaveLength(1);
    const billedWithout = await billedWithoutWarnings(app);
    expect(billedWithout).toHaveLength(1);
    expect(billedWithout[0]?.text).toContain(`usage/${contractId}/${PERIOD}/sms.csv`);
    expect(billedWithout[0]?.text).not.toContain(`${PERIOD}/voice.csv`);
  });

  it("with both files at 01:00: billed at once, no warning, and only one Choice added before sending", async () => {
    const booted = await bootApp(BILL_SENT);
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, PERIOD);
    const executionArn = await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2025-10-01T02:00:00+08:00");

    const cycle = await getCycle(contractId, PERIOD);
    expect(formatFen(cycle.billTotalFen)).toBe(SMALL_MONTH_TOTAL);
    expect(cycle.sentAt).toBe(BILL_SENT);
    expect(await toPartyB(app)).toHaveLength(0);
    const states = await statesEntered(app, executionArn);
    expect(states.slice(0, 3)).toEqual([
      "Rate usage and prepare the bill",
      "Is a usage file still missing?",
      "Send the bill to Party A",
    ]);
    expect(states).not.toContain("Wait a working day for the missing usage file");
  });

  it("with neither file: both named on the bill that goes out on working day 8", async () => {
    const booted = await bootApp(BILL_SENT);
    app = booted.app;
    const { contractId } = booted.contract;
    await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2025-10-17T18:00:00+08:00");

    const cycle = await getCycle(contractId, PERIOD);
    expect(formatFen(cycle.billTotalFen)).toBe("4000.00");
    expect((cycle.statement as { missingUsage?: string[] }).missingUsage).toEqual(["voice", "sms"]);
    const bill = await statementEmail(app, PERIOD);
    expect(bill.text).toContain("本期未收到语音通话记录");
    expect(bill.text).toContain("本期未收到短信使用记录");
    const billedWithout = await billedWithoutWarnings(app);
    expect(billedWithout).toHaveLength(1);
    expect(billedWithout[0]?.text).toContain(`usage/${contractId}/${PERIOD}/voice.csv`);
    expect(billedWithout[0]?.text).toContain(`usage/${contractId}/${PERIOD}/sms.csv`);
  });
});
