/**
 * Dates and instants in the contract's time zone. The contract is performed in Jilin:
 * every calendar day, period and deadline is an Asia/Shanghai day (R-PERIOD-1, R-WD-2).
 * China has had no daylight saving time since 1991, so the offset is a constant +08:00;
 * keeping it explicit here (and nowhere else) avoids depending on the host's TZ.
 */

/** A calendar day in Asia/Shanghai, written `YYYY-MM-DD`. */
export type LocalDate = string;
/** A billing period (计费账期): a calendar month, written `YYYY-MM` (R-PERIOD-1). */
export type Period = string;

export const SHANGHAI_OFFSET = "+08:00";
const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PERIOD = /^(\d{4})-(\d{2})$/;

export class InvalidDateError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidDateError";
  }
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The decimal digit at `i`, or NaN, which then fails every comparison it reaches. */
function digitAt(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

/**
 * The day number (days since 1970-01-01) of a `YYYY-MM-DD` text that is a real day of the years 0100–9999,
 * else NaN: the common case of parseLocalDate, read without a regex or a Date (ADR 0114). Years 0000–0099
 * are left out because parseLocalDate refuses them: Date.UTC reads them as 1900–1999.
 */
function dayNumberOfText(text: string): number {
  if (
    typeof text !== "string" ||
    text.length !== 10 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45
  ) {
    return Number.NaN;
  }
  const year = digitAt(text, 0) * 1000 + digitAt(text, 1) * 100 + digitAt(text, 2) * 10 + digitAt(text, 3);
  const month = digitAt(text, 5) * 10 + digitAt(text, 6);
  const day = digitAt(text, 8) * 10 + digitAt(text, 9);
  if (year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) {
    return daysFromCivil(year, month, day);
  }
  return Number.NaN;
}

/**
 * The `YYYY-MM-DD` text of a day number, as `Date#toISOString` writes it for the years 0000–9999 (H. Hinnant's
 * civil_from_days); undefined outside them, where toISOString writes a six-digit signed year.
 */
function textOfDayNumber(dayNumber: number): LocalDate | undefined {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (!(year >= 0 && year <= 9999)) return undefined;
  const yyyy = year < 10 ? `000${year}` : year < 100 ? `00${year}` : year < 1000 ? `0${year}` : `${year}`;
  return `${yyyy}-${month < 10 ? "0" : ""}${month}-${day < 10 ? "0" : ""}${day}`;
}

/** Validates a `YYYY-MM-DD` string as a real calendar day (rejects 2025-02-30). */
export function parseLocalDate(text: string): LocalDate {
  if (!Number.isNaN(dayNumberOfText(text))) return text;
  // Everything else is read the long way, which also words the error.
  const match = LOCAL_DATE.exec(text);
  if (!match) throw new InvalidDateError(`not a date (YYYY-MM-DD): ${JSON.stringify(text)}`);
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const utc = new Date(Date.UTC(y, m - 1, d));
  if (utc.getUTCFullYear() !== y || utc.getUTCMonth() !== m - 1 || utc.getUTCDate() !== d) {
    throw new InvalidDateError(`no such day: ${text}`);
  }
  return text;
}

/** Validates a `YYYY-MM` period. */
export function parsePeriod(text: string): Period {
  const match = PERIOD.exec(text);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12)
    throw new InvalidDateError(`not a period (YYYY-MM): ${JSON.stringify(text)}`);
  return text;
}

/** The Asia/Shanghai calendar day an instant falls on. */
export function shanghaiDateOf(instant: Date): LocalDate {
  const shifted = instant.getTime() + OFFSET_MS;
  if (Number.isFinite(shifted)) {
    const text = textOfDayNumber(Math.floor(shifted / DAY_MS));
    if (text !== undefined) return text;
  }
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00:00.000 Asia/Shanghai of a day, as an instant. */
export function startOfDay(date: LocalDate): Date {
  return new Date(Date.parse(`${parseLocalDate(date)}T00:00:00.000${SHANGHAI_OFFSET}`));
}

/** 23:59:59 Asia/Shanghai of a day: the end of a deadline day (R-WD-2). */
export function endOfDay(date: LocalDate): Date {
  return new Date(Date.parse(`${parseLocalDate(date)}T23:59:59.000${SHANGHAI_OFFSET}`));
}

/** A wall-clock time (`HH:MM`) of a day in Asia/Shanghai, as an instant (e.g. when a reminder goes out). */
export function atTimeOfDay(date: LocalDate, time: string): Date {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time))
    throw new InvalidDateError(`not a time of day (HH:MM): ${time}`);
  return new Date(Date.parse(`${parseLocalDate(date)}T${time}:00${SHANGHAI_OFFSET}`));
}

/** Writes an instant the way statements and JSON outputs show it: ISO-8601 with +08:00. */
export function formatInstant(instant: Date): string {
  const shifted = new Date(instant.getTime() + OFFSET_MS).toISOString();
  const millis = shifted.slice(19, 23) === ".000" ? "" : shifted.slice(19, 23);
  return `${shifted.slice(0, 19)}${millis}${SHANGHAI_OFFSET}`;
}

/** Calendar-day arithmetic (R-WD-4: "N days" without 工作日 are calendar days). */
export function addDays(date: LocalDate, days: number): LocalDate {
  // A whole number of days within ten thousand years of a valid day: day-number arithmetic, exact in doubles.
  const from = dayNumberOfText(date);
  if (!Number.isNaN(from) && Number.isInteger(days) && Math.abs(days) <= 3_660_000) {
    const text = textOfDayNumber(from + days);
    if (text !== undefined) return text;
  }
  return new Date(Date.parse(`${parseLocalDate(date)}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a valid day (parseLocalDate's check): its weekday and distances are arithmetic. */
export function dayNumber(date: LocalDate): number {
  const day = dayNumberOfText(date);
  return Number.isNaN(day) ? Date.parse(`${parseLocalDate(date)}T00:00:00Z`) / DAY_MS : day;
}

/** Days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Adds calendar months; the day is clamped to the target month's length. */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const [y, m, d] = parseLocalDate(date).split("-").map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(Math.min(d, lastDay)).padStart(2, "0")}`;
}

export function firstDayOfPeriod(period: Period): LocalDate {
  return `${parsePeriod(period)}-01`;
}

export function lastDayOfPeriod(period: Period): LocalDate {
  return addDays(addMonths(firstDayOfPeriod(period), 1), -1);
}

export function periodOf(date: LocalDate): Period {
  return parseLocalDate(date).slice(0, 7);
}

export function nextPeriod(period: Period): Period {
  return periodOf(addMonths(firstDayOfPeriod(period), 1));
}

export function previousPeriod(period: Period): Period {
  return periodOf(addMonths(firstDayOfPeriod(period), -1));
}

/** The instants bounding a period: [start, end) in Asia/Shanghai (R-PERIOD-1). */
export function periodBounds(period: Period): { start: Date; endExclusive: Date } {
  return {
    start: startOfDay(firstDayOfPeriod(period)),
    endExclusive: startOfDay(addMonths(firstDayOfPeriod(period), 1)),
  };
}
