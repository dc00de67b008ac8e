/**
 * Sample inputs for every email, built from the seed contract 11NA0700211920254001 (contracts/…json) and
 * the September 2025 period, whose deadlines straddle the National Day holiday (10-01..10-08, with
 * Saturday 10-11 a working day). Tests start from these, and they give anyone previewing an email a
 * realistic rendering. Each function returns a fresh object, so a caller may change it freely.
 */

import { PROVISION } from "../clause-words";
import type { BreachRecordedEmailInput } from "./breach-recorded";
import type { BudgetWarningEmailInput } from "./budget-warning";
import type { EndOfContractEmailInput } from "./end-of-contract";
import type { InvoiceIssuedEmailInput } from "./invoice-issued";
import type { NeedsPersonEmailInput } from "./needs-person";
import type { OverdueNoticeEmailInput } from "./overdue-notice";
import type { ReReconciliationOpenedEmailInput } from "./re-reconciliation-opened";
import type { ReReconciliationUnresolvedEmailInput } from "./re-reconciliation-unresolved";
import type { ReconciliationReminderEmailInput } from "./reconciliation-reminder";
import type { RenewalConfirmationEmailInput } from "./renewal-confirmation";
import type { RenewalReminderEmailInput } from "./renewal-reminder";
import type { ReplyAcknowledgementEmailInput } from "./reply-acknowledgement";
import type { StatementEmailInput } from "./statement";
import type { BankAccountView, ContractView, DeadlineView, NoticeAddressView } from "./types";
import type { UntrustedReplyEmailInput } from "./untrusted-reply";

export function sampleContract(): ContractView {
  return {
    contractId: "11NA0700211920254001",
    title: "吉林服务市场-互联网接入服务-中国移动通信集团吉林有限公司的框架协议 语音专线及短信服务",
    partyAName: "吉林省社会医疗保险管理局",
    partyBName: "中国移动通信集团吉林有限公司",
    partyAContactName: "麻丽丽",
    partyBContactName: "王逸群",
    partyBContactEmail: "wangyiqun@jl.chinamobile.com",
    partyBContactPhone: "18843081935",
  };
}

export function samplePartyBAccount(): BankAccountView {
  return {
    accountName: "中国移动通信集团吉林有限公司",
    bank: "招商银行股份有限公司南湖大路支行",
    accountNumber: "431901341210999",
    effectiveFrom: "2025-07-15",
  };
}

export function samplePartyAAccount(): BankAccountView {
  return {
    accountName: "吉林省社会医疗保险管理局",
    bank: "中国工商银行长春南大街支行",
    bankCode: "102241000068",
    accountNumber: "4200221229000110919",
    effectiveFrom: "2025-07-15",
  };
}

/** Statement of 2025-09 sent 2025-10-09: 5 working days → 10-15, 10 working days → 10-22. */
export function sampleReconciliationDeadline(): DeadlineView {
  return {
    ruleId: PROVISION.reconciliation,
    workingDays: 5,
    dueAt: "2025-10-15T23:59:59+08:00",
    provisional: false,
  };
}

export function samplePaymentDeadline(): DeadlineView {
  return {
    ruleId: PROVISION.payment,
    workingDays: 10,
    dueAt: "2025-10-22T23:59:59+08:00",
    provisional: false,
  };
}

export function sampleStatement(): StatementEmailInput {
  return {
    contract: sampleContract(),
    period: "2025-09",
    sentAt: "2025-10-09T09:00:00+08:00",
    lines: [
      {
        kind: "charge",
        description: "网络带宽服务费（200M）",
        quantity: "1",
        unit: "月",
        unitPrice: "4000.00",
        amount: "4000.00",
      },
      {
        kind: "charge",
        description: "语音通话费（主叫）",
        quantity: "2732",
        unit: "分钟",
        unitPrice: "0.06",
        amount: "163.92",
      },
      {
        kind: "charge",
        description: "短信",
        quantity: "1361",
        unit: "条",
        unitPrice: "0.04",
        amount: "54.44",
      },
    ],
    totalAmount: "4218.36",
    usage: [
      { label: "主叫通话", value: "1,204 次，计费 2,732 分钟（每次通话不足 1 分钟按 1 分钟计）" },
      { label: "被叫通话", value: "3,310 次（免费）" },
      { label: "短信", value: "1,207 条，拆分后计费 1,361 条" },
    ],
    rejectedRecordCount: 0,
    reconciliationDeadline: sampleReconciliationDeadline(),
    paymentDeadline: samplePaymentDeadline(),
    tolerancePercent: "5",
    reReconciliationWorkingDays: 10,
    paymentAccount: samplePartyBAccount(),
    bankChangeNoticeDays: 10,
    isFinalPeriod: false,
  };
}

