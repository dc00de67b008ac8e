/** HTML building blocks of the console: escaping, Beijing-time dates, the page frame and its style. */
import type { Lang } from "./i18n";
import { t } from "./i18n";

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const BEIJING = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** An instant as Beijing wall time, "2025-09-08 23:59:59"; the page header says the zone once. */
export function beijingTime(instant: string | Date | null | undefined): string {
  if (instant === null || instant === undefined || instant === "") return "-";
  const date = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(date.getTime())) return String(instant);
  return BEIJING.format(date);
}

/** A link that keeps the page's language. */
export function href(path: string, lang: Lang, query: Record<string, string> = {}): string {
  const params = new URLSearchParams(query);
  if (lang === "en") params.set("lang", "en");
  const text = params.toString();
  return escapeHtml(text ? `${path}?${text}` : path);
}

export function table(headers: string[], rows: string[][], cls = ""): string {
  const head = headers.map((h) => `<th>${h}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join("")}</tr>`).join("\n");
  return `<table class="${cls}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
body{font-family:system-ui,"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2933;background:#f7f8fa}
header{background:#1f3a5f;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none}header .now{margin-left:auto;font-size:13px;opacity:.9}
button,input,select{font-family:inherit}
main{padding:16px 24px}h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px}
table{border-collapse:collapse;background:#fff;margin:8px 0}td,th{border:1px solid #d4d9e0;padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}
th{background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.overdue{color:#b00020;font-weight:600}.missed{color:#b00020}.met{color:#2e7d32}.open{color:#8a6d00}
.muted{color:#66707a;font-size:12px}.rule{font-family:ui-monospace,monospace;font-size:12px;color:#445}
pre{background:#fff;border:1px solid #d4d9e0;padding:8px;overflow:auto;font-size:12px;max-height:360px}
pre.log-message{margin:0;border:0;padding:0;background:none;white-space:pre-wrap;max-height:none}
form{display:inline-block;margin-right:16px}
.graph-wrap{overflow:auto;max-width:100%}
svg.graph{background:#fff;border:1px solid #d4d9e0}
svg.graph text{font-size:12px;font-family:system-ui,sans-serif;fill:#1f2933}
svg.graph .state rect{fill:#fff;stroke:#5b6b7f;stroke-width:1.2}
svg.graph .state.container>rect{fill:#f4f6fa;stroke-dasharray:4 2}
svg.graph .group rect{fill:#fafbfd;stroke:#a9b4c2;stroke-dasharray:2 2}
svg.graph .group text{fill:#66707a;font-size:11px}
svg.graph .status-succeeded>rect{fill:#d8f0dc;stroke:#2e7d32;stroke-width:2}
svg.graph .status-failed>rect{fill:#fbd9dc;stroke:#b00020;stroke-width:2}
svg.graph .status-caught>rect{fill:#ffe8c2;stroke:#c46a00;stroke-width:2}
svg.graph .status-running>rect{fill:#d6e6ff;stroke:#1a5fd0;stroke-width:2}
svg.graph .status-not-reached>rect{fill:#fff;stroke:#c2c8d0}
svg.graph .edge{fill:none;stroke:#5b6b7f;stroke-width:1.2}svg.graph .edge.catch{stroke:#c46a00;stroke-dasharray:5 3}
svg.graph .edge.choice{stroke:#445f8a}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border-radius:4px;font-size:12px}
.l-succeeded{background:#d8f0dc}.l-failed{background:#fbd9dc}.l-caught{background:#ffe8c2}.l-running{background:#d6e6ff}.l-not-reached{background:#fff;border:1px solid #c2c8d0}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
ol.throttle-strip{list-style:none;display:flex;flex-wrap:wrap;gap:2px;padding:0;margin:6px 0}
ol.throttle-strip li{width:26px;height:26px;line-height:26px;text-align:center;font-size:11px;border-radius:3px;border:1px solid #c2c8d0}
ol.throttle-strip li.complained{box-shadow:inset 0 -3px 0 #b00020}
.throttle-legend span{border:1px solid #c2c8d0}
.t-full{background:#d8f0dc}.t-50{background:#fff1a8}.t-25{background:#ffd08a}.t-12{background:#ffb067}
.t-2ps{background:#f59aa3}.t-1ps{background:#d9606d;color:#fff}.t-suspended{background:#3d4a5c;color:#fff}
.t-future{background:#fff;border-style:dashed !important;color:#99a}
.email-frame{background:#fff;border:1px solid #d4d9e0;padding:12px}
`;

export interface PageFrame {
  title: string;
  lang: Lang;
  /** The path of this page, for the language switch. */
  path: string;
  query?: Record<string, string>;
  /** The stack's current time (virtual time on the embedded stack). */
  now: Date;
  body: string;
}

/** A page saved as a file (out/report.html): the same content, no navigation to a server. */
export function standalonePage(frame: Omit<PageFrame, "path" | "query">): string {
  return `<!doctype html>
<html lang="${frame.lang === "zh" ? "zh-CN" : "en"}"><head><meta charset="utf-8"><title>${escapeHtml(frame.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><style>${STYLE}</style></head><body>
<header><strong>${t(frame.lang, "consoleName")}</strong>
<span class="now">${t(frame.lang, "nowIs")} ${beijingTime(frame.now)} ${t(frame.lang, "beijingTime")}</span></header>
<main>${frame.body}</main></body></html>
`;
}

export function page(frame: PageFrame): string {
  const { lang } = frame;
  const other: Lang = lang === "zh" ? "en" : "zh";
  const query = { ...(frame.query ?? {}) };
  const switchHref = escapeHtml(
    `${frame.path}?${new URLSearchParams(other === "en" ? { ...query, lang: "en" } : query).toString()}`,
  );
  return `<!doctype html>
<html lang="${lang === "zh" ? "zh-CN" : "en"}"><head><meta charset="utf-8"><title>${escapeHtml(frame.title)} · contract-ops</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><style>${STYLE}</style></head><body>
<header><strong>${t(lang, "consoleName")}</strong>
<a href="${href("/", lang)}">${t(lang, "navContracts")}</a>
<a href="${href("/state-machines", lang)}">${t(lang, "navStateMachines")}</a>
<a href="${href("/executions", lang)}">${t(lang, "navExecutions")}</a>
<a href="${switchHref}" id="lang-switch">${other === "en" ? "English" : "中文"}</a>
<span class="now">${t(lang, "nowIs")} ${beijingTime(frame.now)} ${t(lang, "beijingTime")}</span></header>
<main>${frame.body}</main></body></html>
`;
}
