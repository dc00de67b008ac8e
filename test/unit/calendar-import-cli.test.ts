/**
 * `ops calendar import` (R-WD-3): a published notice becomes the year's calendar file, the change against the
 * calendar it replaces is shown, and a notice that cannot be read with certainty writes nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import calendarImport from "../../bin/ops/calendar-import";
import { InputError, UsageError } from "../../bin/ops/cli-kit";
import { loadOfficialYearFiles } from "../../functions/core/calendar";

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/holiday-notices/${name}`, import.meta.url));
const scratch = () => mkdtempSync(join(tmpdir(), "calendar-import-"));

describe("ops calendar import (R-WD-3)", () => {
  it("writes CN-2026.json from the published 2026 notice; chinese-days already had the same year", async () => {
    const out = scratch();
    const output = await calendarImport.run(["--notice", fixture("2026.txt"), "--out", out, "--json"]);
    expect(output.json).toMatchObject({
      year: 2026,
      workdays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
      source: { title: "国务院办公厅关于2026年部分节假日安排的通知", date: "2025-11-04" },
      file: join(out, "CN-2026.json"),
      replaces: "official",
      changes: [],
    });
    const [loaded] = loadOfficialYearFiles(out);
    expect(loaded?.year).toBe(2026);
    expect(loaded?.holidays).toContain("2026-02-23"); // 「至23日（农历正月初七、周一）」
    expect(loaded?.source).toBe("国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)");
    // Laid out as Biome formats JSON (checked with `npx biome check`), so the committed file keeps lint clean.
    const text = readFileSync(join(out, "CN-2026.json"), "utf8");
    expect(text).toContain(
      '  "makeUpWorkdays": ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],\n',
    );
    expect(text).toContain('  "holidays": [\n    "2026-01-01",\n    "2026-01-02",\n');
  });

  it("lists each day a 2027 notice changes against the provisional 2027 calendar", async () => {
    const out = scratch();
    const output = await calendarImport.run([
      "--notice",
      fixture("made-up-2027.txt"),
      "--out",
      out,
      "--json",
    ]);
    // By hand: provisional 2027 = statutory days + 补假 (ADR 0003); the notice's days from its text.
    expect(output.json).toMatchObject({
      year: 2027,
      replaces: "provisional",
      changes: [
        { date: "2027-01-04", was: "working", now: "off" },
        { date: "2027-01-09", was: "off", now: "working" },
        { date: "2027-02-11", was: "working", now: "off" },
        { date: "2027-02-12", was: "working", now: "off" },
        { date: "2027-02-20", was: "off", now: "working" },
        { date: "2027-04-25", was: "off", now: "working" },
        { date: "2027-05-05", was: "working", now: "off" },
        { date: "2027-05-08", was: "off", now: "working" },
        { date: "2027-09-26", was: "off", now: "working" },
        { date: "2027-10-06", was: "working", now: "off" },
        { date: "2027-10-07", was: "working", now: "off" },
        { date: "2027-10-09", was: "off", now: "working" },
      ],
    });
    const text = (await calendarImport.run(["--notice", fixture("made-up-2027.txt"), "--out", out])).text;
    expect(text).toContain("changes against the provisional 2027 calendar");
    expect(text).toMatch(/2027-01-09\s+off\s+working/);
  });

  it("refuses a malformed notice line by line and writes nothing (exit 1)", async () => {
    const out = scratch();
    const bad = join(scratch(), "bad.txt");
    const text = readFileSync(fixture("2026.txt"), "utf8")
      .replace("1月4日(周日)上班", "1月4日(周一)上班")
      .replace("共5天", "共6天");
    writeFileSync(bad, text);
    const error = await calendarImport.run(["--notice", bad, "--out", out]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const lines = (error as Error).message.split("\n");
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^--notice ${bad} line 7: 2026-01-04 is a 星期日`)),
      expect.stringMatching(new RegExp(`^--notice ${bad} line 13: 2026-05-01 to 2026-05-05 is 5 days`)),
      "nothing written",
    ]);
    expect(readdirSync(out)).toEqual([]);
  });

  it("usage errors exit 2; an unreadable file is a wrong value (exit 1)", async () => {
    await expect(calendarImport.run([])).rejects.toThrow(UsageError);
    await expect(calendarImport.run(["--notice"])).rejects.toThrow(UsageError);
    await expect(calendarImport.run(["--notice", "/nonexistent/notice.txt"])).rejects.toThrow(
      /--notice \/nonexistent\/notice.txt: cannot be read \(ENOENT\)/,
    );
  });
});
