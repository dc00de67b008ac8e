/** Which page answers which path: reads for GET, the embedded stack's actions for POST. */
import * as z from "zod";
import {
  describeExecution,
  describeStateMachine,
  type ExecutionListItem,
  type ExecutionStatus,
  executionHistory,
  listExecutions,
  listStateMachines,
  mapRunExecutions,
} from "../functions/adapters/executions";
import { receivedEmail } from "../functions/adapters/received-mail";
import { NotFoundError, outboxEmails } from "../functions/adapters/repository";
import { contractDetail, contractsOverview } from "../functions/app/console-model";
import { periodToBill } from "../functions/app/kickoff";
import { parseLocalDate, parsePeriod, startOfDay } from "../functions/core/time";
import { stateMachineNames } from "../workflows/states";
import { type ExecutionView, readExecution } from "./execution-view";
import { buildStateGraph } from "./graph";
import { renderGraphSvg } from "./graph-svg";
import { href } from "./html";
import { type Lang, t } from "./i18n";
import { contractPage, overviewPage } from "./pages/contracts";
import { receivedEmailPage, sentEmailPage } from "./pages/email";
import { executionPage, executionsPage, machinePage, machinesPage, STATUSES } from "./pages/machines";
import { BadRequestError, type ConsoleOptions } from "./server";
import { taskLogs } from "./task-logs";

export interface Rendered {
  title: string;
  body: string;
}

export interface ConsoleRoutes {
  get(url: URL, lang: Lang): Promise<Rendered>;
  /** Performs an action and answers where to go next. */
  post(path: string, form: URLSearchParams, lang: Lang): Promise<string>;
}

const EXECUTIONS_SHOWN = 300;

function segments(path: string): string[] {
  return path
    .split("/")
    .filter((s) => s !== "")
    .map((s) => decodeURIComponent(s));
}

/** What a kickoff execution was asked, as the kickoff's definition reads it (workflows/monthly-kickoff.ts). */
const kickoffInput = z.object({ scheduledTime: z.string().optional(), period: z.string().optional() });

/**
 * The period an execution is for: a cycle carries it in its name (`<contractId>-<YYYY-MM>`, architecture §4);
 * the schedule names its kickoffs itself, so a kickoff's period comes from its input — the period an operator
 * gave, else the month before its scheduled time (R-PERIOD-1) — read the way the kickoff reads it.
 */
async function isForPeriod(execution: ExecutionListItem & { machineName: string }, period: string) {
  if ((execution.name ?? "").includes(period)) return true;
  if (execution.machineName !== stateMachineNames.monthlyKickoff || !execution.executionArn) return false;
  const described = await describeExecution(execution.executionArn);
  const input = kickoffInput.safeParse(JSON.parse(described.input ?? "{}"));
  if (!input.success) return false;
  const firesAt = input.data.scheduledTime ?? described.startDate?.toISOString();
  return firesAt !== undefined && periodToBill(firesAt, input.data.period) === period;
}

async function machineByName(name: string) {
  const machine = (await listStateMachines()).find((m) => m.name === name);
  if (!machine?.stateMachineArn) throw new NotFoundError(`no state machine named ${name}`);
  return machine;
}

/** The ARNs of executions named in another's outputs: the one of that name on any deployed machine. */
async function executionArnsByName(names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const machines = (await listStateMachines()).flatMap((m) => (m.stateMachineArn ? [m.stateMachineArn] : []));
  const arns: string[] = [];
  for (const name of names) {
    for (const machineArn of machines) {
      const arn = `${machineArn.replace(":stateMachine:", ":execution:")}:${name}`;
      try {
        await describeExecution(arn);
        arns.push(arn);
        break;
      } catch (error) {
        if ((error as Error).name !== "ExecutionDoesNotExist") throw error;
      }
    }
  }
  return arns;
}

/**
 * The names of the executions this one started: its own tasks' and, through its Distributed Map's Map Runs,
 * those its child executions' tasks started — a kickoff's cycles come up to the kickoff rather than one
 * batch at a time.
 */
