import { describe, expect, it } from "vitest";
import {
  renderBreachRecordedEmail,
  renderBudgetWarningEmail,
  renderInvoiceIssuedEmail,
  renderOverdueNoticeEmail,
} from "../../functions/core/emails";
import {
  sampleBreachRecorded,
  sampleBudgetWarning,
  sampleInvoiceIssued,
  sampleOverdueNotice,
} from "../../functions/core/emails/samples";

const TAG = /<\/?[a-zA-Z][^>]*>/;

describe("renderOverdueNoticeEmail", () => {
  it("R-PAY-2: tells Party A's contact the amount, the missed due date and the breach record", () => {
    const { subject, text } = renderOverdueNoticeEmail(sampleOverdueNotice());
    expect(subject).toBe("逾期付款提醒：2025年9月账单 4,218.36 元｜合同 11NA0700211920254001");
    expect(text).toContain("麻丽丽，您好：");
    expect(text).toContain("应付金额：4,218.36 元");
    expect(text).toContain("付款截止（合同第四条4.8款）：2025年10月22日 23:59（北京时间）");
    expect(text).toContain("截至 2025年10月23日 00:00（北京时间），乙方尚未登记到该期付款 4,218.36 元");
    expect(text).toContain("已按合同第五条5.1款记入违约登记");
    expect(text).toContain("不是合同第九条9.1、9.2款约定的书面通知");
    expect(text).not.toMatch(TAG);
  });

  it("R-BANK-1: shows the account masked and points to the statement for the full number", () => {
    const { text, html } = renderOverdueNoticeEmail(sampleOverdueNotice());
    expect(text).toContain("账号 ***********0999（完整账号见2025年9月账单）");
    expect(text).not.toContain("431901341210999");
    expect(html).not.toContain("431901341210999");
  });

  it("escapes the account name", () => {
    const input = sampleOverdueNotice();
    input.paymentAccount.accountName = "<i>x</i>";
    expect(renderOverdueNoticeEmail(input).html).toContain("&lt;i&gt;x&lt;/i&gt;");
  });
});

describe("renderBreachRecordedEmail", () => {
  it("R-BREACH-1: says what, whose, when, and that the cure period waits for a written notice", () => {
    const { subject, text } = renderBreachRecordedEmail(sampleBreachRecorded());
    expect(subject).toBe(
      "违约登记：甲方（吉林省社会医疗保险管理局）（合同第四条4.8款）｜合同 11NA0700211920254001",
    );
    expect(text).toContain("王逸群，您好：");
    expect(text).toContain("事项：2025年9月账单付款逾期（应付 4,218.36 元，付款截止 2025年10月22日）");
    expect(text).toContain("违约方：甲方（吉林省社会医疗保险管理局）");
    expect(text).toContain("依据：合同第四条4.8款");
    expect(text).toContain("登记时间：2025年10月23日 00:00（北京时间）");
    expect(text).toContain("纠正期限：尚未登记书面违约通知。书面通知送达后 10 日内");
    expect(text).toContain("本邮件不是合同第九条9.1、9.2款约定的书面通知");
    expect(text).not.toMatch(TAG);
  });

  it("R-BREACH-1: with a written notice delivered, shows the cure deadline", () => {
    const input = sampleBreachRecorded();
    input.breach.writtenNotice = { deliveredOn: "2025-10-28", cureDeadline: "2025-11-07" };
    expect(renderBreachRecordedEmail(input).text).toContain(
      "纠正期限：书面违约通知已于 2025年10月28日 送达，纠正或书面提出异议的期限至 2025年11月7日",
    );
  });

  it("names Party B when Party B is in breach (a late statement, R-BILL-1)", () => {
    const input = sampleBreachRecorded();
    input.breach = {
      ...input.breach,
      ruleId: "R-BILL-1",
      breachingParty: "partyB",
      description: "2025年9月账单逾期发送",
    };
    expect(renderBreachRecordedEmail(input).text).toContain("违约方：乙方（中国移动通信集团吉林有限公司）");
  });

  it("escapes the description", () => {
    const input = sampleBreachRecorded();
    input.breach.description = "<script>x</script>";
    const { html } = renderBreachRecordedEmail(input);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;x&lt;/script&gt;");
  });
});

