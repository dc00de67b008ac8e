/**
 * R-WD-3: the CalendarCheck schedule (09:00 on the 1st and 15th of November and December, Asia/Shanghai) warns
 * Party B's contact while next year's calendar is still provisional, with the commands to run; once the year
 * is applied, it stays silent. On the embedded stack with the real schedules and virtual time.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import calendarApply from "../../bin/ops/calendar-apply";
import calendarImport from "../../bin/ops/calendar-import";
import { handler } from "../../functions/check-calendar-year/handler";
import type { EmbeddedApp } from "../../infra/local/app";
import { bootApp, emailsTo, PARTY_A, PARTY_B, runUntil } from "./harness";

const NOTICE = fileURLToPath(new URL("../fixtures/holiday-notices/made-up-2027.txt", import.meta.url));

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** The Lambda itself, as the CalendarCheck state machine invokes it (it reads the stack's calendar first). */
const checkNextYearCalendar = (event: { firesAt: string }) =>
  handler(event, {
    functionName: "check-calendar-year",
    awsRequestId: "check-calendar-year-test",
    getRemainingTimeInMillis: () => 60_000,
  } as unknown as Parameters<typeof handler>[1]);

const warnings = async (app: EmbeddedApp, address: string) =>
  (await emailsTo(app, address)).filter((e) => e.subject.startsWith("2027年工作日仍为暂定"));

describe("the provisional-year check (R-WD-3)", () => {
  it("warns Party B on Nov 1 and Nov 15 with the commands, and not after the year is applied", async () => {
    const booted = await bootApp("2026-10-31T12:00:00+08:00", { schedule: true });
    app = booted.app;
    await runUntil(app, "2026-11-01T08:59:00+08:00");
    expect(await warnings(app, PARTY_B)).toEqual([]);
    await runUntil(app, "2026-11-01T09:30:00+08:00");
    const [first] = await warnings(app, PARTY_B);
    expect(first?.to).toEqual([PARTY_B]);
    expect(first?.text).toContain("npm run ops -- calendar import --notice");
    expect(first?.text).toContain("npm run ops -- calendar apply --year 2027");
    expect(await warnings(app, PARTY_A)).toEqual([]);

    await runUntil(app, "2026-11-15T09:30:00+08:00");
    expect(await warnings(app, PARTY_B)).toHaveLength(2);

    const dir = mkdtempSync(join(tmpdir(), "calendar-check-"));
    await calendarImport.run(["--notice", NOTICE, "--out", dir]);
    await calendarApply.run(["--year", "2027", "--dir", dir]);
    await runUntil(app, "2026-12-15T09:30:00+08:00");
    expect(await warnings(app, PARTY_B)).toHaveLength(2);
  });

  it("outside November–December the check sends nothing; twice on one day it warns once", async () => {
    const booted = await bootApp("2026-10-15T08:00:00+08:00");
    app = booted.app;
    expect(await checkNextYearCalendar({ firesAt: "2026-10-15T09:00:00+08:00" })).toEqual({
      year: 2027,
      status: "not-due",
      warned: [],
    });
    const contractId = booted.contract.contractId;
    for (let i = 0; i < 2; i++) {
      expect(await checkNextYearCalendar({ firesAt: "2026-12-01T09:00:00+08:00" })).toEqual({
        year: 2027,
        status: "provisional",
        warned: [contractId],
      });
    }
    await runUntil(app, "2026-10-15T09:00:00+08:00");
    expect(await warnings(app, PARTY_B)).toHaveLength(1);
    // 2026 itself is official (chinese-days): a check in late 2025 has nothing to warn about.
    expect(await checkNextYearCalendar({ firesAt: "2025-11-15T09:00:00+08:00" })).toMatchObject({
      year: 2026,
      status: "official",
      warned: [],
    });
  });
});
