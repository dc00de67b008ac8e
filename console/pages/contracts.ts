/** `/` and `/contracts/<id>`: what each contract waits for, and everything about one contract. */
import {
  byUrgency,
  type ContractDetail,
  type Overview,
  type PeriodDetail,
} from "../../functions/app/console-model";
import { breachDescription } from "../../functions/app/email-views/cycle";
import { formatFen } from "../../functions/core/money";
import { auditWhatCell } from "../audit-words";
import { beijingTime, escapeHtml, href, table } from "../html";
import { type Lang, t, tv } from "../i18n";
import { breachRegisterTable, obligationSections } from "./obligations";
import { outcomeCell, ruleAndClause, taskCells } from "./parts";
import { throttleSection } from "./throttle";

const contractLink = (lang: Lang, id: string) =>
  `<a href="${href(`/contracts/${encodeURIComponent(id)}`, lang)}">${escapeHtml(id)}</a>`;

const emailLink = (lang: Lang, contractId: string, emailKey: string, label: string) =>
  `<a href="${href(`/emails/${encodeURIComponent(contractId)}/${encodeURIComponent(emailKey)}`, lang)}">${escapeHtml(label)}</a>`;

export function overviewPage(lang: Lang, overview: Overview): string {
  const contracts = table(
    [t(lang, "contract"), t(lang, "status"), t(lang, "term"), t(lang, "currentPeriod"), t(lang, "waitsFor")],
    overview.contracts.map((c) => [
      contractLink(lang, c.record.contractId),
      `${escapeHtml(tv(lang, "contractStatus", c.record.status))} · ${escapeHtml(tv(lang, "state", c.state))}`,
      String(c.record.term),
      escapeHtml(c.currentPeriod ?? "-"),
      c.tasks.map((task) => escapeHtml(tv(lang, "waits", task.waitsFor))).join("<br>") || "-",
    ]),
    "contracts",
  );
  const tasks =
    overview.tasks.length === 0
      ? `<p>${t(lang, "noOpenTasks")}</p>`
      : table(
          [
            t(lang, "contract"),
            t(lang, "period"),
            t(lang, "waitsFor"),
            t(lang, "owedBy"),
            t(lang, "deadline"),
            `${t(lang, "rule")} / ${t(lang, "clause")}`,
          ],
          overview.tasks.map((task) => taskCells(lang, task, true)),
          "tasks",
        );
  const unsent = overview.contracts.flatMap((c) =>
    c.unsentEmails.map((e) => [
      contractLink(lang, c.record.contractId),
      emailLink(lang, c.record.contractId, e.emailKey, e.emailKey),
      escapeHtml(e.message?.subject ?? "-"),
      escapeHtml(e.lastError ?? "-"),
    ]),
  );
  return `<h1>${t(lang, "contractsTitle")}</h1><p class="muted">${t(lang, "datesNote")}</p>
${contracts}
<h2>${t(lang, "openTasks")}</h2>${tasks}
<h2>${t(lang, "breaches")}</h2>${breachRegisterTable(lang, overview.breaches, (b) => contractLink(lang, b.contractId))}
<h2>${t(lang, "unsentMail")}</h2>${unsent.length === 0 ? `<p>${t(lang, "noUnsentMail")}</p>` : table([t(lang, "contract"), t(lang, "emailTitle"), t(lang, "subject"), t(lang, "errors")], unsent, "unsent")}`;
}

