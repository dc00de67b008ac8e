/**
 * Emails speak the contract's language: clauses in words (合同第四条4.6款), never our rule IDs (R-…), which
 * stay in code, logs and docs. Oracles: the clause numbering of the seed contract text and the clause column of
 * contract-rules.md (copies in test/fixtures/contract-text) — both read here, independently of core/clause-words.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chineseNumeral, clauseWords, PROVISION, RULE_CLAUSES } from "../../functions/core/clause-words";
import {
  type RenderedEmail,
  renderBreachRecordedEmail,
  renderBudgetWarningEmail,
  renderCalendarProvisionalEmail,
  renderDeadlinesMovedEmail,
  renderEndOfContractEmail,
  renderInvoiceIssuedEmail,
  renderNeedsPersonEmail,
  renderOverdueNoticeEmail,
  renderReconciliationReminderEmail,
  renderRenewalConfirmationEmail,
  renderRenewalReminderEmail,
  renderReplyAcknowledgementEmail,
  renderReReconciliationOpenedEmail,
  renderReReconciliationUnresolvedEmail,
  renderSettlementEmail,
  renderStatementEmail,
  renderUntrustedReplyEmail,
} from "../../functions/core/emails";
import * as samples from "../../functions/core/emails/samples";

const RULE_ID = /R-[A-Z]+-\d/;
const CONTRACT_TEXT = readFileSync("test/fixtures/contract-text/contract-11NA0700211920254001.txt", "utf8");
const RULES_DOC = readFileSync("test/fixtures/contract-text/contract-rules.md", "utf8");

const provisional = { ...samples.samplePaymentDeadline(), provisional: true };

/** Every kind of email, and each variant that words something differently. */
const RENDERED: Record<string, () => RenderedEmail> = {
  statement: () => renderStatementEmail(samples.sampleStatement()),
  "statement, final period, provisional deadline, trial and adjustment lines": () => {
    const input = samples.sampleStatement();
    return renderStatementEmail({
      ...input,
      isFinalPeriod: true,
      paymentDeadline: provisional,
      lines: [
        ...input.lines,
        {
          kind: "trial",
          description: "短信",
          quantity: "10",
          unit: "条",
          unitPrice: "0.04",
          amount: "0.00",
        },
      ],
    });
  },
  reminder: () => renderReconciliationReminderEmail(samples.sampleReconciliationReminder()),
  ...Object.fromEntries(
    (
      [
        { kind: "confirmed" },
        {
          kind: "within-tolerance",
          claimedAmount: "4100.00",
          differenceAmount: "-118.36",
          differencePercent: "2.81",
          tolerancePercent: "5",
        },
        {
          kind: "re-reconcile",
          claimedAmount: "3800.00",
          differenceAmount: "-418.36",
          differencePercent: "9.92",
          tolerancePercent: "5",
          reReconciliationDeadline: { ...samples.samplePaymentDeadline(), ruleId: "R-RECON-3" },
          paymentDeadline: samples.samplePaymentDeadline(),
          isFinalPeriod: true,
        },
        { kind: "needs-person", understood: "确认" },
        {
          kind: "already-recorded",
          recorded: { kind: "confirm" },
          recordedAt: "2025-10-10T10:00:00+08:00",
        },
        { kind: "late", reading: { kind: "confirm" }, reconciliationDueAt: "2025-10-15T23:59:59+08:00" },
      ] as const
    ).map((outcome) => [
      `acknowledgement ${outcome.kind}`,
      () => renderReplyAcknowledgementEmail({ ...samples.sampleReplyAcknowledgement(), outcome }),
    ]),
  ),
  needsPerson: () => renderNeedsPersonEmail(samples.sampleNeedsPerson()),
  untrustedReply: () => renderUntrustedReplyEmail(samples.sampleUntrustedReply()),
  reReconciliation: () => renderReReconciliationOpenedEmail(samples.sampleReReconciliation()),
  "reReconciliation, final period": () =>
    renderReReconciliationOpenedEmail({ ...samples.sampleReReconciliation(), isFinalPeriod: true }),
  reReconciliationUnresolved: () =>
    renderReReconciliationUnresolvedEmail(samples.sampleReReconciliationUnresolved()),
  overdue: () => renderOverdueNoticeEmail(samples.sampleOverdueNotice()),
  breach: () => renderBreachRecordedEmail(samples.sampleBreachRecorded()),
  invoice: () => renderInvoiceIssuedEmail(samples.sampleInvoiceIssued()),
  "invoice, late": () => {
    const input = samples.sampleInvoiceIssued();
    return renderInvoiceIssuedEmail({ ...input, issuedOn: "2025-11-20" });
  },
  renewalReminder: () => renderRenewalReminderEmail(samples.sampleRenewalReminder()),
  renewalConfirmation: () => renderRenewalConfirmationEmail(samples.sampleRenewalConfirmation()),
  endOfContract: () => renderEndOfContractEmail(samples.sampleEndOfContract()),
  "endOfContract, pending true-up, early termination": () =>
    renderEndOfContractEmail({
      ...samples.sampleEndOfContract(),
      reason: "early-termination",
      finalTrueUp: { status: "pending", period: "2026-06" },
    }),
  budget: () => renderBudgetWarningEmail(samples.sampleBudgetWarning()),
  settlement: () =>
    renderSettlementEmail({
      contract: samples.sampleContract(),
      lastPeriod: "2026-06",
      outstanding: "0.00",
      credit: "120.00",
      unbilledDifferences: "0.00",
      amount: "120.00",
      direction: "refund",
      partyBAccount: samples.samplePartyBAccount(),
    }),
  calendarProvisional: () =>
    renderCalendarProvisionalEmail({
      contract: samples.sampleContract(),
      year: 2027,
      checkedOn: "2026-11-02",
    }),
  deadlinesMoved: () =>
    renderDeadlinesMovedEmail({
      contract: samples.sampleContract(),
      year: 2027,
      noticeTitle: "国务院办公厅关于2027年部分节假日安排的通知",
      noticeDate: "2026-11-20",
      moves: ["R-BILL-1", "R-RECON-1", "R-RECON-5", "R-RECON-3", "R-PAY-1", "R-INV-1"].map((ruleId) => ({
        period: "2026-12",
        ruleId,
        from: "2027-01-14T23:59:59+08:00",
        to: "2027-01-15T23:59:59+08:00",
      })),
    }),
};

