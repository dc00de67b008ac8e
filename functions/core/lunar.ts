/**
 * Chinese lunisolar (农历) dates and the Qingming (清明) solar term, as far as the statutory holiday rules
 * need them for a provisional calendar (R-WD-3): 除夕 (lunar New Year's Eve), 端午 (5th of the 5th month),
 * 中秋 (15th of the 8th month) and 清明 (the Qingming solar term day).
 *
 * Why our own code rather than chinese-days' lunar functions: those read the host time zone (they build
 * dates with `new Date(y, m, d)` and format with local getters), so on a host west of UTC they answer a day
 * early. Everything here is integer day arithmetic on UTC dates and returns Asia/Shanghai calendar days.
 *
 * The month-length table is the standard one (Hong Kong Observatory / Purple Mountain Observatory data as
 * encoded in the widely used 1900–2100 table, also shipped by chinese-days); we keep the 2020–2100 slice.
 */
import { addDays, type LocalDate } from "./time";

/** First lunar year of the table and its 正月初一 (2020-01-25). */
const TABLE_FIRST_YEAR = 2020;
const TABLE_FIRST_NEW_YEAR: LocalDate = "2020-01-25";

/**
 * One entry per lunar year 2020–2100. Bits 15..4: month 1..12 has 30 days when set, else 29;
 * bits 3..0: the leap month (0 = none); bit 16: the leap month has 30 days.
 */
const LUNAR_YEAR_INFO: readonly number[] = [
  0x07954, 0x06aa0, 0x0ad50, 0x05b52, 0x04b60, 0x0a6e6, 0x0a4e0, 0x0d260, 0x0ea65, 0x0d530, 0x05aa0, 0x076a3,
  0x096d0, 0x04afb, 0x04ad0, 0x0a4d0, 0x1d0b6, 0x0d250, 0x0d520, 0x0dd45, 0x0b5a0, 0x056d0, 0x055b2, 0x049b0,
  0x0a577, 0x0a4b0, 0x0aa50, 0x1b255, 0x06d20, 0x0ada0, 0x14b63, 0x09370, 0x049f8, 0x04970, 0x064b0, 0x168a6,
  0x0ea50, 0x06b20, 0x1a6c4, 0x0aae0, 0x0a2e0, 0x0d2e3, 0x0c960, 0x0d557, 0x0d4a0, 0x0da50, 0x05d55, 0x056a0,
  0x0a6d0, 0x055d4, 0x052d0, 0x0a9b8, 0x0a950, 0x0b4a0, 0x0b6a6, 0x0ad50, 0x055a0, 0x0aba4, 0x0a5b0, 0x052b0,
  0x0b273, 0x06930, 0x07337, 0x06aa0, 0x0ad50, 0x14b55, 0x04b60, 0x0a570, 0x054e4, 0x0d160, 0x0e968, 0x0d520,
  0x0daa0, 0x16aa6, 0x056d0, 0x04ae0, 0x0a9d4, 0x0a2d0, 0x0d150, 0x0f252, 0x0d520,
];

/** Last Gregorian year whose lunar festivals the table covers (除夕 of 2100 needs lunar year 2099). */
export const LUNAR_LAST_YEAR = 2099;
export const LUNAR_FIRST_YEAR = TABLE_FIRST_YEAR;

export class LunarRangeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LunarRangeError";
  }
}

function info(lunarYear: number): number {
  const value = LUNAR_YEAR_INFO[lunarYear - TABLE_FIRST_YEAR];
  if (value === undefined) {
    throw new LunarRangeError(
      `lunar year ${lunarYear} is outside the table (${TABLE_FIRST_YEAR}–${TABLE_FIRST_YEAR + LUNAR_YEAR_INFO.length - 1})`,
    );
  }
  return value;
}

function leapMonth(lunarYear: number): number {
  return info(lunarYear) & 0xf;
}

function leapMonthDays(lunarYear: number): number {
  if (leapMonth(lunarYear) === 0) return 0;
  return (info(lunarYear) & 0x10000) !== 0 ? 30 : 29;
}

function monthDays(lunarYear: number, month: number): number {
  return (info(lunarYear) & (0x10000 >> month)) !== 0 ? 30 : 29;
}

function yearDays(lunarYear: number): number {
  let days = leapMonthDays(lunarYear);
  for (let month = 1; month <= 12; month++) days += monthDays(lunarYear, month);
  return days;
}

/**
 * The Gregorian day of a lunar date (never a leap month: the festivals the law names are all in ordinary
 * months). `month` 1..12, `day` 1..30.
 */
export function lunarToSolar(lunarYear: number, month: number, day: number): LocalDate {
  if (!Number.isInteger(month) || month < 1 || month > 12)
    throw new LunarRangeError(`no lunar month ${month}`);
  if (!Number.isInteger(day) || day < 1 || day > monthDays(lunarYear, month)) {
    throw new LunarRangeError(`lunar ${lunarYear}-${month} has no day ${day}`);
  }
  if (lunarYear < TABLE_FIRST_YEAR) {
    throw new LunarRangeError(`lunar year ${lunarYear} is before ${TABLE_FIRST_YEAR}`);
  }
  let offset = 0;
  for (let year = TABLE_FIRST_YEAR; year < lunarYear; year++) offset += yearDays(year);
  const leap = leapMonth(lunarYear);
  for (let m = 1; m < month; m++) {
    offset += monthDays(lunarYear, m);
    // The leap month follows the ordinary month of the same number.
    if (m === leap) offset += leapMonthDays(lunarYear);
  }
  return addDays(TABLE_FIRST_NEW_YEAR, offset + day - 1);
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < LUNAR_FIRST_YEAR + 1 || year > LUNAR_LAST_YEAR) {
    throw new LunarRangeError(
      `lunar festivals are known for ${LUNAR_FIRST_YEAR + 1}–${LUNAR_LAST_YEAR}, not ${year}`,
    );
  }
}

/** 除夕: the last day of lunar year `year − 1`, which always falls in January or February of `year`. */
export function lunarNewYearsEve(year: number): LocalDate {
  checkYear(year);
  return addDays(lunarToSolar(year, 1, 1), -1);
}

/** 正月初一 (Spring Festival day) in Gregorian `year`. */
export function lunarNewYear(year: number): LocalDate {
  checkYear(year);
  return lunarToSolar(year, 1, 1);
}

/** 端午: lunar 5th month, 5th day. */
export function dragonBoatFestival(year: number): LocalDate {
  checkYear(year);
  return lunarToSolar(year, 5, 5);
}

/** 中秋: lunar 8th month, 15th day. */
export function midAutumnFestival(year: number): LocalDate {
  checkYear(year);
  return lunarToSolar(year, 8, 15);
}

/**
 * 清明 solar term day (Beijing time) with the usual 21st-century formula: day = ⌊Y·0.2422 + 4.81⌋ − ⌊Y/4⌋,
 * Y = year mod 100. Integer arithmetic (0.2422 = 2422/10000, 4.81 = 48100/10000) keeps it float-free.
 * No published exception applies to 清明 between 2001 and 2099.
 */
export function qingmingDay(year: number): LocalDate {
  checkYear(year);
  const y = year % 100;
  const day = Math.floor((y * 2422 + 48100) / 10000) - Math.floor(y / 4);
  return `${year}-04-${String(day).padStart(2, "0")}`;
}
