import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { systemClock, useClock } from "../../functions/adapters/clock";
import type { Breach, CycleRecord } from "../../functions/adapters/repository";
import * as emails from "../../functions/app/email-views";
import { EmailViewError, NEEDS_PERSON_REASONS } from "../../functions/app/email-views";
import { renewalRules } from "../../functions/app/rules";
import { type Contract, loadContract, parseContract, termStartDate } from "../../functions/core/contract";
import { parseYuanToFen } from "../../functions/core/money";
import { rateUsage } from "../../functions/core/rating";
import { renewalSchedule, termDates } from "../../functions/core/renewal";
import { understandReply } from "../../functions/core/reply/understand";
import type { Statement } from "../../functions/core/statement";

const VOICE_HEADER = "call_start,duration_seconds,direction,calling_number,called_number";
const SMS_HEADER = "sent_at,recipient,direction,content,content_chars";
const FULL_ACCOUNT = "431901341210999";
const MASKED_ACCOUNT = "***********0999";
const NEW_ACCOUNT = "6214830431234567";

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

let contract: Contract;
let statement: Statement;
let cycle: CycleRecord;

/** The cycle as the monthly cycle stores it after sending the September bill on 2025-10-09 09:00. */
function sentCycle(overrides: Partial<CycleRecord> = {}): CycleRecord {
  return {
    contractId: contract.contractId,
    period: "2025-09",
    billId: `${contract.contractId}-2025-09`,
    billTotalFen: parseYuanToFen(statement.total, "any"),
    billDue: "2025-10-22T23:59:59+08:00",
    billDueProvisional: false,
    statement: JSON.parse(JSON.stringify(statement)),
    lastPeriod: false,
    sentAt: "2025-10-09T09:00:00+08:00",
    reconciliationDeadline: "2025-10-15T23:59:59+08:00",
    reminderAt: "2025-10-14T09:00:00+08:00",
    paymentDue: "2025-10-22T23:59:59+08:00",
    replyKey: "abcdefghijklmnopqrstuvwxyz234567",
    ...overrides,
  };
}

beforeAll(async () => {
  contract = await loadContract("contracts/11NA0700211920254001.json");
  statement = await rateUsage({
    contract,
    period: "2025-09",
    // 61 s and 30 s outbound → 2 + 1 billed minutes (R-PRICE-2); one inbound call, free; one bad row.
    voice: bytes(
      [
        VOICE_HEADER,
        "2025-09-02T10:00:00+08:00,61,outbound,1239301,13900000000",
        "2025-09-03T10:00:00+08:00,30,outbound,1239301,13900000001",
        "2025-09-03T11:00:00+08:00,45,inbound,13900000001,12393",
        "2025-09-04T10:00:00+08:00,abc,outbound,1239301,13900000002",
        "",
      ].join("\n"),
    ),
    // 20 and 100 characters: 1 + 2 parts with the 【吉林医保】 signature (R-SMS-1); one uplink, not billed.
    sms: bytes(
      [
        SMS_HEADER,
        "2025-09-05T10:00:00+08:00,13900000000,downlink,,20",
        "2025-09-05T10:01:00+08:00,13900000001,downlink,,100",
        "2025-09-05T10:02:00+08:00,13900000001,uplink,,10",
        "",
      ].join("\n"),
    ),
    adjustments: [
      { description: "对账差异调整", amount: "-120.00", fromPeriod: "2025-08", rule: "R-RECON-4" },
    ],
  });
  cycle = sentCycle();
});

afterEach(() => useClock(systemClock));

