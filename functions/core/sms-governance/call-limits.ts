/**
 * R-CALL-1 (附件七《语音专线业务信息安全责任承诺书》第六条): per day, one calling number places at most 500 calls
 * ("单一号码呼出频次每天原则上不超过500次"), and all of Party A's numbers together call one callee at most 10
 * times ("同一企业所有号码对同一被叫号码呼叫频次每天原则上不超过10次"). Only calls Party A places (outbound,
 * 主叫) count; the day is the Asia/Shanghai day the call started.
 */
import type { LocalDate } from "../time";

export type CallRule = "per-calling-number" | "per-callee";

export interface CallViolation {
  date: LocalDate;
  rule: CallRule;
  /** The full number: only for the stored record. Outputs show it masked (core/mask.ts). */
  number: string;
  calls: number;
}

export interface CallLimits {
  callsPerCallingNumberPerDay: number;
  callsPerCalleePerDay: number;
}

/**
 * Counts outbound calls one by one; `violations()` lists the day/number pairs over a limit. The counts are
 * kept per day, then per number: a month's file holds hundreds of thousands of calls in time order, so the
 * day's two tables are found once per day, not looked up under a date-and-number key built for every call.
 */
export class CallCounter {
  private readonly byCaller = new Map<LocalDate, Map<string, number>>();
  private readonly byCallee = new Map<LocalDate, Map<string, number>>();
  private day: LocalDate | undefined;
  private dayCallers = new Map<string, number>();
  private dayCallees = new Map<string, number>();

  constructor(private readonly limits: CallLimits) {}

  outboundCall(date: LocalDate, callingNumber: string, calledNumber: string): void {
    if (date !== this.day) this.switchDay(date);
    this.dayCallers.set(callingNumber, (this.dayCallers.get(callingNumber) ?? 0) + 1);
    this.dayCallees.set(calledNumber, (this.dayCallees.get(calledNumber) ?? 0) + 1);
  }

  private switchDay(date: LocalDate): void {
    this.day = date;
    const callers = this.byCaller.get(date) ?? new Map<string, number>();
    const callees = this.byCallee.get(date) ?? new Map<string, number>();
    this.byCaller.set(date, callers);
    this.byCallee.set(date, callees);
    this.dayCallers = callers;
    this.dayCallees = callees;
  }

  /** Over-limit pairs, by date, then rule (calling number first), then number. */
  violations(): CallViolation[] {
    const over = (
      counts: Map<LocalDate, Map<string, number>>,
      limit: number,
      rule: CallRule,
    ): CallViolation[] =>
      [...counts].flatMap(([date, numbers]) =>
        [...numbers]
          .filter(([, calls]) => calls > limit)
          .map(([number, calls]) => ({ date, rule, number, calls })),
      );
    const order: Record<CallRule, number> = { "per-calling-number": 0, "per-callee": 1 };
    return [
      ...over(this.byCaller, this.limits.callsPerCallingNumberPerDay, "per-calling-number"),
      ...over(this.byCallee, this.limits.callsPerCalleePerDay, "per-callee"),
    ].sort(
      (a, b) =>
        a.date.localeCompare(b.date) || order[a.rule] - order[b.rule] || a.number.localeCompare(b.number),
    );
  }
}
