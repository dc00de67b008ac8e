/**
 * R-THROTTLE-1 (附件三). Every expected date below is counted by hand from the Annex text, e.g. "2 complaints
 * on 09-03 → 50 % 第二日起" = from 09-04; "连续两周…从第三周起" = 14 days 09-04..09-17 → full from 09-18.
 */
import { describe, expect, it } from "vitest";
import {
  type PortManagement,
  type ThrottleState,
  throttleTimeline,
} from "../../functions/core/sms-governance/throttle";

/** `n` complaints on `day`. */
const times = (day: string, n: number) => Array.from({ length: n }, () => day);

interface Case {
  name: string;
  management: PortManagement;
  complaints: string[];
  to: string;
  /** [first day at the new rate, new rate] — every change, in order. */
  changes: Array<[string, ThrottleState]>;
}

const cases: Case[] = [
  {
    name: "2(1) whitelist: 2 complaints on a day → 50 % from the next day; 3(1) two quiet weeks → full from week 3",
    management: "whitelist",
    complaints: times("2025-09-03", 2),
    to: "2025-09-30",
    changes: [
      ["2025-09-04", "50%"],
      ["2025-09-18", "full"],
    ],
  },
  {
    name: "one complaint a day never reduces the rate (2(1) needs 2 on one day)",
    management: "whitelist",
    complaints: ["2025-09-01", "2025-09-02", "2025-09-03", "2025-09-04", "2025-09-05"],
    to: "2025-09-30",
    changes: [],
  },
  {
    name: "2(2) blacklist: 2 complaints → 25 %; 3(1) three quiet weeks → full from week 4",
    management: "blacklist",
    complaints: times("2025-09-03", 2),
    to: "2025-09-30",
    changes: [
      ["2025-09-04", "25%"],
      ["2025-09-25", "full"],
    ],
  },
  {
    name: "3(1) '未超过4起': 4 single complaints in the two weeks still recover on time",
    management: "whitelist",
    complaints: [...times("2025-09-03", 2), "2025-09-05", "2025-09-07", "2025-09-09", "2025-09-11"],
    to: "2025-09-30",
    changes: [
      ["2025-09-04", "50%"],
      ["2025-09-18", "full"],
    ],
  },
  {
    name: "3(1) 5 complaints in the first two weeks delay recovery until 14 days hold ≤ 4 (09-06..09-19)",
    management: "whitelist",
    complaints: [
      ...times("2025-09-03", 2),
      "2025-09-05",
      "2025-09-07",
      "2025-09-09",
      "2025-09-11",
      "2025-09-13",
    ],
    to: "2025-09-30",
    changes: [
      ["2025-09-04", "50%"],
      ["2025-09-20", "full"],
    ],
  },
  {
    name: "2(3) a reduced port with 2 more complaints on a day → 2/s from the next day",
    management: "whitelist",
    complaints: [...times("2025-09-03", 2), ...times("2025-09-06", 2)],
    to: "2025-09-30",
    changes: [
      ["2025-09-04", "50%"],
      ["2025-09-07", "2/s"],
    ],
  },
  {
    name: "3(2) whitelist: 30 quiet days at 2/s → 50 % from day 31 (10-07), 3 more quiet weeks → full (10-28)",
    management: "whitelist",
    complaints: [...times("2025-09-03", 2), ...times("2025-09-06", 2)],
    to: "2025-11-30",
    changes: [
      ["2025-09-04", "50%"],
      ["2025-09-07", "2/s"],
      ["2025-10-07", "50%"],
      ["2025-10-28", "full"],
    ],
  },
  {
    name: "3(2) blacklist: 45 quiet days at 2/s → 25 % from day 46 (10-22), 3 more quiet weeks → full (11-12)",
    management: "blacklist",
    complaints: [...times("2025-09-03", 2), ...times("2025-09-06", 2)],
    to: "2025-11-30",
    changes: [
      ["2025-09-04", "25%"],
      ["2025-09-07", "2/s"],
      ["2025-10-22", "25%"],
      ["2025-11-12", "full"],
    ],
  },
  {
    name: "3(2) 2 complaints on a day at 2/s keep it there but, with ≤ 4 in 30 days, do not delay recovery",
    management: "whitelist",
    complaints: [...times("2025-09-03", 2), ...times("2025-09-06", 2), ...times("2025-09-10", 2)],
    to: "2025-10-10",
    changes: [
      ["2025-09-04", "50%"],
      ["2025-09-07", "2/s"],
      ["2025-10-07", "50%"],
    ],
  },
  {
    name: "3(2) 5 complaints within the 30 days at 2/s: recovery waits until 30 days hold ≤ 4",
    management: "whitelist",
    // At 2/s from 09-07; singles on 09-08, 09-09, 09-10, 09-11, 09-12. The 30 days ending 10-08 (09-09..10-08)
    // hold 4 → 50 % from 10-09.
    complaints: [
      ...times("2025-09-03", 2),
      ...times("2025-09-06", 2),
      "2025-09-08",
      "2025-09-09",
      "2025-09-10",
      "2025-09-11",
      "2025-09-12",
    ],
    to: "2025-10-15",
    changes: [
      ["2025-09-04", "50%"],
      ["2025-09-07", "2/s"],
      ["2025-10-09", "50%"],
    ],
  },
  {
    name: "3(3) relapse after recovering to full → straight to 2/s, not 50 %",
    management: "whitelist",
    complaints: [...times("2025-09-03", 2), ...times("2025-09-20", 2)],
    to: "2025-09-30",
    changes: [
      ["2025-09-04", "50%"],
      ["2025-09-18", "full"],
      ["2025-09-21", "2/s"],
    ],
  },
  {
    name: "3(3) relapse while stepping up from 2/s (50 % after 30 days) → back to 2/s",
    management: "whitelist",
    complaints: [...times("2025-09-03", 2), ...times("2025-09-06", 2), ...times("2025-10-10", 2)],
    to: "2025-10-31",
    changes: [
      ["2025-09-04", "50%"],
      ["2025-09-07", "2/s"],
      ["2025-10-07", "50%"],
      ["2025-10-11", "2/s"],
    ],
  },
  {
    name: "2(4) exactly 10 complaints in a week is not 'more than 10': the port is only reduced",
    management: "whitelist",
    complaints: times("2025-09-05", 10),
    to: "2025-09-10",
    changes: [["2025-09-06", "50%"]],
  },
  {
    name: "2(4)/3(4) 11 complaints in a week → suspended 10 days, resumes at half of full (50 %), full after 2 quiet weeks",
    management: "whitelist",
    complaints: times("2025-09-05", 11),
    to: "2025-10-05",
    changes: [
      ["2025-09-06", "suspended"],
      ["2025-09-16", "50%"],
      ["2025-09-30", "full"],
    ],
  },
  {
    name: "2(4) the week counts across days (6 + 5) and suspension takes precedence over 2/s",
    management: "whitelist",
    // 09-01: 6 → 50 % from 09-02; 09-02: 5 more → 11 in the week → suspended 09-03..09-12; resumes 09-13 at
    // half of 50 % = 25 %; 2 quiet weeks → back to 50 % (the reduced rate before) on 09-27; 2 more quiet weeks
    // of that reduction (3(1)) → full on 10-11.
    complaints: [...times("2025-09-01", 6), ...times("2025-09-02", 5)],
    to: "2025-10-31",
    changes: [
      ["2025-09-02", "50%"],
      ["2025-09-03", "suspended"],
      ["2025-09-13", "25%"],
      ["2025-09-27", "50%"],
      ["2025-10-11", "full"],
    ],
  },
  {
    name: "3(4) complaints during the suspension neither extend it nor count against the resumed port",
    management: "whitelist",
    complaints: [...times("2025-09-05", 11), ...times("2025-09-08", 3)],
    to: "2025-10-05",
    changes: [
      ["2025-09-06", "suspended"],
      ["2025-09-16", "50%"],
      ["2025-09-30", "full"],
    ],
  },
  {
    name: "3(4) a suspended 2/s port resumes at 1/s and returns to 2/s after 2 quiet weeks",
    management: "whitelist",
    complaints: [...times("2025-09-01", 2), ...times("2025-09-02", 2), ...times("2025-09-04", 7)],
    // 09-01: 2 → 50 % from 09-02; 09-02: 2 → 2/s from 09-03; 09-04: 7 → 11 in a week → suspended 09-05..09-14;
    // resumes 09-15 at 1/s; 14 quiet days → 2/s on 09-29; its 30-day window starts again there.
    to: "2025-10-31",
    changes: [
      ["2025-09-02", "50%"],
      ["2025-09-03", "2/s"],
      ["2025-09-05", "suspended"],
      ["2025-09-15", "1/s"],
      ["2025-09-29", "2/s"],
      ["2025-10-29", "50%"],
    ],
  },
  {
    name: "3(4) blacklist: a suspended 25 % port resumes at 12.5 %",
    management: "blacklist",
    complaints: [...times("2025-09-01", 6), ...times("2025-09-02", 5)],
    to: "2025-09-14",
    changes: [
      ["2025-09-02", "25%"],
      ["2025-09-03", "suspended"],
      ["2025-09-13", "12.5%"],
    ],
  },
  {
    name: "3(4)/2(3) a resumed port with 2 complaints on a day → 2/s",
    management: "whitelist",
    complaints: [...times("2025-09-05", 11), ...times("2025-09-18", 2)],
    to: "2025-09-25",
    changes: [
      ["2025-09-06", "suspended"],
      ["2025-09-16", "50%"],
      ["2025-09-19", "2/s"],
    ],
  },
];

