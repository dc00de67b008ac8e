/**
 * Reads the State Council's annual holiday notice (国务院办公厅关于<yyyy>年部分节假日安排的通知) as published
 * and turns it into that year's official calendar (R-WD-1, R-WD-3). See docs/decisions/0040-holiday-notice-import.md.
 *
 * Both styles of the notice are read: the older one (「1月1日放假，1月2日（星期一）补休。」, 「与周末连休」,
 * a bare 「5月1日放假。」) and the current one (「1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。」,
 * 「放假1天，不调休」, lunar notes such as 「（农历除夕、周二）」). Every line must be recognised, every sentence
 * of an item must match one of the known forms, and every redundancy the text offers is checked — the weekday
 * written next to a date, 「共N天」 against the range, a make-up day being a weekend, each festival's own day
 * lying in its item. Anything else is an error naming the line: a wrong calendar moves contract deadlines,
 * so the parser never guesses.
 */
import { dayOfWeek, type OfficialYear } from "./calendar";
import {
  dragonBoatFestival,
  LUNAR_FIRST_YEAR,
  LUNAR_LAST_YEAR,
  lunarNewYear,
  lunarNewYearsEve,
  lunarToSolar,
  midAutumnFestival,
  qingmingDay,
} from "./lunar";
import { withoutBom } from "./text";
import { addDays, type LocalDate, parseLocalDate } from "./time";

/** The seven holidays every notice since 2008 arranges, in the words the notice uses. */
export const NOTICE_HOLIDAYS = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"] as const;
export type NoticeHoliday = (typeof NOTICE_HOLIDAYS)[number];

export interface NoticeProblem {
  /** 1-based line of the notice text; 0 when the problem is the notice as a whole (e.g. a missing item). */
  line: number;
  message: string;
}

export class HolidayNoticeError extends Error {
  readonly problems: NoticeProblem[];
  constructor(problems: NoticeProblem[], options?: ErrorOptions) {
    super(problems.map((p) => (p.line > 0 ? `line ${p.line}: ${p.message}` : p.message)).join("\n"), options);
    this.name = "HolidayNoticeError";
    this.problems = problems;
  }
}

export interface NoticeItem {
  line: number;
  names: NoticeHoliday[];
  holidays: LocalDate[];
  workdays: LocalDate[];
}

export interface HolidayNotice {
  year: number;
  /** Days off by the notice (weekend days inside a 放假 range included). */
  holidays: LocalDate[];
  /** Weekend days the notice makes working days (调休上班). */
  workdays: LocalDate[];
  source: { title: string; date: LocalDate; documentNumber?: string };
  items: NoticeItem[];
}

const NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
const WEEKDAYS: Record<string, number> = { 日: 0, 天: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
const WEEKDAY_NAMES = ["日", "一", "二", "三", "四", "五", "六"];

/** A date as the notice writes it: year and month may be left out, a note in parentheses may follow. */
const DATE = String.raw`(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]*)\))?`;
/** The same without capturing groups, to compose sentence patterns. */
const A_DATE = String.raw`(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:\([^()]*\))?`;
const dateRe = () => new RegExp(DATE, "gu");
/** 「<date>[至<date>]放假[调休][N天][,<tail>]」; the tail is 共N天, 与周末连休, <date>补休 or 不调休. */
const OFF_SENTENCE = new RegExp(
  String.raw`^(${A_DATE})(?:至(${A_DATE}))?放假(?:调休)?(?:(\d+)天)?(?:,(.+))?$`,
  "u",
);
const COMPENSATED = new RegExp(`^(${A_DATE})补休$`, "u");
const WORK_SENTENCE = new RegExp(`^${A_DATE}(?:、${A_DATE})*上班$`, "u");

/**
 * The same text whatever the copy's punctuation width and spacing: NFKC folds full-width `（：，` to `(:,`,
 * and Chinese prose has no meaningful spaces (copies of the notice indent and space it at random).
 */
function normalise(line: string): string {
  return line.normalize("NFKC").replace(/\s+/gu, "");
}

class LineProblem extends Error {}

interface DateContext {
  noticeYear: number;
  /** Year of the previous date in the same item: 「2018年12月30日至2019年1月1日…2018年12月29日」. */
  year: number;
}

/** Resolves one written date; `month` comes from the previous date of the same sentence when left out. */
function resolveDate(
  written: { year?: string; month?: string; day: string; note?: string },
  context: DateContext,
  previousMonth: number | undefined,
): LocalDate {
  const year = written.year ? Number(written.year) : context.year;
  const month = written.month ? Number(written.month) : previousMonth;
  if (month === undefined) throw new LineProblem(`「${written.day}日」 has no month`);
  let date: LocalDate;
  try {
    date = parseLocalDate(`${year}-${String(month).padStart(2, "0")}-${written.day.padStart(2, "0")}`);
  } catch {
    throw new LineProblem(`${year}年${month}月${written.day}日 is not a real day`);
  }
  const inScope = year === context.noticeYear || (year === context.noticeYear - 1 && month === 12);
  if (!inScope) {
    throw new LineProblem(`${date} is neither in ${context.noticeYear} nor in the December before it`);
  }
  context.year = year;
  if (written.note !== undefined) checkNote(date, written.note, context.noticeYear);
  return date;
}

const LUNAR_DAY_NAMES = [
  "",
  "初一",
  "初二",
  "初三",
  "初四",
  "初五",
  "初六",
  "初七",
  "初八",
  "初九",
  "初十",
  "十一",
  "十二",
  "十三",
  "十四",
  "十五",
  "十六",
  "十七",
  "十八",
  "十九",
  "二十",
  "二十一",
  "二十二",
  "二十三",
  "二十四",
  "二十五",
  "二十六",
  "二十七",
  "二十八",
  "二十九",
  "三十",
];

/** The day a lunar note names, or undefined when our lunar table does not reach that year. */
function lunarNoteDate(note: string, noticeYear: number): LocalDate | undefined {
  const text = note.replace(/^农历/u, "");
  if (noticeYear <= LUNAR_FIRST_YEAR || noticeYear > LUNAR_LAST_YEAR) return undefined;
  if (text === "除夕") return lunarNewYearsEve(noticeYear);
  const first = /^(?:正月|大年)(初[一二三四五六七八九十])$/u.exec(text);
  if (first) return addDays(lunarNewYear(noticeYear), LUNAR_DAY_NAMES.indexOf(first[1] as string) - 1);
  const last = /^腊月(.+)$/u.exec(text);
  if (last) {
    const day = LUNAR_DAY_NAMES.indexOf(last[1] as string);
    if (day > 0) return lunarToSolar(noticeYear - 1, 12, day);
  }
  throw new LineProblem(`the note 「${note}」 is not a lunar day this parser knows`);
}

/** A note beside a date must agree with it: 「星期六」/「周六」 its weekday, 「农历除夕」 its lunar day. */
function checkNote(date: LocalDate, note: string, noticeYear: number): void {
  for (const part of note.split("、")) {
    const weekday = /^(?:星期|周)([日天一二三四五六])$/u.exec(part);
    if (weekday) {
      const expected = WEEKDAYS[weekday[1] as string];
      if (dayOfWeek(date) !== expected) {
        throw new LineProblem(
          `${date} is a 星期${WEEKDAY_NAMES[dayOfWeek(date)]}, the notice says 「${part}」`,
        );
      }
      continue;
    }
    if (/^(?:农历)?(?:除夕|正月|大年|腊月)/u.test(part)) {
      // Outside our lunar table (before 2021) the note cannot be checked; the Gregorian date still governs.
      const lunar = lunarNoteDate(part, noticeYear);
      if (lunar !== undefined && lunar !== date) {
        throw new LineProblem(`${date} is not 「${part}」 (that is ${lunar})`);
      }
      continue;
    }
    throw new LineProblem(`the note 「${part}」 beside ${date} is neither a weekday nor a lunar day`);
  }
}

function writtenDates(text: string) {
  return [...text.matchAll(dateRe())].map((m) => ({
    year: m[1],
    month: m[2],
    day: m[3] as string,
    note: m[4],
  }));
}

function daysFrom(first: LocalDate, last: LocalDate): LocalDate[] {
  if (last < first) throw new LineProblem(`the range ends (${last}) before it starts (${first})`);
  const days: LocalDate[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** One sentence of an item: days off (放假 forms) or make-up working days (上班). */
function parseSentence(
  sentence: string,
  context: DateContext,
  item: { holidays: LocalDate[]; workdays: LocalDate[] },
) {
  // 「鼓励各单位…安排职工在除夕（2月9日）休息」 (2024): an encouragement to employers, not an arrangement —
  // the day stays a working day of the official calendar (chinese-days agrees), so it changes nothing.
  if (sentence.startsWith("鼓励")) return;
  if (WORK_SENTENCE.test(sentence)) {
    let month: number | undefined;
    for (const written of writtenDates(sentence)) {
      const date = resolveDate(written, context, month);
      month = Number(date.slice(5, 7));
      const day = dayOfWeek(date);
      if (day !== 0 && day !== 6)
        throw new LineProblem(`make-up working day ${date} is not a Saturday or Sunday`);
      item.workdays.push(date);
    }
    return;
  }
  const off = OFF_SENTENCE.exec(sentence);
  if (!off) throw new LineProblem(`cannot read 「${sentence}」`);
  const [, fromText, toText, countText, tail] = off;
  const [fromWritten] = writtenDates(fromText as string);
  const from = resolveDate(fromWritten as NonNullable<typeof fromWritten>, context, undefined);
  const [toWritten] = toText ? writtenDates(toText) : [];
  const to = toWritten ? resolveDate(toWritten, context, Number(from.slice(5, 7))) : from;
  const days = daysFrom(from, to);
  /** The span's own days, before a 补休 day is added to them. */
  const spanDays = days.length;
  // Counts of days off (「共3天」), small integers: never money.
  let dayCount = countText === undefined ? undefined : Number.parseInt(countText, 10);
  if (tail !== undefined) {
    const daysTotal = /^共(\d+)天$/u.exec(tail);
    const compensated = COMPENSATED.exec(tail);
    if (daysTotal) {
      if (dayCount !== undefined && dayCount !== Number.parseInt(daysTotal[1] ?? "", 10))
        throw new LineProblem(`「${sentence}」 gives two counts`);
      dayCount = Number.parseInt(daysTotal[1] ?? "", 10);
    } else if (tail === "与周末连休") {
      // 「与周末连休」: one day off next to a weekend, which is off anyway; nothing else moves.
      const weekday = dayOfWeek(from);
      if (days.length !== 1 || (weekday !== 1 && weekday !== 5)) {
        throw new LineProblem(`「与周末连休」 but ${from} is not a single Monday or Friday`);
      }
    } else if (compensated) {
      // 补休: a holiday on a weekend is given back on the working day named.
      const weekday = dayOfWeek(from);
      if (days.length !== 1 || (weekday !== 0 && weekday !== 6)) {
        throw new LineProblem(`「补休」 but ${from} is not a single Saturday or Sunday`);
      }
      const [written] = writtenDates(compensated[1] as string);
      const given = resolveDate(written as NonNullable<typeof written>, context, Number(from.slice(5, 7)));
      const givenDay = dayOfWeek(given);
      if (givenDay === 0 || givenDay === 6) throw new LineProblem(`补休 day ${given} is not a weekday`);
      days.push(given);
    } else if (tail !== "不调休") {
      throw new LineProblem(`cannot read 「${tail}」 in 「${sentence}」`);
    }
  }
  if (dayCount !== undefined && dayCount !== spanDays) {
    throw new LineProblem(`${from} to ${to} is ${spanDays} days, the notice says 共${dayCount}天`);
  }
  item.holidays.push(...days);
}

/** The festival's own day, which its item must give off (a check on the dates, where we can compute it). */
function anchorDay(name: NoticeHoliday, year: number): LocalDate | undefined {
  const y = String(year);
  if (name === "元旦") return `${y}-01-01`;
  if (name === "劳动节") return `${y}-05-01`;
  if (name === "国庆节") return `${y}-10-01`;
  if (year <= LUNAR_FIRST_YEAR || year > LUNAR_LAST_YEAR) return undefined;
  if (name === "春节") return lunarNewYear(year);
  if (name === "清明节") return qingmingDay(year);
  if (name === "端午节") return dragonBoatFestival(year);
  return midAutumnFestival(year);
}

const TITLE = /^国务院办公厅关于(\d{4})年部分节假日安排的通知$/u;
const DOCUMENT_NUMBER = /^国办发明电〔\d{4}〕\d+号$/u;
const SIGNATURE_DATE = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/u;
const ITEM = /^([一二三四五六七八九十]+)、([^:]+):(.+)$/u;
/** Prose lines of the notice: salutation, preamble, closing paragraphs, signing office. */
const PROSE = [
  /^各省、/u,
  /^经(?:党中央、)?国务院批准/u,
  /^按照上述原则/u,
  /^节假日期间/u,
  /^鼓励/u,
  /^国务院办公厅$/u,
];

/** Parses a notice; throws HolidayNoticeError listing every line it could not read with certainty. */
export function parseHolidayNotice(text: string): HolidayNotice {
  const lines = withoutBom(text)
    .split(/\r?\n/u)
    .map((raw, index) => ({ line: index + 1, text: normalise(raw) }));
  const filled = lines.filter((l) => l.text !== "");
  const problems: NoticeProblem[] = [];
  const first = filled[0];
  if (!first) throw new HolidayNoticeError([{ line: 0, message: "the notice is empty" }]);

  // The title may be broken over two lines (「…关于2016年」 / 「部分节假日安排的通知」).
  let rest = filled;
  let title = "";
  for (const take of [1, 2]) {
    const candidate = filled
      .slice(0, take)
      .map((l) => l.text)
      .join("");
    if (TITLE.test(candidate)) {
      title = candidate;
      rest = filled.slice(take);
      break;
    }
  }
  if (!title) {
    throw new HolidayNoticeError([
      {
        line: first.line,
        message: `expected the title 「国务院办公厅关于<年>年部分节假日安排的通知」, found 「${first.text}」`,
      },
    ]);
  }
  const year = Number(TITLE.exec(title)?.[1]);
  const context: DateContext = { noticeYear: year, year };
  let documentNumber: string | undefined;
  let signed: LocalDate | undefined;
  const items: NoticeItem[] = [];
  let itemCount = 0;
  const seen = new Map<NoticeHoliday, number>();

  for (const { line, text: content } of rest) {
    try {
      if (DOCUMENT_NUMBER.test(content)) {
        documentNumber = content;
        continue;
      }
      const signature = SIGNATURE_DATE.exec(content);
      if (signature) {
        const [, y, m, d] = signature;
        try {
          signed = parseLocalDate(`${y}-${(m as string).padStart(2, "0")}-${(d as string).padStart(2, "0")}`);
        } catch {
          throw new LineProblem(`the signature date 「${content}」 is not a real day`);
        }
        continue;
      }
      const item = ITEM.exec(content);
      if (item) {
        const [, numeral, namesText, body] = item as unknown as [string, string, string, string];
        const expected = NUMERALS[itemCount++];
        if (numeral !== expected)
          throw new LineProblem(`item 「${numeral}」 where item 「${expected ?? "?"}」 was expected`);
        const names: NoticeHoliday[] = [];
        for (const name of namesText.split("、")) {
          const known = NOTICE_HOLIDAYS.find((h) => h === name);
          if (!known) throw new LineProblem(`「${name}」 is not one of ${NOTICE_HOLIDAYS.join("、")}`);
          if (seen.has(known))
            throw new LineProblem(`${known} is arranged twice (also line ${seen.get(known)})`);
          seen.set(known, line);
          names.push(known);
        }
        const parsed: NoticeItem = { line, names, holidays: [], workdays: [] };
        context.year = year;
        const sentences = body.split("。").filter((s) => s !== "");
        if (!body.endsWith("。")) throw new LineProblem(`the item does not end with 「。」: 「${content}」`);
        for (const sentence of sentences) parseSentence(sentence, context, parsed);
        for (const name of names) {
          const anchor = anchorDay(name, year);
          if (anchor !== undefined && !parsed.holidays.includes(anchor)) {
            throw new LineProblem(`${name} falls on ${anchor}, which this item does not give off`);
          }
        }
        items.push(parsed);
        continue;
      }
      const intro = /现将(\d{4})年/u.exec(content);
      if (intro && Number(intro[1]) !== year) {
        throw new LineProblem(`the preamble arranges ${intro[1]}, the title ${year}`);
      }
      if (PROSE.some((p) => p.test(content))) continue;
      throw new LineProblem(`not part of a State Council holiday notice: 「${content}」`);
    } catch (error) {
      if (!(error instanceof LineProblem)) throw error;
      problems.push({ line, message: error.message });
    }
  }

  const holidays = new Set(items.flatMap((i) => i.holidays));
  const workdays = new Set(items.flatMap((i) => i.workdays));
  for (const item of items) {
    for (const day of item.workdays) {
      if (holidays.has(day))
        problems.push({ line: item.line, message: `${day} is both a day off and a working day` });
    }
  }
  const missing = NOTICE_HOLIDAYS.filter((name) => !seen.has(name));
  if (missing.length > 0 && problems.length === 0) {
    problems.push({ line: 0, message: `the notice arranges no ${missing.join("、")}` });
  }
  if (signed === undefined && problems.length === 0) {
    problems.push({
      line: 0,
      message: "the notice has no signature date (「<年>年<月>月<日>日」 after 国务院办公厅)",
    });
  }
  if (problems.length > 0 || signed === undefined) throw new HolidayNoticeError(problems);
  return {
    year,
    holidays: [...holidays].sort(),
    workdays: [...workdays].sort(),
    source: documentNumber ? { title, date: signed, documentNumber } : { title, date: signed },
    items,
  };
}

/** The calendar-data file (`CN-<yyyy>.json`) a notice gives. */
export function officialYearFromNotice(notice: HolidayNotice): OfficialYear {
  const reference = [notice.source.documentNumber, `${notice.source.date}`].filter(Boolean).join(", ");
  return {
    year: notice.year,
    source: `${notice.source.title} (${reference})`,
    holidays: notice.holidays,
    makeUpWorkdays: notice.workdays,
    notice: notice.source,
  };
}
