/**
 * The answer to Party A's reconciliation reply (对账回复): it says back what the system understood
 * ("我们理解您的回复为：……") and what follows from it under PROVISION.reconciliationTolerance..5, so a misreading is caught by a
 * person at once instead of at payment time.
 */
import { cite, PROVISION } from "../clause-words";
import {
  differenceWords,
  formatDeadline,
  formatInstant,
  formatPercent,
  formatPeriod,
  formatYuan,
  partyBContactLine,
  provisionalFootnote,
} from "./format";
import { type Block, renderEmail } from "./layout";
import type { ContractView, DeadlineView, RenderedEmail } from "./types";

/** What a reply said, as far as the system read it. */
export type ReplyReadingView = { kind: "confirm" } | { kind: "dispute"; claimedAmount: string };

/** A reply's figure against the statement total, computed by reconciliation (PROVISION.reconciliationTolerance). */
export interface DifferenceView {
  claimedAmount: string;
  /** Claimed minus billed; negative when Party A's figure is lower. */
  differenceAmount: string;
  /** |difference| as a share of the statement total. */
  differencePercent: string;
  tolerancePercent: string;
}

export type ReplyOutcomeView =
  /** PROVISION.reconciliation: the contact confirmed the total. */
  | { kind: "confirmed" }
  /** PROVISION.reconciliationTolerance: a different figure, within the tolerance (inclusive): the statement total stands. */
  | ({ kind: "within-tolerance" } & DifferenceView)
  /** PROVISION.reReconciliation/4: beyond the tolerance: re-reconciliation, payment still due on the statement total. */
  | ({
      kind: "re-reconcile";
      reReconciliationDeadline: DeadlineView;
      paymentDeadline: DeadlineView;
      isFinalPeriod: boolean;
    } & DifferenceView)
  /** The reply could not be read with confidence: the system never guesses, a person follows up. */
  | { kind: "needs-person"; understood?: string }
  /** The period's reconciliation was already recorded; this reply changes nothing. */
  | { kind: "already-recorded"; recorded: ReplyReadingView; recordedAt: string; understood?: string }
  /** Received after the deadline: the statement was deemed accepted (PROVISION.noReplyDeemedAccepted); recorded, not reopened. */
  | { kind: "late"; reading: ReplyReadingView; reconciliationDueAt: string };

export interface ReplyAcknowledgementEmailInput {
  contract: ContractView;
  period: string;
  totalAmount: string;
  /** When the reply arrived. */
  receivedAt: string;
  outcome: ReplyOutcomeView;
}

function readingText(reading: ReplyReadingView, totalAmount: string): string {
  return reading.kind === "confirm"
    ? `确认本期账单结算总金额 ${formatYuan(totalAmount)}`
    : `对本期账单有异议，贵方核对的结算总金额为 ${formatYuan(reading.claimedAmount)}`;
}

function differenceFacts(difference: DifferenceView, totalAmount: string): Block {
  return {
    kind: "facts",
    rows: [
      { label: "账单结算总金额", value: formatYuan(totalAmount) },
      { label: "贵方核对金额", value: formatYuan(difference.claimedAmount) },
      {
        label: "差额",
        value: `${differenceWords(difference.differenceAmount)}，占账单金额 ${formatPercent(difference.differencePercent)}（容差 ${formatPercent(difference.tolerancePercent)}）`,
      },
    ],
  };
}

