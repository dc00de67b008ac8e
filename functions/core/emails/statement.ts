/**
 * The statement (账单) Party B emails to Party A's contact for a billing period (PROVISION.billDelivery, 4.5/4.6/4.8):
 * the lines and total, the usage behind them, the reconciliation (对账) and payment deadlines with their
 * rules, how to reply, and the payment block. This is the only email that shows a bank account in full:
 * Party B's account in force on the statement's date (PROVISION.bankDetails).
 */

import { cite, clauseWords, PROVISION } from "../clause-words";
import { formatFen } from "../money";
import type { Statement, UsageFile } from "../statement";
import { lastDayOfPeriod } from "../time";
import {
  amountFen,
  EmailInputError,
  formatAmount,
  formatDate,
  formatDeadline,
  formatDecimal,
  formatInstant,
  formatInstantDay,
  formatPercent,
  formatPeriod,
  formatYuan,
  partyBContactLine,
  provisionalFootnote,
} from "./format";
import { type Block, renderEmail, type TableRow } from "./layout";
import {
  type ComplianceNoteView,
  complianceBlocks,
  type ServiceLevelNoteView,
  serviceLevelBlocks,
} from "./statement-notes";
import type { BankAccountView, ContractView, DeadlineView, RenderedEmail } from "./types";

export interface StatementLineView {
  /**
   * `charge`: usage or fee of this period; `adjustment`: an agreed reconciliation difference of an earlier
   * period settled here (PROVISION.settlementOfDifference); `trial`: usage before billing starts, shown and rated at zero (PROVISION.trialUsage).
   */
  kind: "charge" | "adjustment" | "trial";
  description: string;
  /** Null where a quantity means nothing (an adjustment). */
  quantity: string | null;
  /** 月 / 分钟 / 条 …; null with a null quantity. */
  unit: string | null;
  /** Yuan per unit, possibly finer than the fen; null for an adjustment. */
  unitPrice: string | null;
  amount: string;
  /** For an adjustment: the period whose reconciliation difference it settles. */
  sourcePeriod?: string;
}

/** One line of the usage summary, already worded: `{ label: "主叫通话", value: "1,204 次，计费 3,518 分钟" }`. */
export interface UsageSummaryItem {
  label: string;
  value: string;
}

export interface StatementEmailInput {
  contract: ContractView;
  period: string;
  /** When the statement is sent; it counts as received then (PROVISION.billDelivery) and the deadlines run from it. */
  sentAt: string;
  lines: StatementLineView[];
  /** The sum of the lines' amounts (PROVISION.exactAmounts); checked here. */
  totalAmount: string;
  usage: UsageSummaryItem[];
  /** Usage records that failed validation and are not billed; only their number is ever shown. */
  rejectedRecordCount: number;
  /** Usage files that were not received: their usage is not on this bill, and the bill says so. */
  missingUsage?: readonly UsageFile[];
  /** Usage dated outside the contract's days (PROVISION.term, PROVISION.finalSettlement): not billed; only the counts are shown. */
  outsideContract?: Statement["outsideContract"];
  /** PROVISION.reconciliation: Party A reconciles within N working days of receiving the statement. */
  reconciliationDeadline: DeadlineView;
  /** PROVISION.payment: Party A pays within N working days of receiving the statement. */
  paymentDeadline: DeadlineView;
  /** PROVISION.reconciliationTolerance: a difference up to this share of the total (inclusive) leaves the bill standing. */
  tolerancePercent: string;
  /** PROVISION.reReconciliation: working days the parties have to re-reconcile beyond the tolerance. */
  reReconciliationWorkingDays: number;
  /** Party B's account in force on the statement's date (PROVISION.bankDetails), shown in full. */
  paymentAccount: BankAccountView;
  /** PROVISION.bankDetails: days of written notice an account change needs. */
  bankChangeNoticeDays: number;
  /** The contract's last period: a reconciliation difference is settled both ways, not carried (PROVISION.settlementOfDifference). */
  isFinalPeriod: boolean;
  /** PROVISION.faultRepair (3.18): the period's service levels, when tickets were handled in it. */
  serviceLevels?: ServiceLevelNoteView;
  /** PROVISION.callLimits, PROVISION.smsContent, PROVISION.complaintThrottling: what the month's check found; absent when nothing was. */
  compliance?: ComplianceNoteView;
}

const MISSING_USAGE_WORDS: Record<UsageFile, string> = { voice: "语音通话记录", sms: "短信使用记录" };
const MISSING_USAGE_CHARGE: Record<UsageFile, string> = { voice: "语音通话费", sms: "短信费" };

function lineDescription(line: StatementLineView): string {
  switch (line.kind) {
    case "charge":
      return line.description;
    case "trial":
      return `${line.description}（试用期，费用由乙方承担）`;
    case "adjustment":
      if (!line.sourcePeriod) {
        throw new EmailInputError(
          `adjustment line "${line.description}" has no source period (${clauseWords(PROVISION.settlementOfDifference)})`,
        );
      }
      // The source period once, then what is carried ("2025年8月对账差异调整", "2025年9月多付款结转").
      return `${formatPeriod(line.sourcePeriod)}${line.description}`;
  }
}

