/**
 * R-WD-3 emails: the deadlines an official calendar moved (to both contacts: clauses in the contract's words,
 * the notice cited, never a rule ID), and the November–December warning to Party B with the commands to run.
 * Clause numbers from the contract text: 4.6 (bill within 10 working days, reconciliation within 5, re-reconciliation
 * within 10) and 4.8 (payment within 10 working days of the bill, invoice within 10 of the payment).
 */
import { describe, expect, it } from "vitest";
import { renderCalendarProvisionalEmail, renderDeadlinesMovedEmail } from "../../functions/core/emails";
import { sampleContract } from "../../functions/core/emails/samples";

describe("emails about the official calendar (R-WD-3)", () => {
  it("lists each moved deadline with its clause in words, old and new, citing the notice", () => {
    const email = renderDeadlinesMovedEmail({
      contract: sampleContract(),
      year: 2027,
      noticeTitle: "国务院办公厅关于2027年部分节假日安排的通知",
      noticeDate: "2026-11-20",
      moves: [
        {
          period: "2026-12",
          ruleId: "R-BILL-1",
          from: "2027-01-15T23:59:59+08:00",
          to: "2027-01-18T23:59:59+08:00",
        },
        {
          period: "2026-12",
          ruleId: "R-RECON-1",
          from: "2027-01-08T23:59:59+08:00",
          to: "2027-01-09T23:59:59+08:00",
        },
        {
          period: "2026-12",
          ruleId: "R-RECON-5",
          from: "2027-01-07T09:00:00+08:00",
          to: "2027-01-08T09:00:00+08:00",
        },
        {
          period: "2026-11",
          ruleId: "R-RECON-3",
          from: "2027-01-20T23:59:59+08:00",
          to: "2027-01-19T23:59:59+08:00",
        },
        {
          period: "2026-12",
          ruleId: "R-PAY-1",
          from: "2027-01-15T23:59:59+08:00",
          to: "2027-01-18T23:59:59+08:00",
        },
        {
          period: "2026-11",
          ruleId: "R-INV-1",
          from: "2027-01-19T23:59:59+08:00",
          to: "2027-01-18T23:59:59+08:00",
        },
      ],
    });
    expect(email.subject).toContain("2027年节假日安排公布，6项期限相应调整");
    expect(email.text).toContain(
      "2026年11月20日，国务院办公厅发布《国务院办公厅关于2027年部分节假日安排的通知》",
    );
    for (const line of [
      "2026年12月 账单发送期限（合同第四条4.5、4.6、4.8款）：2027年1月15日 23:59（北京时间） → 2027年1月18日 23:59（北京时间）",
      "2026年12月 对账确认期限（合同第四条4.6款）：2027年1月8日 23:59（北京时间） → 2027年1月9日 23:59（北京时间）",
      "2026年12月 对账提醒发送时间（系统提醒，非合同期限）：2027年1月7日 09:00（北京时间） → 2027年1月8日 09:00（北京时间）",
      "2026年11月 重新对账期限（合同第四条4.6款）：2027年1月20日 23:59（北京时间） → 2027年1月19日 23:59（北京时间）",
      "2026年12月 付款期限（合同第四条4.8款）：2027年1月15日 23:59（北京时间） → 2027年1月18日 23:59（北京时间）",
      "2026年11月 增值税发票开具期限（合同第四条4.8款）：2027年1月19日 23:59（北京时间） → 2027年1月18日 23:59（北京时间）",
    ]) {
      expect(email.text).toContain(line);
    }
    expect(email.text).not.toMatch(/R-[A-Z]+-\d/);
    expect(email.html).not.toMatch(/R-[A-Z]+-\d/);
  });

  it("refuses a deadline it has no words for rather than showing a rule ID", () => {
    expect(() =>
      renderDeadlinesMovedEmail({
        contract: sampleContract(),
        year: 2027,
        noticeTitle: "国务院办公厅关于2027年部分节假日安排的通知",
        noticeDate: null,
        moves: [
          {
            period: "2026-12",
            ruleId: "R-BANK-1",
            from: "2027-01-15T23:59:59+08:00",
            to: "2027-01-18T23:59:59+08:00",
          },
        ],
      }),
    ).toThrow(/no wording for the deadline of R-BANK-1/);
  });

  it("warns Party B's contact with the three commands", () => {
    const email = renderCalendarProvisionalEmail({
      contract: sampleContract(),
      year: 2027,
      checkedOn: "2026-11-15",
    });
    expect(email.subject).toContain("2027年工作日仍为暂定");
    expect(email.text).toContain("截至2026年11月15日");
    expect(email.text).toContain("npm run ops -- calendar import --notice <通知文件.txt>");
    expect(email.text).toContain("npm run ops -- calendar apply --year 2027 --dry-run");
    expect(email.text).toContain("npm run ops -- calendar apply --year 2027（");
  });
});
