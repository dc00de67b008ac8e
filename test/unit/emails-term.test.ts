import { describe, expect, it } from "vitest";
import {
  renderEndOfContractEmail,
  renderRenewalConfirmationEmail,
  renderRenewalReminderEmail,
} from "../../functions/core/emails";
import {
  sampleEndOfContract,
  samplePartyBAccount,
  sampleRenewalConfirmation,
  sampleRenewalReminder,
} from "../../functions/core/emails/samples";

const TAG = /<\/?[a-zA-Z][^>]*>/;

describe("renderRenewalReminderEmail", () => {
  it("R-TERM-3/R-TERM-4: the term's last day and the day a non-renewal notice must be delivered by", () => {
    const { subject, text } = renderRenewalReminderEmail(sampleRenewalReminder());
    expect(subject).toBe(
      "续约提醒：合同 11NA0700211920254001 将于 2026年7月14日期满，如不续约须于 2026年6月14日前送达书面通知",
    );
    expect(text).toContain("麻丽丽、王逸群，您好：");
    expect(text).toContain("当前有效期为 2025年7月15日至2026年7月14日");
    expect(text).toContain("新一期有效期为 2026年7月15日至2027年7月14日（合同第十条10.1款）");
    expect(text).toContain(
      "须于期满前 30 日以书面形式通知对方，即书面通知最迟须于 2026年6月14日 视为送达（合同第十条10.1款）",
    );
    expect(text).not.toMatch(TAG);
  });

  it("R-NOTICE-3: the latest dispatch date for every method and destination", () => {
    const { text, html } = renderRenewalReminderEmail(sampleRenewalReminder());
    expect(text).toContain("专人递送：接收人签收之日视为送达，最迟 2026年6月14日发出");
    expect(text).toContain("传真：发送确认单所示时间视为送达，最迟 2026年6月14日发出");
    expect(text).toContain("特快专递（本市）：发出后第 3 日视为送达，最迟 2026年6月11日发出");
    expect(text).toContain("特快专递（国内其他地区）：发出后第 5 日视为送达，最迟 2026年6月9日发出");
    expect(text).toContain("挂号信（港、澳、台地区）：发出后第 20 日视为送达，最迟 2026年5月25日发出");
    expect(text).toContain("挂号信（境外）：发出后第 30 日视为送达，最迟 2026年5月15日发出");
    expect(html).toMatch(/>挂号信（本市）<\/td><td[^>]*>发出后第 7 日<\/td><td[^>]*>2026年6月7日<\/td>/);
    expect(html.match(/<tr><td style="[^"]*">(专人递送|传真|特快专递|挂号信)/g)).toHaveLength(10);
  });

  it("R-NOTICE-1: the email is not the notice; the notice goes to the 9.4 addresses", () => {
    const { text } = renderRenewalReminderEmail(sampleRenewalReminder());
    expect(text).toContain("电子邮件不是合同第九条9.1、9.2款约定的书面通知");
    expect(text).toContain(
      "【致甲方的书面通知发往（合同第九条9.4款）】\n\n名称：吉林省社会医疗保险管理局\n地址：长春市二道区第一国际中心A座",
    );
    expect(text).toContain("地址：长春市解放大路2899号\n邮政编码：130000\n联系人（收件人）：王逸群");
    expect(text).toContain("传真：无");
  });

  it("escapes addresses", () => {
    const input = sampleRenewalReminder();
    input.noticeAddresses.partyA.address = "<u>地址</u>";
    const { html } = renderRenewalReminderEmail(input);
    expect(html).toContain("&lt;u&gt;地址&lt;/u&gt;");
    expect(html).not.toContain("<u>");
  });
});

describe("renderRenewalConfirmationEmail", () => {
  it("R-TERM-2: the next term's first and last day", () => {
    const { subject, text } = renderRenewalConfirmationEmail(sampleRenewalConfirmation());
    expect(subject).toBe("合同 11NA0700211920254001 已自动续约至 2027年7月14日");
    expect(text).toContain("上一期有效期已于 2026年7月14日届满");
    expect(text).toContain("自动顺延（合同第十条10.1款）");
    expect(text).toContain("新一期起始日：2026年7月15日");
    expect(text).toContain("新一期届满日：2027年7月14日");
    expect(text).toContain("不续约通知最迟送达日：2027年6月14日（合同第十条10.1款）");
    expect(text).not.toMatch(TAG);
  });
});

describe("renderEndOfContractEmail", () => {
  it("R-END-1: who pays whom how much, to a masked account, and the SMS access code taken back", () => {
    const { subject, text, html } = renderEndOfContractEmail(sampleEndOfContract());
    expect(subject).toBe("合同 11NA0700211920254001 于 2027年7月14日终止：最终结算及号码收回");
    expect(text).toContain(
      "一方已按约定发出不续约的书面通知（合同第十条10.1款），合同期满终止，最后一日为 2027年7月14日",
    );
    expect(text).toContain("最后一个结算周期（2027年7月）的对账差异按合同第四条4.7款多退少补");
    expect(text).toContain("付款方：乙方（中国移动通信集团吉林有限公司）");
    expect(text).toContain("收款方：甲方（吉林省社会医疗保险管理局）");
    expect(text).toContain("金额：86.40 元");
    expect(text).toContain("账号 ***************0919");
    expect(text).not.toContain("4200221229000110919");
    expect(html).not.toContain("4200221229000110919");
    expect(text).toContain("收回分配给甲方的短信接入号 10650823580002（合同第三条3.21款）");
    expect(text).not.toMatch(TAG);
  });

  it("R-END-1: Party A paying Party B is shown the other way round", () => {
    const input = sampleEndOfContract();
    input.finalTrueUp = {
      status: "due",
      period: "2027-07",
      payer: "partyA",
      amount: "1200.00",
      payeeAccount: samplePartyBAccount(),
    };
    const { text } = renderEndOfContractEmail(input);
    expect(text).toContain("付款方：甲方（吉林省社会医疗保险管理局）");
    expect(text).toContain("收款方：乙方（中国移动通信集团吉林有限公司）");
    expect(text).toContain("金额：1,200.00 元");
    expect(text).toContain("账号 ***********0999");
    expect(text).not.toContain("431901341210999");
  });

  it("R-END-1: a pending or empty true-up says so", () => {
    const pending = renderEndOfContractEmail({
      ...sampleEndOfContract(),
      finalTrueUp: { status: "pending", period: "2027-07" },
    }).text;
    expect(pending).toContain("最后一个结算周期（2027年7月）的重新对账尚未完成");
    const none = renderEndOfContractEmail({
      ...sampleEndOfContract(),
      reason: "early-termination",
      finalTrueUp: { status: "none", period: "2027-07" },
    }).text;
    expect(none).toContain("无对账差异，无需多退少补");
    expect(none).toContain("合同提前终止");
  });
});
