/**
 * Usage dated after the contract's last day is not billed (R-END-1, R-TERM-4; 合同第十条10.1款): the bill of the
 * last month says how many records it left out and why, on the embedded stack. The contract here ended on
 * 2026-07-14 and pro-rates its fee by day (R-PRICE-1 "daily"). Hand-worked figures:
 *   monthly fee 4000.00 × 14 / 31 = 1806.4516… → 1806.45 (R-MONEY-1: half-up, once per line);
 *   voice: 07-10 60 s → 1 min, 07-14 23:59 30 s → 1 min: 2 min × 0.06 = 0.12;
 *   SMS: 07-14 10 characters + 【吉林医保】 → 1 part × 0.04 = 0.04;
 *   total 1806.61. Left out: the calls of 07-15 00:00 and 07-31, the message of 07-16: 3 records.
 */
import { afterEach, describe, expect, it } from "vitest";
import { endContract, getCycle, registerContract } from "../../functions/adapters/repository";
import { putUsage } from "../../functions/adapters/usage-store";
import { loadContract, parseContract } from "../../functions/core/contract";
import { formatFen } from "../../functions/core/money";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { runUntil, SAMPLE_CONTRACT, startCycle, statementEmail } from "./harness";

const PERIOD = "2026-07";
const LAST_DAY = "2026-07-14";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const VOICE = [
  "call_start,duration_seconds,direction,calling_number,called_number",
  "2026-07-10T10:00:00+08:00,60,outbound,043112393,13800000001",
  "2026-07-14T23:59:00+08:00,30,outbound,043112393,13800000002",
  "2026-07-15T00:00:00+08:00,600,outbound,043112393,13800000003",
  "2026-07-31T09:00:00+08:00,61,outbound,043112393,13800000004",
].join("\n");

const SMS = [
  "sent_at,recipient,direction,content,content_chars",
  "2026-07-14T10:00:00+08:00,13800000001,downlink,,10",
  "2026-07-16T10:00:00+08:00,13800000002,downlink,,10",
].join("\n");

describe("usage after the contract's last day (R-END-1)", () => {
  it("is left off the last bill, which says how many records and why, citing 合同第十条10.1款", async () => {
    app = await startEmbeddedApp({ start: new Date("2026-08-01T01:00:00+08:00"), schedule: false });
    const sample = await loadContract(SAMPLE_CONTRACT);
    const { contractId } = sample;
    const daily = parseContract({
      ...sample,
      rules: {
        ...sample.rules,
        monthlyFeeProration: { ...sample.rules.monthlyFeeProration, value: "daily" },
      },
    });
    await registerContract(daily);
    await endContract(contractId, LAST_DAY);
    await putUsage(contractId, PERIOD, "voice", Buffer.from(`${VOICE}\n`));
    await putUsage(contractId, PERIOD, "sms", Buffer.from(`${SMS}\n`));

    await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2026-08-01T02:00:00+08:00");

    const cycle = await getCycle(contractId, PERIOD);
    expect(formatFen(cycle.billTotalFen)).toBe("1806.61");
    expect(cycle.lastPeriod).toBe(true);
    expect((cycle.statement as { outsideContract?: unknown }).outsideContract).toEqual({
      firstDay: "2025-07-15",
      lastDay: LAST_DAY,
      beforeFirstDay: 0,
      afterLastDay: 3,
    });
    const bill = await statementEmail(app, PERIOD);
    expect(bill.text).toContain(
      "另有 3 条用量记录发生在合同期限最后一日（2026年7月14日）之后，不属本合同的服务期，未计入本账单（合同第十条10.1款）。",
    );
    expect(bill.text).toContain("1,806.61");
    expect(bill.text).not.toContain("R-END-1");
  });
});
