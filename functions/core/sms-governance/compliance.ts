/**
 * The month's compliance check of Party A's use of the lines (Annex 3, Annex 7 §6, 2.23/2.24): call-rate
 * limits (R-CALL-1), marketing SMS rules (R-SMS-3) and the SMS port's throttling timeline (R-THROTTLE-1),
 * from the same usage files rating reads plus the complaints feed.
 *
 * Numbers in the result are in full — the stored record keeps them; every output masks them (core/mask.ts).
 */
import { RejectionLog } from "../rating/rejection-log";
import type { SmsContentFindings } from "../sms-content";
import { REJECTED_KEPT, type RejectedUsageRecord } from "../statement";
import { firstDayOfPeriod, type LocalDate, lastDayOfPeriod, type Period, shanghaiDateOf } from "../time";
import {
  type RecordFields,
  type SmsVisitor,
  scanSmsCsv,
  scanVoiceCsv,
  type VoiceVisitor,
} from "../usage-csv";
import { CallCounter, type CallLimits, type CallViolation } from "./call-limits";
import type { Complaint } from "./complaints-csv";
import {
  isSmsCategory,
  type MarketingViolation,
  marketingContentProblem,
  PortCategories,
  SMS_CATEGORIES,
} from "./marketing";
import { type PortManagement, type ThrottleDay, type ThrottleTransition, throttleTimeline } from "./throttle";

export interface ComplianceInput {
  period: Period;
  /** The contract's SMS access code: the port Annex 3 meters (sub-ports 子端口 extend it). */
  smsPort: string;
  management: PortManagement;
  callLimits: CallLimits;
  voice?: AsyncIterable<Uint8Array>;
  sms?: AsyncIterable<Uint8Array>;
  complaints?: readonly Complaint[];
  /**
   * R-SMS-3's content findings from the SMS log's upload, for a stored log (its content is gone, ADR 0035).
   * Without them the content is read from the log itself (a log on disk, `ops compliance --sms`).
   */
  contentFindings?: Pick<SmsContentFindings, "marketingViolations" | "marketingViolationCount">;
}

export interface ComplianceReport {
  period: Period;
  throttle: {
    port: string;
    management: PortManagement;
    days: ThrottleDay[];
    transitions: ThrottleTransition[];
  };
  callViolations: CallViolation[];
  /** False when the SMS log has no `category` column: R-SMS-3 could not be checked. */
  marketingChecked: boolean;
  /** The first 1000 violations (by line); `marketingViolationCount` counts them all. */
  marketingViolations: MarketingViolation[];
  marketingViolationCount: number;
  /** Usage records compliance could not read (first 1000 per file) and their count. */
  rejected: RejectedUsageRecord[];
  rejectedCount: number;
}

export class ComplianceInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ComplianceInputError";
  }
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Asia/Shanghai day of epoch milliseconds, computed once per day rather than once per call. */
function dayNamer(): (ms: number) => LocalDate {
  let index = Number.NaN;
  let name = "";
  return (ms) => {
    const day = Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
    if (day !== index) {
      index = day;
      name = shanghaiDateOf(new Date(ms));
    }
    return name;
  };
}

/** Whether a complaint's port is this contract's port or one of its sub-ports. */
export function isPortOf(port: string, accessCode: string): boolean {
  return port.startsWith(accessCode);
}

/**
 * The check as visitors of the two usage files, so a caller that already reads them (the bill step rates
 * the same files) runs it in the same pass: one read and one parse of each file for both. Each file is
 * visited in its own order; the two may interleave.
 */
export class ComplianceCheck {
  // One log per file: the report lists the voice file's rejections before the SMS log's, however the two
  // reads interleave (as when the files are checked one after the other).
  private readonly voiceRejections = new RejectionLog();
  private readonly smsRejections = new RejectionLog();
  private readonly calls: CallCounter;
  private readonly ports = new PortCategories();
  private readonly marketingViolations: MarketingViolation[] = [];
  private marketingViolationCount = 0;
  private marketingChecked = false;
  readonly voice: VoiceVisitor;
  readonly sms: SmsVisitor;

