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

/** Validates a `YYYY-MM-DD` string as a real calendar day (rejects 2025-02-30). */
export function parseLocalDate(text: string): LocalDate {
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
  return new Date(Date.parse(`${parseLocalDate(date)}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
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
