/** `/state-machines`, `/state-machines/<name>`, `/executions` and `/executions/<arn>`. */
import type {
  ExecutionListItem,
  HistoryEvent,
  StateMachineListItem,
} from "../../functions/adapters/executions";
import type { ExecutionView, TaskInvocation } from "../execution-view";
import type { StateGraph } from "../graph";
import { beijingTime, escapeHtml, href, table } from "../html";
import { type Lang, t } from "../i18n";
import type { LogLine } from "../log-lines";
import { maskedJson, maskedVariables } from "../mask-json";

export const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"] as const;

const machineLink = (lang: Lang, name: string) =>
  `<a href="${href(`/state-machines/${encodeURIComponent(name)}`, lang)}">${escapeHtml(name)}</a>`;

export const executionLink = (lang: Lang, arn: string, label?: string) =>
  `<a href="${href(`/executions/${encodeURIComponent(arn)}`, lang)}">${escapeHtml(label ?? arn.split(":").slice(-2).join(":"))}</a>`;

export function machinesPage(lang: Lang, machines: StateMachineListItem[]): string {
  return `<h1>${t(lang, "stateMachines")}</h1><p class="muted">${t(lang, "datesNote")}</p>${table(
    [t(lang, "name"), t(lang, "created"), t(lang, "executions")],
    machines.map((m) => [
      machineLink(lang, m.name ?? ""),
      beijingTime(m.creationDate ?? null),
      `<a href="${href("/executions", lang, { stateMachine: m.name ?? "" })}">${t(lang, "executions")}</a>`,
    ]),
    "machines",
  )}`;
}

function commentsTable(lang: Lang, graph: StateGraph): string {
  return table(
    [t(lang, "name"), t(lang, "type"), t(lang, "comment")],
    graph.states.map((s) => [
      `<span data-state-row="${escapeHtml(s.id)}">${escapeHtml(s.id)}</span>`,
      escapeHtml(s.type),
      escapeHtml(s.comment ?? ""),
    ]),
    "comments",
  );
}

export function machinePage(lang: Lang, name: string, graph: StateGraph, svg: string): string {
  return `<h1>${t(lang, "stateMachine")} ${escapeHtml(name)}</h1>
${graph.comment ? `<p>${escapeHtml(graph.comment)}</p>` : ""}
<p><a href="${href("/executions", lang, { stateMachine: name })}">${t(lang, "executions")}</a></p>
<h2>${t(lang, "definitionGraph")}</h2><div class="graph-wrap">${svg}</div>
<h2>${t(lang, "stateComments")}</h2>${commentsTable(lang, graph)}`;
}

export interface ExecutionFilter {
  stateMachine: string;
  status: string;
  contract: string;
  period: string;
}

export function executionsPage(
  lang: Lang,
  machines: string[],
  filter: ExecutionFilter,
  executions: Array<ExecutionListItem & { machineName: string }>,
): string {
  const option = (value: string, label: string, selected: string) =>
    `<option value="${escapeHtml(value)}"${value === selected ? " selected" : ""}>${escapeHtml(label)}</option>`;
  const form = `<form method="get" action="/executions" class="filter">
${lang === "en" ? '<input type="hidden" name="lang" value="en">' : ""}
<label>${t(lang, "stateMachine")} <select name="stateMachine">${option("", t(lang, "any"), filter.stateMachine)}${machines.map((m) => option(m, m, filter.stateMachine)).join("")}</select></label>
<label>${t(lang, "status")} <select name="status">${option("", t(lang, "any"), filter.status)}${STATUSES.map((s) => option(s, s, filter.status)).join("")}</select></label>
<label>${t(lang, "contract")} <input name="contract" value="${escapeHtml(filter.contract)}" size="22"></label>
<label>${t(lang, "period")} <input name="period" value="${escapeHtml(filter.period)}" size="8" placeholder="YYYY-MM"></label>
<button type="submit">${t(lang, "filter")}</button></form>`;
  return `<h1>${t(lang, "executions")}</h1><p class="muted">${t(lang, "datesNote")}</p>${form}${table(
    [t(lang, "name"), t(lang, "stateMachine"), t(lang, "status"), t(lang, "started"), t(lang, "stopped")],
    executions.map((e) => [
      executionLink(lang, e.executionArn ?? "", e.name),
      machineLink(lang, e.machineName),
      `<span class="exec-status">${escapeHtml(e.status ?? "")}</span>`,
      beijingTime(e.startDate ?? null),
      beijingTime(e.stopDate ?? null),
    ]),
    "executions",
  )}`;
}

export interface ExecutionPageData {
  arn: string;
  name: string;
  machineName: string;
  status: string;
  startDate: Date | null;
  stopDate: Date | null;
  input: string | null;
  output: string | null;
  error: string | null;
  events: HistoryEvent[];
  view: ExecutionView;
  svg: string;
  parents: string[];
  children: string[];
  taskLogs: Map<TaskInvocation, LogLine[]>;
}