describe("no rule ID reaches an email's reader", () => {
  it.each(Object.keys(RENDERED))("%s: subject, text and HTML cite no R-… ID", (name) => {
    const { subject, text, html } = (RENDERED[name] as () => RenderedEmail)();
    for (const part of [subject, text, html]) expect(part).not.toMatch(RULE_ID);
  });

  it("the emails that cite a clause cite it in the contract's words", () => {
    const statement = renderStatementEmail(samples.sampleStatement()).text;
    // 4.6: 5 working days to reconcile, 5 % tolerance; 4.8: 10 working days to pay.
    expect(statement).toContain("对账截止（合同第四条4.6款）");
    expect(statement).toContain("付款截止（合同第四条4.8款）");
    expect(renderBreachRecordedEmail(samples.sampleBreachRecorded()).subject).toContain("合同第四条4.8款");
  });
});

/** The article a clause sits in, read from the contract: the clauses between 第N条 and the next heading. */
function clausesOfArticle(article: number): string[] {
  const heading = new RegExp(`^\\s*第${chineseNumeral(article)}条\\s`);
  const lines = CONTRACT_TEXT.split("\n");
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && /^\s*第[一二三四五六七八九十]+条\s/.test(line));
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .map((line) => /^\s*(\d+)\s*\.\s*(\d+)/.exec(line))
    .flatMap((match) => (match ? [`${match[1]}.${match[2]}`] : []));
}

const ANNEX_HEADING = /^\s*附件[一二三四五六七八九十]+/;

/**
 * An annex's text as the contract prints it: from the heading line "附件N" whose title follows within two
 * lines (the list in 11.3 names annexes too, but nothing follows those lines) to the next annex heading.
 */
