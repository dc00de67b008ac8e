/// <reference lib="dom" />
/**
 * The console in a real browser (headless Chromium from @sparticuz/chromium, driven by puppeteer-core)
 * after a short run on the embedded stack: every page loads without a console error; the MonthlyCycle
 * graph shows every state of the deployed definition; an execution page colours the path its history
 * took and lists the events in order, and shows the log lines of each task's Lambda invocation; the
 * contract page's totals are the run's; a cycle left open shows
 * what it waits for and until when; `?lang=en` switches language. Screenshots go to out/console/.
 *
 * Oracles: the deployed definition and the execution history come from the Step Functions API (walked
 * here, not by the console's code); the run's totals from its JSON; the open cycle's bill and deadline by
 * hand (harness SMALL_MONTH_TOTAL; 2025-11-01 is a Saturday, so the 5th working day after it is Friday
 * 2025-11-07, R-RECON-1, R-WD-2, and the reminder is due at 09:00 on Thursday 2025-11-06, R-RECON-5).
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import chromium from "@sparticuz/chromium";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractReportHtml } from "../../console/export";
import type { RunningConsole } from "../../console/server";
import { loadContract } from "../../functions/core/contract";
import type { EmbeddedApp } from "../../infra/local/app";
import { type RunReport, runContractYear } from "../../infra/local/contract-year";
import { loadScenario } from "../../infra/local/scenario/load";
import { startEmbeddedConsole } from "../../infra/local/serve-console";
import { SAMPLE_CONTRACT, SMALL_MONTH_TOTAL, uploadSmallMonth } from "../e2e/harness";

const SHOTS = "out/console";
const SCENARIO = "test/fixtures/scenarios/console-obligations.json";
const FONT_HOST = "http://fonts.invalid/";
const FONT_DIR = "node_modules/@fontsource/noto-sans-sc";

let app: EmbeddedApp;
let report: RunReport;
let web: RunningConsole;
let browser: Browser;
let release: () => void;
let run: Promise<unknown>;
const consoleErrors: string[] = [];
let fontCss = "";

// biome-ignore lint/suspicious/noExplicitAny: Amazon States Language JSON is untyped; the oracle walks it freely
type Json = Record<string, any>;
function stateNames(scope: Json): string[] {
  return Object.entries(scope.States as Record<string, Json>).flatMap(([name, state]) => [
    name,
    ...(state.Branches ?? []).flatMap((b: Json) => stateNames(b)),
    ...(state.ItemProcessor ? stateNames(state.ItemProcessor) : []),
  ]);
}

beforeAll(async () => {
  const contract = await loadContract(SAMPLE_CONTRACT);
  const { scenario } = await loadScenario(SCENARIO);
  const up = new Promise<void>((resolveUp, rejectUp) => {
    run = runContractYear({
      contract,
      scenario,
      from: "2025-09",
      to: "2025-09",
      voiceCallsPerMonth: 2_000,
      smsPerMonth: 100,
      inspect: async (a, r) => {
        app = a;
        report = r;
        // The next month's usage, so that advancing time bills an open cycle.
        await uploadSmallMonth(contract, "2025-10");
        resolveUp();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    }).catch((error: unknown) => rejectUp(error));
  });
  await up;
  web = await startEmbeddedConsole(app, 0);
  browser = await puppeteer.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args,
    headless: true,
  });
  // The headless Chromium has no CJK font; the test pages get Noto Sans SC from the npm package, so the
  // screenshots show Chinese as a user's browser would.
  const faces = (await readFile(join(FONT_DIR, "400.css"), "utf8")).replaceAll(
    "url(./files/",
    `url(${FONT_HOST}`,
  );
  fontCss = `${faces}\n*:not(.rule){font-family:"Noto Sans SC",sans-serif !important}`;
  await mkdir(SHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  release?.();
  await run;
});

/** Adds the font and waits until every face the page's text needs has loaded (before a screenshot). */
async function withFont(page: Page): Promise<void> {
  await page.addStyleTag({ content: fontCss });
  await page.evaluate(async () => {
    const text = document.body.textContent;
    // Bold headings match the same faces (synthetic bold), but each weight is its own load request.
    await Promise.all([
      document.fonts.load('400 16px "Noto Sans SC"', text),
      document.fonts.load('700 16px "Noto Sans SC"', text),
    ]);
    await document.fonts.ready;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
}

async function open(path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1360, height: 900 });
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(FONT_HOST)) return void request.continue();
    readFile(join(FONT_DIR, "files", url.slice(FONT_HOST.length))).then(
      (body) => request.respond({ status: 200, contentType: "font/woff2", body }),
      () => request.respond({ status: 404, body: "" }),
    );
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(`${path}: ${message.text()}`);
  });
  page.on("pageerror", (error) => consoleErrors.push(`${path}: ${(error as Error).message}`));
  const response = await page.goto(new URL(path, web.url).toString(), { waitUntil: "load" });
  expect(response?.status(), path).toBe(200);
  await withFont(page);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
}