function outcomeBlocks(input: ReplyAcknowledgementEmailInput): Array<Block | null> {
  const { outcome, totalAmount } = input;
  const understood = (text: string): Block => ({
    kind: "paragraph",
    content: ["我们理解您的回复为：", { strong: text }, "。"],
  });
  switch (outcome.kind) {
    case "confirmed":
      return [
        understood(readingText({ kind: "confirm" }, totalAmount)),
        {
          kind: "paragraph",
          content: `本期对账已完成，按 ${formatYuan(totalAmount)} 结算${cite(PROVISION.reconciliation)}。`,
        },
      ];
    case "within-tolerance":
      return [
        understood(readingText({ kind: "dispute", claimedAmount: outcome.claimedAmount }, totalAmount)),
        differenceFacts(outcome, totalAmount),
        {
          kind: "paragraph",
          content: [
            `差额未超过账单结算总金额的 ${formatPercent(outcome.tolerancePercent)}，按合同约定以账单金额 `,
            { strong: formatYuan(totalAmount) },
            ` 作为结算依据${cite(PROVISION.reconciliationTolerance)}，本期对账已完成。`,
          ],
        },
      ];
    case "re-reconcile": {
      const footnote = provisionalFootnote([outcome.reReconciliationDeadline, outcome.paymentDeadline]);
      return [
        understood(readingText({ kind: "dispute", claimedAmount: outcome.claimedAmount }, totalAmount)),
        differenceFacts(outcome, totalAmount),
        {
          kind: "paragraph",
          content: `差额超过账单结算总金额的 ${formatPercent(outcome.tolerancePercent)}，双方需在 ${outcome.reReconciliationDeadline.workingDays} 个工作日内重新对账并确定应结算金额${cite(PROVISION.reReconciliation)}，乙方联系人将与您联系。`,
        },
        {
          kind: "facts",
          rows: [
            {
              label: `重新对账截止${cite(PROVISION.reReconciliation)}`,
              value: [{ strong: formatDeadline(outcome.reReconciliationDeadline) }],
            },
            {
              label: `付款金额${cite(PROVISION.settlementOfDifference)}`,
              value: [{ strong: formatYuan(totalAmount) }],
            },
            {
              label: `付款截止${cite(PROVISION.payment)}`,
              value: [{ strong: formatDeadline(outcome.paymentDeadline) }],
            },
          ],
        },
        {
          kind: "note",
          tone: "warning",
          content: outcome.isFinalPeriod
            ? `重新对账不影响付款：请仍按账单金额按期付款。本期为合同最后一个结算周期，重新对账确定的差额由双方多退少补${cite(PROVISION.settlementOfDifference)}。`
            : `重新对账不影响付款：请仍按账单金额按期付款，重新对账确定的差额在下一结算周期的账单中调整${cite(PROVISION.settlementOfDifference)}。`,
        },
        footnote ? { kind: "note", tone: "warning", content: footnote } : null,
      ];
    }
    case "needs-person":
      return [
        // The reader's own sentence ("我们理解您的回复为：……"): every processed reply is told what was understood.
        outcome.understood ? { kind: "paragraph", content: outcome.understood } : null,
        {
          kind: "paragraph",
          content:
            "我们收到了您的回复，但未能准确判断您是确认账单还是提出异议（或异议金额）。为避免误读，系统不会自行推断金额。",
        },
        {
          kind: "paragraph",
          content: `乙方联系人${input.contract.partyBContactName}将人工核对您的回复并与您联系；在此之前，本期对账尚未登记结果。`,
        },
      ];
    case "already-recorded":
      return [
        outcome.understood ? { kind: "paragraph", content: outcome.understood } : null,
        {
          kind: "paragraph",
          content: [
            `本期对账已于 ${formatInstant(outcome.recordedAt)} 登记，登记的回复为：`,
            { strong: readingText(outcome.recorded, totalAmount) },
            "。",
          ],
        },
        {
          kind: "paragraph",
          content: "本次回复不会改变已登记的对账结果。如需更正，请直接联系乙方联系人。",
        },
      ];
    case "late":
      return [
        understood(readingText(outcome.reading, totalAmount)),
        {
          kind: "paragraph",
          content: [
            "您的回复晚于对账截止时间 ",
            { strong: formatInstant(outcome.reconciliationDueAt) },
            `。截止时未收到回复，本期账单已视为确认${cite(PROVISION.noReplyDeemedAccepted)}。我们已记录您的回复，但不会因此重新开启本期对账。`,
          ],
        },
        {
          kind: "paragraph",
          content: `如对账单仍有异议，请联系乙方联系人协商；异议须在账单数据保留期限内提出${cite(PROVISION.billingDataRetention)}。`,
        },
      ];
  }
}

const SUBJECTS: Record<ReplyOutcomeView["kind"], string> = {
  confirmed: "已确认",
  "within-tolerance": "差额在容差内，按账单金额结算",
  "re-reconcile": "差额超出容差，将重新对账",
  "needs-person": "需人工核对",
  "already-recorded": "对账结果已登记",
  late: "回复晚于截止时间",
};

export function renderReplyAcknowledgementEmail(input: ReplyAcknowledgementEmailInput): RenderedEmail {
  const { contract } = input;
  const period = formatPeriod(input.period);
  return renderEmail({
    subject: `已收到您对${period}账单的回复：${SUBJECTS[input.outcome.kind]}｜合同 ${contract.contractId}`,
    title: `${period}账单对账回复确认`,
    recipients: [contract.partyAContactName],
    contract,
    blocks: [
      {
        kind: "paragraph",
        content: `我们于 ${formatInstant(input.receivedAt)} 收到您对${period}账单的回复。`,
      },
      ...outcomeBlocks(input),
      { kind: "paragraph", content: partyBContactLine(contract) },
    ],
  });
}