function annexBody(annex: number, title: string): string | null {
  const lines = CONTRACT_TEXT.split("\n");
  const heading = new RegExp(`^\\s*附件${chineseNumeral(annex)}(?![一二三四五六七八九十])`);
  for (let i = 0; i < lines.length; i++) {
    if (!heading.test(lines[i] ?? "")) continue;
    const near = lines.slice(i, i + 3).join("\n");
    if (!near.includes(title)) continue;
    const end = lines.findIndex((line, j) => j > i && ANNEX_HEADING.test(line));
    const body = lines.slice(i, end < 0 ? undefined : end).join("\n");
    if (body.length > near.length) return body;
  }
  return null;
}

/** The clause column of contract-rules.md, per rule ID: "4.5, 4.6, 4.8" → the numbers it names. */
function documentedClauses(ruleId: string): string[] {
  const row = RULES_DOC.split("\n").find((line) => line.startsWith(`| ${ruleId} |`));
  const cells = row?.split("|").map((cell) => cell.trim()) ?? [];
  return [...(cells[3] ?? "").matchAll(/\d+\.\d+/g)].map((match) => match[0]);
}

describe("each rule's clauses, against the contract text and contract-rules.md", () => {
  it.each(Object.keys(RULE_CLAUSES))("%s", (ruleId) => {
    const refs = RULE_CLAUSES[ruleId as keyof typeof RULE_CLAUSES];
    const cited: string[] = [];
    for (const ref of refs) {
      if (ref.kind === "article") {
        // Every clause is numbered in the article that the words name (4.6 is in 第四条).
        expect(clausesOfArticle(ref.article)).toEqual(expect.arrayContaining([...ref.clauses]));
        cited.push(...ref.clauses);
      } else if (ref.kind === "annex") {
        const body = annexBody(ref.annex, ref.title);
        expect(body).not.toBeNull();
        if (ref.item !== undefined) expect(body).toMatch(new RegExp(`(^|\\n)\\s*${ref.item}、`));
      } else {
        expect(CONTRACT_TEXT).toContain(`${chineseNumeral(ref.part)}、${ref.title}`);
      }
    }
    // Our summary names the same clauses (rules without a clause there cite none here).
    expect(cited.sort()).toEqual(documentedClauses(ruleId).sort());
  });

  it("every rule of contract-rules.md has an entry", () => {
    const documented = [...RULES_DOC.matchAll(/^\| (R-[A-Z]+-\d+) \|/gm)].map((match) => match[1]);
    expect(Object.keys(RULE_CLAUSES).sort()).toEqual([...documented].sort());
  });

  it("words a clause as the contract numbers it", () => {
    expect(clauseWords("R-RECON-2")).toBe("合同第四条4.6款");
    expect(clauseWords("R-END-1")).toBe("合同第三条3.21款、第四条4.7款");
    expect(clauseWords("R-RECON-3", "R-RECON-4")).toBe("合同第四条4.6、4.7款");
    expect(clauseWords("R-TERM-3")).toBe("合同第十条10.1款");
    expect(clauseWords("R-RECON-5")).toBe("");
  });
});

describe("the email modules name the provisions they cite, not our rule IDs", () => {
  const directory = "functions/core/emails";

  it.each(readdirSync(directory).filter((file) => file.endsWith(".ts")))(
    "%s has no rule ID anywhere: not in its code, its errors or its comments",
    (file) => {
      // A provision is named by PROVISION (clause-words.ts, the one rule → clause table) and worded by cite/clauseWords.
      expect(readFileSync(join(directory, file), "utf8")).not.toMatch(/R-[A-Z]+-\d+/);
    },
  );

  it("each provision's name stands for a rule whose clause is in the contract's words, or none", () => {
    // Oracle: the contract text — 第四条4.8款 is the payment and the invoice clause, 第五条5.1款 the breach clause.
    expect(clauseWords(PROVISION.payment)).toBe("合同第四条4.8款");
    expect(clauseWords(PROVISION.invoice)).toBe("合同第四条4.8款");
    expect(new Set(Object.values(PROVISION)).size).toBe(Object.keys(PROVISION).length);
  });
});
