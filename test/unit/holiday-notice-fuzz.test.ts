/**
 * R-WD-3: whatever is done to a notice's text, the parser either refuses it with problems that name real lines,
 * or returns a calendar the loader accepts — never another exception, never a half-checked year.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { officialYearSchema } from "../../functions/core/calendar";
import {
  HolidayNoticeError,
  officialYearFromNotice,
  parseHolidayNotice,
} from "../../functions/core/holiday-notice";

const notices = ["2016", "2019", "2025", "2026"].map((year) =>
  readFileSync(new URL(`../fixtures/holiday-notices/${year}.txt`, import.meta.url), "utf8"),
);
const pieces = fc.constantFrom(
  ..."0123456789月日年至、,，。()（）周星期六日一上班放假调休补共天与周末连休农历除夕\n ".split(""),
);

const edit = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 3 }),
  insert: fc.array(pieces, { maxLength: 4 }).map((chars) => chars.join("")),
});

function outcome(text: string): "refused" | "read" {
  try {
    const notice = parseHolidayNotice(text);
    expect(officialYearSchema.safeParse(officialYearFromNotice(notice)).success).toBe(true);
    return "read";
  } catch (error) {
    if (!(error instanceof HolidayNoticeError)) throw error;
    const lines = text.split(/\r?\n/u).length;
    expect(error.problems.length).toBeGreaterThan(0);
    for (const problem of error.problems) {
      expect(problem.line).toBeGreaterThanOrEqual(0);
      expect(problem.line).toBeLessThanOrEqual(lines);
      expect(problem.message).not.toBe("");
    }
    return "refused";
  }
}

describe("holiday notice parser under random edits (R-WD-3)", () => {
  it("refuses with line-numbered problems or reads a valid calendar; nothing else", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...notices),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        (notice, edits) => {
          let text = notice;
          for (const { at, remove, insert } of edits) {
            const position = at % (text.length + 1);
            text = text.slice(0, position) + insert + text.slice(position + remove);
          }
          outcome(text);
        },
      ),
      { numRuns: 400, seed: 20261201 },
    );
  });
});