export function sampleReconciliationReminder(): ReconciliationReminderEmailInput {
  return {
    contract: sampleContract(),
    period: "2025-09",
    totalAmount: "4218.36",
    statementSentAt: "2025-10-09T09:00:00+08:00",
    reconciliationDeadline: sampleReconciliationDeadline(),
  };
}

export function sampleReplyAcknowledgement(): ReplyAcknowledgementEmailInput {
  return {
    contract: sampleContract(),
    period: "2025-09",
    totalAmount: "4218.36",
    receivedAt: "2025-10-13T10:24:00+08:00",
    outcome: { kind: "confirmed" },
  };
}

export function sampleNeedsPerson(): NeedsPersonEmailInput {
  return {
    contract: sampleContract(),
    period: "2025-09",
    totalAmount: "4218.36",
    receivedAt: "2025-10-13T10:24:00+08:00",
    fromAddress: "mali@partya.example",
    reason: { code: "several-amounts" },
    replyText: "王经理：\n短信条数和我们后台不一致，应该是4100或者4150左右，麻烦再核一下。\n麻丽丽",
  };
}

export function sampleUntrustedReply(): UntrustedReplyEmailInput {
  return {
    contract: sampleContract(),
    period: "2025-09",
    reason: { code: "spoofed-sender", expectedSender: "mali@partya.example" },
    receivedAt: "2025-10-13T10:24:00+08:00",
    fromAddress: "billing@partya-example.net",
    subject: "Re: 2025年9月账单",
    messageId: "<20251013102400.1234@partya-example.net>",
  };
}

/** Party A says 3950.00 against 4218.36: 268.36 lower, 6.36 % > 5 % (PROVISION.reReconciliation). */
export function sampleReReconciliation(): ReReconciliationOpenedEmailInput {
  return {
    contract: sampleContract(),
    period: "2025-09",
    totalAmount: "4218.36",
    claimedAmount: "3950.00",
    differenceAmount: "-268.36",
    differencePercent: "6.36",
    tolerancePercent: "5",
    reReconciliationDeadline: {
      ruleId: PROVISION.reReconciliation,
      workingDays: 10,
      dueAt: "2025-10-27T23:59:59+08:00",
      provisional: false,
    },
    paymentDeadline: samplePaymentDeadline(),
    isFinalPeriod: false,
  };
}

export function sampleReReconciliationUnresolved(): ReReconciliationUnresolvedEmailInput {
  const opened = sampleReReconciliation();
  return {
    contract: sampleContract(),
    period: "2025-09",
    totalAmount: opened.totalAmount,
    claimedAmount: opened.claimedAmount,
    reReconciliationDeadline: opened.reReconciliationDeadline,
  };
}

export function sampleOverdueNotice(): OverdueNoticeEmailInput {
  return {
    contract: sampleContract(),
    period: "2025-09",
    amountDue: "4218.36",
    statementSentAt: "2025-10-09T09:00:00+08:00",
    paymentDeadline: samplePaymentDeadline(),
    asOf: "2025-10-23T00:00:00+08:00",
    paymentAccount: samplePartyBAccount(),
  };
}

export function sampleBreachRecorded(): BreachRecordedEmailInput {
  return {
    contract: sampleContract(),
    breach: {
      ruleId: PROVISION.payment,
      description: "2025年9月账单付款逾期（应付 4,218.36 元，付款截止 2025年10月22日）",
      breachingParty: "partyA",
      recordedAt: "2025-10-23T00:00:00+08:00",
      cureDays: 10,
      writtenNotice: null,
    },
  };
}

