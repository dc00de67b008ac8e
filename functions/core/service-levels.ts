/**
 * Service levels (R-SLA-1, R-SLA-2): what each kind of ticket must meet, which party the clause binds, and
 * whether a ticket met it. Working days come from the calendar module (R-WD-2); hours are elapsed time, day
 * and night (3.4 "7×24小时故障申告").
 *
 * - line-opening (3.3, Party B): the voice line is opened within 5 working days after the contract takes
 *   effect — the ticket is opened at that instant;
 * - fault (3.4, Party B): a general fault is fixed within 24 hours of being reported;
 * - sms-gateway-fault (3.18, Party B): no deadline per fault — the month's average repair time is at most
 *   6 hours ("平均修复时限为【6】小时");
 * - complaint (3.18, Party B): other complaints get a result within 48 hours;
 * - end-user-complaint (2.26, Party A): Party A handles and answers an end user's complaint within 24 hours.
 */
import type { WorkingDayCalendar } from "./calendar";
import { endOfDay, formatInstant, shanghaiDateOf } from "./time";

export const TICKET_KINDS = [
  "line-opening",
  "fault",
  "sms-gateway-fault",
  "complaint",
  "end-user-complaint",
] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

export interface ServiceLevelTerms {
  /** R-SLA-1 (3.3): the contract's `voiceLineOpeningWorkingDays`. */
  lineOpeningWorkingDays: number;
  /** R-SLA-2 (3.4). */
  faultRepairHours: number;
  /** R-SLA-2 (3.18): the monthly average, not a per-fault deadline. */
  smsGatewayAverageRepairHours: number;
  /** R-SLA-2 (3.18). */
  complaintAnswerHours: number;
  /** R-SLA-2 (2.26). */
  endUserComplaintAnswerHours: number;
}

/** The hours the contract text states; the working days come from the contract file. */
export function serviceLevelTerms(lineOpeningWorkingDays: number): ServiceLevelTerms {
  return {
    lineOpeningWorkingDays,
    faultRepairHours: 24,
    smsGatewayAverageRepairHours: 6,
    complaintAnswerHours: 48,
    endUserComplaintAnswerHours: 24,
  };
}

export interface TicketRule {
  rule: "R-SLA-1" | "R-SLA-2";
  /** The clause in the contract's words, for what Party A reads (合同第三条3.4款). */
  clause: string;
  /** The party the clause binds: a late ticket is its breach. */
  party: "A" | "B";
}

export const TICKET_RULES: Record<TicketKind, TicketRule> = {
  "line-opening": { rule: "R-SLA-1", clause: "合同第三条3.3款", party: "B" },
  fault: { rule: "R-SLA-2", clause: "合同第三条3.4款", party: "B" },
  "sms-gateway-fault": { rule: "R-SLA-2", clause: "合同第三条3.18款", party: "B" },
  complaint: { rule: "R-SLA-2", clause: "合同第三条3.18款", party: "B" },
  "end-user-complaint": { rule: "R-SLA-2", clause: "合同第二条2.26款", party: "A" },
};

/** A ticket closed late or still open past its deadline is `ticket:<ticketId>` in the breach register (R-BREACH-1). */
export function ticketBreachId(ticketId: string): string {
  return `ticket:${ticketId}`;
}

const HOUR_MS = 3_600_000;

export interface TicketDeadline {
  /** ISO-8601 with +08:00; null for an SMS-gateway fault (judged on the month's average). */
  dueAt: string | null;
  provisional: boolean;
}

/** When a ticket opened at `openedAt` must be closed. */
export function ticketDeadline(
  kind: TicketKind,
  openedAt: Date,
  terms: ServiceLevelTerms,
  calendar: WorkingDayCalendar,
): TicketDeadline {
  const afterHours = (hours: number) => ({
    dueAt: formatInstant(new Date(openedAt.getTime() + hours * HOUR_MS)),
    provisional: false,
  });
  switch (kind) {
    case "line-opening": {
      // R-SLA-1 with R-WD-2: the end of the 5th working day after the day the contract took effect.
      const { date, provisional } = calendar.addWorkingDays(
        shanghaiDateOf(openedAt),
        terms.lineOpeningWorkingDays,
      );
      return { dueAt: formatInstant(endOfDay(date)), provisional };
    }
    case "fault":
      return afterHours(terms.faultRepairHours);
    case "complaint":
      return afterHours(terms.complaintAnswerHours);
    case "end-user-complaint":
      return afterHours(terms.endUserComplaintAnswerHours);
    case "sms-gateway-fault":
      return { dueAt: null, provisional: false };
  }
}

export type TicketStanding = "met" | "late" | "open" | "overdue";

/** A closed ticket met its deadline or was late; an open one is open or already overdue as of `asOf`. */
export function ticketStanding(
  deadline: TicketDeadline,
  closedAt: Date | undefined,
  asOf: Date,
): TicketStanding {
  const due = deadline.dueAt === null ? Number.POSITIVE_INFINITY : Date.parse(deadline.dueAt);
  if (closedAt !== undefined) return closedAt.getTime() <= due ? "met" : "late";
  return asOf.getTime() > due ? "overdue" : "open";
}

export interface GatewayRepairSummary {
  faults: number;
  /** Whole minutes, rounded half up; null without a closed fault. */
  averageRepairMinutes: number | null;
  limitMinutes: number;
  met: boolean;
}

/**
 * R-SLA-2 (3.18): the average repair time of the SMS-gateway faults closed in a month against 6 hours.
 * Travel time of an on-site repair does not count ("如需现场处理，不包含在途时间").
 */
export function smsGatewayRepairSummary(
  faults: ReadonlyArray<{ openedAt: Date; closedAt: Date; travelMinutes?: number }>,
  terms: ServiceLevelTerms,
): GatewayRepairSummary {
  const limitMinutes = terms.smsGatewayAverageRepairHours * 60;
  if (faults.length === 0) return { faults: 0, averageRepairMinutes: null, limitMinutes, met: true };
  const totalMs = faults.reduce(
    (sum, f) => sum + (f.closedAt.getTime() - f.openedAt.getTime()) - (f.travelMinutes ?? 0) * 60_000,
    0,
  );
  // Compared in milliseconds so rounding cannot turn 6 h 00 min 20 s into "met".
  const met = totalMs <= limitMinutes * 60_000 * faults.length;
  return {
    faults: faults.length,
    averageRepairMinutes: Math.round(totalMs / faults.length / 60_000),
    limitMinutes,
    met,
  };
}
