/**
 * R-WD-3: a notice the parser cannot read with certainty is refused, each problem naming its line — a
 * mistyped or truncated notice must never become a calendar that moves contract deadlines.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HolidayNoticeError, parseHolidayNotice } from "../../functions/core/holiday-notice";

const notice2026 = readFileSync(new URL("../fixtures/holiday-notices/2026.txt", import.meta.url), "utf8");
const notice2016 = readFileSync(new URL("../fixtures/holiday-notices/2016.txt", import.meta.url), "utf8");

function problemsOf(text: string) {
  try {
    parseHolidayNotice(text);
  } catch (error) {
    if (error instanceof HolidayNoticeError) return error.problems;
    throw error;
  }
  throw new Error("the notice was accepted");
}

/** The 1-based line of the first line containing `needle`. */
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("malformed notices are refused line by line (R-WD-3)", () => {
  it.each([
    [
      "a weekday that does not match the date",
      "1月4日(周日)上班",
      "1月4日(周一)上班",
      /2026-01-04 is a 星期日.*周一/,
    ],
    [
      "a count that does not match the range",
      "放假调休,共9天",
      "放假调休,共8天",
      /2026-02-15 to 2026-02-23 is 9 days.*共8天/,
    ],
    [
      "a make-up day on a weekday",
      "5月9日(周六)上班",
      "5月8日上班",
      /2026-05-08 is not a Saturday or Sunday/,
    ],
    [
      "a day that does not exist",
      "6月19日(周五)至21日",
      "6月31日(周五)至21日",
      /2026年6月31日 is not a real day/,
    ],
    [
      "a range that ends before it starts",
      "9月25日(周五)至27日(周日)",
      "9月25日(周五)至23日",
      /ends .* before it starts/,
    ],
    [
      "a festival whose own day is not given off",
      "6月19日(周五)至21日(周日)放假",
      "6月12日(周五)至14日(周日)放假",
      /端午节 falls on 2026-06-19/,
    ],
    ["a wrong lunar note", "农历腊月二十八、周日", "农历腊月二十七、周日", /not 「农历腊月二十七」/],
    [
      "an unknown sentence form",
      "5月9日(周六)上班",
      "5月9日(周六)照常上课",
      /cannot read 「5月9日\(周六\)照常上课」/,
    ],
    ["an unknown holiday name", "五、端午节:", "五、龙舟节:", /「龙舟节」 is not one of/],
    ["a missing sentence end", "21日(周日)放假,共3天。", "21日(周日)放假,共3天", /does not end with 「。」/],
    [
      "a date outside the year",
      "10月10日(周六)上班",
      "2027年1月9日(周六)上班",
      /2027-01-09 is neither in 2026/,
    ],
    [
      "an unrecognised line",
      "鼓励单位和个人",
      "据新华社消息,鼓励单位和个人",
      /not part of a State Council holiday notice/,
    ],
  ])("refuses %s, naming the line", (_what, original, replacement, message) => {
    expect(notice2026).toContain(original);
    const text = notice2026.replace(original, replacement);
    const problems = problemsOf(text);
    const line = lineOf(text, replacement.split("\n")[0] as string);
    expect(problems).toEqual([{ line, message: expect.stringMatching(message) }]);
  });

  it("reports every bad line of one notice, not only the first", () => {
    const text = notice2026
      .replace("1月4日(周日)上班", "1月4日(周一)上班")
      .replace("5月9日(周六)上班", "5月8日上班");
    expect(problemsOf(text).map((p) => p.line)).toEqual([
      lineOf(text, "1月4日(周一)"),
      lineOf(text, "5月8日上班"),
    ]);
  });

  it("older style: 「与周末连休」 on a Wednesday and 「补休」 for a weekday holiday are refused", () => {
    const together = notice2016.replace(
      "一、元旦:1月1日放假,与周末连休。",
      "一、元旦:1月1日放假,1月4日(星期一)补休。",
    );
    // 2016-01-01 is a Friday: nothing to give back.
    expect(problemsOf(together)).toEqual([
      {
        line: lineOf(together, "一、元旦"),
        message: expect.stringMatching(/「补休」 but 2016-01-01 is not a single Saturday or Sunday/),
      },
    ]);
    const weekend = notice2016.replace(
      "四、劳动节:5月1日放假,5月2日(星期一)补休。",
      "四、劳动节:5月1日放假,与周末连休。",
    );
    // 2016-05-01 is a Sunday.
    expect(problemsOf(weekend)).toEqual([
      {
        line: lineOf(weekend, "四、劳动节"),
        message: expect.stringMatching(/「与周末连休」 but 2016-05-01/),
      },
    ]);
  });

  it("refuses a notice missing a holiday, a title, a signature date, or with items out of order", () => {
    const withoutMidAutumn = notice2026
      .replace(/\s*六、中秋节:[^\n]*\n/u, "\n")
      .replace("七、国庆节", "六、国庆节");
    expect(problemsOf(withoutMidAutumn)).toEqual([{ line: 0, message: "the notice arranges no 中秋节" }]);

    const untitled = notice2026.replace("国务院办公厅关于2026年部分节假日安排的通知", "2026年放假安排");
    expect(problemsOf(untitled)).toEqual([{ line: 1, message: expect.stringMatching(/expected the title/) }]);

    const unsigned = notice2026.replace("2025年11月4日", "");
    expect(problemsOf(unsigned)).toEqual([{ line: 0, message: expect.stringMatching(/no signature date/) }]);

    const skipped = notice2026.replace("三、清明节", "四、清明节");
    expect(problemsOf(skipped)).toEqual([
      { line: lineOf(skipped, "四、清明节"), message: "item 「四」 where item 「三」 was expected" },
    ]);
    expect(problemsOf("")).toEqual([{ line: 0, message: "the notice is empty" }]);
  });
});