describe("emails.statement", () => {
  it("R-BILL-1: the rated lines, the adjustment and the total as rating computed them", () => {
    // 4000.00 + 3 min × 0.06 + 3 parts × 0.04 − 120.00
    expect(statement.total).toBe("3880.30");
    const { subject, text } = emails.statement(contract, cycle);
    expect(subject).toBe(
      "2025年9月账单｜合同 11NA0700211920254001｜结算总金额 3,880.30 元，请于 2025年10月15日前回复对账",
    );
    expect(text).toContain("网络带宽服务费（200M）：1 月 × 4,000.00 元 = 4,000.00 元");
    expect(text).toContain("语音通话费（主叫）：3 分钟 × 0.06 元 = 0.18 元");
    expect(text).toContain("短信：3 条 × 0.04 元 = 0.12 元");
    expect(text).toContain("2025年8月对账差异调整：-120.00 元");
    expect(text).toContain("结算总金额：3,880.30 元");
  });

  it("R-BILL-1: usage summary and the count of rejected records, never the records", () => {
    const { text } = emails.statement(contract, cycle);
    expect(text).toContain("主叫通话：2 次，计费时长 3 分钟（合同第四条4.1款）");
    expect(text).toContain("被叫通话：1 次，免费");
    expect(text).toContain(
      "下行短信：2 条，按每条 70 字拆分后计费 3 条（合同第四条4.1款注（1）、附件二《中国移动集团客户短消息类业务要求》第8条）",
    );
    expect(text).toContain("上行短信：1 条，不计费（合同第四条4.3款）");
    expect(text).toContain("另有 1 条用量记录未通过数据校验");
  });

  it("R-RECON-1 / R-PAY-1: the stored deadlines with the contract's working-day counts", () => {
    const { text } = emails.statement(contract, cycle);
    expect(text).toContain(
      "对账截止（合同第四条4.6款）：收到账单后 5 个工作日内，即 2025年10月15日 23:59（北京时间）",
    );
    expect(text).toContain(
      "付款截止（合同第四条4.8款）：收到账单后 10 个工作日内，即 2025年10月22日 23:59（北京时间）",
    );
    expect(text).not.toContain("暂定");
  });

  it("R-WD-3: a stored deadline today's calendar would put elsewhere is marked provisional", () => {
    const { text } = emails.statement(contract, sentCycle({ paymentDue: "2025-10-23T23:59:59+08:00" }));
    expect(text).toContain("2025年10月23日 23:59（北京时间），暂定");
  });

  it("R-BANK-1: Party B's full account number appears in the statement's payment block", () => {
    const { text } = emails.statement(contract, cycle);
    expect(text).toContain(`账号：${FULL_ACCOUNT}`);
    expect(text).toContain("户名：中国移动通信集团吉林有限公司");
    expect(text).toContain("开户行：招商银行股份有限公司南湖大路支行");
  });

  it("R-BANK-1: the account in force on the day the statement is sent, not a later one", () => {
    const changed = parseContract({
      ...contract,
      parties: {
        ...contract.parties,
        partyB: {
          ...contract.parties.partyB,
          bankAccounts: [
            ...contract.parties.partyB.bankAccounts,
            {
              accountName: "中国移动通信集团吉林有限公司",
              bank: "中国建设银行长春分行",
              accountNumber: NEW_ACCOUNT,
              effectiveFrom: "2025-10-10",
            },
          ],
        },
      },
    });
    expect(emails.statement(changed, cycle).text).toContain(`账号：${FULL_ACCOUNT}`);
    expect(emails.statement(changed, cycle).text).not.toContain(NEW_ACCOUNT);
    const later = sentCycle({ sentAt: "2025-10-10T00:00:00+08:00" });
    expect(emails.statement(changed, later).text).toContain(`账号：${NEW_ACCOUNT}`);
  });

  it("R-RECON-4: the final period's statement says the difference is settled both ways", () => {
    expect(emails.statement(contract, sentCycle({ lastPeriod: true })).text).toContain(
      "本期为合同最后一个结算周期，确定的差额由双方多退少补",
    );
  });

  it("R-TRIAL-1: a month before billing starts is listed at zero as trial lines", async () => {
    const trial = await rateUsage({
      contract,
      period: "2025-07",
      voice: bytes(`${VOICE_HEADER}\n2025-07-20T10:00:00+08:00,61,outbound,1239301,13900000000\n`),
    });
    const { text } = emails.statement(
      contract,
      sentCycle({
        period: "2025-07",
        billTotalFen: parseYuanToFen(trial.total, "any"),
        statement: JSON.parse(JSON.stringify(trial)),
      }),
    );
    expect(text).toContain("网络带宽服务费（200M）（试用期，费用由乙方承担）：1 月 × 0.00 元 = 0.00 元");
    expect(text).toContain("语音通话费（主叫）（试用期，费用由乙方承担）：2 分钟 × 0.00 元 = 0.00 元");
    expect(text).not.toContain("试运行期");
    expect(text).toContain("本期无需付款");
  });

  it("refuses a cycle that was not sent: the deadlines run from the sending", () => {
    expect(() => emails.statement(contract, sentCycle({ sentAt: undefined }))).toThrow(EmailViewError);
  });
});