function taskLogsSection(lang: Lang, logs: Map<TaskInvocation, LogLine[]>): string {
  if (logs.size === 0) return "";
  const blocks = [...logs.entries()].map(([invocation, lines]) => {
    const attempt = lang === "zh" ? `第 ${invocation.attempt} 次调用` : `invocation ${invocation.attempt}`;
    const count = lang === "zh" ? `${lines.length} 行` : `${lines.length} lines`;
    const summary = `${escapeHtml(invocation.state)} · ${attempt} · <code>${escapeHtml(invocation.functionName)}</code>${invocation.requestId ? ` · <code>${escapeHtml(invocation.requestId)}</code>` : ""} · ${count}`;
    const unknown = invocation.requestId ? "" : `<p class="muted">${t(lang, "requestUnknown")}</p>`;
    const body =
      lines.length === 0
        ? `<p class="muted">${t(lang, "noLogLines")}</p>`
        : table(
            [t(lang, "at"), t(lang, "requestId"), t(lang, "level"), t(lang, "message")],
            lines.map((line) => [
              beijingTime(line.timestamp),
              `<code>${escapeHtml(line.requestId ?? "")}</code>`,
              `<span class="log-level">${escapeHtml(line.level)}</span>`,
              `<pre class="log-message">${escapeHtml(line.message)}</pre>`,
            ]),
            "log-lines",
          );
    return `<details class="task-logs" data-state="${escapeHtml(invocation.state)}" data-attempt="${invocation.attempt}"><summary>${summary}</summary>${unknown}${body}</details>`;
  });
  return `<h2>${t(lang, "lambdaLogs")}</h2><p class="muted">${t(lang, "lambdaLogsNote")}</p>
${blocks.join("\n")}`;
}

const eventName = (e: HistoryEvent) =>
  e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name ?? "";

export function executionPage(lang: Lang, d: ExecutionPageData): string {
  const facts = table(
    ["", ""],
    [
      [t(lang, "stateMachine"), machineLink(lang, d.machineName)],
      [
        t(lang, "status"),
        `<span class="exec-status">${escapeHtml(d.status)}</span>${d.error ? ` ${escapeHtml(d.error)}` : ""}`,
      ],
      [t(lang, "started"), beijingTime(d.startDate)],
      [t(lang, "stopped"), beijingTime(d.stopDate)],
      [t(lang, "parent"), d.parents.map((arn) => executionLink(lang, arn)).join("<br>") || "-"],
      [t(lang, "children"), d.children.map((arn) => executionLink(lang, arn)).join("<br>") || "-"],
    ],
    "facts",
  );
  const legend = `<p class="legend">${t(lang, "legend")}: ${(
    ["succeeded", "failed", "caught", "running", "not-reached"] as const
  )
    .map((s) => `<span class="l-${s}">${t(lang, `status.${s}`)}</span>`)
    .join("")}</p>`;
  const pending =
    d.view.pendingTasks.length === 0
      ? ""
      : `<h2>${t(lang, "pendingTasks")}</h2>${table(
          [t(lang, "name"), t(lang, "taskToken"), t(lang, "started"), t(lang, "timeout")],
          d.view.pendingTasks.map((p) => [
            escapeHtml(p.state),
            `<code>${escapeHtml(p.tokenMasked)}</code>`,
            beijingTime(p.scheduledAt),
            p.timesOutAt ? `${beijingTime(p.timesOutAt)} (${p.timeoutSeconds} ${t(lang, "seconds")})` : "-",
          ]),
          "pending",
        )}`;
  const history = `<h2>${t(lang, "eventHistory")}</h2>
<p><input id="event-filter" placeholder="${t(lang, "eventFilter")}" size="40"></p>
${table(
  ["#", t(lang, "eventType"), t(lang, "name"), t(lang, "at")],
  d.events.map((e) => [
    String(e.id ?? ""),
    `<span class="event-type">${escapeHtml(e.type ?? "")}</span>`,
    escapeHtml(eventName(e)),
    beijingTime(e.timestamp ?? null),
  ]),
  "history",
)}
<script>
document.getElementById("event-filter").addEventListener("input", (event) => {
  const needle = event.target.value.toLowerCase();
  for (const row of document.querySelectorAll("table.history tbody tr")) {
    row.style.display = row.textContent.toLowerCase().includes(needle) ? "" : "none";
  }
});
</script>`;
  const visits = d.view.visits.map(
    (
      v,
    ) => `<details class="visit" data-state="${escapeHtml(v.state)}"><summary>${escapeHtml(v.state)} · ${beijingTime(v.enteredAt)}${v.errors.length ? ` · <span class="overdue">${escapeHtml(v.errors.join("; "))}</span>` : ""}</summary>
<h4>${t(lang, "input")}</h4><pre>${escapeHtml(maskedJson(v.input))}</pre>
<h4>${t(lang, "output")}</h4><pre>${escapeHtml(maskedJson(v.output))}</pre>
${v.variables ? `<h4>${t(lang, "variables")}</h4><pre>${escapeHtml(maskedVariables(v.variables))}</pre>` : ""}</details>`,
  );
  return `<h1>${t(lang, "execution")} ${escapeHtml(d.name)}</h1><p class="muted">${t(lang, "datesNote")}</p>
${facts}${pending}
<h2>${t(lang, "definitionGraph")}</h2>${legend}<div class="graph-wrap">${d.svg}</div>
${history}
${taskLogsSection(lang, d.taskLogs)}
<h2>${t(lang, "stateIo")}</h2>
<h4>${t(lang, "input")}</h4><pre>${escapeHtml(maskedJson(d.input))}</pre>
${visits.join("\n")}
<h4>${t(lang, "output")}</h4><pre>${escapeHtml(maskedJson(d.output))}</pre>`;
}
