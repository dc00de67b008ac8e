import { describe, expect, it } from "vitest";
import { EmailInputError, renderStatementEmail } from "../../functions/core/emails";
import { sampleStatement } from "../../functions/core/emails/samples";

const TAG = /<\/?[a-zA-Z][^>]*>/;

describe("renderStatementEmail", () => {
  it("R-BILL-1: the subject names the period, the contract, the total and the reply deadline", () => {
    const { subject } = renderStatementEmail(sampleStatement());
    expect(subject).toBe(
      "2025年9月账单｜合同 11NA0700211920254001｜结算总金额 4,218.36 元，请于 2025年10月15日前回复对账",
    );
  });

  it("R-BILL-1: lists every line with quantity, unit, unit price and amount, then the total", () => {
    const { text, html } = renderStatementEmail(sampleStatement());
    expect(text).toContain("网络带宽服务费（200M）：1 月 × 4,000.00 元 = 4,000.00 元");
    expect(text).toContain("语音通话费（主叫）：2,732 分钟 × 0.06 元 = 163.92 元");
    expect(text).toContain("短信：1,361 条 × 0.04 元 = 54.44 元");
    expect(text).toContain("结算总金额：4,218.36 元");
    expect(html).toMatch(
      />语音通话费（主叫）<\/td><td[^>]*>2,732<\/td><td[^>]*>分钟<\/td><td[^>]*>0.06<\/td><td[^>]*>163.92</,
    );
    expect(html).toMatch(/font-weight:bold;">结算总金额<\/td>(<td[^>]*><\/td>){3}<td[^>]*>4,218.36<\/td>/);
  });

  it("R-PERIOD-1: states the calendar month the statement covers", () => {
    const { text } = renderStatementEmail(sampleStatement());
    expect(text).toContain("2025年9月（2025年9月1日至2025年9月30日）");
  });

  it("shows the usage summary", () => {
    const { text } = renderStatementEmail(sampleStatement());
    expect(text).toContain("主叫通话：1,204 次，计费 2,732 分钟");
    expect(text).toContain("被叫通话：3,310 次（免费）");
  });

  it("R-RECON-1 / R-PAY-1: shows both deadlines with their rule, basis and Beijing time", () => {
    const { text } = renderStatementEmail(sampleStatement());
    expect(text).toContain(
      "账单发出（即收到）时间：2025年10月9日 09:00（北京时间）（合同第四条4.5、4.6、4.8款）",
    );
    expect(text).toContain(
      "对账截止（合同第四条4.6款）：收到账单后 5 个工作日内，即 2025年10月15日 23:59（北京时间）",
    );
    expect(text).toContain(
      "付款截止（合同第四条4.8款）：收到账单后 10 个工作日内，即 2025年10月22日 23:59（北京时间）",
    );
    expect(text).not.toContain("暂定");
  });

  it("R-WD-3: marks provisional deadlines and explains why", () => {
    const input = sampleStatement();
    input.paymentDeadline = { ...input.paymentDeadline, provisional: true };
    const { text, html } = renderStatementEmail(input);
    expect(text).toContain("2025年10月22日 23:59（北京时间），暂定（国务院放假安排尚未公布）");
    expect(text).toContain("系统将按正式安排重新计算，如有变化另行通知。");
    expect(text).not.toContain("2025年10月15日 23:59（北京时间），暂定");
    expect(html).toContain("暂定（国务院放假安排尚未公布）");
  });

  it("explains how to reply: 确认, or 有异议 with an amount example, R-RECON-2..5", () => {
    const { text } = renderStatementEmail(sampleStatement());
    expect(text).toContain("写「确认」即可");
    expect(text).toContain("「有异议，金额应为 X 元」");
    expect(text).toContain("「4218.36」或「4,218.36」");
    expect(text).toContain("不超过 5%（含 5%）的，按账单金额结算（合同第四条4.6款）");
    expect(text).toContain("在 10 个工作日内重新对账（合同第四条4.6款）");
    expect(text).toContain("仍按账单金额付款，确定的差额在下一结算周期的账单中调整（合同第四条4.7款）");
    expect(text).toContain("视为确认本账单");
    expect(text).toContain("不要更改收件地址");
  });

  it("R-RECON-4: in the last period the difference is settled both ways instead of carried", () => {
    const { text } = renderStatementEmail({ ...sampleStatement(), isFinalPeriod: true });
    expect(text).toContain("多退少补");
    expect(text).not.toContain("下一结算周期");
  });

  it("R-BANK-1: the payment block shows Party B's account in force, in full", () => {
    const { text, html } = renderStatementEmail(sampleStatement());
    expect(text).toContain("户名：中国移动通信集团吉林有限公司");
    expect(text).toContain("开户行：招商银行股份有限公司南湖大路支行");
    expect(text).toContain("账号：431901341210999");
    expect(html).toContain("<strong>431901341210999</strong>");
    expect(text).toContain("以上为 2025年7月15日 起生效的乙方收款账户（合同第四条4.9款）");
    expect(text).toContain("应付金额：4,218.36 元");
  });

  it("R-BANK-1: the full account number appears only in the payment block", () => {
    const { text } = renderStatementEmail(sampleStatement());
    expect(text.split("431901341210999")).toHaveLength(2);
    expect(text.indexOf("431901341210999")).toBeGreaterThan(text.indexOf("【付款信息】"));
  });

  it("R-BANK-1: a new account in force is the one shown, with its bank code", () => {
    const input = sampleStatement();
    input.paymentAccount = {
      accountName: "中国移动通信集团吉林有限公司",
      bank: "中国建设银行长春分行",
      bankCode: "105241000011",
      accountNumber: "22050100000000001234",
      effectiveFrom: "2026-03-11",
    };
    const { text } = renderStatementEmail(input);
    expect(text).toContain("账号：22050100000000001234");
    expect(text).toContain("银行行号：105241000011");
    expect(text).toContain("2026年3月11日 起生效");
    expect(text).not.toContain("431901341210999");
  });

  it("R-NOTICE-1: warns that an emailed account change is not a written notice", () => {
    const { text } = renderStatementEmail(sampleStatement());
    expect(text).toContain("电子邮件不能代替合同第九条9.1、9.2款约定的书面通知");
  });

  it("R-RECON-4: shows an adjustment line with the period it settles", () => {
    const input = sampleStatement();
    input.lines.push({
      kind: "adjustment",
      description: "对账差异调整",
      quantity: null,
      unit: null,
      unitPrice: null,
      amount: "-120.00",
      sourcePeriod: "2025-08",
    });
    input.totalAmount = "4098.36";
    const { text, html } = renderStatementEmail(input);
    // The source period is named once (the label used to double it: "对账差异调整（2025年8月对账差异调整…）").
    expect(text).toContain("2025年8月对账差异调整：-120.00 元");
    expect(text.match(/对账差异调整/g)).toHaveLength(1);
    expect(text).toContain("结算总金额：4,098.36 元");
    expect(html).toMatch(
      /2025年8月对账差异调整<\/td><td[^>]*>—<\/td><td[^>]*>—<\/td><td[^>]*>—<\/td><td[^>]*>-120.00</,
    );
  });

  it("R-TRIAL-1: shows trial usage at zero and says Party B bears it", () => {
    const input = sampleStatement();
    input.period = "2025-07";
    input.lines = [
      {
        kind: "trial",
        description: "语音通话费（主叫）",
        quantity: "310",
        unit: "分钟",
        unitPrice: "0.06",
        amount: "0.00",
      },
      { kind: "trial", description: "短信", quantity: "95", unit: "条", unitPrice: "0.04", amount: "0.00" },
    ];
    input.totalAmount = "0.00";
    const { text } = renderStatementEmail(input);
    expect(text).toContain("语音通话费（主叫）（试用期，费用由乙方承担）：310 分钟 × 0.06 元 = 0.00 元");
    expect(text).toContain("按 0 元计，费用由乙方承担（合同第四条4.1款注（2）、第四条4.2款）");
    expect(text).toContain("本期无需付款");
    expect(text).not.toContain("431901341210999");
  });

  it("R-TRIAL-1: refuses a trial line with a non-zero amount", () => {
    const input = sampleStatement();
    input.lines.push({
      kind: "trial",
      description: "短信",
      quantity: "1",
      unit: "条",
      unitPrice: "0.04",
      amount: "0.04",
    });
    input.totalAmount = "4218.40";
    expect(() => renderStatementEmail(input)).toThrow(
      /must be rated at zero \(合同第四条4\.1款注（2）、第四条4\.2款\)/,
    );
  });

  it("R-MONEY-1: refuses a total that is not the sum of the lines", () => {
    expect(() => renderStatementEmail({ ...sampleStatement(), totalAmount: "4218.35" })).toThrow(
      EmailInputError,
    );
  });

  it("R-RECON-4: refuses an adjustment line without its source period", () => {
    const input = sampleStatement();
    input.lines.push({
      kind: "adjustment",
      description: "调整",
      quantity: null,
      unit: null,
      unitPrice: null,
      amount: "0.00",
    });
    expect(() => renderStatementEmail(input)).toThrow(/source period/);
  });

  it("reports rejected usage records by count only", () => {
    const { text } = renderStatementEmail({ ...sampleStatement(), rejectedRecordCount: 3 });
    expect(text).toContain("另有 3 条用量记录未通过数据校验，未计入本账单");
    expect(renderStatementEmail(sampleStatement()).text).not.toContain("未通过数据校验");
  });

  it("R-END-1: usage after the contract's last day is excluded, with how many, why and the clause in words", () => {
    const { text } = renderStatementEmail({
      ...sampleStatement(),
      outsideContract: { firstDay: "2025-07-15", lastDay: "2026-07-14", beforeFirstDay: 0, afterLastDay: 3 },
    });
    expect(text).toContain(
      "另有 3 条用量记录发生在合同期限最后一日（2026年7月14日）之后，不属本合同的服务期，未计入本账单（合同第十条10.1款）。",
    );
    expect(text).not.toContain("R-END-1");
    expect(text).not.toContain("未通过数据校验");
  });

  it("R-TERM-1: usage before the contract took effect is excluded the same way", () => {
    const { text } = renderStatementEmail({
      ...sampleStatement(),
      outsideContract: { firstDay: "2025-07-15", lastDay: null, beforeFirstDay: 2, afterLastDay: 0 },
    });
    expect(text).toContain(
      "另有 2 条用量记录发生在合同生效日（2025年7月15日）之前，不属本合同的服务期，未计入本账单（合同第十条10.1款）。",
    );
    expect(text).not.toContain("之后，不属本合同");
  });

  it("R-END-1: refuses a count of excluded records that is not a whole number", () => {
    expect(() =>
      renderStatementEmail({
        ...sampleStatement(),
        outsideContract: {
          firstDay: "2025-07-15",
          lastDay: "2026-07-14",
          beforeFirstDay: 0,
          afterLastDay: -1,
        },
      }),
    ).toThrow(EmailInputError);
  });

  it("escapes names and descriptions in the HTML part", () => {
    const input = sampleStatement();
    input.contract.partyAContactName = "<script>alert(1)</script>";
    input.lines = input.lines.map((line, index) =>
      index === 0 ? { ...line, description: `<img src=x onerror="steal()">` } : line,
    );
    const { html, text } = renderStatementEmail(input);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;，您好：");
    expect(html).toContain("&lt;img src=x onerror=&quot;steal()&quot;&gt;");
    expect(text).toContain("<script>alert(1)</script>，您好：");
  });

  it("has a text part without HTML tags", () => {
    expect(renderStatementEmail(sampleStatement()).text).not.toMatch(TAG);
  });
});