describe("the monthly cycle's other emails", () => {
  it("R-RECON-5: the reminder names the total and the reconciliation deadline", () => {
    const { subject, text } = emails.reconciliationReminder(contract, cycle);
    expect(subject).toContain("提醒：2025年9月账单对账将于 2025年10月15日截止");
    expect(text).toContain("结算总金额 3,880.30 元");
    expect(text).toContain("对账截止（合同第四条4.6款）：2025年10月15日 23:59（北京时间）");
  });

  it("R-PAY-2: the overdue notice shows the account masked and the time of the check", () => {
    useClock({ now: () => new Date("2025-10-23T01:00:00Z") });
    const { text, html } = emails.overdueNotice(contract, cycle);
    expect(text).toContain("截至 2025年10月23日 09:00（北京时间）");
    expect(text).toContain("付款截止（合同第四条4.8款）：2025年10月22日 23:59（北京时间）");
    expect(text).toContain(`账号 ${MASKED_ACCOUNT}（完整账号见2025年9月账单）`);
    expect(text + html).not.toContain(FULL_ACCOUNT);
  });

  it("R-BREACH-1: a late payment is worded in Chinese and the cure period waits for a written notice", () => {
    const breach: Breach = {
      rule: "R-PAY-1",
      party: "A",
      what: "payment of 3880.30 for 2025-09 not received by 2025-10-22T23:59:59+08:00",
      noticedAt: "2025-10-23T09:00:00+08:00",
      cureDeadline: "2025-11-02T23:59:59+08:00",
    };
    const { subject, text } = emails.breachRecorded(contract, cycle, breach);
    expect(subject).toBe(
      "违约登记：甲方（吉林省社会医疗保险管理局）（合同第四条4.8款）｜合同 11NA0700211920254001",
    );
    expect(text).toContain("事项：2025年9月账单付款逾期（应付 3,880.30 元，截止 2025年10月22日）");
    expect(text).toContain("尚未登记书面违约通知。书面通知送达后 10 日内");
    expect(text).not.toContain("2025年11月2日");
  });

  it("R-RECON-3: re-reconciliation opened with the difference, its deadline and the payment unchanged", () => {
    const disputed = sentCycle({
      reconciliation: {
        outcome: "re-reconcile",
        partyAAmountFen: 350000n,
        receivedAt: "2025-10-10T10:00:00+08:00",
      },
      reReconciliationDeadline: "2025-10-23T23:59:59+08:00",
    });
    const { subject, text } = emails.reReconciliationOpened(contract, disputed, "3500");
    expect(subject).toContain("请于 2025年10月23日前确定结算金额");
    expect(text).toContain("甲方核对金额：3,500.00 元");
    expect(text).toContain("差额：甲方金额低于账单 380.30 元，占账单金额 9.81%");
    expect(text).toContain("重新对账截止（合同第四条4.6款）：2025年10月23日 23:59（北京时间）");
    expect(text).toContain("付款金额（合同第四条4.7款）：3,880.30 元");
    expect(text).toContain("付款截止（合同第四条4.8款）：2025年10月22日 23:59（北京时间）");
  });

  it("R-RECON-3 / R-RECON-4: unresolved re-reconciliation goes to Party B with nothing carried", () => {
    const unresolved = sentCycle({
      reconciliation: {
        outcome: "re-reconcile",
        partyAAmountFen: 350000n,
        receivedAt: "2025-10-10T10:00:00+08:00",
      },
      reReconciliationDeadline: "2025-10-23T23:59:59+08:00",
      agreed: { unresolved: true, recordedAt: "2025-10-25T00:00:00+08:00" },
    });
    const { subject, text } = emails.reReconciliationUnresolved(contract, unresolved);
    expect(subject).toBe("2025年9月账单重新对账未在期限内确定金额，需协商｜合同 11NA0700211920254001");
    expect(text.startsWith("王逸群，您好：")).toBe(true);
    expect(text).toContain("重新对账期限 2025年10月23日 23:59（北京时间） 已过");
    expect(text).toContain("甲方核对金额：3,500.00 元");
    expect(text).toContain("下期调整：不结转");
    expect(() => emails.reReconciliationUnresolved(contract, cycle)).toThrow(EmailViewError);
  });

  it("R-BUDGET-1: share used rounded down, remaining amount from the contract total", () => {
    const { subject, text } = emails.budgetWarning(contract, "78399.99", "80");
    expect(subject).toContain("合同金额使用已达 80%：累计 78,399.99 元 / 98,000.00 元");
    expect(text).toContain("已使用比例：79.99%");
    expect(text).toContain("剩余金额：19,600.01 元");
    expect(emails.budgetWarning(contract, "98100.00", "100").text).toContain("剩余金额：已超出 100.00 元");
  });
});

