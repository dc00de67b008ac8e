/**
 * Per-record rating (计费): each usage record is classified and counted in integers — billed voice units and
 * SMS parts, per price segment of the period — and never turned into money here (R-MONEY-1: money is
 * computed once per bill line, in ./bill-lines).
 */
import { type PriceSegment, segmentAt } from "../changes";
import { smsPartsForSignatureLength } from "../sms";
import { type SmsVisitor, UsageFileError, type VoiceVisitor } from "../usage-csv";
import type { RejectionLog } from "./rejection-log";

/**
 * The contract's days as instants (R-TERM-1: it takes effect on the later signing date; R-TERM-4, R-END-1: it
 * ends at the end of its last day, when it has one). A record outside them is counted and never billed: it
 * is not usage under this contract, nor a data error.
 */
export class ContractWindow {
  beforeFirstDay = 0;
  afterLastDay = 0;

  constructor(
    private readonly firstDayStartMs: number,
    private readonly lastDayEndExclusiveMs: number,
  ) {}

  /** True when the instant lies within the contract; otherwise counts it on the side it falls. */
  admits(instantMs: number): boolean {
    if (instantMs < this.firstDayStartMs) {
      this.beforeFirstDay++;
      return false;
    }
    if (instantMs >= this.lastDayEndExclusiveMs) {
      this.afterLastDay++;
      return false;
    }
    return true;
  }
}

/**
 * Counts are numbers, added once per record, and become bigint once per bill line (./bill-lines): exact while
 * they stay whole numbers up to 2^53 − 1 (ADR 0056). A record adds at most 10^9 (a 9-digit duration or
 * character count), so a count that passes the limit has just done so, by less than 2^53: it is refused
 * before it can round.
 */
function inexact(): UsageFileError {
  return new UsageFileError(
    "the file's billed quantity passes 2^53 − 1 units, more than is counted exactly (no real month has this much)",
  );
}

/**
 * The billable quantity of one usage file: its trial part (R-TRIAL-1, Party B's) and its billed part, also
 * per price segment of the period (R-CHANGE-1): each record at the price in force on its day. `add` runs once
 * per record inside the fast paths, so it is kept small enough for V8 to inline it there (ADR 0088): the
 * trial count and a period of several prices each take a call of their own.
 */
export class BillableCount {
  trial = 0;
  billed = 0;
  /** Billed counts per segment, kept only when the period has other than one price. */
  private readonly bySegment: number[];

  constructor(private readonly segments: readonly PriceSegment[]) {
    this.bySegment = segments.map(() => 0);
  }

  add(instantMs: number, quantity: number, trial: boolean): void {
    if (trial) {
      this.addTrial(quantity);
      return;
    }
    this.billed += quantity;
    // A segment's count is at most the billed count, so this one check keeps every count exact.
    if (this.billed > Number.MAX_SAFE_INTEGER) throw inexact();
    if (this.segments.length !== 1) this.addToSegment(instantMs, quantity);
  }

  /** The billed count of each price segment of the period, in their order. */
  get billedBySegment(): readonly number[] {
    return this.segments.length === 1 ? [this.billed] : this.bySegment;
  }

  private addTrial(quantity: number): void {
    this.trial += quantity;
    if (this.trial > Number.MAX_SAFE_INTEGER) throw inexact();
  }

  private addToSegment(instantMs: number, quantity: number): void {
    const segment = segmentAt(this.segments, instantMs);
    this.bySegment[segment] = (this.bySegment[segment] ?? 0) + quantity;
  }
}

export class VoiceTally implements VoiceVisitor {
  calls = 0;
  outbound = 0;
  inbound = 0;
  trialRecords = 0;
  /** Rounding units (R-PRICE-2) of outbound calls. */
  readonly units: BillableCount;

  constructor(
    private readonly roundingSeconds: number,
    private readonly billingStartMs: number,
    private readonly rejections: RejectionLog,
    segments: readonly PriceSegment[],
    private readonly window: ContractWindow,
  ) {
    this.units = new BillableCount(segments);
  }

  call(callStartMs: number, durationSeconds: number, outbound: boolean): void {
    if (!this.window.admits(callStartMs)) return;
    this.calls++;
    const trial = callStartMs < this.billingStartMs;
    if (trial) this.trialRecords++;
    if (!outbound) {
      // R-PRICE-2: calls Party A receives (被叫) are free.
      this.inbound++;
      return;
    }
    this.outbound++;
    // R-PRICE-2: every started unit is billed (61 s → 2 min); a 0-second call bills nothing.
    this.units.add(callStartMs, Math.ceil(durationSeconds / this.roundingSeconds), trial);
  }

  reject(line: number, reason: string): void {
    this.rejections.add("voice", line, reason);
  }
}

export class SmsTally implements SmsVisitor {
  messages = 0;
  downlink = 0;
  uplinkIgnored = 0;
  trialRecords = 0;
  /** Parts (R-SMS-1) of downlink messages; an SMS tariff adjustment (3.11) is a price segment too. */
  readonly parts: BillableCount;

  constructor(
    private readonly signatureLength: number,
    private readonly partLength: number,
    private readonly billingStartMs: number,
    private readonly rejections: RejectionLog,
    segments: readonly PriceSegment[],
    private readonly window: ContractWindow,
  ) {
    this.parts = new BillableCount(segments);
  }

  message(sentAtMs: number, contentChars: number, downlink: boolean): void {
    if (!this.window.admits(sentAtMs)) return;
    this.messages++;
    const trial = sentAtMs < this.billingStartMs;
    if (trial) this.trialRecords++;
    if (!downlink) {
      // R-UPLINK-1: uplink messages are paid by their senders, never billed to Party A.
      this.uplinkIgnored++;
      return;
    }
    this.downlink++;
    this.parts.add(
      sentAtMs,
      smsPartsForSignatureLength(contentChars, this.signatureLength, this.partLength),
      trial,
    );
  }

  reject(line: number, reason: string): void {
    this.rejections.add("sms", line, reason);
  }
}
