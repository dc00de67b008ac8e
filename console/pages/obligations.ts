/**
 * The contract page's obligation registers (and so report.html's): service-level tickets with deadline and
 * outcome (R-SLA-1, R-SLA-2), the breach register with cure deadlines, outcome and Party B's liability cap as
 * of today (R-BREACH-1, R-LIAB-1, R-FM-1), and the changes with the day each takes effect (R-BANK-1,
 * R-NOTICE-4, R-CHANGE-1).
 */
import type { ContractObligations } from "../../functions/app/console-obligations";
import { TICKET_RULES, type TicketKind } from "../../functions/core/service-levels";
import { beijingTime, escapeHtml, table } from "../html";
import { type Lang, t, tv } from "../i18n";
import { party, ruleAndClause } from "./parts";

/** The one clause a ticket's kind answers to (3.3, 3.4, 3.18 or 2.26), not every clause of its rule. */
function ticketClause(lang: Lang, kind: TicketKind): string {
  const { rule, clause } = TICKET_RULES[kind];
  return lang === "zh"
    ? `<span class="rule">${rule}</span> ${escapeHtml(clause)}`
    : ruleAndClause(lang, rule);
}

const partyOfKey = (lang: Lang, key: "partyA" | "partyB") => party(lang, key === "partyA" ? "A" : "B");

function ticketsSection(lang: Lang, o: ContractObligations): string {
  const tickets =
    o.tickets.length === 0
      ? `<p>${t(lang, "noTickets")}</p>`
      : table(
          [
            t(lang, "ticket"),
            t(lang, "ticketKind"),
            t(lang, "what"),
            t(lang, "owedBy"),
            t(lang, "openedAt"),
            t(lang, "dueAt"),
            t(lang, "closedAt"),
            t(lang, "outcome"),
            `${t(lang, "rule")} / ${t(lang, "clause")}`,
          ],
          o.tickets.map((ticket) => [
            `<code>${escapeHtml(ticket.ticketId)}</code>`,
            escapeHtml(tv(lang, "ticketKind", ticket.kind)),
            escapeHtml(ticket.what),
            party(lang, ticket.party),
            beijingTime(ticket.openedAt),
            ticket.dueAt ? beijingTime(ticket.dueAt) : t(lang, "monthlyAverage"),
            beijingTime(ticket.closedAt ?? null),
            `<span class="ticket-standing ${ticket.standing === "late" || ticket.standing === "overdue" ? "missed" : ticket.standing === "met" ? "met" : "open"}" data-standing="${ticket.standing}">${escapeHtml(tv(lang, "ticketStanding", ticket.standing))}</span>`,
            ticketClause(lang, ticket.kind),
          ]),
          "tickets",
        );
  const gateway =
    o.smsGateway.length === 0
      ? ""
      : `<h3>${t(lang, "smsGatewayAverage")} ${ruleAndClause(lang, "R-SLA-2")}</h3>${table(
          [
            t(lang, "period"),
            t(lang, "faults"),
            t(lang, "averageMinutes"),
            t(lang, "limitMinutes"),
            t(lang, "outcome"),
          ],
          o.smsGateway.map((g) => [
            escapeHtml(g.period),
            String(g.faults),
            String(g.averageRepairMinutes ?? "-"),
            String(g.limitMinutes),
            `<span class="${g.met ? "met" : "missed"}">${t(lang, g.met ? "met" : "missed")}</span>`,
          ]),
          "sms-gateway",
        )}`;
  return `<h2>${t(lang, "tickets")}</h2>${tickets}${gateway}`;
}

/** What comes next for an entry, with the clauses in words (5.1 cure, 8.2 negotiation, 8.3 arbitration). */
function breachOutcome(lang: Lang, b: RegisterEntry): string {
  const state = escapeHtml(tv(lang, "breachState", b.state));
  const late = b.late ? ` ${t(lang, "answeredLate")}` : "";
  const days = b.daysLeft !== null ? ` (${t(lang, "daysLeft")} ${b.daysLeft})` : "";
  const words: Record<string, string> = {
    "cure-period":
      lang === "zh"
        ? "书面确认纠正或书面异议（合同第五条5.1款）"
        : "cure and confirm, or object, in writing (clause 5.1)",
    negotiation:
      lang === "zh"
        ? "协商（合同第八条8.2款），不成则仲裁（合同第八条8.3款）"
        : "negotiation (clause 8.2), then arbitration (clause 8.3)",
    lapsed:
      lang === "zh"
        ? "可提交长春仲裁委员会仲裁（合同第八条8.3款）"
        : "may go to arbitration at the 长春仲裁委员会 (clause 8.3)",
  };
  const next = words[b.state] ? `<br><span class="muted">${escapeHtml(words[b.state] ?? "")}</span>` : "";
  return `<span class="breach-state" data-state="${b.state}">${state}${days}${late}</span>${next}`;
}

type RegisterEntry = ContractObligations["register"]["breaches"][number];

/** Register entries; with `contractCell`, a first column naming each one's contract (the overview). */
export function breachRegisterTable<E extends RegisterEntry>(
  lang: Lang,
  breaches: readonly E[],
  contractCell?: (entry: E) => string,
): string {
  if (breaches.length === 0) return `<p>${t(lang, "noBreaches")}</p>`;
  return table(
    [
      ...(contractCell ? [t(lang, "contract")] : []),
      t(lang, "breach"),
      t(lang, "what"),
      t(lang, "breachingParty"),
      t(lang, "detectedOn"),
      t(lang, "noticeReceived"),
      t(lang, "cureDeadline"),
      t(lang, "outcome"),
      `${t(lang, "rule")} / ${t(lang, "clause")}`,
    ],
    breaches.map((b) => [
      ...(contractCell ? [contractCell(b)] : []),
      `<code>${escapeHtml(b.breachId)}</code>`,
      escapeHtml(lang === "zh" ? (b.description ?? b.what) : b.what),
      party(lang, b.party),
      escapeHtml(b.detectedOn ?? "-"),
      escapeHtml(b.notice?.receivedOn ?? "-"),
      `<span class="cure-deadline">${escapeHtml(b.cureDeadline ?? "-")}</span>`,
      breachOutcome(lang, b),
      ruleAndClause(lang, b.rule),
    ]),
    "register",
  );
}