describe("replies", () => {
  const at = { receivedAt: "2025-10-10T10:00:00+08:00" };

  it("R-RECON-1: a confirmation is said back with the total", () => {
    const decision = understandReply("确认", statement.total);
    const { subject, text } = emails.replyAcknowledgement(contract, cycle, "confirmed", decision, at);
    expect(subject).toContain("已收到您对2025年9月账单的回复：已确认");
    expect(text).toContain("我们于 2025年10月10日 10:00（北京时间） 收到");
    expect(text).toContain("本期对账已完成，按 3,880.30 元 结算（合同第四条4.6款）");
  });

  it("R-RECON-2: a figure within 5 % leaves the bill standing", () => {
    const decision = understandReply("有异议，金额应为 3700.00 元", statement.total);
    const { text } = emails.replyAcknowledgement(contract, cycle, "within-tolerance", decision, at);
    expect(text).toContain("差额：贵方金额低于账单 180.30 元，占账单金额 4.65%（容差 5%）");
  });

  it("R-RECON-3: beyond 5 %, the re-reconciliation deadline counts from the reply's day", () => {
    const decision = understandReply("有异议，金额应为 3500.00 元", statement.total);
    const { text } = emails.replyAcknowledgement(contract, cycle, "re-reconcile", decision, at);
    expect(text).toContain("重新对账截止（合同第四条4.6款）：2025年10月23日 23:59（北京时间）");
    expect(text).toContain("付款截止（合同第四条4.8款）：2025年10月22日 23:59（北京时间）");
  });

  it("R-RECON-5: a late reply is said back with the deadline it missed", () => {
    const decision = understandReply("确认", statement.total);
    const { text } = emails.replyAcknowledgement(contract, cycle, "late", decision, at);
    expect(text).toContain("您的回复晚于对账截止时间 2025年10月15日 23:59（北京时间）");
  });

  it("already recorded: repeats what the cycle recorded, not the new reply", () => {
    const decided = sentCycle({
      reconciliation: {
        outcome: "within-tolerance",
        partyAAmountFen: 370000n,
        receivedAt: "2025-10-10T10:00:00+08:00",
      },
    });
    const decision = understandReply("确认", statement.total);
    const { text } = emails.replyAcknowledgement(contract, decided, "already-recorded", decision, at);
    expect(text).toContain("登记的回复为：对本期账单有异议，贵方核对的结算总金额为 3,700.00 元");
  });

  it("a reply needing a person: Party B gets the text, the mapped reason and the contact as sender", () => {
    const decision = understandReply("有异议", statement.total);
    expect(decision.reasonCode).toBe("dispute-without-figure");
    const { text } = emails.needsPerson(contract, cycle, decision.reason, "有异议", {
      ...at,
      reasonCode: decision.reasonCode,
    });
    expect(text).toContain("原因：回复提出异议，但没有写明金额：回复表示有异议，但没有写明贵方核对的金额");
    expect(text).toContain("发件人：mali@partya.example");
    expect(text).toContain("> 有异议");
    expect(NEEDS_PERSON_REASONS["two-different-figures"]).toBe("several-amounts");
  });

  it("an untrusted reply: the reason is mapped, the content is not forwarded", () => {
    const spoofed = emails.untrustedReply(
      contract,
      cycle,
      "sender-not-contact",
      "发件人不是合同指定的联系人",
      {
        ...at,
        fromAddress: "attacker@evil.example",
        subject: "Re: 账单",
        messageId: "<x@evil.example>",
      },
    );
    expect(spoofed.text).toContain("发件人不是合同约定的联系人（应为 mali@partya.example）");
    expect(spoofed.text).toContain("发件人：attacker@evil.example");
    const verdicts = emails.untrustedReply(
      contract,
      cycle,
      "verdict-failed",
      "邮件安全检查未通过：DKIM、SPAM",
      at,
    );
    expect(verdicts.text).toContain("邮件安全检查未通过：DKIM FAIL，spam 未通过（非 PASS）");
    expect(verdicts.text).toContain("发件人：（未记录）");
  });

  it("a duplicate whose first receipt is unknown is refused rather than dated wrongly", () => {
    expect(() =>
      emails.untrustedReply(contract, cycle, "duplicate", "同一封邮件已处理过（重复投递）", at),
    ).toThrow(EmailViewError);
    const known = emails.untrustedReply(contract, cycle, "duplicate", "重复", {
      ...at,
      firstReceivedAt: "2025-10-10T09:00:00+08:00",
    });
    expect(known.text).toContain("同一封邮件此前已于 2025年10月10日 09:00（北京时间） 处理过");
  });
});