function statementTable(lang: Lang, detail: PeriodDetail): string {
  const { statement, cycle } = detail;
  if (!statement) return "";
  const rows = statement.lines.map((line) => [
    escapeHtml(line.description),
    `<span class="num">${escapeHtml(line.quantity)}</span>`,
    escapeHtml(lang === "zh" ? line.unitLabel : line.unit),
    `<span class="num">${escapeHtml(line.unitPrice)}</span>`,
    `<span class="num">${escapeHtml(line.amount)}</span>`,
    ruleAndClause(lang, line.rule),
  ]);
  rows.push([
    `<strong>${t(lang, "total")}</strong>`,
    "",
    "",
    "",
    `<strong class="num bill-total" data-period="${escapeHtml(cycle.period)}">${escapeHtml(formatFen(cycle.billTotalFen))}</strong>`,
    ruleAndClause(lang, "R-MONEY-1"),
  ]);
  return table(
    [
      t(lang, "description"),
      t(lang, "quantity"),
      t(lang, "unit"),
      t(lang, "unitPrice"),
      t(lang, "amount"),
      `${t(lang, "rule")} / ${t(lang, "clause")}`,
    ],
    rows,
    "lines",
  );
}

function deadlinesTable(lang: Lang, detail: PeriodDetail): string {
  const c = detail.cycle;
  const free = c.billTotalFen <= 0n;
  const row = (
    step: string,
    due: string | null | undefined,
    done: string | null | undefined,
    rule: string,
  ) => [
    step,
    beijingTime(due ?? null),
    free && (rule === "R-PAY-1" || rule === "R-INV-1") && !done
      ? t(lang, "noneDue")
      : outcomeCell(lang, done, due),
    ruleAndClause(lang, rule),
  ];
  const rows = [
    row(t(lang, "step.bill"), c.billDue, c.sentAt, "R-BILL-1"),
    row(
      t(lang, "step.reconciliation"),
      c.reconciliationDeadline,
      c.reconciliation?.outcome === "no-reply" ? c.reconciliationDeadline : c.reconciliation?.receivedAt,
      "R-RECON-1",
    ),
  ];
  if (c.reconciliation?.outcome === "re-reconcile") {
    rows.push(
      row(t(lang, "step.reReconciliation"), c.reReconciliationDeadline, c.agreed?.recordedAt, "R-RECON-3"),
    );
  }
  rows.push(row(t(lang, "step.payment"), c.paymentDue, c.payment?.paidAt, "R-PAY-1"));
  rows.push(row(t(lang, "step.invoice"), c.payment?.invoiceDue, c.invoice?.invoicedAt, "R-INV-1"));
  return table(
    [t(lang, "step"), t(lang, "deadline"), t(lang, "doneAt"), `${t(lang, "rule")} / ${t(lang, "clause")}`],
    rows,
    "deadlines",
  );
}

function periodSection(lang: Lang, detail: PeriodDetail, contract: ContractDetail): string {
  const c = detail.cycle;
  const recon = c.reconciliation;
  const facts: string[][] = [
    [t(lang, "billTotal"), `<span class="num">${escapeHtml(formatFen(c.billTotalFen))}</span>`],
    [
      t(lang, "reconciliation"),
      recon
        ? `${escapeHtml(tv(lang, "recon", recon.outcome))} ${ruleAndClause(lang, recon.outcome === "no-reply" ? "R-RECON-5" : recon.outcome === "re-reconcile" ? "R-RECON-3" : "R-RECON-2")}`
        : `<span class="open">${t(lang, "open")}</span>`,
    ],
  ];
  if (recon?.partyAAmountFen !== undefined)
    facts.push([t(lang, "partyAFigure"), escapeHtml(formatFen(recon.partyAAmountFen))]);
  if (c.agreed && "agreedAmountFen" in c.agreed)
    facts.push([t(lang, "agreedAmount"), escapeHtml(formatFen(c.agreed.agreedAmountFen))]);
  facts.push([
    t(lang, "adjustmentNext"),
    `${escapeHtml(formatFen(c.adjustmentNextPeriodFen ?? 0n))} ${ruleAndClause(lang, "R-RECON-4")}`,
  ]);
  const payments = contract.ledger.filter((e) => e.period === c.period && e.kind === "payment");
  facts.push([
    t(lang, "payments"),
    payments.length === 0
      ? "-"
      : payments.map((p) => `${beijingTime(p.at)} ${formatFen(p.amountFen)}`).join("<br>"),
  ]);
  facts.push([
    t(lang, "invoice"),
    c.invoice ? `${escapeHtml(c.invoice.invoiceNumber)} · ${beijingTime(c.invoice.invoicedAt)}` : "-",
  ]);
  const breaches = (c.breaches ?? []).map(
    (b) => `${escapeHtml(lang === "zh" ? breachDescription(c, b) : b.what)} ${ruleAndClause(lang, b.rule)}`,
  );
  if (breaches.length > 0) facts.push([t(lang, "breaches"), breaches.join("<br>")]);
  return `<section class="period" id="period-${escapeHtml(c.period)}"><h3>${t(lang, "period")} ${escapeHtml(c.period)}</h3>
${table([t(lang, "what"), ""], facts, "facts")}
<h4>${t(lang, "billLines")}</h4>${statementTable(lang, detail)}
<h4>${t(lang, "deadlines")}</h4>${deadlinesTable(lang, detail)}</section>`;
}

