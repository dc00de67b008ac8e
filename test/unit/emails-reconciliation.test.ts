import { describe, expect, it } from "vitest";
import {
  type ReplyOutcomeView,
  renderNeedsPersonEmail,
  renderReconciliationReminderEmail,
  renderReplyAcknowledgementEmail,
  renderReReconciliationOpenedEmail,
  renderReReconciliationUnresolvedEmail,
  renderUntrustedReplyEmail,
} from "../../functions/core/emails";
import {
  sampleNeedsPerson,
  samplePaymentDeadline,
  sampleReconciliationReminder,
  sampleReplyAcknowledgement,
  sampleReReconciliation,
  sampleReReconciliationUnresolved,
  sampleUntrustedReply,
} from "../../functions/core/emails/samples";

const TAG = /<\/?[a-zA-Z][^>]*>/;

describe("renderReconciliationReminderEmail", () => {
  it("R-RECON-5: names the deadline and says no reply means the statement is accepted", () => {
    const { subject, text } = renderReconciliationReminderEmail(sampleReconciliationReminder());
    expect(subject).toBe("提醒：2025年9月账单对账将于 2025年10月15日截止｜合同 11NA0700211920254001");
    expect(text).toContain("麻丽丽，您好：");
    expect(text).toContain("2025年10月9日 09:00（北京时间） 发出的2025年9月账单（结算总金额 4,218.36 元）");
    expect(text).toContain("对账截止（合同第四条4.6款）：2025年10月15日 23:59（北京时间）");
    expect(text).toContain("逾期未回复：视为确认本账单");
    expect(text).toContain("「确认」");
    expect(text).toContain("「有异议，金额应为 X 元」");
    expect(text).not.toMatch(TAG);
  });

  it("R-WD-3: a provisional deadline is marked", () => {
    const input = sampleReconciliationReminder();
    input.reconciliationDeadline.provisional = true;
    expect(renderReconciliationReminderEmail(input).text).toContain("暂定（国务院放假安排尚未公布）");
  });

  it("escapes the contact's name", () => {
    const input = sampleReconciliationReminder();
    input.contract.partyAContactName = "<b>麻</b>";
    const { html } = renderReconciliationReminderEmail(input);
    expect(html).toContain("&lt;b&gt;麻&lt;/b&gt;，您好：");
    expect(html).not.toContain("<b>");
  });
});

describe("renderReplyAcknowledgementEmail", () => {
  const ack = (outcome: ReplyOutcomeView) =>
    renderReplyAcknowledgementEmail({ ...sampleReplyAcknowledgement(), outcome });
  const difference = {
    claimedAmount: "4100.00",
    differenceAmount: "-118.36",
    differencePercent: "2.81",
    tolerancePercent: "5",
  };

  it("R-RECON-1: a confirmation is read back with the amount", () => {
    const { subject, text } = ack({ kind: "confirmed" });
    expect(subject).toBe("已收到您对2025年9月账单的回复：已确认｜合同 11NA0700211920254001");
    expect(text).toContain("2025年10月13日 10:24（北京时间） 收到");
    expect(text).toContain("我们理解您的回复为：确认本期账单结算总金额 4,218.36 元。");
    expect(text).toContain("本期对账已完成，按 4,218.36 元 结算");
  });

  it("R-RECON-2: a figure within the tolerance leaves the statement total standing", () => {
    const { text } = ack({ kind: "within-tolerance", ...difference });
    expect(text).toContain("我们理解您的回复为：对本期账单有异议，贵方核对的结算总金额为 4,100.00 元。");
    expect(text).toContain("差额：贵方金额低于账单 118.36 元，占账单金额 2.81%（容差 5%）");
    expect(text).toContain("以账单金额 4,218.36 元 作为结算依据（合同第四条4.6款）");
  });

  it("R-RECON-3/4: beyond the tolerance, re-reconciliation and payment on the statement amount", () => {
    const { text } = ack({
      kind: "re-reconcile",
      claimedAmount: "3950.00",
      differenceAmount: "-268.36",
      differencePercent: "6.36",
      tolerancePercent: "5",
      reReconciliationDeadline: sampleReReconciliation().reReconciliationDeadline,
      paymentDeadline: samplePaymentDeadline(),
      isFinalPeriod: false,
    });
    expect(text).toContain("贵方核对的结算总金额为 3,950.00 元");
    expect(text).toContain("差额：贵方金额低于账单 268.36 元，占账单金额 6.36%（容差 5%）");
    expect(text).toContain("重新对账截止（合同第四条4.6款）：2025年10月27日 23:59（北京时间）");
    expect(text).toContain("付款金额（合同第四条4.7款）：4,218.36 元");
    expect(text).toContain("付款截止（合同第四条4.8款）：2025年10月22日 23:59（北京时间）");
    expect(text).toContain("在下一结算周期的账单中调整（合同第四条4.7款）");
  });

  it("R-RECON-4: in the last period the re-reconciled difference is settled both ways", () => {
    const { text } = ack({
      kind: "re-reconcile",
      claimedAmount: "4500.00",
      differenceAmount: "281.64",
      differencePercent: "6.68",
      tolerancePercent: "5",
      reReconciliationDeadline: sampleReReconciliation().reReconciliationDeadline,
      paymentDeadline: samplePaymentDeadline(),
      isFinalPeriod: true,
    });
    expect(text).toContain("贵方金额高于账单 281.64 元");
    expect(text).toContain("多退少补（合同第四条4.7款）");
  });

  it("a reply that cannot be read goes to a person, and no amount is guessed", () => {
    const { subject, text } = ack({ kind: "needs-person" });
    expect(subject).toContain("需人工核对");
    expect(text).not.toContain("我们理解您的回复为");
    expect(text).toContain("系统不会自行推断金额");
    expect(text).toContain("乙方联系人王逸群将人工核对您的回复并与您联系");
  });

  it("an already recorded reconciliation is not changed by a second reply", () => {
    const { text } = ack({
      kind: "already-recorded",
      recorded: { kind: "dispute", claimedAmount: "4100.00" },
      recordedAt: "2025-10-10T16:02:00+08:00",
    });
    expect(text).toContain(
      "本期对账已于 2025年10月10日 16:02（北京时间） 登记，登记的回复为：对本期账单有异议，贵方核对的结算总金额为 4,100.00 元。",
    );
    expect(text).toContain("本次回复不会改变已登记的对账结果");
  });

  it("R-RECON-5: a late reply is recorded but does not reopen the deemed acceptance", () => {
    const { subject, text } = ack({
      kind: "late",
      reading: { kind: "confirm" },
      reconciliationDueAt: "2025-10-15T23:59:59+08:00",
    });
    expect(subject).toContain("回复晚于截止时间");
    expect(text).toContain("我们理解您的回复为：确认本期账单结算总金额 4,218.36 元。");
    expect(text).toContain("晚于对账截止时间 2025年10月15日 23:59（北京时间）");
    expect(text).toContain("已视为确认");
    expect(text).toContain("不会因此重新开启本期对账");
  });

  it("has a text part without HTML tags in every variant", () => {
    for (const outcome of [{ kind: "confirmed" }, { kind: "needs-person" }] as const) {
      expect(ack(outcome).text).not.toMatch(TAG);
    }
  });
});

