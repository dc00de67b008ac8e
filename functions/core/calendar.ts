/**
 * The PRC working-day calendar (工作日) used by every "within N working days" rule (R-WD-1..4).
 *
 * A day's status comes from, in order:
 * 1. an official year file in `calendar-data/CN-<yyyy>.json` (the State Council's annual notice, typed in);
 * 2. the official years of the `chinese-days` package — only years it really has data for (see
 *    `officialYearsFromChineseDays`: the package answers "Mon–Fri" for any year it lacks, e.g. it calls
 *    2027-01-01 a working day);
 * 3. otherwise a **provisional** year derived from the statutory holidays (全国年节及纪念日放假办法, as revised
 *    2024-11-10, in force 2025-01-01), and every answer that looked at such a day says `provisional: true`
 *    (R-WD-3). A year before 2025 without official data, or beyond the lunar table, is refused: it is never
 *    silently treated as Monday–Friday.
 *
 * See docs/decisions/0003-working-day-calendar.md.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as z from "zod";
import {
  dragonBoatFestival,
  LUNAR_LAST_YEAR,
  lunarNewYearsEve,
  midAutumnFestival,
  qingmingDay,
} from "./lunar";
import { withoutBom } from "./text";
import { addDays, dayNumber, type LocalDate, parseLocalDate } from "./time";

export type YearStatus = "official" | "provisional";

/** One official year: the dates the State Council's notice makes holidays, and the weekend days it makes working. */
export interface OfficialYear {
  year: number;
  /** Where the data comes from (the notice's URL or document number, or the package it was read from). */
  source: string;
  /** Days off that would otherwise be working days, and the statutory holidays themselves. */
  holidays: LocalDate[];
  /** Weekend days that are working days (调休上班). */
  makeUpWorkdays: LocalDate[];
  /** The notice it was imported from (ADR 0040); absent for package data and hand-typed files. */
  notice?: { title: string; date: LocalDate; documentNumber?: string };
}

export class CalendarError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CalendarError";
  }
}

/** The first year whose statutory holidays are the 2024 revision's (春节 4 days, 劳动节 2 days). */
export const STATUTORY_RULES_FROM_YEAR = 2025;

