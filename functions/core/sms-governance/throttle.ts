/**
 * R-THROTTLE-1 — complaint-driven throttling of an SMS port (附件三《中国移动关于集团短信类业务发送流量限制及
 * 恢复的暂行规定》), as a pure function of the complaint history: the port's sending rate on every day.
 *
 * The Annex, clause by clause (our reading where it is silent is ADR 0060):
 * - 2(1)/(2) 2 complaints on one day → from the next day 50 % (whitelist port) / 25 % (blacklist port);
 * - 2(3) a port already reduced that again has 2 complaints on one day → 2 messages/second from the next day;
 * - 2(4) more than 10 complaints in a week (any 7 consecutive days) → suspended from the next day;
 * - 3(1) 50 %/25 %: 2 (whitelist) / 3 (blacklist) consecutive weeks with ≤ 4 complaints → full rate;
 * - 3(2) 2/s: 30 (whitelist) / 45 (blacklist) consecutive days with ≤ 4 → 50 % / 25 % from day 31 / 46,
 *   then 3 consecutive weeks with ≤ 4 → full rate;
 * - 3(3) a port that recovered a level and again has too many complaints → straight to 2/s;
 * - 3(4) suspension lasts at least 10 days; the port resumes at half its rate before the suspension and
 *   returns to that rate after 2 consecutive weeks with ≤ 4 complaints.
 */
import { addDays, daysBetween, type LocalDate } from "../time";

export type PortManagement = "whitelist" | "blacklist";

/**
 * The sending rate. "12.5%" and "1/s" only arise from resuming after a suspension at half the rate before it
 * (3(4)): half of 25 % and half of 2/s.
 */
export const THROTTLE_STATES = ["full", "50%", "25%", "12.5%", "2/s", "1/s", "suspended"] as const;
export type ThrottleState = (typeof THROTTLE_STATES)[number];

/** Why the port is at its rate; decides how it recovers. */
type Phase =
  | { kind: "normal" }
  /** 2(1)/(2): reduced from full; back to full after the first-reduction window (3(1)). */
  | { kind: "reduced"; rate: "50%" | "25%" }
  /** 2(3)/3(3): 2 messages/second; back to 50 %/25 % after 30/45 days (3(2)). */
  | { kind: "two-per-second" }
  /** 3(2): 50 %/25 % after 2/s; back to full after 3 weeks. */
  | { kind: "stepping-up"; rate: "50%" | "25%" }
  /** 2(4)/3(4): suspended from `since` for the minimum 10 days. */
  | { kind: "suspended"; before: Phase }
  /** 3(4): half the rate before the suspension; back to `before` after 2 weeks. */
  | { kind: "resumed"; rate: ThrottleState; before: Phase };

export interface ThrottleTuning {
  /** 2(1)–(3): complaints on one day that reduce the rate. */
  complaintsPerDayToReduce: number;
  /** 2(4): more than this many in 7 consecutive days suspends the port. */
  complaintsPerWeekToSuspend: number;
  /** 3: "未超过4起" — at most this many complaints in a recovery window. */
  complaintsAllowedToRecover: number;
  /** 3(4): "至少为10天". */
  suspensionDays: number;
}

export const ANNEX_3: ThrottleTuning = {
  complaintsPerDayToReduce: 2,
  complaintsPerWeekToSuspend: 10,
  complaintsAllowedToRecover: 4,
  suspensionDays: 10,
};

export interface ThrottleDay {
  date: LocalDate;
  state: ThrottleState;
}

export interface ThrottleTransition {
  /** The first day at the new rate. */
  date: LocalDate;
  from: ThrottleState;
  to: ThrottleState;
  /** The Annex 3 paragraph that moved the port, e.g. "附件三 2(1)". */
  clause: string;
}

export interface ThrottleTimeline {
  days: ThrottleDay[];
  /** Every change of rate from the first complaint to `to`, including those before `from`. */
  transitions: ThrottleTransition[];
}

function rateOf(phase: Phase): ThrottleState {
  switch (phase.kind) {
    case "normal":
      return "full";
    case "two-per-second":
      return "2/s";
    case "suspended":
      return "suspended";
    default:
      return phase.rate;
  }
}

const HALF: Record<ThrottleState, ThrottleState> = {
  full: "50%",
  "50%": "25%",
  "25%": "12.5%",
  "12.5%": "12.5%",
  "2/s": "1/s",
  "1/s": "1/s",
  suspended: "suspended",
};

