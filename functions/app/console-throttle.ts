/**
 * The SMS port's throttling timeline as the console's contract page draws it (R-THROTTLE-1, 附件三): per
 * period, the port's rate on every day and the changes of rate with the Annex 3 paragraph behind each, from the
 * contract's stored complaints feed (`usage/<contractId>/complaints.csv`). The rule itself is
 * core/sms-governance/throttle.ts; this only reads the feed and cuts the timeline into periods.
 */
import { storedComplaints, UsageAccessDeniedError } from "../adapters/usage-store";
import type { Contract } from "../core/contract";
import {
  type Complaint,
  ComplaintsFileError,
  parseComplaintsCsv,
} from "../core/sms-governance/complaints-csv";
import { isPortOf } from "../core/sms-governance/compliance";
import {
  type PortManagement,
  type ThrottleState,
  type ThrottleTransition,
  throttleTimeline,
} from "../core/sms-governance/throttle";
import {
  firstDayOfPeriod,
  type LocalDate,
  lastDayOfPeriod,
  type Period,
  periodOf,
  shanghaiDateOf,
} from "../core/time";

export interface ThrottleStripDay {
  date: LocalDate;
  /** The port's rate that day; null for a day after the as-of day (not yet happened, nothing to say). */
  state: ThrottleState | null;
  /** Complaints received that day about the port (they decide the next day's rate, Annex 3 2(1)). */
  complaints: number;
}

export interface ThrottleStrip {
  period: Period;
  days: ThrottleStripDay[];
  /** The changes of rate that took effect in this period, up to the as-of day. */
  transitions: ThrottleTransition[];
}

export interface ThrottleStripsInput {
  /** The feed's complaints; those about other ports are not this contract's and are left out. */
  complaints: readonly Complaint[];
  port: string;
  management: PortManagement;
  periods: readonly Period[];
  asOf: LocalDate;
}

/** R-THROTTLE-1: one strip per period, every day of it, from one timeline over the whole feed. */
export function throttleStrips(input: ThrottleStripsInput): ThrottleStrip[] {
  const periods = [...new Set(input.periods)].sort();
  const first = periods[0];
  const last = periods.at(-1);
  if (first === undefined || last === undefined) return [];
  const complaintDays = input.complaints
    .filter((c) => isPortOf(c.port, input.port))
    .map((c) => shanghaiDateOf(c.receivedAt));
  const perDay = new Map<LocalDate, number>();
  for (const day of complaintDays) perDay.set(day, (perDay.get(day) ?? 0) + 1);
  const timeline = throttleTimeline({
    complaintDays,
    management: input.management,
    from: firstDayOfPeriod(first),
    to: lastDayOfPeriod(last),
  });
  const happened = (date: LocalDate) => date <= input.asOf;
  return periods.map((period) => ({
    period,
    days: timeline.days
      .filter((d) => periodOf(d.date) === period)
      .map((d) => ({
        date: d.date,
        state: happened(d.date) ? d.state : null,
        complaints: happened(d.date) ? (perDay.get(d.date) ?? 0) : 0,
      })),
    transitions: timeline.transitions.filter((t) => periodOf(t.date) === period && happened(t.date)),
  }));
}

export type PortThrottleView = { port: string; management: PortManagement } & (
  | { feed: "none" }
  /** A feed put into the bucket by hand that does not read (the upload command checks it): the reason. */
  | { feed: "unreadable"; reason: string }
  /**
   * S3 answered 403 AccessDenied: the console's credentials may not s3:GetObject the feed (or, without
   * s3:ListBucket, it does not exist — S3 then answers 403, not 404). The page still draws and says so.
   */
  | { feed: "denied" }
  | { feed: "read"; complaints: number; strips: ThrottleStrip[] }
);

/** The contract's port over `periods` as of `at`, read from the stored feed (read-only: GetObject). */
export async function portThrottle(
  contract: Contract,
  periods: readonly Period[],
  at: Date,
): Promise<PortThrottleView> {
  const port = contract.access.smsAccessCode;
  const management = contract.access.portManagement;
  let csv: string | undefined;
  try {
    csv = await storedComplaints(contract.contractId);
  } catch (error) {
    if (!(error instanceof UsageAccessDeniedError)) throw error;
    return { port, management, feed: "denied" };
  }
  if (csv === undefined) return { port, management, feed: "none" };
  let complaints: Complaint[];
  try {
    complaints = parseComplaintsCsv(csv).filter((c) => isPortOf(c.port, port));
  } catch (error) {
    if (!(error instanceof ComplaintsFileError)) throw error;
    return { port, management, feed: "unreadable", reason: (error as Error).message };
  }
  const asOf = shanghaiDateOf(at);
  return {
    port,
    management,
    feed: "read",
    complaints: complaints.length,
    strips: throttleStrips({
      complaints,
      port,
      management,
      periods: periods.length > 0 ? periods : [periodOf(asOf)],
      asOf,
    }),
  };
}