export function sampleInvoiceIssued(): InvoiceIssuedEmailInput {
  return {
    contract: sampleContract(),
    period: "2025-09",
    invoiceNumber: "25222000000012345678",
    invoiceCode: null,
    invoiceAmount: "4218.36",
    issuedOn: "2025-10-24",
    paymentAmount: "4218.36",
    paymentReceivedOn: "2025-10-20",
    invoiceDeadline: {
      ruleId: PROVISION.invoice,
      workingDays: 10,
      dueAt: "2025-11-03T23:59:59+08:00",
      provisional: false,
    },
  };
}

function partyANoticeAddress(): NoticeAddressView {
  return {
    name: "吉林省社会医疗保险管理局",
    address: "长春市二道区第一国际中心A座",
    postcode: "130000",
    contactName: "麻丽丽",
    phone: "13234444644",
    fax: null,
  };
}

function partyBNoticeAddress(): NoticeAddressView {
  return {
    name: "中国移动通信集团吉林有限公司",
    address: "长春市解放大路2899号",
    postcode: "130000",
    contactName: "王逸群",
    phone: "18843081935",
    fax: null,
  };
}

/**
 * Term 2025-07-15..2026-07-14 (PROVISION.termLastDay); deemed delivered by 2026-06-14 (30 days before the last day);
 * latest dispatch = that day minus the PROVISION.noticeDelivery days of each method.
 */
export function sampleRenewalReminder(): RenewalReminderEmailInput {
  return {
    contract: sampleContract(),
    termFirstDay: "2025-07-15",
    termLastDay: "2026-07-14",
    noticeDays: 30,
    noticeDeliveredBy: "2026-06-14",
    nextTermFirstDay: "2026-07-15",
    nextTermLastDay: "2027-07-14",
    dispatchDeadlines: [
      { method: "personal", region: null, deemedDeliveryDays: 0, latestDispatchDate: "2026-06-14" },
      { method: "fax", region: null, deemedDeliveryDays: 0, latestDispatchDate: "2026-06-14" },
      { method: "express", region: "same-city", deemedDeliveryDays: 3, latestDispatchDate: "2026-06-11" },
      { method: "express", region: "mainland", deemedDeliveryDays: 5, latestDispatchDate: "2026-06-09" },
      {
        method: "express",
        region: "hk-macao-taiwan",
        deemedDeliveryDays: 10,
        latestDispatchDate: "2026-06-04",
      },
      { method: "express", region: "abroad", deemedDeliveryDays: 20, latestDispatchDate: "2026-05-25" },
      { method: "registered", region: "same-city", deemedDeliveryDays: 7, latestDispatchDate: "2026-06-07" },
      { method: "registered", region: "mainland", deemedDeliveryDays: 14, latestDispatchDate: "2026-05-31" },
      {
        method: "registered",
        region: "hk-macao-taiwan",
        deemedDeliveryDays: 20,
        latestDispatchDate: "2026-05-25",
      },
      { method: "registered", region: "abroad", deemedDeliveryDays: 30, latestDispatchDate: "2026-05-15" },
    ],
    noticeAddresses: { partyA: partyANoticeAddress(), partyB: partyBNoticeAddress() },
  };
}

export function sampleRenewalConfirmation(): RenewalConfirmationEmailInput {
  return {
    contract: sampleContract(),
    previousTermLastDay: "2026-07-14",
    nextTermFirstDay: "2026-07-15",
    nextTermLastDay: "2027-07-14",
    nextNoticeDeliveredBy: "2027-06-14",
  };
}

export function sampleEndOfContract(): EndOfContractEmailInput {
  return {
    contract: sampleContract(),
    lastDay: "2027-07-14",
    reason: "non-renewal",
    finalTrueUp: {
      status: "due",
      period: "2027-07",
      payer: "partyB",
      amount: "86.40",
      payeeAccount: samplePartyAAccount(),
    },
    smsAccessCode: "10650823580002",
  };
}

/** 80 % of 98,000.00 = 78,400.00, crossed by the statement of 2026-05. */
export function sampleBudgetWarning(): BudgetWarningEmailInput {
  return {
    contract: sampleContract(),
    thresholdPercent: "80",
    budgetAmount: "98000.00",
    billedTotalAmount: "79740.12",
    usedPercent: "81.37",
    period: "2026-05",
    remainingAmount: "18259.88",
  };
}