function registerSection(lang: Lang, o: ContractObligations): string {
  const r = o.register;
  const cap = `<p class="liability-cap">${t(lang, "liabilityCap")} ${ruleAndClause(lang, "R-LIAB-1")}${t(lang, "colon")}<strong class="cap" data-as-of="${escapeHtml(r.asOf)}">${escapeHtml(r.liabilityCap)}</strong> ${t(lang, "yuan")}${t(lang, "openParen")}${t(lang, "asOfDay")} ${escapeHtml(r.asOf)}${t(lang, "closeParen")}</p>`;
  const entries = breachRegisterTable(lang, r.breaches);
  const forceMajeure =
    r.forceMajeure.length === 0
      ? ""
      : `<h3>${t(lang, "forceMajeure")} ${ruleAndClause(lang, "R-FM-1")}</h3>${table(
          [
            t(lang, "what"),
            t(lang, "firstDay"),
            t(lang, "lastDay"),
            t(lang, "daysLasted"),
            t(lang, "negotiationEndsOn"),
            t(lang, "terminationRightFrom"),
          ],
          r.forceMajeure.map((f) => [
            escapeHtml(f.what),
            escapeHtml(f.from),
            escapeHtml(f.to ?? "-"),
            String(f.daysLasted),
            escapeHtml(f.negotiationEndsOn ?? "-"),
            escapeHtml(f.terminationRightFrom ?? "-"),
          ]),
          "force-majeure",
        )}`;
  return `<h2>${t(lang, "breaches")} ${ruleAndClause(lang, "R-BREACH-1")}</h2>${cap}${entries}${forceMajeure}`;
}

function changesSection(lang: Lang, o: ContractObligations): string {
  const accounts = table(
    [
      t(lang, "side"),
      t(lang, "bank"),
      t(lang, "accountName"),
      t(lang, "account"),
      t(lang, "effectiveFrom"),
      t(lang, "inForceToday"),
    ],
    o.bankAccounts.map((a) => [
      partyOfKey(lang, a.party),
      escapeHtml(a.bank),
      escapeHtml(a.accountName),
      `<code>${escapeHtml(a.account)}</code>`,
      `<span class="effective-from">${escapeHtml(a.effectiveFrom)}</span>`,
      a.inForce ? `<span class="met in-force">✓</span>` : "",
    ]),
    "bank-accounts",
  );
  const contacts = table(
    [
      t(lang, "side"),
      t(lang, "contactName"),
      t(lang, "phone"),
      t(lang, "email"),
      t(lang, "address"),
      t(lang, "notifiedOn"),
      t(lang, "effectiveFrom"),
      t(lang, "inForceToday"),
    ],
    o.contacts.map((c) => [
      partyOfKey(lang, c.party),
      escapeHtml(c.name),
      escapeHtml(c.phone),
      escapeHtml(c.email),
      escapeHtml(c.address),
      escapeHtml(c.notifiedOn ?? t(lang, "asSigned")),
      `<span class="effective-from">${escapeHtml(c.effectiveFrom ?? "-")}</span>`,
      c.inForce ? `<span class="met in-force">✓</span>` : "",
    ]),
    "contacts",
  );
  const services =
    o.serviceChanges.length === 0
      ? `<p>${t(lang, "noServiceChanges")}</p>`
      : table(
          [
            t(lang, "service"),
            t(lang, "changeAction"),
            t(lang, "unitPrice"),
            t(lang, "requestedOn"),
            t(lang, "confirmedOn"),
            t(lang, "effectiveFrom"),
            t(lang, "inForceToday"),
            `${t(lang, "rule")} / ${t(lang, "clause")}`,
          ],
          o.serviceChanges.map((c) => [
            `<code>${escapeHtml(c.service)}</code>`,
            escapeHtml(tv(lang, "changeAction", c.action)),
            escapeHtml(c.unitPrice ?? "-"),
            escapeHtml(c.requestedOn),
            escapeHtml(c.confirmedByPartyBOn),
            `<span class="effective-from">${escapeHtml(c.effectiveFrom)}</span>`,
            c.inForce ? `<span class="met in-force">✓</span>` : "",
            c.basis === "R-CHANGE-1"
              ? ruleAndClause(lang, "R-CHANGE-1")
              : escapeHtml(lang === "zh" ? "合同第三条3.11款" : "clause 3.11"),
          ]),
          "service-changes",
        );
  return `<h2>${t(lang, "partyChanges")}</h2>
<h3>${t(lang, "bankAccounts")} ${ruleAndClause(lang, "R-BANK-1")}</h3>${accounts}
<h3>${t(lang, "contacts")} ${ruleAndClause(lang, "R-NOTICE-4")}</h3>${contacts}
<h3>${t(lang, "serviceChanges")}</h3>${services}`;
}

export function obligationSections(lang: Lang, o: ContractObligations): string {
  return [registerSection(lang, o), ticketsSection(lang, o), changesSection(lang, o)].join("\n");
}