describe("renderInvoiceIssuedEmail", () => {
  it("R-INV-1: the VAT ordinary invoice number, amount, date and deadline", () => {
    const { subject, text } = renderInvoiceIssuedEmail(sampleInvoiceIssued());
    expect(subject).toBe(
      "2025年9月账单增值税普通发票已开具（发票号码 25222000000012345678）｜合同 11NA0700211920254001",
    );
    expect(text).toContain("发票种类：增值税普通发票");
    expect(text).toContain("发票号码：25222000000012345678");
    expect(text).toContain("发票金额：4,218.36 元");
    expect(text).toContain("开票日期：2025年10月24日");
    expect(text).toContain("收到付款：2025年10月20日，4,218.36 元");
    expect(text).toContain(
      "开票期限（合同第四条4.8款）：收到付款后 10 个工作日内，即 2025年11月3日 23:59（北京时间）",
    );
    expect(text).toContain("发票在合同约定的期限内开具");
    expect(text).not.toContain("发票代码");
    expect(text).not.toMatch(TAG);
  });

  it("R-INV-1: issued on the deadline day is on time; the day after is late", () => {
    expect(renderInvoiceIssuedEmail({ ...sampleInvoiceIssued(), issuedOn: "2025-11-03" }).text).toContain(
      "期限内开具",
    );
    const late = renderInvoiceIssuedEmail({ ...sampleInvoiceIssued(), issuedOn: "2025-11-04" }).text;
    expect(late).toContain(
      "发票晚于合同约定的期限（2025年11月3日）开具，已记入违约登记（合同第五条5.1款、第八条8.3款）",
    );
  });

  it("shows the invoice code when the invoice has one", () => {
    expect(
      renderInvoiceIssuedEmail({ ...sampleInvoiceIssued(), invoiceCode: "022002500111" }).text,
    ).toContain("发票代码：022002500111");
  });

  it("refuses an empty invoice number", () => {
    expect(() => renderInvoiceIssuedEmail({ ...sampleInvoiceIssued(), invoiceNumber: " " })).toThrow(
      /invoice number is empty \(合同第四条4\.8款\)/,
    );
  });
});

describe("renderBudgetWarningEmail", () => {
  it("R-BUDGET-1: 80 % of 98,000.00 with the running total, and billing goes on", () => {
    const { subject, text } = renderBudgetWarningEmail(sampleBudgetWarning());
    expect(subject).toBe("合同金额使用已达 80%：累计 79,740.12 元 / 98,000.00 元｜合同 11NA0700211920254001");
    expect(text).toContain("麻丽丽、王逸群，您好：");
    expect(text).toContain(
      "计入2026年5月账单后，本合同累计结算金额已达到合同总金额的 80%（合同“一、服务项目、价格”部分、“二、付款方式”部分）",
    );
    expect(text).toContain("合同总金额（财政性资金）：98,000.00 元");
    expect(text).toContain("已使用比例：81.37%");
    expect(text).toContain("剩余金额：18,259.88 元");
    expect(text).toContain("本提醒不影响计费和账单发送");
    expect(text).not.toMatch(TAG);
  });

  it("R-BUDGET-1: at 100 % and beyond, the excess is shown as such", () => {
    const { subject, text } = renderBudgetWarningEmail({
      ...sampleBudgetWarning(),
      thresholdPercent: "100",
      billedTotalAmount: "98412.50",
      usedPercent: "100.42",
      period: "2026-07",
      remainingAmount: "-412.50",
    });
    expect(subject).toContain("合同金额使用已达 100%");
    expect(text).toContain("剩余金额：已超出 412.50 元");
    expect(text).toContain("超出合同总金额后仍照常计费");
  });

  it("reads without a period when the caller does not know which statement crossed the threshold", () => {
    const { text } = renderBudgetWarningEmail({ ...sampleBudgetWarning(), period: null });
    expect(text).toContain(
      "\n\n本合同累计结算金额已达到合同总金额的 80%（合同“一、服务项目、价格”部分、“二、付款方式”部分）",
    );
  });
});