describe("the console in a browser", () => {
  it("the contract page shows each period's total as the run's JSON has it", async () => {
    const page = await open(`/contracts/${report.contractId}`);
    const totals = await page.$$eval("span.period-total", (spans) =>
      spans.map((s) => [s.getAttribute("data-period"), s.textContent]),
    );
    expect(totals).toEqual(report.periods.map((p) => [p.period, p.billTotal]));
    expect(await page.$eval("html", (h) => h.getAttribute("lang"))).toBe("zh-CN");
    // Every date says it is Beijing time.
    expect(await page.$eval("header .now", (e) => e.textContent)).toContain("北京时间");
    await shot(page, "contract");
    await page.close();
  });

  it("the MonthlyCycle graph shows every state of the deployed definition", async () => {
    const described = await app.stepFunctions.describeStateMachine({
      stateMachineArn: app.stateMachineArns.monthlyCycle,
    });
    const expected = stateNames(JSON.parse(described.definition));
    const page = await open(`/state-machines/${described.name}`);
    const drawn = await page.$$eval("svg.graph g.state", (nodes) =>
      nodes.map((n) => n.getAttribute("data-state")),
    );
    expect([...drawn].sort()).toEqual([...expected].sort());
    await shot(page, "state-machine");
    // The whole graph at its own size, for the README: wider than any window, so the page's scroll box is
    // opened up and the window made as wide as the drawing.
    const [width, height] = await page.$eval("svg.graph", (svg) => [
      Number(svg.getAttribute("width")),
      Number(svg.getAttribute("height")),
    ]);
    await page.addStyleTag({ content: ".graph-wrap{overflow:visible;max-width:none}" });
    await page.setViewport({ width: Math.ceil((width ?? 0) + 80), height: Math.ceil((height ?? 0) + 400) });
    await (await page.$("svg.graph"))?.screenshot({ path: `${SHOTS}/monthly-cycle-graph.png` });
    await page.close();
  });

  it("an execution page colours the path of its history and lists the events in order", async () => {
    const arn = `${app.stateMachineArns.monthlyCycle.replace(":stateMachine:", ":execution:")}:${report.contractId}-2025-09`;
    const history = await app.stepFunctions.getExecutionHistory({ executionArn: arn, maxResults: 10_000 });
    const entered = new Set(
      history.events.flatMap((e) => {
        const details = (e as { stateEnteredEventDetails?: { name: string } }).stateEnteredEventDetails;
        return details ? [details.name] : [];
      }),
    );
    const page = await open(`/executions/${encodeURIComponent(arn)}`);
    const statuses = await page.$$eval("svg.graph g.state", (nodes) =>
      nodes.map((n) => [n.getAttribute("data-state") ?? "", n.getAttribute("data-status") ?? ""]),
    );
    for (const [state = "", status] of statuses) {
      if (entered.has(state)) expect(["succeeded", "caught"], state).toContain(status);
      else expect(status, state).toBe("not-reached");
    }
    expect(statuses.filter(([, s]) => s === "succeeded").length).toBeGreaterThan(3);
    const rows = await page.$$eval("table.history tbody tr", (trs) =>
      trs.map((tr) => [Number(tr.children[0]?.textContent), tr.querySelector(".event-type")?.textContent]),
    );
    expect(rows).toEqual(history.events.map((e) => [e.id, e.type]));
    await shot(page, "execution");
    // The filter narrows the history to the matching events.
    await page.type("#event-filter", "TaskStateExited");
    const visible = await page.$$eval(
      "table.history tbody tr",
      (trs) => trs.filter((tr) => (tr as HTMLElement).style.display !== "none").length,
    );
    expect(visible).toBe(history.events.filter((e) => e.type === "TaskStateExited").length);
    await page.close();
  });

  it("an execution page shows the log lines of the Lambda each task invoked", async () => {
    const arn = `${app.stateMachineArns.monthlyCycle.replace(":stateMachine:", ":execution:")}:${report.contractId}-2025-09`;
    const history = await app.stepFunctions.getExecutionHistory({ executionArn: arn, maxResults: 10_000 });
    // The oracle: the first Lambda task's request id, from its lambda:invoke result in the history.
    let state = "";
    let requestId = "";
    for (const event of history.events as Json[]) {
      if (event.stateEnteredEventDetails) state = event.stateEnteredEventDetails.name;
      const output = event.taskSucceededEventDetails?.output ?? event.taskSubmittedEventDetails?.output;
      const id = output ? JSON.parse(output).SdkResponseMetadata?.RequestId : undefined;
      if (typeof id === "string") {
        requestId = id;
        break;
      }
    }
    expect(requestId).not.toBe("");
    const page = await open(`/executions/${encodeURIComponent(arn)}`);
    const block = `details.task-logs[data-state="${state}"][data-attempt="1"]`;
    await page.$eval(block, (d) => d.setAttribute("open", ""));
    const rows = await page.$$eval(`${block} table.log-lines tbody tr`, (trs) =>
      trs.map((tr) => [...tr.children].map((td) => td.textContent ?? "")),
    );
    expect(rows[0]?.[2]).toBe("START");
    expect(rows.at(-1)?.[2]).toBe("END");
    expect(rows.every((cells) => cells[1] === requestId)).toBe(true);
    await page.$eval(block, (d) => d.scrollIntoView());
    await shot(page, "execution-logs");
    await page.close();
  });

  it("a kickoff's page links the cycle it started through its Map Run, and the cycle's page links back", async () => {
    // Oracle: the Step Functions API — the kickoff that billed 2025-09 by its output, and the cycle by its
    // name (`<contractId>-<period>`, R-BILL-1).
    const kickoffs = await app.stepFunctions.listExecutions({
      stateMachineArn: app.stateMachineArns.monthlyKickoff,
    });
    let kickoffArn = "";
    for (const e of kickoffs.executions) {
      const described = await app.stepFunctions.describeExecution({ executionArn: e.executionArn });
      if (JSON.parse(described.output ?? "{}").period === "2025-09") kickoffArn = e.executionArn;
    }
    expect(kickoffArn).not.toBe("");
    const cycleArn = `${app.stateMachineArns.monthlyCycle.replace(":stateMachine:", ":execution:")}:${report.contractId}-2025-09`;
    const linksIn = async (arn: string, row: number) => {
      const page = await open(`/executions/${encodeURIComponent(arn)}`);
      const hrefs = await page.$$eval(`table.facts tbody tr:nth-child(${row}) a`, (links) =>
        links.map((a) => decodeURIComponent((a.getAttribute("href") ?? "").replace(/^\/executions\//, ""))),
      );
      await page.close();
      return hrefs;
    };
    // The facts table's rows: state machine, status, started, stopped, parent (5), children (6).
    expect(await linksIn(kickoffArn, 6)).toEqual([cycleArn]);
    expect(await linksIn(cycleArn, 5)).toEqual([kickoffArn]);
  });

  it("the contract page shows the tickets, the breach register with the liability cap, and the parties' changes", async () => {
    const page = await open(`/contracts/${report.contractId}`);
    const cells = (selector: string) =>
      page.$$eval(`${selector} tbody tr`, (trs) =>
        trs.map((tr) => [...tr.children].map((td) => (td.textContent ?? "").trim())),
      );
    // 3.4: a fault is fixed within 24 h — 11 h is met, 10-10 10:00 → 10-11 12:00 is 26 h, late; 2.26: Party A
    // answers an end-user complaint within 24 h — opened 10-27 09:00, due 10-28 09:00, still open on 11-01.
    const tickets = await cells("table.tickets");
    expect(tickets.map((r) => [r[0], r[5], r[7]])).toEqual([
      ["fault-20251009T0900", "2025-10-10 09:00:00", "按时"],
      ["fault-20251010T1000", "2025-10-11 10:00:00", "超时"],
      ["end-user-complaint-20251027T0900", "2025-10-28 09:00:00", "已超时未处理"],
    ]);
    expect(tickets[2]?.[3]).toBe("甲方");
    // The open complaint is also an overdue task of Party A's, listed first among what waits.
    const waiting = await cells("table.tasks");
    expect(waiting[0]?.slice(1, 3)).toEqual(["服务工单处理", "甲方"]);
    expect(waiting[0]?.[3]).toContain("2025-10-28 09:00:00");
    expect(waiting[0]?.[3]).toContain("已逾期");
    // 5.1 with 9.3: dispatched 10-13 by express within the city, received on day 3 (10-16); 10 days to cure
    // (R-WD-4 calendar days): 10-26; nothing came, so by 11-01 it has lapsed. The notice handed over on 10-14
    // gives 10-24; the objection of 10-20 opens negotiation (8.2).
    const register = await cells("table.register");
    const row = (id: string) => register.find((r) => r[0] === id);
    expect(row("ticket:fault-20251010T1000")?.slice(2, 6)).toEqual([
      "乙方",
      "2025-10-11",
      "2025-10-16",
      "2025-10-26",
    ]);
    expect(row("ticket:fault-20251010T1000")?.[6]).toContain("期满未纠正亦未异议");
    expect(row("ticket:fault-20251010T1000")?.[6]).toContain("合同第八条8.3款");
    expect(row("2025-10-statement-detail")?.slice(4, 6)).toEqual(["2025-10-14", "2025-10-24"]);
    expect(row("2025-10-statement-detail")?.[6]).toContain("已书面异议，协商中");
    // The complaint's breach is Party A's, detected when its 24 h ran out; no notice yet.
    expect(row("ticket:end-user-complaint-20251027T0900")?.slice(2, 5)).toEqual(["甲方", "2025-10-28", "-"]);
    // 5.3: the cap is what Party A actually paid — September's bill, paid in full (the run's JSON).
    const september = report.periods.find((p) => p.period === "2025-09");
    expect(september?.outstanding).toBe("0.00");
    expect(await page.$eval("p.liability-cap strong.cap", (e) => e.textContent)).toBe(september?.billTotal);
    // 4.9: an account notified 10-10 is used from 10-20, and is the one in use on 11-01.
    const accounts = await cells("table.bank-accounts");
    const newAccount = accounts.find((r) => r[3] === "************5678");
    expect(newAccount?.slice(0, 1)).toEqual(["乙方"]);
    expect(newAccount?.[4]).toBe("2025-10-20");
    expect(newAccount?.[5]).toBe("✓");
    expect(accounts.filter((r) => r[0] === "乙方" && r[5] === "✓")).toHaveLength(1);
    // R-NOTICE-4 (9.2): a contact notified 10-15 is in force 10 days later, 10-25; the signed one no longer.
    const contacts = await cells("table.contacts");
    expect(contacts.find((r) => r[1] === "李明")?.slice(5, 8)).toEqual(["2025-10-15", "2025-10-25", "✓"]);
    expect(contacts.filter((r) => r[0] === "乙方" && r[7] === "✓")).toHaveLength(1);
    // 4.10: requested 10-10 (by the 15th) → from 11-01, in force on 11-01; requested 10-20 → from 12-01.
    const changes = await cells("table.service-changes");
    expect(changes.map((r) => [r[0], r[2], r[5], r[6]])).toEqual([
      ["monthly-fee", "3000.00", "2025-11-01", "✓"],
      ["voice-outbound", "-", "2025-12-01", ""],
    ]);
    await page.$eval("table.register", (e) => e.scrollIntoView());
    await shot(page, "contract-registers");
    await page.close();
    const english = await open(`/contracts/${report.contractId}?lang=en`);
    const states = await english.$$eval("table.register .breach-state", (spans) =>
      spans.map((s) => `${s.getAttribute("data-state")}: ${s.textContent ?? ""}`),
    );
    expect(states).toContain("lapsed: lapsed: neither cured nor objected");
    await english.close();
  });

  it("the contract page's audit history and replies read in Chinese, in English with ?lang=en", async () => {
    const page = await open(`/contracts/${report.contractId}`);
    const whats = (selector: string, column: number) =>
      page.$$eval(
        `${selector} tbody tr`,
        (trs, i) => trs.map((tr) => (tr.children[i]?.textContent ?? "").trim()),
        column,
      );
    // The scenario's bank change: Party B's new account, notified 10-10 and used from 10-20 (4.9, the
    // register above shows the day); the account masked as stored.
    const history = await whats("table.history", 3);
    expect(history).toContain(
      "乙方于 2025年10月10日书面通知变更银行账户为 ************5678（招商银行股份有限公司长春分行）：自 2025年10月20日起生效",
    );
    expect(await page.$$("table.history .untranslated, table.received .untranslated")).toHaveLength(0);
    // September's reply: 97 % of the bill, within the 5 % of 4.6, so the bill stands.
    expect((await whats("table.received", 3))[0]).toMatch(
      /^收到对账回复：差异在5%以内，以账单为准（甲方金额 /,
    );
    await page.$eval("table.history", (e) => e.scrollIntoView());
    await shot(page, "contract-history");
    await page.close();
    const english = await open(`/contracts/${report.contractId}?lang=en`);
    const englishHistory = await english.$$eval("table.history tbody tr", (trs) =>
      trs.map((tr) => (tr.children[3]?.textContent ?? "").trim()),
    );
    expect(englishHistory).toContain(
      "Party B notified a new bank account ************5678 (招商银行股份有限公司长春分行) on 2025-10-10: in force from 2025-10-20",
    );
    await english.close();
  });

  it("after time moves on into the next month, the open cycle shows what it waits for and until when", async () => {
    const page = await open("/");
    await page.$eval("input[name=to][type=date]", (input) => {
      (input as HTMLInputElement).value = "2025-11-02";
    });
    await Promise.all([
      page.waitForNavigation({ waitUntil: "load" }),
      page.$eval("input[name=to][type=date]", (input) => (input as HTMLInputElement).form?.submit()),
    ]);
    await withFont(page);
    const tasks = await page.$$eval("table.tasks tbody tr", (trs) =>
      trs.map((tr) => [...tr.children].map((td) => td.textContent ?? "")),
    );
    const october = tasks.find((cells) => cells[1] === "2025-10");
    expect(october?.[2]).toBe("甲方对账回复");
    expect(october?.[3]).toBe("甲方");
    expect(october?.[4]).toContain("2025-11-07 23:59:59");
    expect(october?.[5]).toContain("合同第四条4.6款");
    // The overview's breach register is the contracts' registers: the three entries of October.
    const entries = await page.$$eval("table.register tbody tr", (trs) =>
      trs.map((tr) => [tr.children[0]?.textContent, tr.children[1]?.textContent]),
    );
    expect(entries.map(([, id]) => id).sort()).toEqual([
      "2025-10-statement-detail",
      "ticket:end-user-complaint-20251027T0900",
      "ticket:fault-20251010T1000",
    ]);
    expect(entries.every(([contract]) => contract === report.contractId)).toBe(true);
    await shot(page, "overview");
    const contract = await open(`/contracts/${report.contractId}`);
    expect(await contract.$eval('span.period-total[data-period="2025-10"]', (s) => s.textContent)).toBe(
      SMALL_MONTH_TOTAL,
    );
    await contract.close();
    const cycle = await open(
      `/executions/${encodeURIComponent(`${app.stateMachineArns.monthlyCycle.replace(":stateMachine:", ":execution:")}:${report.contractId}-2025-10`)}`,
    );
    const pending = await cycle.$$eval("table.pending tbody tr td", (tds) => tds.map((td) => td.textContent));
    expect(pending[0]).toBe("Wait for Party A's reconciliation reply");
    expect(pending[1]).toMatch(/…$/);
    // The reply wait times out at the reminder (R-RECON-5): 09:00 on the working day before the
    // deadline, Thursday 2025-11-06; then the cycle keeps waiting until the deadline itself.
    expect(pending[3]).toContain("2025-11-06 09:00:00");
    await cycle.close();
    await page.close();
  });

  it("the contract page draws the SMS port's rate on every day of each period (R-THROTTLE-1, 附件三)", async () => {
    // Oracle: the fixture's feed stepped through Annex 3 by hand for the whitelist port 10650823580002 (each
    // step from the day after the one that decided it): 2 complaints on 09-10 → 50 % from 09-11 (2(1)); 2 on
    // 09-15 → 2/s from 09-16 (2(3)); 11 on 09-20, 13 in the week 09-14..09-20 → suspended from 09-21 (2(4));
    // at least 10 days, to 09-30, then half of 2/s, 1/s, from 10-01 (3(4)); two weeks without a complaint →
    // 2/s again from 10-15 (3(4)). The page is read after time moved to 2025-11-02: October has happened.
    const page = await open(`/contracts/${report.contractId}`);
    const strip = (period: string) =>
      page.$$eval(`.throttle-period[data-period="${period}"] ol.throttle-strip li`, (lis) =>
        lis.map((li) => [li.getAttribute("data-date"), li.getAttribute("data-state")]),
      );
    const days = (month: string, first: number, last: number, state: string) =>
      Array.from({ length: last - first + 1 }, (_, i) => [
        `${month}-${String(first + i).padStart(2, "0")}`,
        state,
      ]);
    expect(await strip("2025-09")).toEqual([
      ...days("2025-09", 1, 10, "full"),
      ...days("2025-09", 11, 15, "50%"),
      ...days("2025-09", 16, 20, "2/s"),
      ...days("2025-09", 21, 30, "suspended"),
    ]);
    expect(await strip("2025-10")).toEqual([
      ...days("2025-10", 1, 14, "1/s"),
      ...days("2025-10", 15, 31, "2/s"),
    ]);
    // Each day says its date, rate and complaints, as a tooltip and as text for a screen reader.
    const day = await page.$eval('li[data-date="2025-09-20"]', (li) => [
      li.getAttribute("title"),
      li.querySelector(".sr-only")?.textContent,
    ]);
    expect(day).toEqual([
      "2025-09-20：限速 2条/秒；当日投诉 11 起",
      "2025-09-20：限速 2条/秒；当日投诉 11 起",
    ]);
    const changes = await page.$$eval('.throttle-period[data-period="2025-09"] .throttle-changes li', (lis) =>
      lis.map((li) => li.textContent),
    );
    expect(changes).toEqual([
      "2025-09-11 起：正常速率 → 限速 50%（合同附件三 2(1)）",
      "2025-09-16 起：限速 50% → 限速 2条/秒（合同附件三 2(3)）",
      "2025-09-21 起：限速 2条/秒 → 端口暂停（合同附件三 2(4)）",
    ]);
    expect(await page.$eval("h2#throttle", (h) => h.textContent)).toContain(
      "附件三《中国移动关于集团短信类业务发送流量限制及恢复的暂行规定》",
    );
    const legend = await page.$$eval(".throttle-legend span", (spans) => spans.map((s) => s.textContent));
    expect(legend).toEqual([
      "正常速率",
      "限速 50%",
      "限速 25%",
      "限速 12.5%",
      "限速 2条/秒",
      "限速 1条/秒",
      "端口暂停",
      "尚未到来",
    ]);
    await page.$eval("h2#throttle", (e) => e.scrollIntoView());
    await shot(page, "contract-throttle");
    await page.close();
    const english = await open(`/contracts/${report.contractId}?lang=en`);
    expect(await english.$eval('li[data-date="2025-09-21"]', (li) => li.getAttribute("title"))).toBe(
      "2025-09-21: suspended",
    );
    expect(
      await english.$$eval('.throttle-period[data-period="2025-09"] .throttle-changes li', (lis) =>
        lis.map((li) => li.textContent),
      ),
    ).toEqual([
      "from 2025-09-11: full rate → 50 % (Annex 3 2(1))",
      "from 2025-09-16: 50 % → 2 messages/s (Annex 3 2(3))",
      "from 2025-09-21: 2 messages/s → suspended (Annex 3 2(4))",
    ]);
    // English punctuation on the English page: no full-width colon or brackets around the words.
    expect(await english.$eval("p.parties", (p) => p.textContent)).toBe(
      "Party A: 吉林省社会医疗保险管理局 · Party B: 中国移动通信集团吉林有限公司",
    );
    expect(await english.$eval("p.liability-cap", (p) => p.textContent)).not.toMatch(/[：（）]/);
    await english.close();
    // report.html is the same page saved as a file: the strips are in it.
    const saved = await contractReportHtml(report.contractId, app.clock.now());
    expect(saved).toContain('data-date="2025-09-21" data-state="suspended"');
  });

  it("?lang=en switches the language", async () => {
    const page = await open("/");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("#lang-switch")]);
    expect(page.url()).toContain("lang=en");
    expect(await page.$eval("html", (h) => h.getAttribute("lang"))).toBe("en");
    expect(await page.$eval("h1", (h) => h.textContent)).toBe("Contracts");
    expect(await page.$eval("header .now", (e) => e.textContent)).toContain("Beijing time");
    await page.close();
  });

  it("every other page loads, and no page logged a console error", async () => {
    for (const path of [
      "/state-machines",
      "/executions",
      `/executions?stateMachine=ContractOps-MonthlyCycle&status=SUCCEEDED`,
    ]) {
      const page = await open(path);
      // Every page with dates says they are Beijing time, in its body as well as in the header.
      expect(await page.$eval("main", (m) => m.textContent), path).toContain("所有时间均为北京时间");
      if (path === "/executions") await shot(page, "executions");
      await page.close();
    }
    // Filtered by contract and period: that contract's cycle of that month, and nothing else (the cycles are
    // named `<contractId>-<period>`, architecture §4).
    const filtered = await open(`/executions?contract=${report.contractId}&period=2025-09`);
    const names = await filtered.$$eval("table.executions tbody tr", (trs) =>
      trs.map((tr) => [tr.children[0]?.textContent, tr.children[1]?.textContent]),
    );
    expect(names).toEqual([[`${report.contractId}-2025-09`, "ContractOps-MonthlyCycle"]]);
    await filtered.close();
    // By period alone: the month's cycles and the kickoff that billed it — the schedule names its
    // executions itself, so the kickoff's period is the month before its scheduled time (R-PERIOD-1).
    const byPeriod = await open("/executions?period=2025-09");
    const machinesOfPeriod = await byPeriod.$$eval("table.executions tbody tr", (trs) =>
      trs.map((tr) => tr.children[1]?.textContent),
    );
    expect(machinesOfPeriod.sort()).toEqual(["ContractOps-MonthlyCycle", "ContractOps-MonthlyKickoff"]);
    await byPeriod.close();
    // A month nothing billed (the run starts just before the kickoff of 2025-10-01): no kickoff claims it.
    const unbilled = await open("/executions?period=2025-08");
    expect(await unbilled.$$eval("table.executions tbody tr", (trs) => trs.length)).toBe(0);
    await unbilled.close();
    const contract = await open(`/contracts/${report.contractId}`);
    const emailLinks = await contract.$$eval("table.emails a, table.received a", (links) =>
      links.slice(0, 3).map((a) => a.getAttribute("href") ?? ""),
    );
    await contract.close();
    expect(emailLinks.length).toBeGreaterThan(0);
    for (const link of emailLinks) {
      const page = await open(link);
      if (link.includes("statement")) await shot(page, "email");
      await page.close();
    }
    expect(consoleErrors).toEqual([]);
  });
});
