import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ContractView,
  type RenderedEmail,
  renderBreachRecordedEmail,
  renderBudgetWarningEmail,
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
  renderStatementEmail,
  renderUntrustedReplyEmail,
} from "../../functions/core/emails";
import * as samples from "../../functions/core/emails/samples";

/** Every email, rendered from its sample with the contract's strings replaced. */
const EMAILS: Record<string, (contract: ContractView) => RenderedEmail> = {
  statement: (contract) => renderStatementEmail({ ...samples.sampleStatement(), contract }),
  reminder: (contract) =>
    renderReconciliationReminderEmail({ ...samples.sampleReconciliationReminder(), contract }),
  acknowledgement: (contract) =>
    renderReplyAcknowledgementEmail({ ...samples.sampleReplyAcknowledgement(), contract }),
  needsPerson: (contract) => renderNeedsPersonEmail({ ...samples.sampleNeedsPerson(), contract }),
  untrustedReply: (contract) => renderUntrustedReplyEmail({ ...samples.sampleUntrustedReply(), contract }),
  reReconciliation: (contract) =>
    renderReReconciliationOpenedEmail({ ...samples.sampleReReconciliation(), contract }),
  reReconciliationUnresolved: (contract) =>
    renderReReconciliationUnresolvedEmail({ ...samples.sampleReReconciliationUnresolved(), contract }),
  overdue: (contract) => renderOverdueNoticeEmail({ ...samples.sampleOverdueNotice(), contract }),
  breach: (contract) => renderBreachRecordedEmail({ ...samples.sampleBreachRecorded(), contract }),
  invoice: (contract) => renderInvoiceIssuedEmail({ ...samples.sampleInvoiceIssued(), contract }),
  renewalReminder: (contract) => renderRenewalReminderEmail({ ...samples.sampleRenewalReminder(), contract }),
  renewalConfirmation: (contract) =>
    renderRenewalConfirmationEmail({ ...samples.sampleRenewalConfirmation(), contract }),
  endOfContract: (contract) => renderEndOfContractEmail({ ...samples.sampleEndOfContract(), contract }),
  budget: (contract) => renderBudgetWarningEmail({ ...samples.sampleBudgetWarning(), contract }),
};

const LAYOUT_TAGS = new Set([
  "!doctype",
  "html",
  "head",
  "meta",
  "title",
  "body",
  "table",
  "tr",
  "td",
  "th",
  "p",
  "strong",
  "br",
]);
const TAG = /<\/?[a-zA-Z][^>]*>/;
const ACCOUNTS = ["431901341210999", "4200221229000110919"];

function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z!]+)/g)].map((match) => (match[1] ?? "").toLowerCase());
}

function withEveryField(value: (field: string) => string): ContractView {
  const contract = samples.sampleContract();
  return Object.fromEntries(
    Object.keys(contract).map((field) => [field, value(field)]),
  ) as unknown as ContractView;
}

describe.each(Object.entries(EMAILS))("%s email", (_name, render) => {
  it("escapes a <script> in every contract field", () => {
    const { html, subject } = render(withEveryField((field) => `<script>${field}</script>`));
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;contractId&lt;/script&gt;");
    expect(tagsOf(html).every((tag) => LAYOUT_TAGS.has(tag))).toBe(true);
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it("has a text part without HTML tags and with the contract number", () => {
    const { text, html } = render(samples.sampleContract());
    expect(text).not.toMatch(TAG);
    expect(text).toContain("合同编号：11NA0700211920254001");
    expect(html).toContain("合同编号：11NA0700211920254001");
  });

  it("addresses the right people by name", () => {
    const { text } = render(samples.sampleContract());
    expect(text.split("\n")[0]).toMatch(/^(麻丽丽|王逸群|麻丽丽、王逸群)，您好：$/);
  });
});

describe("bank accounts (R-BANK-1)", () => {
  it("appear in full only in the statement", () => {
    for (const [name, render] of Object.entries(EMAILS)) {
      const { text, html, subject } = render(samples.sampleContract());
      const fullShown = ACCOUNTS.some((account) => `${subject}${text}${html}`.includes(account));
      expect(fullShown, name).toBe(name === "statement");
    }
  });
});

describe("escaping under arbitrary input", () => {
  it("no contract string can add a tag to any email", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 40 }),
        fc.constantFrom(...Object.values(EMAILS)),
        (value, render) => {
          const html = render(withEveryField(() => value)).html;
          expect(tagsOf(html).every((tag) => LAYOUT_TAGS.has(tag))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
