/**
 * The contract page's SMS port throttling timeline (R-THROTTLE-1, 附件三): per period a strip of days, each
 * coloured by the port's rate, with a legend, the changes of rate and the Annex 3 paragraph behind each. Colour
 * is never the only cue: every day carries its date, rate and complaints as a tooltip and as text for screen
 * readers.
 */
import type { PortThrottleView, ThrottleStrip } from "../../functions/app/console-throttle";
import { THROTTLE_STATES, type ThrottleState } from "../../functions/core/sms-governance/throttle";
import { escapeHtml } from "../html";
import { type Lang, t, tv } from "../i18n";
import { ruleAndClause } from "./parts";

/** A CSS class per rate: "50%" and "2/s" are not class names. */
const STATE_CLASS: Record<ThrottleState, string> = {
  full: "t-full",
  "50%": "t-50",
  "25%": "t-25",
  "12.5%": "t-12",
  "2/s": "t-2ps",
  "1/s": "t-1ps",
  suspended: "t-suspended",
};

const stateWords = (lang: Lang, state: ThrottleState) => tv(lang, "throttle", state);

/** core/sms-governance/throttle.ts names each paragraph as the Annex numbers it ("附件三 2(1)"). */
const paragraphWords = (lang: Lang, clause: string) =>
  lang === "zh" ? `合同${clause}` : clause.replace("附件三", "Annex 3");

/** "2025-09-11 起：正常速率 → 限速 50%（合同附件三 2(1)）" / "from 2025-09-11: full rate → 50 % (Annex 3 2(1))". */
function changeText(lang: Lang, change: ThrottleStrip["transitions"][number]): string {
  const rates = `${stateWords(lang, change.from)} → ${stateWords(lang, change.to)}`;
  const paragraph = paragraphWords(lang, change.clause);
  return lang === "zh"
    ? `${change.date} 起：${rates}（${paragraph}）`
    : `from ${change.date}: ${rates} (${paragraph})`;
}

function dayText(lang: Lang, day: ThrottleStrip["days"][number]): string {
  if (day.state === null) return `${day.date}${t(lang, "throttleNotYet")}`;
  const complaints =
    day.complaints === 0
      ? ""
      : lang === "zh"
        ? `；当日投诉 ${day.complaints} 起`
        : `; ${day.complaints} complaint${day.complaints > 1 ? "s" : ""} that day`;
  return `${day.date}${t(lang, "colon")}${stateWords(lang, day.state)}${complaints}`;
}

function stripSection(lang: Lang, strip: ThrottleStrip): string {
  const cells = strip.days
    .map((day) => {
      const text = escapeHtml(dayText(lang, day));
      const cls = day.state === null ? "t-future" : STATE_CLASS[day.state];
      const marked = day.complaints > 0 ? " complained" : "";
      return `<li class="day ${cls}${marked}" data-date="${day.date}" data-state="${day.state ?? ""}" title="${text}"><span aria-hidden="true">${Number(day.date.slice(8))}</span><span class="sr-only">${text}</span></li>`;
    })
    .join("");
  const counts = THROTTLE_STATES.map(
    (state) => [state, strip.days.filter((d) => d.state === state).length] as const,
  )
    .filter(([, days]) => days > 0)
    .map(([state, days]) => `${escapeHtml(stateWords(lang, state))} ${days} ${t(lang, "throttleDays")}`)
    .join(" · ");
  const changes =
    strip.transitions.length === 0
      ? ""
      : `<ul class="throttle-changes">${strip.transitions
          .map((change) => `<li data-date="${change.date}">${escapeHtml(changeText(lang, change))}</li>`)
          .join("")}</ul>`;
  const label = `${t(lang, "period")} ${strip.period} ${t(lang, "throttleStripLabel")}`;
  return `<div class="throttle-period" data-period="${escapeHtml(strip.period)}"><h3>${t(lang, "period")} ${escapeHtml(strip.period)}</h3>
<ol class="throttle-strip" aria-label="${escapeHtml(label)}">${cells}</ol>
<p class="muted">${counts}</p>${changes}</div>`;
}

function legend(lang: Lang): string {
  const items = THROTTLE_STATES.map(
    (state) => `<span class="${STATE_CLASS[state]}">${escapeHtml(stateWords(lang, state))}</span>`,
  ).join("");
  return `<p class="legend throttle-legend">${t(lang, "legend")}：${items}<span class="t-future">${t(lang, "throttleFuture")}</span></p><p class="muted">${t(lang, "throttleLegendNote")}</p>`;
}

export function throttleSection(lang: Lang, contractId: string, view: PortThrottleView): string {
  const heading = `<h2 id="throttle">${t(lang, "throttleTitle")} ${ruleAndClause(lang, "R-THROTTLE-1")}</h2>`;
  const feedKey = `<code>usage/${escapeHtml(contractId)}/complaints.csv</code>`;
  const port = `<p>${t(lang, "throttlePort")} <code>${escapeHtml(view.port)}</code>${t(lang, "openParen")}${escapeHtml(tv(lang, "portManagement", view.management))}${t(lang, "closeParen")}</p>`;
  if (view.feed === "none") {
    return `${heading}<p class="throttle-no-feed">${t(lang, "throttleNoFeed")} ${feedKey}</p>`;
  }
  if (view.feed === "denied") {
    return `${heading}${port}<p class="throttle-no-feed overdue">${t(lang, "throttleDenied")} ${feedKey}</p>`;
  }
  if (view.feed === "unreadable") {
    return `${heading}${port}<p class="throttle-no-feed overdue">${t(lang, "throttleUnreadable")} ${feedKey}: ${escapeHtml(view.reason)}</p>`;
  }
  return `${heading}${port}<p class="muted">${t(lang, "throttleFeed")} ${feedKey}: ${view.complaints}</p>
${legend(lang)}
${view.strips.map((strip) => stripSection(lang, strip)).join("\n")}`;
}