/** Days of good behaviour (≤ allowed complaints) a phase needs before it steps up, and where it goes. */
function recovery(
  phase: Phase,
  management: PortManagement,
): { days: number; to: Phase; clause: string } | null {
  const whitelist = management === "whitelist";
  switch (phase.kind) {
    case "reduced":
      return { days: whitelist ? 14 : 21, to: { kind: "normal" }, clause: "附件三 3(1)" };
    case "two-per-second":
      return {
        days: whitelist ? 30 : 45,
        to: { kind: "stepping-up", rate: whitelist ? "50%" : "25%" },
        clause: "附件三 3(2)",
      };
    case "stepping-up":
      return { days: 21, to: { kind: "normal" }, clause: "附件三 3(2)" };
    case "resumed":
      return { days: 14, to: phase.before, clause: "附件三 3(4)" };
    default:
      return null;
  }
}

export interface ThrottleInput {
  /** The Asia/Shanghai day of each complaint about this port (any order, repeats = several complaints). */
  complaintDays: readonly LocalDate[];
  management: PortManagement;
  /** The days to report, inclusive. Complaints before `from` shape the state; those after `to` are ignored. */
  from: LocalDate;
  to: LocalDate;
  tuning?: ThrottleTuning;
}

/**
 * R-THROTTLE-1: the port's rate on every day from `from` to `to`. The port is at full rate before its first
 * complaint; each day's complaints decide the next day's rate (2(1): "第二日起").
 */
export function throttleTimeline(input: ThrottleInput): ThrottleTimeline {
  const tuning = input.tuning ?? ANNEX_3;
  if (daysBetween(input.from, input.to) < 0)
    throw new RangeError(`from ${input.from} is after to ${input.to}`);
  const perDay = new Map<LocalDate, number>();
  let first = input.from;
  for (const day of input.complaintDays) {
    if (daysBetween(day, input.to) < 0) continue;
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    if (daysBetween(day, first) > 0) first = day;
  }
  const count = (day: LocalDate) => perDay.get(day) ?? 0;
  /** Complaints on the `length` days ending with `last`, none before `notBefore`. */
  const sum = (last: LocalDate, length: number, notBefore: LocalDate) => {
    let total = 0;
    for (let i = 0; i < length; i++) {
      const day = addDays(last, -i);
      if (daysBetween(notBefore, day) < 0) break;
      total += count(day);
    }
    return total;
  };

  let phase: Phase = { kind: "normal" };
  /** First day of the current phase: recovery windows only count days inside it. */
  let phaseStart = first;
  /** Complaints from before a suspension ended do not count towards another (3(4) gives a fresh start). */
  let weekCountsFrom = first;
  /** 3(3): once the port has recovered a level, a new breach goes straight to 2/s. */
  let recoveredBefore = false;
  const days: ThrottleDay[] = [];
  const transitions: ThrottleTransition[] = [];

  for (let day = first; daysBetween(day, input.to) >= 0; day = addDays(day, 1)) {
    if (daysBetween(input.from, day) >= 0) days.push({ date: day, state: rateOf(phase) });
    const tomorrow = addDays(day, 1);
    let next: Phase | null = null;
    let clause = "";
    if (phase.kind === "suspended") {
      if (daysBetween(phaseStart, tomorrow) >= tuning.suspensionDays) {
        next = { kind: "resumed", rate: HALF[rateOf(phase.before)], before: phase.before };
        clause = "附件三 3(4)";
        weekCountsFrom = tomorrow;
      }
    } else if (sum(day, 7, weekCountsFrom) > tuning.complaintsPerWeekToSuspend) {
      next = { kind: "suspended", before: phase };
      clause = "附件三 2(4)";
    } else if (count(day) >= tuning.complaintsPerDayToReduce && phase.kind !== "two-per-second") {
      if (phase.kind === "normal" && !recoveredBefore) {
        next = { kind: "reduced", rate: input.management === "whitelist" ? "50%" : "25%" };
        clause = input.management === "whitelist" ? "附件三 2(1)" : "附件三 2(2)";
      } else {
        next = { kind: "two-per-second" };
        clause = phase.kind === "normal" ? "附件三 3(3)" : "附件三 2(3)";
      }
    } else {
      // A port at 2/s gains nothing more from 2 complaints on a day; they count against its recovery window.
      const step = recovery(phase, input.management);
      if (
        step !== null &&
        daysBetween(phaseStart, tomorrow) >= step.days &&
        sum(day, step.days, phaseStart) <= tuning.complaintsAllowedToRecover
      ) {
        next = step.to;
        clause = step.clause;
        recoveredBefore = true;
      }
    }
    if (next !== null) {
      transitions.push({ date: tomorrow, from: rateOf(phase), to: rateOf(next), clause });
      phase = next;
      phaseStart = tomorrow;
    }
  }
  return { days, transitions };
}