const localDateSchema = z.string().refine(
  (text) => {
    try {
      parseLocalDate(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: "not a real YYYY-MM-DD day" },
);

/** The format of `calendar-data/CN-<yyyy>.json`. */
export const officialYearSchema = z
  .object({
    year: z.number().int().min(1949).max(9999),
    source: z.string().min(1),
    holidays: z.array(localDateSchema).min(1),
    makeUpWorkdays: z.array(localDateSchema),
    notice: z
      .object({
        title: z.string().min(1),
        date: localDateSchema,
        documentNumber: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((data, ctx) => {
    // A notice may move a make-up day into the last days of the previous year (2019's notice made
    // 2018-12-29 a working day), so dates from December of the year before are accepted too.
    const inScope = (date: string) =>
      date.startsWith(`${data.year}-`) || date.startsWith(`${String(data.year - 1).padStart(4, "0")}-12-`);
    for (const date of [...data.holidays, ...data.makeUpWorkdays]) {
      if (!inScope(date)) ctx.addIssue({ code: "custom", message: `${date} is not in ${data.year}` });
    }
    for (const date of data.makeUpWorkdays) {
      if (!isWeekend(date))
        ctx.addIssue({ code: "custom", message: `make-up workday ${date} is not a weekend day` });
      if (data.holidays.includes(date)) {
        ctx.addIssue({ code: "custom", message: `${date} is both a holiday and a make-up workday` });
      }
    }
  });

/** Day of week from the date alone (0 = Sunday): UTC arithmetic, never the host time zone. */
export function dayOfWeek(date: LocalDate): number {
  // 1970-01-01, day 0, was a Thursday.
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

export function isWeekend(date: LocalDate): boolean {
  const day = dayOfWeek(date);
  return day === 0 || day === 6;
}

function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

/**
 * The years chinese-days really covers. Its data maps dates to "English,中文,days"; for a year it lacks it
 * has no entries at all and its own functions fall back to Monday–Friday. A year counts as official here
 * only if it has holiday entries for 元旦, 春节, 劳动节 and 国庆节 dated in that year — the four holidays every
 * notice since 2000 has set — so a partial or placeholder year in a future package version is not trusted.
 */
export function officialYearsFromChineseDays(data: {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}): OfficialYear[] {
  const required = ["元旦", "春节", "劳动节", "国庆"];
  const byYear = new Map<number, { holidays: LocalDate[]; names: Set<string>; makeUp: LocalDate[] }>();
  const entry = (year: number) => {
    let found = byYear.get(year);
    if (!found) {
      found = { holidays: [], names: new Set(), makeUp: [] };
      byYear.set(year, found);
    }
    return found;
  };
  for (const [date, label] of Object.entries(data.holidays)) {
    const year = entry(yearOf(date));
    year.holidays.push(date);
    const name = label.split(",")[1];
    if (name) year.names.add(name);
  }
  for (const date of Object.keys(data.workdays)) entry(yearOf(date)).makeUp.push(date);
  const years: OfficialYear[] = [];
  for (const [year, found] of [...byYear].sort(([a], [b]) => a - b)) {
    if (!required.every((name) => [...found.names].some((n) => n.includes(name)))) continue;
    years.push({
      year,
      source: "chinese-days package data (State Council annual notices)",
      holidays: found.holidays.sort(),
      makeUpWorkdays: found.makeUp.sort(),
    });
  }
  return years;
}

/** Reads every `CN-<yyyy>.json` of a directory (validated; a bad file is an error, never skipped). */
export function loadOfficialYearFiles(directory: URL | string): OfficialYear[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const years: OfficialYear[] = [];
  for (const name of names.sort()) {
    const match = /^CN-(\d{4})\.json$/.exec(name);
    if (!match) continue;
    const path = typeof directory === "string" ? `${directory}/${name}` : new URL(name, directory);
    const parsed = officialYearSchema.safeParse(JSON.parse(withoutBom(readFileSync(path, "utf8"))));
    if (!parsed.success) {
      throw new CalendarError(`calendar file ${name} is invalid: ${z.prettifyError(parsed.error)}`);
    }
    if (parsed.data.year !== Number(match[1])) {
      throw new CalendarError(`calendar file ${name} holds year ${parsed.data.year}`);
    }
    years.push(parsed.data);
  }
  return years;
}

/**
 * The statutory holidays of a year (2024 revision of 全国年节及纪念日放假办法, art. 2 and 6): 元旦 1/1;
 * 春节 除夕 and 正月初一–初三; 清明 the solar-term day; 劳动节 5/1–5/2; 端午; 中秋; 国庆节 10/1–10/3.
 * Art. 6: a holiday falling on a Saturday or Sunday is given back on a working day (补假) — we give it on the
 * first weekday after that holiday's block that is not already off. The annual 调休 swaps (make-up working
 * weekends, bridged days) are not statutory and are never guessed.
 */
export function statutoryHolidays(year: number): LocalDate[] {
  if (year < STATUTORY_RULES_FROM_YEAR || year > LUNAR_LAST_YEAR) {
    throw new CalendarError(
      `no statutory holiday rules for ${year} (provisional calendars cover ${STATUTORY_RULES_FROM_YEAR}–${LUNAR_LAST_YEAR})`,
    );
  }
  const y = String(year).padStart(4, "0");
  const eve = lunarNewYearsEve(year);
  const blocks: LocalDate[][] = [
    [`${y}-01-01`],
    [eve, addDays(eve, 1), addDays(eve, 2), addDays(eve, 3)],
    [qingmingDay(year)],
    [`${y}-05-01`, `${y}-05-02`],
    [dragonBoatFestival(year)],
    [midAutumnFestival(year)],
    [`${y}-10-01`, `${y}-10-02`, `${y}-10-03`],
  ];
  const off = new Set(blocks.flat());
  for (const block of blocks) {
    let cursor = block[block.length - 1] as LocalDate;
    for (const day of block) {
      if (!isWeekend(day)) continue;
      do cursor = addDays(cursor, 1);
      while (isWeekend(cursor) || off.has(cursor));
      off.add(cursor);
    }
  }
  return [...off].sort();
}

export interface DayStatus {
  working: boolean;
  provisional: boolean;
}

export interface WorkingDayResult {
  date: LocalDate;
  /** True when any day looked at to reach this answer is in a provisional year (R-WD-3). */
  provisional: boolean;
}

/** Safety bound: 366 days without a working day would mean broken data, not a real calendar. */
const MAX_SCAN_DAYS = 366;

export class WorkingDayCalendar {
  readonly #official = new Map<
    number,
    { source: string; holidays: Set<LocalDate>; makeUp: Set<LocalDate> }
  >();
  readonly #provisional = new Map<number, Set<LocalDate>>();

  /** Later entries for the same year replace earlier ones (so repository files override package data). */
  constructor(officialYears: Iterable<OfficialYear>) {
    for (const year of officialYears) {
      this.#official.set(year.year, {
        source: year.source,
        holidays: new Set(year.holidays),
        makeUp: new Set(year.makeUpWorkdays),
      });
    }
  }

  /** R-WD-3: "official" when the State Council's calendar for the year is loaded, else "provisional". */
  yearStatus(year: number): YearStatus {
    if (this.#official.has(year)) return "official";
    this.#provisionalHolidays(year);
    return "provisional";
  }

  officialYears(): number[] {
    return [...this.#official.keys()].sort((a, b) => a - b);
  }

  /** Where a year's official data comes from, or undefined for a provisional year. */
  sourceOf(year: number): string | undefined {
    return this.#official.get(year)?.source;
  }

  #provisionalHolidays(year: number): Set<LocalDate> {
    let holidays = this.#provisional.get(year);
    if (!holidays) {
      holidays = new Set(statutoryHolidays(year));
      this.#provisional.set(year, holidays);
    }
    return holidays;
  }

  /**
   * R-WD-1: Monday–Friday minus holidays plus make-up weekend days. A make-up day listed by next year's
   * notice in this December (see officialYearSchema) is honoured because all official dates share one map.
   */
  isWorkingDay(date: LocalDate): DayStatus {
    parseLocalDate(date);
    const year = yearOf(date);
    const nextYear = this.#official.get(year + 1);
    if (nextYear?.makeUp.has(date)) return { working: true, provisional: false };
    if (nextYear?.holidays.has(date)) return { working: false, provisional: false };
    const official = this.#official.get(year);
    if (official) {
      if (official.makeUp.has(date)) return { working: true, provisional: false };
      return { working: !official.holidays.has(date) && !isWeekend(date), provisional: false };
    }
    return { working: !isWeekend(date) && !this.#provisionalHolidays(year).has(date), provisional: true };
  }

  /**
   * R-WD-2: the n-th working day after `from`; `from`'s own day never counts. `n` is a positive integer.
   */
  addWorkingDays(from: LocalDate, n: number): WorkingDayResult {
    parseLocalDate(from);
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new CalendarError(`the number of working days must be a positive integer, not ${n}`);
    }
    let date = from;
    let provisional = false;
    let remaining = n;
    let idle = 0;
    while (remaining > 0) {
      date = addDays(date, 1);
      const status = this.isWorkingDay(date);
      provisional ||= status.provisional;
      if (status.working) {
        remaining--;
        idle = 0;
      } else if (++idle > MAX_SCAN_DAYS) {
        throw new CalendarError(`no working day within a year after ${date}: calendar data is broken`);
      }
    }
    return { date, provisional };
  }

  /** The last working day strictly before `date` (the reminder day of R-RECON-5). */
  previousWorkingDay(date: LocalDate): WorkingDayResult {
    parseLocalDate(date);
    let cursor = date;
    let provisional = false;
    for (let step = 0; step < MAX_SCAN_DAYS; step++) {
      cursor = addDays(cursor, -1);
      const status = this.isWorkingDay(cursor);
      provisional ||= status.provisional;
      if (status.working) return { date: cursor, provisional };
    }
    throw new CalendarError(`no working day within a year before ${date}: calendar data is broken`);
  }

  /** The number of working days in (from, to] — 0 when `to` is not after `from`. */
  workingDaysBetween(from: LocalDate, to: LocalDate): { count: number; provisional: boolean } {
    parseLocalDate(from);
    parseLocalDate(to);
    let count = 0;
    let provisional = false;
    for (let cursor = addDays(from, 1); cursor <= to; cursor = addDays(cursor, 1)) {
      const status = this.isWorkingDay(cursor);
      provisional ||= status.provisional;
      if (status.working) count++;
    }
    return { count, provisional };
  }
}

/** Where official year files live; a new year is added by dropping a `CN-<yyyy>.json` here. */
export const CALENDAR_DATA_DIR = new URL("./calendar-data/", import.meta.url);

let shipped: OfficialYear[] | undefined;
let defaultInstance: WorkingDayCalendar | undefined;
let stackYearsKey = "[]";

const chineseDaysDataSchema = z.object({
  holidays: z.record(z.string(), z.string()),
  workdays: z.record(z.string(), z.string()),
});

/**
 * chinese-days' data file, read when the calendar is first needed rather than when the module loads: a
 * Lambda bundle ships it beside `index.mjs` (under `node_modules/chinese-days/dist/`) instead of inlining
 * 43 KB of JSON that every cold start would parse (infra/constructs/contract-function.ts).
 */
function readChineseDaysData() {
  return chineseDaysDataSchema.parse(createRequire(import.meta.url)("chinese-days/dist/chinese-days.json"));
}

/** chinese-days' real years, overridden/extended by the year files shipped with the code. Read once. */
export function shippedOfficialYears(): OfficialYear[] {
  shipped ??= [
    ...officialYearsFromChineseDays(readChineseDaysData()),
    ...loadOfficialYearFiles(CALENDAR_DATA_DIR),
  ];
  return shipped;
}

/**
 * The calendar in use: the shipped years, then the stack's own years (ADR 0041: kept as data in the table,
 * so a new year needs no rebuild), which win for the same year. Built once per process and rebuilt only when
 * `useStackYears` brings other years.
 */
export function defaultCalendar(): WorkingDayCalendar {
  defaultInstance ??= new WorkingDayCalendar(shippedOfficialYears());
  return defaultInstance;
}

/**
 * Makes the stack's official years (read from its table) part of `defaultCalendar()`. Cheap when nothing
 * changed, so a handler may call it on every invocation; years no longer in the stack are dropped again.
 */
export function useStackYears(years: OfficialYear[]): void {
  const sorted = [...years].sort((a, b) => a.year - b.year);
  const key = JSON.stringify(sorted);
  if (key === stackYearsKey && defaultInstance) return;
  stackYearsKey = key;
  defaultInstance = new WorkingDayCalendar([...shippedOfficialYears(), ...sorted]);
}
