/**
 * `ops calendar import --notice <file.txt>`: reads the State Council's holiday notice as published and writes
 * that year's official calendar file (R-WD-1, R-WD-3; docs/decisions/0040-holiday-notice-import.md), then
 * shows which days change against the calendar it replaces — usually the provisional one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CALENDAR_DATA_DIR, defaultCalendar, type OfficialYear } from "../../functions/core/calendar";
import { calendarChanges } from "../../functions/core/calendar-changes";
import {
  HolidayNoticeError,
  officialYearFromNotice,
  parseHolidayNotice,
} from "../../functions/core/holiday-notice";
import { InputError, type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage = "npm run ops -- calendar import --notice <file.txt> [--out <dir>] [--json]";

function readNotice(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(`--notice ${path}: cannot be read (${(error as NodeJS.ErrnoException).code})`, {
      cause: error,
    });
  }
}

/** Biome's JSON layout (biome.json: lineWidth 110), so a written file passes `npm run lint` as it is. */
const LINE_WIDTH = 110;

/** The calendar file's text: two-space JSON, each array on one line when it fits, else one date a line. */
function calendarFileText(year: OfficialYear): string {
  const expanded = JSON.stringify(year, null, 2);
  return `${expanded.replace(
    /^( *)("[^"]+": )\[\n([^\]]*)\n\1\](,?)$/gmu,
    (whole, indent, key, body, comma) => {
      const items = body
        .split("\n")
        .map((line: string) => line.trim())
        .join(" ");
      const inline = `${indent}${key}[${items}]${comma}`;
      return inline.length <= LINE_WIDTH ? inline : whole;
    },
  )}\n`;
}

const command: OpsCommand = {
  summary: "import the State Council's holiday notice as the year's official calendar (R-WD-3)",
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { notice: { type: "string" }, out: { type: "string" } }, usage);
    const path = requireOption(values.notice, "--notice", usage);
    const text = readNotice(path);
    let notice: ReturnType<typeof parseHolidayNotice>;
    try {
      notice = parseHolidayNotice(text);
    } catch (error) {
      if (!(error instanceof HolidayNoticeError)) throw error;
      const lines = error.problems.map(
        (p) => `--notice ${path}${p.line > 0 ? ` line ${p.line}` : ""}: ${p.message}`,
      );
      throw new InputError(`${lines.join("\n")}\nnothing written`, { cause: error });
    }
    const year = officialYearFromNotice(notice);
    const changes = calendarChanges(defaultCalendar(), year);

    const directory = values.out ?? fileURLToPath(CALENDAR_DATA_DIR);
    const file = join(directory, `CN-${year.year}.json`);
    mkdirSync(directory, { recursive: true });
    // Written whole, then renamed: a reader never sees half a calendar.
    writeFileSync(`${file}.tmp`, calendarFileText(year));
    renameSync(`${file}.tmp`, file);

    const json = {
      year: notice.year,
      holidays: notice.holidays,
      workdays: notice.workdays,
      source: notice.source,
      file,
      replaces: changes.replaces,
      changes: changes.days,
    };
    const heading = `${notice.year}: ${notice.holidays.length} days off, ${notice.workdays.length} make-up working days — ${notice.source.title} (${notice.source.date})`;
    const diff =
      changes.days.length === 0
        ? `no working day changes against the ${changes.replaces} ${notice.year} calendar`
        : `changes against the ${changes.replaces} ${notice.year} calendar:\n${table(
            ["date", "was", "now"],
            changes.days.map((d) => [d.date, d.was, d.now]),
          )}`;
    return { json, text: `${heading}\nwritten to ${file}\n${diff}` };
  },
};

export default command;