describe("renderNeedsPersonEmail", () => {
  it("gives Party B's contact the reason and the reply's new text", () => {
    const { subject, text } = renderNeedsPersonEmail(sampleNeedsPerson());
    expect(subject).toBe(
      "需人工处理：吉林省社会医疗保险管理局对2025年9月账单的回复｜合同 11NA0700211920254001",
    );
    expect(text).toContain("王逸群，您好：");
    expect(text).toContain("原因：回复中有多个可能的金额，无法确定哪个是甲方核对金额");
    expect(text).toContain("发件人：mali@partya.example");
    expect(text).toContain("> 短信条数和我们后台不一致，应该是4100或者4150左右，麻烦再核一下。");
    expect(text).not.toMatch(TAG);
  });

  it("names the command that records the person's decision, for this contract and period", () => {
    const { text } = renderNeedsPersonEmail(sampleNeedsPerson());
    expect(text).toContain(
      'npm run ops -- record-reconciliation --contract 11NA0700211920254001 --period 2025-09 --decision confirmed|disputed [--amount 甲方金额] --source "核实经过"',
    );
  });

  it("adds the reader's detail to the reason", () => {
    const input = sampleNeedsPerson();
    input.reason = { code: "other", detail: "回复为图片附件" };
    expect(renderNeedsPersonEmail(input).text).toContain("原因：回复无法自动判断：回复为图片附件");
  });

  it("escapes the reply text, which is whatever the sender wrote", () => {
    const input = sampleNeedsPerson();
    input.replyText = `<a href="http://evil.example">确认</a>\n<script>x()</script>`;
    const { html } = renderNeedsPersonEmail(input);
    expect(html).not.toContain("<a ");
    expect(html).not.toContain("<script>");
    expect(html).toContain(
      "&lt;a href=&quot;http://evil.example&quot;&gt;确认&lt;/a&gt;<br>&lt;script&gt;x()&lt;/script&gt;",
    );
  });

  it("cuts a very long reply and says how much was left out", () => {
    const input = sampleNeedsPerson();
    input.replyText = "字".repeat(4010);
    const { text } = renderNeedsPersonEmail(input);
    expect(text).toContain("以下省略 10 字");
    expect(text).not.toContain("字".repeat(4001));
  });
});