async function startedNames(view: ExecutionView): Promise<string[]> {
  const names = new Set(view.childExecutionNames);
  for (const mapRunArn of view.mapRunArns) {
    for (const child of await mapRunExecutions(mapRunArn)) {
      if (!child.executionArn) continue;
      const childView = readExecution(await executionHistory(child.executionArn), child.status === "RUNNING");
      for (const name of childView.childExecutionNames) names.add(name);
    }
  }
  return [...names];
}

/** Executions whose tasks started this one (a kickoff for a cycle, the previous watch for a continuation). */
async function parentsOf(arn: string, name: string, start: Date | undefined): Promise<string[]> {
  if (!start) return [];
  const candidates: ExecutionListItem[] = [];
  for (const machine of await listStateMachines()) {
    if (!machine.stateMachineArn) continue;
    for (const e of await listExecutions(machine.stateMachineArn, { limit: 100 })) {
      const started = e.startDate?.getTime() ?? Number.POSITIVE_INFINITY;
      const stopped = e.stopDate?.getTime() ?? Number.POSITIVE_INFINITY;
      if (e.executionArn !== arn && started <= start.getTime() && stopped >= start.getTime())
        candidates.push(e);
    }
  }
  candidates.sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0));
  const parents: string[] = [];
  for (const candidate of candidates.slice(0, 12)) {
    if (!candidate.executionArn) continue;
    const view = readExecution(
      await executionHistory(candidate.executionArn),
      candidate.status === "RUNNING",
    );
    if ((await startedNames(view)).includes(name)) parents.push(candidate.executionArn);
  }
  return parents;
}

function periodOrBadRequest(period: string): string {
  try {
    return parsePeriod(period);
  } catch {
    throw new BadRequestError(`period ${period}: expected YYYY-MM`);
  }
}

function actionsBlock(options: ConsoleOptions, lang: Lang): string {
  const actions = options.actions;
  if (!actions) return "";
  const hidden = lang === "en" ? '<input type="hidden" name="lang" value="en">' : "";
  const advance = actions.advance
    ? `<form method="post" action="/actions/advance">${hidden}<input type="hidden" name="to" value="next"><button type="submit" id="advance-next">${t(lang, "advanceNext")}</button></form>
<form method="post" action="/actions/advance">${hidden}<label>${t(lang, "advanceTo")} <input name="to" type="date" required></label> <button type="submit">${t(lang, "go")}</button></form>`
    : "";
  return `<section class="actions"><h2>${t(lang, "actions")}</h2>
<form method="post" action="/actions/kickoff">${hidden}<label>${t(lang, "startKickoff")} <input name="period" placeholder="YYYY-MM" pattern="\\d{4}-\\d{2}" required size="8"></label> <button type="submit">${t(lang, "go")}</button></form>
${advance}</section>`;
}

