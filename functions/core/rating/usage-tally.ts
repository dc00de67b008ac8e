/**
 * Per-record rating (计费): each usage record is classified and counted in integers — billed voice units and
 * SMS parts, per price segment of the period — and never turned into money here (R-MONEY-1: money is
 * computed once per bill line, in ./bill-lines).
 */
import { type PriceSegment, segmentAt } from "../changes";
import { smsPartsForSignatureLength } from "../sms";
import type { SmsVisitor, VoiceVisitor } from "../usage-csv";
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

export class VoiceTally implements VoiceVisitor {
  calls = 0;
  outbound = 0;
  inbound = 0;
  /** Billed rounding units (R-PRICE-2) of outbound calls, billing part and trial part (R-TRIAL-1). */
  billedUnits = 0;
  trialUnits = 0;
  trialRecords = 0;
  /** Billed units per price segment of the period (R-CHANGE-1): each call at the price of its day. */
  readonly billedBySegment: number[];

  constructor(
    private readonly roundingSeconds: number,
    private readonly billingStartMs: number,
    private readonly rejections: RejectionLog,
    private readonly segments: readonly PriceSegment[],
    private readonly window: ContractWindow,
  ) {
    this.billedBySegment = segments.map(() => 0);
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
    const units = Math.ceil(durationSeconds / this.roundingSeconds);
    if (trial) this.trialUnits += units;
    else {
      this.billedUnits += units;
      const segment = this.segments.length > 1 ? segmentAt(this.segments, callStartMs) : 0;
      this.billedBySegment[segment] = (this.billedBySegment[segment] ?? 0) + units;
    }
  }

  reject(line: number, reason: string): void {
    this.rejections.add("voice", line, reason);
  }
}

export class SmsTally implements SmsVisitor {
  messages = 0;
  downlink = 0;
  uplinkIgnored = 0;
  billedParts = 0;
  trialParts = 0;
  trialRecords = 0;
  /** Billed parts per price segment of the period (R-CHANGE-1, 3.11): each message at its day's price. */
  readonly billedBySegment: number[];

  constructor(
    private readonly signatureLength: number,
    private readonly partLength: number,
    private readonly billingStartMs: number,
    private readonly rejections: RejectionLog,
    private readonly segments: readonly PriceSegment[],
    private readonly window: ContractWindow,
  ) {
    this.billedBySegment = segments.map(() => 0);
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
    const parts = smsPartsForSignatureLength(contentChars, this.signatureLength, this.partLength);
    if (trial) this.trialParts += parts;
    else {
      this.billedParts += parts;
      const segment = this.segments.length > 1 ? segmentAt(this.segments, sentAtMs) : 0;
      this.billedBySegment[segment] = (this.billedBySegment[segment] ?? 0) + parts;
    }
  }

  reject(line: number, reason: string): void {
    this.rejections.add("sms", line, reason);
  }
}
