/**
 * The audit history's `what` in Chinese on the console's Chinese pages. The English inputs are the
 * sentences the code writes (copied from its audit calls with sample values); the Chinese expected here is
 * written by hand in the contract's wording: 4.9 (结算账户), 5.1 (书面通知…10日内纠正), 7.3 (不可抗力…协商),
 * 4.8 (甲方…支付各项费用), 9.3 (视为正式送达), dates as 2025年10月10日 and instants in Beijing time, amounts in 元, masked
 * numbers as stored, and no internal rule ID in the Chinese (R-BANK-1 is 合同第四条4.9款, R-PAY-2 第五条5.1款).
 */
import { describe, expect, it } from "vitest";
import { auditWhatCell, auditWhatZh } from "../../console/audit-words";

const RULE_ID = /R-[A-Z]+-\d/;

describe("the audit history in Chinese (R-NOTICE-4, R-BANK-1, R-FM-1, R-BREACH-1, R-PAY-2)", () => {
  it("translates a fixed sentence", () => {
    expect(auditWhatZh("contract loaded and put under watch")).toBe("合同已载入，开始跟踪履约");
    expect(auditWhatZh("no reply by the reconciliation deadline: bill deemed accepted")).toBe(
      "对账期限内未收到回复：视为甲方认可账单",
    );
  });

  it("R-BANK-1: a new bank account keeps its masked number and bank, dates in the contract's way", () => {
    const what =
      "Party B notified a new bank account ************5678 (招商银行股份有限公司长春分行) on 2025-10-10: in force from 2025-10-10";
    expect(auditWhatZh(what)).toBe(
      "乙方于 2025年10月10日书面通知变更银行账户为 ************5678（招商银行股份有限公司长春分行）：自 2025年10月10日起生效",
    );
  });

  it("R-BANK-1: a payment into the wrong account names the clause in words, not the rule", () => {
    const words = auditWhatZh(
      "payment 2025-09#pay-1 went to account ************0919, not to Party B's account in force ************5678 on 2025-10-20",
    );
    expect(words).toBe(
      "付款 2025-09#pay-1 付入账户 ************0919，而非 2025年10月20日有效的乙方账户 ************5678（合同第四条4.9款）",
    );
  });

  it("R-FM-1: force majeure carries the operator's words and the written request to negotiate (7.3)", () => {
    expect(
      auditWhatZh(
        "force majeure from 2025-10-15 (ongoing): 暴雪致光缆中断; written request to negotiate sent 2025-11-20",
      ),
    ).toBe("不可抗力：自 2025年10月15日起（持续中），暴雪致光缆中断；已于 2025年11月20日书面提出协商");
    expect(auditWhatZh("force majeure from 2025-10-15 to 2025-10-20: 暴雪")).toBe(
      "不可抗力：自 2025年10月15日至 2025年10月20日，暴雪",
    );
  });

  it("R-BREACH-1: a written breach notice by express within the city (9.3), the clause in words", () => {
    const words = auditWhatZh(
      "written breach notice recorded for ticket:fault-20251010T1000 (R-SLA-2, Party B): express/same-city 2025-10-13, received 2025-10-14, cure or objection due 2025-10-24",
    );
    expect(words).toBe(
      "已登记对工单 fault-20251010T1000 超时的违约的书面违约通知（合同第二条2.26款、第三条3.4、3.18款，违约方：乙方）：特快专递（本市） 2025年10月13日发出，2025年10月14日送达，纠正或书面异议期限 2025年10月24日",
    );
  });

  it("R-PAY-2: a short payment, its instant in Beijing time and the amounts in yuan", () => {
    const words = auditWhatZh(
      "payment 2025-09#pay-1 recorded: 4000.00 on 2025-10-20T10:00:00+08:00 — short payment: 218.36 still owing; the payment wait goes on (R-PAY-2)",
    );
    expect(words).toBe(
      "已登记付款 2025-09#pay-1：4,000.00 元，付款时间 2025年10月20日 10:00（北京时间）——部分付款：尚欠 218.36 元，继续等待付款（合同第五条5.1款）",
    );
  });

  it("a recorded breach of the payment deadline reads as the email to Party B words it", () => {
    expect(
      auditWhatZh("breach recorded: payment of 4218.36 for 2025-09 not received by 2025-10-17T15:59:59.000Z"),
    ).toBe("登记违约：2025年9月账单 4,218.36 元未在 2025年10月17日 23:59（北京时间）前付款");
  });

  it("no Chinese rendering carries an internal rule ID", () => {
    const samples = [
      "ledger entry 2025-09#pay-1 (payment 4000.00) reversed: 录入错误; the bill is owing again and the cycle waits for payment (R-PAY-2 from the original due date)",
      "breach 2025-09:R-PAY-1: neither cured nor objected by 2025-11-03; the dispute may go to 长春仲裁委员会",
      "ticket fault-20251010T1000 closed at 2025-10-11T12:00:00+08:00: late — breach ticket:fault-20251010T1000 of Party B in the register",
    ];
    for (const what of samples) {
      const words = auditWhatZh(what);
      expect(words, what).toBeDefined();
      expect(words, what).not.toMatch(RULE_ID);
    }
    expect(auditWhatZh(samples[1] ?? "")).toBe(
      "2025年9月未按合同第四条4.8款约定履行的违约：至 2025年11月3日既未纠正也未提出书面异议，争议可提交长春仲裁委员会仲裁",
    );
  });

  it("texts a short run does not write: renewal, termination, settlement, the calendar, a held bill", () => {
    // Each English text as its audit call writes it; each Chinese by hand (9.3: 专人递送 is delivered on
    // the day; 多退少补 at the end; a 2026 holiday moving a payment deadline).
    const cases: Array<[string, string]> = [
      [
        "renewal reminder sent for term 1: notice must be deemed delivered by 2026-05-31",
        "已发送第 1 期续约提醒：不续约书面通知须于 2026年5月31日前视为送达",
      ],
      [
        "no written non-renewal notice by the deadline: renewed for term 2 from 2026-07-01",
        "期限内未收到不续约书面通知：合同自 2026年7月1日起自动续约为第 2 期",
      ],
      [
        "contract ended early on 2025-11-14 by the written termination notice of 2025-10-21; the last period is settled both ways and the SMS access code is taken back",
        "合同依 2025年10月21日发出的书面解除通知于 2025年11月14日提前终止；最后一个账期多退少补，收回短信接入号",
      ],
      [
        "written termination notice recorded for term 1: personal dispatched 2025-10-21, deemed delivered 2025-10-21, in time for an end on 2025-11-14",
        "已登记第 1 期的书面解除通知：专人递送 2025年10月21日发出，视为 2025年10月21日送达，可于 2025年11月14日终止合同",
      ],
      ["settlement document: refund 120.00", "结算单：乙方退还甲方 120.00 元（多退少补）"],
      ["settlement document: nothing to settle", "结算单：多退少补后无需结算"],
      [
        "deadlines moved by the official 2026 calendar: payment due 2026-02-13T23:59:59+08:00 → 2026-02-24T23:59:59+08:00",
        "按国家公布的 2026 年节假日安排调整期限：付款期限 2026年2月13日 23:59（北京时间） → 2026年2月24日 23:59（北京时间）",
      ],
      [
        "bill held for the missing usage file(s) voice, sms: checked each working day until 2025-10-15",
        "缺少语音话单、短信话单，账单暂缓出具：每个工作日检查一次，至 2025年10月15日止",
      ],
      [
        "re-reconciliation agreed at 3808.85: adjustment -200.47 carried to the bill for 2025-11",
        "重新对账议定金额 3,808.85 元：2025年11月账单调减 200.47 元",
      ],
      [
        "reply received after the reconciliation deadline (confirmed); recorded as late",
        "对账期限届满后收到回复（确认账单）：记为逾期回复",
      ],
      [
        "payment 2025-09#payment#002 recorded: 100.00 on 2025-10-20T10:00:00+08:00 — overpayment: 100.00 carried as a credit to the next bill",
        "已登记付款 2025-09#payment#002：100.00 元，付款时间 2025年10月20日 10:00（北京时间）——多付 100.00 元，结转抵扣下期账单",
      ],
      [
        "cure confirmed in writing for breach 2025-09-statement-detail on 2025-10-17 — after the cure deadline 2025-10-16",
        "2025年10月17日书面确认已纠正：编号 2025-09-statement-detail 的违约（晚于纠正期限 2025年10月16日）",
      ],
      [
        "a written notice deemed delivered in time for term 1 was recorded after the renewal: undid the automatic renewal of term 1 into term 2 (from 2026-07-01); the contract ends on 2026-06-30",
        "自动续约后登记了视为按时送达的第 1 期不续约书面通知：撤销第 1 期续为第 2 期（自 2026年7月1日起）的自动续约，合同于 2026年6月30日终止",
      ],
      [
        "contract ended at the end of term 1 (2026-06-30); the last period is settled both ways and the SMS access code is taken back",
        "合同于第 1 期届满（2026年6月30日）终止；最后一个账期多退少补，收回短信接入号",
      ],
      [
        "personal data deleted on request: 4 usage files of the periods through 2025-10",
        "应要求删除个人信息：截至2025年10月各账期的 4 个话单文件",
      ],
      [
        "inbound reply not acted on: 发件人（SES 收到的信封发件人）不是合同指定的联系人",
        "收到的回复未予处理：发件人（SES 收到的信封发件人）不是合同指定的联系人",
      ],
      [
        "payment 2025-09#payment#001 went to account ****0919, not to Party B's account in force (none) on 2025-10-20",
        "付款 2025-09#payment#001 付入账户 ****0919，而非 2025年10月20日有效的乙方账户（当日无有效账户）（合同第四条4.9款）",
      ],
      [
        "Party A requested to add sms at 0.05 on 2025-10-21, confirmed by Party B on 2025-10-21: in force from 2025-12-01",
        "甲方于 2025年10月21日申请新增短信业务（单价 0.05 元），乙方于 2025年10月21日确认：自 2025年12月1日起生效",
      ],
    ];
    for (const [what, words] of cases) expect(auditWhatZh(what), what).toBe(words);
  });

  it("rejects a text no entry knows: shown in English, marked, never dropped; English pages unchanged", () => {
    const future = "a sentence a later change writes";
    expect(auditWhatZh(future)).toBeUndefined();
    const cell = auditWhatCell("zh", future);
    expect(cell).toContain(future);
    expect(cell).toContain("（英文原文）");
    expect(cell).toContain('class="untranslated"');
    expect(auditWhatCell("en", "cycle closed")).toBe("cycle closed");
    expect(auditWhatCell("zh", "cycle closed")).toBe("本账期已结清关闭");
  });

  it("rejects a known frame around an unknown inner text instead of half-translating it", () => {
    expect(auditWhatZh("breach recorded: something new went wrong")).toBeUndefined();
    expect(auditWhatZh("strange ticket T1 opened at 2025-10-09T09:00:00+08:00: x")).toBeUndefined();
  });

  it("escapes the stored text in the cell", () => {
    expect(auditWhatCell("zh", "<b>new</b>")).toContain("&#60;b&#62;new");
  });
});