/**
 * PROVISION.term, PROVISION.termLastDay, PROVISION.finalSettlement: usage dated before the contract took effect or after its last day is not
 * this contract's to bill; the statement says how many records and why, in the contract's words (10.1).
 */
function outsideContractNotes(outside: StatementEmailInput["outsideContract"]): Block[] {
  if (!outside) return [];
  const why = `不属本合同的服务期，未计入本账单${cite(PROVISION.term, PROVISION.termLastDay)}。`;
  const notes: Block[] = [];
  if (outside.beforeFirstDay > 0) {
    notes.push({
      kind: "paragraph",
      content: `另有 ${outside.beforeFirstDay} 条用量记录发生在合同生效日（${formatDate(outside.firstDay)}）之前，${why}`,
    });
  }
  if (outside.afterLastDay > 0 && outside.lastDay !== null) {
    notes.push({
      kind: "paragraph",
      content: `另有 ${outside.afterLastDay} 条用量记录发生在合同期限最后一日（${formatDate(outside.lastDay)}）之后，${why}`,
    });
  }
  return notes;
}

function checkLines(input: StatementEmailInput): void {
  for (const line of input.lines) {
    if (line.kind === "trial" && amountFen(line.amount) !== 0n) {
      throw new EmailInputError(
        `trial line "${line.description}" must be rated at zero (${clauseWords(PROVISION.trialUsage)})`,
      );
    }
  }
  const sumFen = input.lines.reduce((sum, line) => sum + amountFen(line.amount), 0n);
  if (sumFen !== amountFen(input.totalAmount)) {
    throw new EmailInputError(
      `statement total ${input.totalAmount} is not the sum of its lines ${formatFen(sumFen)}: amounts are exact to the fen`,
    );
  }
  if (!Number.isInteger(input.rejectedRecordCount) || input.rejectedRecordCount < 0) {
    throw new EmailInputError("rejected record count must be a non-negative integer");
  }
  const outside = input.outsideContract;
  if (
    outside &&
    ![outside.beforeFirstDay, outside.afterLastDay].every((n) => Number.isInteger(n) && n >= 0)
  ) {
    throw new EmailInputError(
      `counts of usage outside the contract must be non-negative integers (${clauseWords(PROVISION.finalSettlement)})`,
    );
  }
}

function linesTable(input: StatementEmailInput): Block {
  const orNone = (value: string | null, format: (v: string) => string) =>
    value === null ? "—" : format(value);
  const rows: TableRow[] = input.lines.map((line) => ({
    cells: [
      lineDescription(line),
      orNone(line.quantity, formatDecimal),
      line.unit ?? "—",
      orNone(line.unitPrice, formatDecimal),
      formatAmount(line.amount),
    ],
  }));
  rows.push({ cells: ["结算总金额", "", "", "", formatAmount(input.totalAmount)], strong: true });
  const textLines = input.lines.map((line) =>
    line.quantity !== null && line.unitPrice !== null
      ? `${lineDescription(line)}：${formatDecimal(line.quantity)} ${line.unit ?? ""} × ${formatDecimal(line.unitPrice)} 元 = ${formatYuan(line.amount)}`
      : `${lineDescription(line)}：${formatYuan(line.amount)}`,
  );
  textLines.push(`结算总金额：${formatYuan(input.totalAmount)}`);
  return {
    kind: "table",
    columns: [
      { title: "项目" },
      { title: "数量", align: "right" },
      { title: "单位" },
      { title: "单价（元）", align: "right" },
      { title: "金额（元）", align: "right" },
    ],
    rows,
    textLines,
  };
}

function paymentBlocks(input: StatementEmailInput): Block[] {
  const { paymentAccount: account } = input;
  if (amountFen(input.totalAmount) <= 0n) {
    return [
      { kind: "heading", text: "付款信息" },
      { kind: "paragraph", content: `本期结算总金额为 ${formatYuan(input.totalAmount)}，本期无需付款。` },
    ];
  }
  return [
    { kind: "heading", text: "付款信息" },
    {
      kind: "facts",
      rows: [
        { label: "应付金额", value: [{ strong: formatYuan(input.totalAmount) }] },
        {
          label: `付款截止${cite(PROVISION.payment)}`,
          value: [{ strong: formatDeadline(input.paymentDeadline) }],
        },
        { label: "付款方式", value: `银行转账${cite(PROVISION.payment)}` },
        { label: "户名", value: account.accountName },
        { label: "开户行", value: account.bank },
        ...(account.bankCode ? [{ label: "银行行号", value: account.bankCode }] : []),
        // PROVISION.bankDetails: the statement's payment block is the one place an account number is shown in full.
        { label: "账号", value: [{ strong: account.accountNumber }] },
      ],
    },
    {
      kind: "note",
      tone: "warning",
      content:
        `以上为 ${formatDate(account.effectiveFrom)} 起生效的乙方收款账户${cite(PROVISION.bankDetails)}。账户如需变更，乙方将提前 ${input.bankChangeNoticeDays} 日以书面形式通知，` +
        `新账户自通知记录之日起满 ${input.bankChangeNoticeDays} 日后才会出现在账单上。请勿依据任何电子邮件中的“账户变更”付款：电子邮件不能代替${clauseWords(PROVISION.writtenNotice)}约定的书面通知。`,
    },
  ];
}

