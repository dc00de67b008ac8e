/**
 * The contract page's throttling strip (R-THROTTLE-1, 附件三): one strip per period, every day of it, cut
 * from the port's timeline over the whole complaints feed.
 *
 * Oracle: the Annex's steps counted by hand for a whitelist port (2.21: 10650823580002), each step taking
 * effect the day after the day that decided it ("第二日起", ADR 0060):
 * - 09-05: 2 complaints about another port (10650899990000) — not this contract's, nothing happens;
 * - 09-10: 2 complaints (one on the sub-port …00021) → 2(1): 50 % from 09-11 (09-01..09-10 full: 10 days);
 * - 09-15: 2 more on one day while reduced → 2(3): 2/s from 09-16 (09-11..09-15 at 50 %: 5 days);
 * - 09-20: 11 complaints; the week 09-14..09-20 holds 2 + 11 = 13 > 10 → 2(4): suspended from 09-21
 *   (09-16..09-20 at 2/s: 5 days);
 * - 3(4): suspended at least 10 days, 09-21..09-30 → from 10-01 half the rate before, half of 2/s = 1/s;
 * - 3(4): two weeks with ≤ 4 complaints, 10-01..10-14 (none) → back to 2/s from 10-15;
 * - as of 10-20, the days 10-21..10-31 have not happened: no rate shown.
 */
import { describe, expect, it } from "vitest";
import { throttleStrips } from "../../functions/app/console-throttle";
import { parseComplaintsCsv } from "../../functions/core/sms-governance/complaints-csv";

const PORT = "10650823580002";

const feed = (...lines: string[]) => parseComplaintsCsv(["received_at,port", ...lines].join("\n"));

const times = (at: string, n: number, port = PORT) =>
  Array.from({ length: n }, (_, i) => `${at}T${String(8 + i).padStart(2, "0")}:00:00+08:00,${port}`);

const HISTORY = feed(
  ...times("2025-09-05", 2, "10650899990000"),
  "2025-09-10T09:30:00+08:00,10650823580002",
  // 23:59 Beijing time is still 09-10 (15:59 UTC).
  "2025-09-10T15:59:00Z,106508235800021",
  ...times("2025-09-15", 2),
  ...times("2025-09-20", 11),
);

/** The days of a month from `first` to `last` (day numbers), all at `state`. */
const run = (month: string, first: number, last: number, state: string | null) =>
  Array.from({ length: last - first + 1 }, (_, i) => ({
    date: `${month}-${String(first + i).padStart(2, "0")}`,
    state,
  }));

describe("throttling strips per period (R-THROTTLE-1, acceptance)", () => {
  const strips = throttleStrips({
    complaints: HISTORY,
    port: PORT,
    management: "whitelist",
    periods: ["2025-10", "2025-09"],
    asOf: "2025-10-20",
  });

  it("September: full, 50 % from the 11th (2(1)), 2/s from the 16th (2(3)), suspended from the 21st (2(4))", () => {
    expect(strips.map((s) => s.period)).toEqual(["2025-09", "2025-10"]);
    const september = strips[0];
    expect(september?.days.map(({ date, state }) => ({ date, state }))).toEqual([
      ...run("2025-09", 1, 10, "full"),
      ...run("2025-09", 11, 15, "50%"),
      ...run("2025-09", 16, 20, "2/s"),
      ...run("2025-09", 21, 30, "suspended"),
    ]);
    expect(september?.transitions).toEqual([
      { date: "2025-09-11", from: "full", to: "50%", clause: "附件三 2(1)" },
      { date: "2025-09-16", from: "50%", to: "2/s", clause: "附件三 2(3)" },
      { date: "2025-09-21", from: "2/s", to: "suspended", clause: "附件三 2(4)" },
    ]);
  });

  it("each day carries its own complaints about this port, counted on the Beijing day", () => {
    const complained = strips[0]?.days.filter((d) => d.complaints > 0).map((d) => [d.date, d.complaints]);
    expect(complained).toEqual([
      ["2025-09-10", 2],
      ["2025-09-15", 2],
      ["2025-09-20", 11],
    ]);
  });

  it("October: 1/s after the 10-day suspension (3(4)), 2/s again after two quiet weeks; nothing after the as-of day", () => {
    const october = strips[1];
    expect(october?.days.map(({ date, state }) => ({ date, state }))).toEqual([
      ...run("2025-10", 1, 14, "1/s"),
      ...run("2025-10", 15, 20, "2/s"),
      ...run("2025-10", 21, 31, null),
    ]);
    expect(october?.transitions).toEqual([
      { date: "2025-10-01", from: "suspended", to: "1/s", clause: "附件三 3(4)" },
      { date: "2025-10-15", from: "1/s", to: "2/s", clause: "附件三 3(4)" },
    ]);
  });
});

describe("throttling strips per period (R-THROTTLE-1, rejection)", () => {
  it("no period, no strip", () => {
    expect(
      throttleStrips({
        complaints: HISTORY,
        port: PORT,
        management: "whitelist",
        periods: [],
        asOf: "2025-10-20",
      }),
    ).toEqual([]);
  });

  it("complaints about another port leave this port at full rate every day", () => {
    const [strip] = throttleStrips({
      complaints: feed(...times("2025-09-05", 12, "10650899990000")),
      port: PORT,
      management: "whitelist",
      periods: ["2025-09"],
      asOf: "2025-12-31",
    });
    expect(strip?.days.every((d) => d.state === "full" && d.complaints === 0)).toBe(true);
    expect(strip?.days).toHaveLength(30);
    expect(strip?.transitions).toEqual([]);
  });

  it("two complaints either side of Beijing midnight are two days with one each: no reduction (2(1))", () => {
    const [strip] = throttleStrips({
      // 23:00 on 09-10 and 00:00 on 09-11 Beijing time (16:00 UTC on 09-10).
      complaints: feed("2025-09-10T23:00:00+08:00,10650823580002", "2025-09-10T16:00:00Z,10650823580002"),
      port: PORT,
      management: "whitelist",
      periods: ["2025-09"],
      asOf: "2025-09-30",
    });
    expect(strip?.days.every((d) => d.state === "full")).toBe(true);
    expect(strip?.days.filter((d) => d.complaints === 1).map((d) => d.date)).toEqual([
      "2025-09-10",
      "2025-09-11",
    ]);
  });

  it("a change of rate after the as-of day is not shown", () => {
    const [strip] = throttleStrips({
      complaints: feed(...times("2025-09-10", 2)),
      port: PORT,
      management: "whitelist",
      periods: ["2025-09"],
      asOf: "2025-09-10",
    });
    expect(strip?.transitions).toEqual([]);
    expect(strip?.days.find((d) => d.date === "2025-09-11")?.state).toBeNull();
  });
});
