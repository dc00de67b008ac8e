/**
 * The bill email's notes: the period's service levels (R-SLA-2, 3.18 "平均修复时限为【6】小时") and the month's
 * compliance findings (R-CALL-1 附件七第六条, R-SMS-3 2.23/2.24, R-THROTTLE-1 附件三). What Party A reads names
 * clauses in words, never rule IDs, and never a phone number in full; a clean month carries no compliance note.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CycleRecord } from "../../functions/adapters/repository";
import { complianceNote } from "../../functions/app/cycle/bill-notes";
import { parseContract } from "../../functions/core/contract";
import { renderStatementEmail } from "../../functions/core/emails";
import { sampleStatement } from "../../functions/core/emails/samples";

const serviceLevels = {
  opened: 5,
  closed: 4,
  // (360 + 450) / 2 = 405 minutes = 6 h 45 min against 6 h.
  smsGateway: { faults: 2, averageRepairMinutes: 405, limitMinutes: 360, met: false },
  late: [
    { kind: "故障", party: "B" as const, clause: "合同第三条3.4款", count: 1 },
    { kind: "终端用户投诉", party: "A" as const, clause: "合同第二条2.26款", count: 1 },
  ],
};

const contract = parseContract(
  JSON.parse(readFileSync(new URL("../../contracts/11NA0700211920254001.json", import.meta.url), "utf8")),
);
/** The month's stored findings, numbers in full as the stored record keeps them. */
const stored = {
  callViolationCount: 1,
  callViolations: [{ date: "2025-09-03", rule: "per-callee", number: "13800000001", calls: 11 }],
  marketingChecked: true,
  marketingViolationCount: 2,
  marketingViolations: [{ line: 4, reason: "marketing SMS does not end with 拒收请回复R" }],
  reducedDays: [{ state: "50%", days: 12 }],
};
const cycleWith = (findings: unknown): CycleRecord => ({
  contractId: contract.contractId,
  period: "2025-09",
  billId: `${contract.contractId}-2025-09`,
  billTotalFen: 400000n,
  billDue: "2025-10-15T23:59:59+08:00",
  billDueProvisional: false,
  statement: {},
  lastPeriod: false,
  compliance: findings,
});
const compliance = complianceNote(contract, cycleWith(stored));

describe("bill email notes", () => {
  it("R-SLA-2: the service levels — tickets, the gateway's 6 h 45 min against 6 h, the late ones and whose", () => {
    const { text } = renderStatementEmail({ ...sampleStatement(), serviceLevels });
    expect(text).toContain("本期服务质量");
    expect(text).toContain("本期受理工单 5 件，本期内处理完毕 4 件。");
    expect(text).toContain("短信网关故障 2 次，平均修复时长 6 小时 45 分钟，约定不超过 6 小时：未达标");
    expect(text).toContain("合同第二条2.26款、第三条3.4、3.18款");
    expect(text).toContain("故障 1 件（乙方，合同第三条3.4款）；终端用户投诉 1 件（甲方，合同第二条2.26款）");
  });

  it("R-CALL-1 / R-SMS-3 / R-THROTTLE-1: the findings, the masked number and the clauses in words", () => {
    const { text, html } = renderStatementEmail({ ...sampleStatement(), compliance });
    expect(text).toContain("本期合规提示");
    expect(text).toContain("2025-09-03 呼叫被叫号码 138****0001 11 次");
    expect(text).toContain("对同一被叫号码每日合计不超过 10 次");
    expect(text).toContain("附件七");
    expect(text).toContain("营销类短信不符合要求 2 条");
    expect(text).toContain("合同第二条2.23、2.24款");
    expect(text).toContain("短信端口本期有 12 天未按正常速率发送（50%：12 天");
    expect(text).toContain("附件三");
    for (const part of [text, html]) {
      expect(part).not.toMatch(/R-(CALL|SMS|THROTTLE|SLA)-\d/);
      expect(part).not.toContain("13800000001");
    }
  });

  it("a clean month without tickets: neither note", () => {
    const clean = {
      ...stored,
      callViolationCount: 0,
      callViolations: [],
      marketingViolationCount: 0,
      marketingViolations: [],
      reducedDays: [],
    };
    expect(complianceNote(contract, cycleWith(clean))).toBeUndefined();
    const { text } = renderStatementEmail(sampleStatement());
    expect(text).not.toContain("本期合规提示");
    expect(text).not.toContain("本期服务质量");
  });
});