describe("invoice, renewal and end", () => {
  it("R-INV-1: invoice issued in time against the payment received", () => {
    const paid = sentCycle({
      payment: {
        paidAt: "2025-10-20T15:00:00+08:00",
        amountFen: 388030n,
        invoiceDue: "2025-11-03T23:59:59+08:00",
      },
    });
    const { subject, text } = emails.invoiceIssued(contract, paid, {
      invoicedAt: "2025-10-27T10:00:00+08:00",
      invoiceNumber: "25227000000012345678",
    });
    expect(subject).toContain("2025年9月账单增值税普通发票已开具（发票号码 25227000000012345678）");
    expect(text).toContain("发票金额：3,880.30 元");
    expect(text).toContain("收到付款：2025年10月20日，3,880.30 元");
    expect(text).toContain(
      "开票期限（合同第四条4.8款）：收到付款后 10 个工作日内，即 2025年11月3日 23:59（北京时间）",
    );
    expect(text).toContain("发票在合同约定的期限内开具。");
    expect(text).not.toContain(FULL_ACCOUNT);
  });

  it("R-TERM-3 / R-NOTICE-3: the renewal reminder lists the dates and the 9.4 addresses", () => {
    const schedule = renewalSchedule(termStartDate(contract), 1, renewalRules(contract));
    const { subject, text } = emails.renewalReminder(contract, schedule);
    expect(subject).toBe(
      "续约提醒：合同 11NA0700211920254001 将于 2026年7月14日期满，如不续约须于 2026年6月14日前送达书面通知",
    );
    expect(text).toContain("新一期有效期为 2026年7月15日至2027年7月14日（合同第十条10.1款）");
    expect(text).toContain("挂号信（境外）：发出后第 30 日视为送达，最迟 2026年5月15日发出");
    expect(text).toContain("地址：长春市解放大路2899号");
    expect(text).toContain("传真：无");
  });

  it("R-TERM-2: the renewal confirmation gives the new term and its notice deadline", () => {
    const next = termDates(termStartDate(contract), 2, 1);
    const { text } = emails.renewalConfirmation(contract, 2, next);
    expect(text).toContain("合同上一期有效期已于 2026年7月14日届满");
    expect(text).toContain("新一期届满日：2027年7月14日");
    expect(text).toContain("不续约通知最迟送达日：2027年6月14日（合同第十条10.1款）");
    expect(() => emails.renewalConfirmation(contract, 3, next)).toThrow(EmailViewError);
  });

  it("R-END-1: the end-of-contract email leaves the last period's true-up pending", () => {
    const { subject, text } = emails.endOfContract(contract, "2026-07-14");
    expect(subject).toBe("合同 11NA0700211920254001 于 2026年7月14日终止：最终结算及号码收回");
    expect(text).toContain("最后一个结算周期（2026年7月）的重新对账尚未完成");
    expect(text).toContain("短信接入号 10650823580002");
  });
});

