import { describe, expect, it } from "vitest";
import {
  amountFen,
  EmailInputError,
  formatAmount,
  formatDate,
  formatDeadline,
  formatInstant,
  formatPeriod,
  formatYuan,
  instantLocalDate,
} from "../../functions/core/emails/format";
import { escapeHtml, renderEmail } from "../../functions/core/emails/layout";
import { sampleContract } from "../../functions/core/emails/samples";

const HOSTILE = `<script>alert("x")</script> & 'quote'`;
const ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quote&#39;";

describe("escapeHtml", () => {
  it("escapes the five characters that can break out of text or an attribute", () => {
    expect(escapeHtml(HOSTILE)).toBe(ESCAPED);
  });

  it("leaves Chinese text and full-width punctuation alone", () => {
    expect(escapeHtml("结算总金额：4,218.36 元（含税）")).toBe("结算总金额：4,218.36 元（含税）");
  });
});

describe("renderEmail", () => {
  const render = () =>
    renderEmail({
      subject: `账单\r\nBcc: victim@example.com ${HOSTILE}`,
      title: HOSTILE,
      recipients: [HOSTILE, "王逸群"],
      contract: { ...sampleContract(), title: HOSTILE },
      blocks: [
        { kind: "paragraph", content: [HOSTILE, { strong: HOSTILE }] },
        { kind: "heading", text: HOSTILE },
        { kind: "facts", rows: [{ label: HOSTILE, value: HOSTILE }] },
        {
          kind: "table",
          columns: [{ title: HOSTILE }],
          rows: [{ cells: [HOSTILE] }, { cells: [HOSTILE], strong: true }],
          textLines: [`行：${HOSTILE}`],
        },
        { kind: "list", items: [HOSTILE] },
        { kind: "note", tone: "warning", content: HOSTILE },
        { kind: "quote", text: `第一行 ${HOSTILE}\n第二行` },
        null,
      ],
    });

  it("escapes every interpolated value in every kind of block", () => {
    const { html } = render();
    expect(html).not.toContain("<script>");
    expect(html).not.toContain(`"x"`);
    // title banner, <title>, greeting, paragraph + strong, heading, facts ×2, table ×3, list, note, quote, footer
    expect(html.split(ESCAPED).length - 1).toBeGreaterThanOrEqual(15);
  });

  it("emits only the layout's own tags in the HTML part", () => {
    const tags = new Set(
      [...render().html.matchAll(/<\/?([a-zA-Z!]+)/g)].map((match) => match[1]?.toLowerCase()),
    );
    expect([...tags].sort()).toEqual(
      [
        "!doctype",
        "body",
        "br",
        "head",
        "html",
        "meta",
        "p",
        "strong",
        "table",
        "td",
        "th",
        "title",
        "tr",
      ].sort(),
    );
  });

  it("keeps the subject on one line so no value can add a mail header", () => {
    const { subject } = render();
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject.startsWith("账单 Bcc: victim@example.com")).toBe(true);
  });

  it("gives the text part the same content, readable without markup", () => {
    const { text } = render();
    expect(text).toContain(`${HOSTILE}、王逸群，您好：`);
    expect(text).toContain(`【${HOSTILE}】`);
    expect(text).toContain(`  行：${HOSTILE}`);
    expect(text).toContain(`> 第一行 ${HOSTILE}\n> 第二行`);
    expect(text).toContain(`※ ${HOSTILE}`);
    expect(text).toContain("合同编号：11NA0700211920254001");
  });

  it("turns line breaks of a quote into <br> after escaping", () => {
    const { html } = render();
    expect(html).toContain(`第一行 ${ESCAPED}<br>第二行`);
  });

  it("greets without a name and signs as the system when no contract is known", () => {
    const email = renderEmail({ subject: "s", title: "t", recipients: [], contract: null, blocks: [] });
    expect(email.text.startsWith("您好：")).toBe(true);
    expect(email.text).toContain("合同履约系统（本邮件由合同履约系统自动发送）");
    expect(email.text).not.toContain("合同编号");
  });
});

describe("formatting for people", () => {
  it("R-MONEY-1: groups yuan by thousands from the digits, keeping the fen exactly", () => {
    expect(formatAmount("4218.36")).toBe("4,218.36");
    expect(formatAmount("98000.00")).toBe("98,000.00");
    expect(formatAmount("-120.00")).toBe("-120.00");
    expect(formatAmount("123456789012.45")).toBe("123,456,789,012.45");
    expect(amountFen("-0.05")).toBe(-5n);
    // Negative amounts as a statement prints them: a leading "-" (ASCII), never "0.-5"; grouped from the digits.
    expect(formatAmount("-0.05")).toBe("-0.05");
    expect(formatAmount("-4000.00")).toBe("-4,000.00");
    expect(formatYuan("-200.00")).toBe("-200.00 元");
  });

  it("R-MONEY-1: rejects anything that is not an amount with exactly 2 decimals", () => {
    for (const bad of ["4218.3", "4218", "4,218.36", "1e3", "-0.00", "04218.36", " 1.00", "NaN"]) {
      expect(() => formatAmount(bad), bad).toThrow(EmailInputError);
    }
  });

  it("writes dates and periods the Chinese way and rejects impossible ones", () => {
    expect(formatDate("2025-10-01")).toBe("2025年10月1日");
    expect(formatPeriod("2025-09")).toBe("2025年9月");
    expect(() => formatDate("2025-02-29")).toThrow(EmailInputError);
    expect(() => formatPeriod("2025-13")).toThrow(EmailInputError);
  });

  it("R-WD-2: shows instants in Beijing time whatever offset they carry", () => {
    expect(formatInstant("2025-10-21T23:59:59+08:00")).toBe("2025年10月21日 23:59（北京时间）");
    expect(formatInstant("2025-10-21T15:59:59.000Z")).toBe("2025年10月21日 23:59（北京时间）");
    expect(instantLocalDate("2025-10-21T16:00:00Z")).toBe("2025-10-22");
  });

  it("rejects an instant without an offset: it could be any time zone", () => {
    expect(() => formatInstant("2025-10-21T23:59:59")).toThrow(EmailInputError);
    expect(() => formatInstant("2025-02-30T10:00:00+08:00")).toThrow(EmailInputError);
  });

  it("R-WD-3: a deadline from a provisional calendar is marked wherever it is shown", () => {
    const deadline = {
      ruleId: "R-RECON-1",
      workingDays: 5,
      dueAt: "2026-01-08T23:59:59+08:00",
      provisional: true,
    };
    expect(formatDeadline(deadline)).toBe("2026年1月8日 23:59（北京时间），暂定（国务院放假安排尚未公布）");
    expect(formatDeadline({ ...deadline, provisional: false })).toBe("2026年1月8日 23:59（北京时间）");
  });
});
