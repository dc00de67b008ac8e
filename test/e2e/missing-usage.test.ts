/**
 * A month whose SMS log (or voice CDR file) is not in the usage bucket: the bill still goes out on time, says
 * which file it lacks, and Party B's contact is told where the file should have been — never a silent bill of
 * the monthly fee alone. Hand-worked figures (harness SMALL_MONTH_TOTAL): voice 3 min × 0.06 = 0.18, SMS
 * 3 × 0.04 = 0.12, monthly fee 4000.00.
 */
import { afterEach, describe, expect, it } from "vitest";
import { getCycle } from "../../functions/adapters/repository";
import { putUsage } from "../../functions/adapters/usage-store";
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

const usageWarnings = async (a: EmbeddedApp) =>
  (await emailsTo(a, PARTY_B)).filter((e) => e.subject.includes("使用量文件缺失"));

describe("a month without its SMS or voice usage file", () => {
  it("bills what it has, says on the bill which file is missing, and warns Party B's contact once", async () => {
    const booted = await bootApp(BILL_SENT);
    app = booted.app;
    const { contractId } = booted.contract;
    await putUsage(contractId, PERIOD, "voice", Buffer.from(`${VOICE_ONLY}\n`));
    const executionArn = await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2025-10-01T02:00:00+08:00");

    expect(await executionStatus(app, executionArn)).toBe("RUNNING");
    const cycle = await getCycle(contractId, PERIOD);
    // 4000.00 + 0.18 of voice; no SMS line can be billed.
    expect(formatFen(cycle.billTotalFen)).toBe("4000.18");
    expect((cycle.statement as { missingUsage?: string[] }).missingUsage).toEqual(["sms"]);

    const bill = await statementEmail(app, PERIOD);
    expect(bill.text).toContain("本期未收到短信使用记录");

    const warnings = await usageWarnings(app);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.subject).toContain("2025年9月");
    expect(warnings[0]?.text).toContain(`usage/${contractId}/${PERIOD}/sms.csv`);
    expect(warnings[0]?.text).not.toContain(`${PERIOD}/voice.csv`);
  });

  it("with both files: no missing file on the bill and no warning", async () => {
    const booted = await bootApp(BILL_SENT);
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, PERIOD);
    await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2025-10-01T02:00:00+08:00");

    const cycle = await getCycle(contractId, PERIOD);
    expect(formatFen(cycle.billTotalFen)).toBe(SMALL_MONTH_TOTAL);
    expect((cycle.statement as { missingUsage?: string[] }).missingUsage ?? []).toEqual([]);
    expect((await statementEmail(app, PERIOD)).text).not.toContain("本期未收到");
    expect(await usageWarnings(app)).toHaveLength(0);
  });

  it("with neither file: both named on the bill and in the one warning", async () => {
    const booted = await bootApp(BILL_SENT);
    app = booted.app;
    const { contractId } = booted.contract;
    await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2025-10-01T02:00:00+08:00");

    const cycle = await getCycle(contractId, PERIOD);
    expect(formatFen(cycle.billTotalFen)).toBe("4000.00");
    expect((cycle.statement as { missingUsage?: string[] }).missingUsage).toEqual(["voice", "sms"]);
    const bill = await statementEmail(app, PERIOD);
    expect(bill.text).toContain("本期未收到语音通话记录");
    expect(bill.text).toContain("本期未收到短信使用记录");
    const warnings = await usageWarnings(app);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.text).toContain(`usage/${contractId}/${PERIOD}/voice.csv`);
    expect(warnings[0]?.text).toContain(`usage/${contractId}/${PERIOD}/sms.csv`);
  });
});