/** The rate each day from `from` to `to` implied by a list of changes, expanded by hand-written dates. */
function expectedDays(from: string, to: string, changes: Array<[string, ThrottleState]>) {
  const days: Array<{ date: string; state: ThrottleState }> = [];
  let state: ThrottleState = "full";
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = start; t <= end; t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    for (const [day, to] of changes) if (day === date) state = to;
    days.push({ date, state });
  }
  return days;
}

describe("SMS port throttling (R-THROTTLE-1, 附件三)", () => {
  it.each(cases)("R-THROTTLE-1 $name", ({ management, complaints, to, changes }) => {
    const timeline = throttleTimeline({ complaintDays: complaints, management, from: "2025-09-01", to });
    expect(timeline.transitions.map((t) => [t.date, t.to])).toEqual(changes);
    expect(timeline.days).toEqual(expectedDays("2025-09-01", to, changes));
  });

  it("R-THROTTLE-1: one entry for every day of the period, complaints from before it included", () => {
    // 2 complaints on 08-25 → 50 % from 08-26; 14 quiet days 08-26..09-08 → full from 09-09.
    const timeline = throttleTimeline({
      complaintDays: times("2025-08-25", 2),
      management: "whitelist",
      from: "2025-09-01",
      to: "2025-09-30",
    });
    expect(timeline.days).toHaveLength(30);
    expect(timeline.days[0]).toEqual({ date: "2025-09-01", state: "50%" });
    expect(timeline.days[7]).toEqual({ date: "2025-09-08", state: "50%" });
    expect(timeline.days[8]).toEqual({ date: "2025-09-09", state: "full" });
    expect(timeline.transitions).toEqual([
      { date: "2025-08-26", from: "full", to: "50%", clause: "附件三 2(1)" },
      { date: "2025-09-09", from: "50%", to: "full", clause: "附件三 3(1)" },
    ]);
  });

  it("R-THROTTLE-1: complaints after the reported days change nothing in them", () => {
    const timeline = throttleTimeline({
      complaintDays: times("2025-10-01", 11),
      management: "whitelist",
      from: "2025-09-01",
      to: "2025-09-30",
    });
    expect(timeline.days.every((d) => d.state === "full")).toBe(true);
    expect(timeline.transitions).toEqual([]);
  });

  it("rejects a range that ends before it starts", () => {
    expect(() =>
      throttleTimeline({ complaintDays: [], management: "whitelist", from: "2025-09-02", to: "2025-09-01" }),
    ).toThrow(RangeError);
  });
});