  constructor(private readonly input: Omit<ComplianceInput, "voice" | "sms">) {
    this.calls = new CallCounter(input.callLimits);
    const dayOf = dayNamer();
    this.voice = {
      // R-CALL-1 counts only calls Party A places (主叫).
      call: (startMs, _duration, outbound, _line, fields) => {
        if (outbound) {
          const calls = this.calls;
          calls.outboundCall(dayOf(startMs), calls.keyOf(fields, 3), calls.keyOf(fields, 4));
        }
      },
      reject: (line, reason) => this.voiceRejections.add("voice", line, reason),
    };
    this.sms = {
      message: (_sentMs, _chars, downlink, line, fields) => this.message(downlink, line, fields),
      reject: (line, reason) => this.smsRejections.add("sms", line, reason),
    };
  }

  private violation(line: number, reason: string): void {
    this.marketingViolationCount++;
    if (this.marketingViolations.length < REJECTED_KEPT) this.marketingViolations.push({ line, reason });
  }

  private message(downlink: boolean, line: number, fields: RecordFields): void {
    if (fields.width < 7) return;
    this.marketingChecked = true;
    // Uplink messages are citizens writing to Party A: not Party A's sending (R-UPLINK-1).
    if (!downlink) return;
    const category = fields.text(6);
    if (!isSmsCategory(category)) {
      this.smsRejections.add("sms", line, `category must be one of ${SMS_CATEGORIES.join(", ")}`);
      return;
    }
    const port = fields.text(5) || this.input.smsPort;
    const mixed = this.ports.message(port, category);
    if (mixed !== undefined) this.violation(line, mixed);
    // A stored log has no content (ADR 0035): its upload checked the content and kept the findings.
    if (category === "marketing" && !this.input.contentFindings) {
      const problem = marketingContentProblem(fields.text(3));
      if (problem !== undefined) this.violation(line, problem);
    }
  }

  /** The report, once both files (those there are) have been visited to their end. */
  report(): ComplianceReport {
    const { input } = this;
    const marketingViolations = [...this.marketingViolations];
    let marketingViolationCount = this.marketingViolationCount;
    if (input.contentFindings) {
      for (const found of input.contentFindings.marketingViolations) {
        marketingViolationCount++;
        if (marketingViolations.length < REJECTED_KEPT)
          marketingViolations.push({ line: found.line, reason: found.reason });
      }
      marketingViolations.sort((a, b) => a.line - b.line);
      marketingViolationCount +=
        input.contentFindings.marketingViolationCount - input.contentFindings.marketingViolations.length;
    }

    const complaintDays: LocalDate[] = [];
    for (const complaint of input.complaints ?? []) {
      if (!isPortOf(complaint.port, input.smsPort)) {
        throw new ComplianceInputError(
          `complaints line ${complaint.line}: port ${complaint.port} is not this contract's SMS port ${input.smsPort} or one of its sub-ports`,
        );
      }
      complaintDays.push(shanghaiDateOf(complaint.receivedAt));
    }
    const from = firstDayOfPeriod(input.period);
    const timeline = throttleTimeline({
      complaintDays,
      management: input.management,
      from,
      to: lastDayOfPeriod(input.period),
    });
    return {
      period: input.period,
      throttle: { port: input.smsPort, management: input.management, ...timeline },
      callViolations: this.calls.violations(),
      marketingChecked: this.marketingChecked,
      marketingViolations,
      marketingViolationCount,
      rejected: [...this.voiceRejections.kept, ...this.smsRejections.kept].slice(0, REJECTED_KEPT),
      rejectedCount: this.voiceRejections.count + this.smsRejections.count,
    };
  }
}

/** The check of a month's files read here, the voice file first. */
export async function checkCompliance(input: ComplianceInput): Promise<ComplianceReport> {
  const { voice, sms, ...setup } = input;
  const check = new ComplianceCheck(setup);
  if (voice) await scanVoiceCsv(voice, check.voice, { period: input.period });
  if (sms) await scanSmsCsv(sms, check.sms, { period: input.period });
  return check.report();
}