export function routes(options: ConsoleOptions): ConsoleRoutes {
  return {
    async get(url, lang) {
      const [first, ...rest] = segments(url.pathname);
      const q = url.searchParams;
      if (first === undefined) {
        const overview = await contractsOverview(options.now());
        return {
          title: t(lang, "contractsTitle"),
          body: overviewPage(lang, overview) + actionsBlock(options, lang),
        };
      }
      if (first === "contracts" && rest.length === 1 && rest[0]) {
        const detail = await contractDetail(rest[0], options.now());
        return { title: `${t(lang, "contract")} ${rest[0]}`, body: contractPage(lang, detail) };
      }
      if (first === "emails" && rest.length === 2 && rest[0] && rest[1]) {
        const [contractId, key] = [rest[0], rest[1]];
        if (key.startsWith("received:")) {
          const email = await receivedEmail(key.slice("received:".length));
          if (!email) throw new NotFoundError(`no stored message ${key}`);
          return { title: email.subject, body: receivedEmailPage(lang, contractId, email) };
        }
        const email = (await outboxEmails(contractId)).find((e) => e.emailKey === key);
        if (!email) throw new NotFoundError(`no email ${key} of contract ${contractId}`);
        return { title: email.message?.subject ?? key, body: sentEmailPage(lang, contractId, email) };
      }
      if (first === "state-machines" && rest.length === 0) {
        return { title: t(lang, "stateMachines"), body: machinesPage(lang, await listStateMachines()) };
      }
      if (first === "state-machines" && rest.length === 1 && rest[0]) {
        const machine = await machineByName(rest[0]);
        const described = await describeStateMachine(machine.stateMachineArn as string);
        const graph = buildStateGraph(described.definition ?? "{}");
        return { title: rest[0], body: machinePage(lang, rest[0], graph, await renderGraphSvg(graph)) };
      }
      if (first === "executions" && rest.length === 0) {
        const filter = {
          stateMachine: q.get("stateMachine") ?? "",
          status: q.get("status") ?? "",
          contract: q.get("contract") ?? "",
          period: q.get("period") ?? "",
        };
        const status = STATUSES.find((s) => s === filter.status);
        if (filter.status && !status) {
          throw new BadRequestError(`status ${filter.status}: expected one of ${STATUSES.join(", ")}`);
        }
        if (filter.period) periodOrBadRequest(filter.period);
        const machines = (await listStateMachines()).filter((m) => m.name && m.stateMachineArn);
        const listed: Array<ExecutionListItem & { machineName: string }> = [];
        for (const m of machines) {
          if (filter.stateMachine && m.name !== filter.stateMachine) continue;
          const executions = await listExecutions(m.stateMachineArn as string, {
            ...(status ? { status: status as ExecutionStatus } : {}),
            limit: EXECUTIONS_SHOWN,
          });
          listed.push(...executions.map((e) => ({ ...e, machineName: m.name as string })));
        }
        const ofContract = listed.filter((e) => !filter.contract || (e.name ?? "").includes(filter.contract));
        const ofPeriod = filter.period
          ? (
              await Promise.all(
                ofContract.map(async (e) => ((await isForPeriod(e, filter.period)) ? [e] : [])),
              )
            ).flat()
          : ofContract;
        const shown = ofPeriod
          .sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0))
          .slice(0, EXECUTIONS_SHOWN);
        const names = machines.map((m) => m.name as string);
        return {
          title: t(lang, "executions"),
          body: executionsPage(lang, names, filter, shown) + actionsBlock(options, lang),
        };
      }
      if (first === "executions" && rest.length === 1 && rest[0]) {
        const arn = rest[0];
        const execution = await describeExecution(arn);
        const machine = await describeStateMachine(execution.stateMachineArn as string);
        const events = await executionHistory(arn);
        const view = readExecution(events, execution.status === "RUNNING");
        const graph = buildStateGraph(machine.definition ?? "{}");
        return {
          title: execution.name ?? arn,
          body: executionPage(lang, {
            arn,
            name: execution.name ?? arn,
            machineName: machine.name ?? "",
            status: execution.status ?? "",
            startDate: execution.startDate ?? null,
            stopDate: execution.stopDate ?? null,
            input: execution.input ?? null,
            output: execution.output ?? null,
            error: execution.error ? `${execution.error}: ${execution.cause ?? ""}` : null,
            events,
            view,
            svg: await renderGraphSvg(graph, view.statuses),
            parents: await parentsOf(arn, execution.name ?? "", execution.startDate),
            children: await executionArnsByName(await startedNames(view)),
            taskLogs: await taskLogs(view.invocations, options.now()),
          }),
        };
      }
      throw new NotFoundError(`no page at ${url.pathname}`);
    },

    async post(path, form, lang) {
      const actions = options.actions;
      if (!actions) throw new NotFoundError("actions exist on the embedded stack only");
      if (path === "/actions/kickoff") {
        const period = periodOrBadRequest(form.get("period") ?? "");
        const arn = await actions.startKickoff(period);
        return href(`/executions/${encodeURIComponent(arn)}`, lang).replaceAll("&amp;", "&");
      }
      if (path === "/actions/advance") {
        if (!actions.advance)
          throw new BadRequestError("this stack runs on the wall clock: time cannot be moved");
        const to = form.get("to") ?? "";
        if (to === "next") await actions.advance.toNextTimer();
        else {
          let instant: Date;
          try {
            instant = startOfDay(parseLocalDate(to));
          } catch {
            throw new BadRequestError(`to ${to}: expected YYYY-MM-DD or next`);
          }
          if (instant.getTime() <= options.now().getTime()) {
            throw new BadRequestError(`to ${to}: expected a day after the stack's current time`);
          }
          await actions.advance.to(instant);
        }
        return href("/", lang).replaceAll("&amp;", "&");
      }
      throw new NotFoundError(`no action at ${path}`);
    },
  };
}