describe("R-BANK-1: the full account number only in the statement", () => {
  it("no other email of the cycle shows it", () => {
    const disputed = sentCycle({
      reconciliation: {
        outcome: "re-reconcile",
        partyAAmountFen: 350000n,
        receivedAt: "2025-10-10T10:00:00+08:00",
      },
      reReconciliationDeadline: "2025-10-23T23:59:59+08:00",
    });
    const others = [
      emails.reconciliationReminder(contract, cycle),
      emails.overdueNotice(contract, cycle),
      emails.reReconciliationOpened(contract, disputed, "3500.00"),
      emails.reReconciliationUnresolved(contract, disputed),
      emails.budgetWarning(contract, "80000.00", "80"),
      emails.endOfContract(contract, "2026-07-14"),
    ];
    for (const email of others) expect(email.subject + email.text + email.html).not.toContain(FULL_ACCOUNT);
  });
});

describe("clauses in words: no rule ID in what the contacts read", () => {
  it("the statement's usage summary and every breach cite the contract's clauses", () => {
    const breachOf = (rule: string): Breach => ({
      rule,
      party: "B",
      what: `${rule} missed for 2025-09`,
      noticedAt: "2025-10-23T09:00:00+08:00",
      cureDeadline: "2025-11-02T23:59:59+08:00",
    });
    const rendered = [
      emails.statement(contract, cycle),
      emails.reconciliationReminder(contract, cycle),
      ...["R-BILL-1", "R-PAY-1", "R-INV-1", "R-SLA-1"].map((rule) =>
        emails.breachRecorded(contract, cycle, breachOf(rule)),
      ),
      emails.renewalReminder(contract, renewalSchedule(termStartDate(contract), 1, renewalRules(contract))),
      emails.endOfContract(contract, "2026-07-14"),
    ];
    for (const email of rendered) expect(email.subject + email.text + email.html).not.toMatch(/R-[A-Z]+-\d/);
    const { text } = emails.statement(contract, cycle);
    // 4.3 of the contract: uplink SMS are paid by their senders.
    expect(text).toContain("上行短信：1 条，不计费（合同第四条4.3款）");
    // 3.3 of the contract: the voice line opened within 5 working days.
    expect(emails.breachRecorded(contract, cycle, breachOf("R-SLA-1")).text).toContain(
      "事项：2025年9月未按合同第三条3.3款的约定履行",
    );
  });
});