export function renderStatementEmail(input: StatementEmailInput): RenderedEmail {
  checkLines(input);
  const { contract, reconciliationDeadline, paymentDeadline } = input;
  const period = formatPeriod(input.period);
  const hasTrial = input.lines.some((line) => line.kind === "trial");
  const tolerance = formatPercent(input.tolerancePercent);
  const afterDifference = input.isFinalPeriod
    ? "本期为合同最后一个结算周期，确定的差额由双方多退少补"
    : "确定的差额在下一结算周期的账单中调整";
  const footnote = provisionalFootnote([reconciliationDeadline, paymentDeadline]);

  return renderEmail({
    subject: `${period}账单｜合同 ${contract.contractId}｜结算总金额 ${formatYuan(input.totalAmount)}，请于 ${formatInstantDay(reconciliationDeadline.dueAt)}前回复对账`,
    title: `${period}账单`,
    recipients: [contract.partyAContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: [
          `现将${contract.partyAName}${period}（${formatDate(`${input.period}-01`)}至${formatDate(lastDayOfPeriod(input.period))}）的账单发送给您，结算总金额为 `,
          { strong: formatYuan(input.totalAmount) },
          "。请核对后直接回复本邮件。",
        ],
      },
      { kind: "heading", text: "账单明细" },
      linesTable(input),
      hasTrial
        ? {
            kind: "note",
            tone: "info",
            content: `标注“试用期”的用量为正式计费前的割接、调测及试用阶段，照实列出，按 0 元计，费用由乙方承担${cite(PROVISION.trialUsage)}。`,
          }
        : null,
      { kind: "heading", text: "用量摘要" },
      input.usage.length > 0
        ? { kind: "facts", rows: input.usage.map((item) => ({ label: item.label, value: item.value })) }
        : { kind: "paragraph", content: "本期无用量记录。" },
      ...(input.missingUsage ?? []).map(
        (file): Block => ({
          kind: "note",
          tone: "warning",
          content: `本期未收到${MISSING_USAGE_WORDS[file]}，本账单未含${MISSING_USAGE_CHARGE[file]}。乙方正在核实，如需补计，将另行与您核对。`,
        }),
      ),
      ...outsideContractNotes(input.outsideContract),
      input.rejectedRecordCount > 0
        ? {
            kind: "paragraph",
            content: `另有 ${input.rejectedRecordCount} 条用量记录未通过数据校验，未计入本账单，乙方正在核实。`,
          }
        : null,
      ...serviceLevelBlocks(input.serviceLevels),
      ...complianceBlocks(input.compliance),
      { kind: "heading", text: "对账与付款期限" },
      {
        kind: "facts",
        rows: [
          {
            label: "账单发出（即收到）时间",
            value: `${formatInstant(input.sentAt)}${cite(PROVISION.billDelivery)}`,
          },
          {
            label: `对账截止${cite(PROVISION.reconciliation)}`,
            value: [
              `收到账单后 ${reconciliationDeadline.workingDays} 个工作日内，即 `,
              { strong: formatDeadline(reconciliationDeadline) },
            ],
          },
          {
            label: `付款截止${cite(PROVISION.payment)}`,
            value: [
              `收到账单后 ${paymentDeadline.workingDays} 个工作日内，即 `,
              { strong: formatDeadline(paymentDeadline) },
            ],
          },
        ],
      },
      footnote ? { kind: "note", tone: "warning", content: footnote } : null,
      { kind: "heading", text: "如何回复" },
      {
        kind: "list",
        items: [
          ["金额无误：直接回复本邮件，写", { strong: "「确认」" }, "即可。"],
          [
            "金额有异议：回复",
            { strong: "「有异议，金额应为 X 元」" },
            `，X 为贵方核对的本期结算总金额，用阿拉伯数字写到分，例如本期账单金额写作「${input.totalAmount}」或「${formatAmount(input.totalAmount)}」。一封回复只写一个金额。`,
          ],
          "请使用邮件的“回复”功能，从收到本邮件的邮箱发出，不要更改收件地址：回复地址带有本期账单的对账编号，发往其他地址的回复无法自动登记。",
          `贵方金额与账单结算总金额相差不超过 ${tolerance}（含 ${tolerance}）的，按账单金额结算${cite(PROVISION.reconciliationTolerance)}；超过 ${tolerance} 的，双方在 ${input.reReconciliationWorkingDays} 个工作日内重新对账${cite(PROVISION.reReconciliation)}。重新对账不影响付款：仍按账单金额付款，${afterDifference}${cite(PROVISION.settlementOfDifference)}。`,
          [
            `对账截止时间前未收到回复的，视为确认本账单${cite(PROVISION.noReplyDeemedAccepted)}；截止前一个工作日我们会再发一次提醒。`,
          ],
        ],
      },
      ...paymentBlocks(input),
      { kind: "paragraph", content: partyBContactLine(contract) },
    ],
  });
}
