/**
 * R-CALL-1 (附件七《语音专线业务信息安全责任承诺书》第六条): per day, one calling number places at most 500 calls
 * ("单一号码呼出频次每天原则上不超过500次"), and all of Party A's numbers together call one callee at most 10
 * times ("同一企业所有号码对同一被叫号码呼叫频次每天原则上不超过10次"). Only calls Party A places (outbound,
 * 主叫) count; the day is the Asia/Shanghai day the call started.
 */
import type { LocalDate } from "../time";
import { phoneNumberOfKey, type RecordFields } from "../usage-csv";

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
 * Calls per phone-number key (CallCounter.keyOf) for one day and one rule: an open-addressing table of the
 * keys as doubles and their counts, so that a call adds one to a count without boxing its key or allocating
 * an entry, as a Map<number, number> of keys past 2^31 did (ADR 0100). A count of 0 marks a free slot.
 */
class KeyCounts {
  private keys: Float64Array;
  private counts: Int32Array;
  private size = 0;

  /** `capacity`: a power of two; a day's tables start at the previous day's size, so they rarely grow. */
  constructor(capacity = 64) {
    this.keys = new Float64Array(capacity);
    this.counts = new Int32Array(capacity);
  }

  get capacity(): number {
    return this.keys.length;
  }

  add(key: number): void {
    const { keys, counts } = this;
    const mask = keys.length - 1;
    for (let i = slotOf(key) & mask; ; i = (i + 1) & mask) {
      const count = counts[i] as number;
      if (count === 0) {
        keys[i] = key;
        counts[i] = 1;
        if (++this.size * 2 > keys.length) this.grow();
        return;
      }
      if (keys[i] === key) {
        counts[i] = count + 1;
        return;
      }
    }
  }

  private grow(): void {
    const { keys, counts } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.counts = new Int32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let j = 0; j < keys.length; j++) {
      const count = counts[j] as number;
      if (count === 0) continue;
      let i = slotOf(keys[j] as number) & mask;
      while (this.counts[i] !== 0) i = (i + 1) & mask;
      this.keys[i] = keys[j] as number;
      this.counts[i] = count;
    }
  }

  /** The keys counted more than `limit` times, with their counts, in no particular order. */
  over(limit: number): Array<[key: number, calls: number]> {
    const found: Array<[number, number]> = [];
    for (let i = 0; i < this.counts.length; i++) {
      const count = this.counts[i] as number;
      if (count > limit) found.push([this.keys[i] as number, count]);
    }
    return found;
  }
}

/**
 * A key's slot before the table's mask: its low and high 32 bits (a key is an integer of magnitude below
 * 2^53, so both are exact) mixed by multiplication, so that numbers differing in their last digits spread.
 */
function slotOf(key: number): number {
  const h = Math.imul((key | 0) ^ Math.imul(Math.floor(key / 4294967296), 0x9e3779b1), 0x85ebca6b);
  return h ^ (h >>> 15);
}

/**
 * Counts outbound calls one by one; `violations()` lists the day/number pairs over a limit. The counts are
 * kept per day, then per number: a month's file holds hundreds of thousands of calls in time order, so the
 * day's two tables are found once per day, not looked up under a date-and-number key built for every call.
 * A number is counted under its key (`keyOf`), read from the record's bytes: no string is decoded, hashed or
 * compared per call, and the text is made again only for a number over a limit (ADR 0100).
 */
export class CallCounter {
  private readonly byCaller = new Map<LocalDate, KeyCounts>();
  private readonly byCallee = new Map<LocalDate, KeyCounts>();
  private day: LocalDate | undefined;
  private dayCallers = new KeyCounts();
  private dayCallees = new KeyCounts();
  /**
   * Numbers of more than 15 digits (the format allows 20), which have no phoneNumberKey: each is keyed by
   * its place in `longNumbers`, as -1 - index, below every phoneNumberKey.
   */
  private readonly longNumberKeys = new Map<string, number>();
  private readonly longNumbers: string[] = [];

  constructor(private readonly limits: CallLimits) {}

  /** The key a record's phone-number field is counted under: the same number, the same key, and only it. */
  keyOf(fields: RecordFields, field: number): number {
    const key = fields.phoneNumberKey(field);
    return key >= 0 ? key : this.longNumberKey(fields.text(field));
  }

  private longNumberKey(number: string): number {
    let key = this.longNumberKeys.get(number);
    if (key === undefined) {
      key = -1 - this.longNumbers.length;
      this.longNumbers.push(number);
      this.longNumberKeys.set(number, key);
    }
    return key;
  }

  private numberOf(key: number): string {
    return key >= 0 ? phoneNumberOfKey(key) : (this.longNumbers[-1 - key] as string);
  }

  /** One outbound call on `date`, the numbers given by their keys (`keyOf`). */
  outboundCall(date: LocalDate, callingKey: number, calledKey: number): void {
    if (date !== this.day) this.switchDay(date);
    this.dayCallers.add(callingKey);
    this.dayCallees.add(calledKey);
  }

  private switchDay(date: LocalDate): void {
    this.day = date;
    const callers = this.byCaller.get(date) ?? new KeyCounts(this.dayCallers.capacity);
    const callees = this.byCallee.get(date) ?? new KeyCounts(this.dayCallees.capacity);
    this.byCaller.set(date, callers);
    this.byCallee.set(date, callees);
    this.dayCallers = callers;
    this.dayCallees = callees;
  }

  /** Over-limit pairs, by date, then rule (calling number first), then number. */
  violations(): CallViolation[] {
    const over = (counts: Map<LocalDate, KeyCounts>, limit: number, rule: CallRule): CallViolation[] =>
      [...counts].flatMap(([date, numbers]) =>
        numbers.over(limit).map(([key, calls]) => ({ date, rule, number: this.numberOf(key), calls })),
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