export interface ContractPageOptions {
  /** A static export (out/report.html): no links to other console pages. */
  standalone?: boolean;
}

export function contractPage(lang: Lang, detail: ContractDetail, options: ContractPageOptions = {}): string {
  const id = detail.record.contractId;
  const parties = detail.record.contract.parties;
  const summary = table(
    [
      t(lang, "period"),
      t(lang, "billTotal"),
      t(lang, "reconciliation"),
      t(lang, "step.payment"),
      t(lang, "step.invoice"),
      t(lang, "breaches"),
    ],
    detail.periods.map((p) => [
      options.standalone
        ? escapeHtml(p.cycle.period)
        : `<a href="#period-${escapeHtml(p.cycle.period)}">${escapeHtml(p.cycle.period)}</a>`,
      `<span class="num period-total" data-period="${escapeHtml(p.cycle.period)}">${escapeHtml(formatFen(p.cycle.billTotalFen))}</span>`,
      p.cycle.reconciliation
        ? escapeHtml(tv(lang, "recon", p.cycle.reconciliation.outcome))
        : `<span class="open">${t(lang, "open")}</span>`,
      p.cycle.billTotalFen <= 0n && !p.cycle.payment
        ? t(lang, "noneDue")
        : outcomeCell(lang, p.cycle.payment?.paidAt, p.cycle.paymentDue),
      p.cycle.billTotalFen <= 0n && !p.cycle.invoice
        ? t(lang, "noneDue")
        : outcomeCell(lang, p.cycle.invoice?.invoicedAt, p.cycle.payment?.invoiceDue),
      (p.cycle.breaches ?? []).map((b) => ruleAndClause(lang, b.rule)).join("<br>") || "-",
    ]),
    "summary",
  );
  const tasks = [
    ...detail.heldBillTasks,
    ...detail.periods.flatMap((p) => p.tasks),
    ...detail.termTask,
    ...detail.obligationTasks,
  ].sort(byUrgency);
  const ledger = table(
    [
      t(lang, "entry"),
      t(lang, "period"),
      t(lang, "kind"),
      t(lang, "amount"),
      t(lang, "at"),
      t(lang, "who"),
      t(lang, "reason"),
    ],
    detail.ledger.map((e) => [
      escapeHtml(e.entryId),
      escapeHtml(e.period),
      escapeHtml(e.kind),
      `<span class="num">${formatFen(e.amountFen)}</span>`,
      beijingTime(e.at),
      escapeHtml(e.who),
      escapeHtml(e.reason ?? (e.reverses ? `↩ ${e.reverses}` : "")),
    ]),
    "ledger",
  );
  const b = detail.balance;
  const balance = table(
    [t(lang, "billed"), t(lang, "paid"), t(lang, "outstanding"), t(lang, "credit")],
    [
      [formatFen(b.billedFen), formatFen(b.paidFen), formatFen(b.outstandingFen), formatFen(b.creditFen)].map(
        (v) => `<span class="num">${v}</span>`,
      ),
    ],
    "balance",
  );
  const emails = table(
    [t(lang, "at"), t(lang, "emailTitle"), t(lang, "subject"), t(lang, "to"), t(lang, "status")],
    detail.emails.map((e) => [
      beijingTime(e.sentAt ?? e.claimedAt),
      options.standalone ? escapeHtml(e.emailKey) : emailLink(lang, id, e.emailKey, e.emailKey),
      escapeHtml(e.message?.subject ?? "-"),
      escapeHtml(e.message ? e.message.to.join(", ") : "-"),
      e.state === "sent" ? t(lang, "sent") : `<span class="overdue">${t(lang, "pending")}</span>`,
    ]),
    "emails",
  );
  const received = table(
    [t(lang, "at"), t(lang, "period"), t(lang, "emailTitle"), t(lang, "what")],
    detail.received.map((r) => [
      beijingTime(r.at),
      escapeHtml(r.period ?? "-"),
      options.standalone
        ? escapeHtml(r.sesMessageId)
        : emailLink(lang, id, `received:${r.sesMessageId}`, r.sesMessageId),
      auditWhatCell(lang, r.what),
    ]),
    "received",
  );
  const terms = table(
    [
      t(lang, "term"),
      t(lang, "firstDay"),
      t(lang, "lastDay"),
      t(lang, "noticeDeadline"),
      t(lang, "notice"),
      t(lang, "outcome"),
    ],
    detail.terms.map((term) => [
      String(term.term),
      escapeHtml(term.firstDay),
      escapeHtml(term.lastDay),
      `${beijingTime(term.noticeDeadline)} ${ruleAndClause(lang, "R-TERM-3")}`,
      term.notice
        ? `${escapeHtml(term.notice.method)} ${escapeHtml(term.notice.dispatched)} → ${escapeHtml(term.notice.deemedDeliveredOn)} ${ruleAndClause(lang, "R-NOTICE-2")}`
        : "-",
      escapeHtml(tv(lang, "term", term.outcome ?? "open")),
    ]),
    "terms",
  );
  return `<h1>${t(lang, "contract")} ${escapeHtml(id)}</h1>
<p class="parties">${t(lang, "partyA")}${t(lang, "colon")}${escapeHtml(parties.partyA.name)} · ${t(lang, "partyB")}${t(lang, "colon")}${escapeHtml(parties.partyB.name)}</p>
<p class="muted">${t(lang, "datesNote")}</p>
${summary}
<h2>${t(lang, "openTasks")}</h2>${
    tasks.length === 0
      ? `<p>${t(lang, "noOpenTasks")}</p>`
      : table(
          [
            t(lang, "period"),
            t(lang, "waitsFor"),
            t(lang, "owedBy"),
            t(lang, "deadline"),
            `${t(lang, "rule")} / ${t(lang, "clause")}`,
          ],
          tasks.map((task) => taskCells(lang, task, false)),
          "tasks",
        )
  }
${obligationSections(lang, detail.obligations)}
${throttleSection(lang, id, detail.throttle)}
<h2>${t(lang, "perPeriod")}</h2>
${detail.periods.map((p) => periodSection(lang, p, detail)).join("\n")}
<h2>${t(lang, "ledger")}</h2>${balance}${ledger}
<h2>${t(lang, "emails")}</h2>${emails}
<h2>${t(lang, "received")}</h2>${received}
<h2>${t(lang, "terms")}</h2>${terms}
<h2>${t(lang, "history")}</h2>${table(
    [
      t(lang, "at"),
      t(lang, "period"),
      t(lang, "who"),
      t(lang, "what"),
      `${t(lang, "rule")} / ${t(lang, "clause")}`,
    ],
    detail.history.map((e) => [
      beijingTime(e.at),
      escapeHtml(e.period ?? "-"),
      escapeHtml(e.operator ? `${e.who} (${e.operator})` : e.who),
      auditWhatCell(lang, e.what),
      e.rule ? ruleAndClause(lang, e.rule) : "-",
    ]),
    "history",
  )}`;
}