describe("renderUntrustedReplyEmail", () => {
  it("spoofed sender: names the expected and the actual sender, forwards no content", () => {
    const { subject, text } = renderUntrustedReplyEmail(sampleUntrustedReply());
    expect(subject).toBe("未处理的来信（发件人不符）｜合同 11NA0700211920254001 2025年9月账单");
    expect(text).toContain("原因：发件人不是合同约定的联系人（应为 mali@partya.example）");
    expect(text).toContain("发件人：billing@partya-example.net");
    expect(text).toContain("其内容不在此转发");
    expect(text).toContain("Message-ID：<20251013102400.1234@partya-example.net>");
  });

  it("failed verdicts: lists each failed check", () => {
    const input = sampleUntrustedReply();
    input.reason = {
      code: "failed-verdicts",
      verdicts: [
        { name: "DKIM", status: "FAIL" },
        { name: "virus", status: "FAIL" },
      ],
    };
    expect(renderUntrustedReplyEmail(input).text).toContain(
      "原因：邮件安全检查未通过：DKIM FAIL，virus FAIL",
    );
  });

  it("unknown key: no contract is known, the email still renders", () => {
    const input = sampleUntrustedReply();
    input.contract = null;
    input.period = null;
    input.reason = { code: "unknown-key" };
    const { subject, text } = renderUntrustedReplyEmail(input);
    expect(subject).toBe("未处理的来信（对账编号不存在）");
    expect(text.startsWith("您好：")).toBe(true);
    expect(text).toContain("回复地址中的对账编号不存在");
  });

  it("closed key and duplicate", () => {
    const closed = { ...sampleUntrustedReply(), reason: { code: "closed-key" } as const };
    expect(renderUntrustedReplyEmail(closed).text).toContain("回复地址对应的对账已经结束");
    const duplicate = {
      ...sampleUntrustedReply(),
      reason: { code: "duplicate", firstReceivedAt: "2025-10-13T10:20:00+08:00" } as const,
    };
    const { text } = renderUntrustedReplyEmail(duplicate);
    expect(text).toContain("同一封邮件此前已于 2025年10月13日 10:20（北京时间） 处理过");
    expect(text).toContain("通常无需处理");
  });

  it("escapes the sender's subject and address, which an attacker controls", () => {
    const input = sampleUntrustedReply();
    input.subject = "<script>steal()</script>";
    input.fromAddress = `"<img src=x>" <x@evil.example>`;
    const { html } = renderUntrustedReplyEmail(input);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;steal()&lt;/script&gt;");
  });
});

describe("renderReReconciliationOpenedEmail", () => {
  it("R-RECON-3/4: both contacts get the figures, the re-reconciliation deadline and the unchanged payment", () => {
    const { subject, text } = renderReReconciliationOpenedEmail(sampleReReconciliation());
    expect(subject).toBe(
      "2025年9月账单需重新对账，请于 2025年10月27日前确定结算金额｜合同 11NA0700211920254001",
    );
    expect(text).toContain("麻丽丽、王逸群，您好：");
    expect(text).toContain("按合同第四条4.6款，双方应在 10 个工作日内重新对账并确定应结算金额。");
    expect(text).toContain("甲方核对金额：3,950.00 元");
    expect(text).toContain("差额：甲方金额低于账单 268.36 元，占账单金额 6.36%");
    expect(text).toContain("重新对账截止（合同第四条4.6款）：2025年10月27日 23:59（北京时间）");
    expect(text).toContain("付款金额（合同第四条4.7款）：4,218.36 元");
    expect(text).toContain(
      "甲方仍按账单金额按期付款，确定的差额在下一结算周期的账单中调整（合同第四条4.7款）",
    );
    expect(text).not.toMatch(TAG);
  });

  it("R-RECON-4 / R-WD-3: final period and provisional deadline", () => {
    const input = sampleReReconciliation();
    input.isFinalPeriod = true;
    input.reReconciliationDeadline.provisional = true;
    const { text } = renderReReconciliationOpenedEmail(input);
    expect(text).toContain("确定的差额由双方多退少补（合同第四条4.7款）");
    expect(text).toContain("2025年10月27日 23:59（北京时间），暂定（国务院放假安排尚未公布）");
  });
});

describe("renderReReconciliationUnresolvedEmail", () => {
  it("R-RECON-3/4: tells Party B the deadline passed, the bill amount stands and nothing is carried", () => {
    const { subject, text } = renderReReconciliationUnresolvedEmail(sampleReReconciliationUnresolved());
    expect(subject).toBe("2025年9月账单重新对账未在期限内确定金额，需协商｜合同 11NA0700211920254001");
    expect(text).toContain("王逸群，您好：");
    expect(text).toContain("重新对账期限 2025年10月27日 23:59（北京时间） 已过");
    expect(text).toContain("甲方核对金额：3,950.00 元");
    expect(text).toContain("结算依据：账单结算总金额（合同第四条4.7款）");
    expect(text).toContain("下期调整：不结转");
    expect(text).not.toMatch(TAG);
  });
});
