/** Pieces several pages share: a rule with its clause in words, a party, a task row, a deadline's outcome. */
import type { OpenTask } from "../../functions/app/console-model";
import { clauseInWords } from "../../functions/core/clause-words";
import { beijingTime, escapeHtml, href } from "../html";
import { type Lang, t, tv } from "../i18n";

/** The rule ID (for Party B's staff and the code) and the contract clause in words (for everyone). */
export function ruleAndClause(lang: Lang, rule: string): string {
  const clause = clauseInWords(rule, lang);
  return `<span class="rule">${escapeHtml(rule)}</span>${clause ? ` ${escapeHtml(clause)}` : ""}`;
}

export function party(lang: Lang, who: "A" | "B" | "either"): string {
  return who === "A" ? t(lang, "partyA") : who === "B" ? t(lang, "partyB") : t(lang, "eitherParty");
}

export function taskCells(lang: Lang, task: OpenTask, withContract: boolean): string[] {
  const deadline = `${beijingTime(task.deadline)}${task.overdue ? ` <span class="overdue">${t(lang, "overdue")}</span>` : ""}`;
  return [
    ...(withContract
      ? [
          `<a href="${href(`/contracts/${encodeURIComponent(task.contractId)}`, lang)}">${escapeHtml(task.contractId)}</a>`,
        ]
      : []),
    escapeHtml(task.period ?? "-"),
    escapeHtml(tv(lang, "waits", task.waitsFor)),
    party(lang, task.owedBy),
    deadline,
    ruleAndClause(lang, task.rule),
  ];
}

/** "2025-09-08 10:00:00 (met)": when a step was done against its deadline. */
export function outcomeCell(
  lang: Lang,
  done: string | null | undefined,
  due: string | null | undefined,
): string {
  if (!due) return `${beijingTime(done ?? null)}`;
  if (!done) return `<span class="open">${t(lang, "open")}</span>`;
  const met = Date.parse(done) <= Date.parse(due);
  return `${beijingTime(done)} <span class="${met ? "met" : "missed"}">(${t(lang, met ? "met" : "missed")})</span>`;
}
