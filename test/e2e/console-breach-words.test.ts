/**
 * The console speaks Chinese by default: a breach the monthly cycle detected is described in the same words
 * as the breach email to Party B (违约登记), not in the English of the stored record, both in its period and in
 * the breach register; the English page keeps the record's words.
 *
 * Oracle, by hand: the September 2025 bill (harness SMALL_MONTH_TOTAL, 4,000.30) is sent on 2025-10-01; with
 * the 2025 holiday notice (1–8 October off, Saturday 11 October worked) the 10th working day after it is
 * Tuesday 21 October (9, 10, 11, 13, 14, 15, 16, 17, 20, 21): the payment is due then (R-PAY-1, 合同第四条4.8款).
 * Nothing is paid, so on 22 October Party A is in breach.
 */
import { afterEach, describe, expect, it } from "vitest";
import { contractPage, overviewPage } from "../../console/pages/contracts";
import { contractDetail, contractsOverview } from "../../functions/app/console-model";
import { closeTicket, openTicket } from "../../functions/app/tickets";
import type { EmbeddedApp } from "../../infra/local/app";
import { bootApp, runUntil, startCycle, uploadSmallMonth } from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const WORDS = "2025年9月账单付款逾期（应付 4,000.30 元，截止 2025年10月21日）";

describe("a detected breach in the console's words (R-PAY-1)", () => {
  it("the period and the breach register say it in Chinese; the English page keeps the record's words", async () => {
    const booted = await bootApp("2025-10-01T00:30:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, "2025-09");
    await startCycle(app, contractId, "2025-09");
    await runUntil(app, "2025-10-22T12:00:00+08:00");

    const detail = await contractDetail(contractId, app.clock.now());
    const [entry] = detail.obligations.register.breaches;
    expect(entry?.breachId).toBe("2025-09:R-PAY-1");
    expect(entry?.description).toBe(WORDS);

    // The period's facts and the register; the audit history keeps the record's words (it is the log).
    const parts = (html: string) => [
      /<section class="period" id="period-2025-09">[\s\S]*?<\/section>/.exec(html)?.[0] ?? "",
      /<table class="register">[\s\S]*?<\/table>/.exec(html)?.[0] ?? "",
    ];
    const zh = parts(contractPage("zh", detail));
    expect(zh.map((part) => part.includes(WORDS))).toEqual([true, true]);
    expect(zh.some((part) => part.includes("not received by"))).toBe(false);
    const en = parts(contractPage("en", detail));
    expect(en.map((part) => part.includes("not received by"))).toEqual([true, true]);

    const overview = overviewPage("zh", await contractsOverview(app.clock.now()));
    expect(overview).toContain(WORDS);
  });

  it("a ticket closed late is described by the ticket, its deadline and its clause (R-SLA-2, 3.4)", async () => {
    // 3.4: a fault is fixed within 24 h — opened 10-10 10:00, due 10-11 10:00, fixed 10-11 12:00: late, and
    // Party B's breach in the register.
    const booted = await bootApp("2025-10-10T09:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await runUntil(app, "2025-10-11T13:00:00+08:00");
    const { ticketId } = await openTicket({
      contractId,
      kind: "fault",
      openedAt: new Date("2025-10-10T10:00:00+08:00"),
      what: "外呼失败",
    });
    await closeTicket({
      contractId,
      ticketId,
      closedAt: new Date("2025-10-11T12:00:00+08:00"),
      travelMinutes: 0,
    });
    const detail = await contractDetail(contractId, app.clock.now());
    const entry = detail.obligations.register.breaches.find((b) => b.breachId === `ticket:${ticketId}`);
    expect(entry?.description).toBe(
      `工单 ${ticketId}（外呼失败）未在时限 2025年10月11日 10:00（北京时间）前处理完毕（合同第三条3.4款）`,
    );
  });
});
