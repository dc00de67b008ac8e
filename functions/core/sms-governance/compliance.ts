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
import { type RecordFields, scanSmsCsv, scanVoiceCsv } from "../usage-csv";
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

export async function checkCompliance(input: ComplianceInput): Promise<ComplianceReport> {
  const rejections = new RejectionLog();
  const calls = new CallCounter(input.callLimits);
  if (input.voice) {
    const dayOf = dayNamer();
    await scanVoiceCsv(
      input.voice,
      {
        // R-CALL-1 counts only calls Party A places (主叫).
        call(startMs: number, _duration: number, outbound: boolean, _line: number, fields: RecordFields) {
          if (outbound) calls.outboundCall(dayOf(startMs), fields.text(3), fields.text(4));
        },
        reject: (line, reason) => rejections.add("voice", line, reason),
      },
      { period: input.period },
    );
  }

  const marketingViolations: MarketingViolation[] = [];
  let marketingViolationCount = 0;
  const violation = (line: number, reason: string) => {
    marketingViolationCount++;
    if (marketingViolations.length < REJECTED_KEPT) marketingViolations.push({ line, reason });
  };
  let marketingChecked = false;
  if (input.sms) {
    const ports = new PortCategories();
    await scanSmsCsv(
      input.sms,
      {
        message(_sentMs: number, _chars: number, downlink: boolean, line: number, fields: RecordFields) {
          if (fields.width < 7) return;
          marketingChecked = true;
          // Uplink messages are citizens writing to Party A: not Party A's sending (R-UPLINK-1).
          if (!downlink) return;
          const category = fields.text(6);
          if (!isSmsCategory(category)) {
            rejections.add("sms", line, `category must be one of ${SMS_CATEGORIES.join(", ")}`);
            return;
          }
          const port = fields.text(5) || input.smsPort;
          const mixed = ports.message(port, category);
          if (mixed !== undefined) violation(line, mixed);
          // A stored log has no content (ADR 0035): its upload checked the content and kept the findings.
          if (category === "marketing" && !input.contentFindings) {
            const problem = marketingContentProblem(fields.text(3));
            if (problem !== undefined) violation(line, problem);
          }
        },
        reject: (line, reason) => rejections.add("sms", line, reason),
      },
      { period: input.period },
    );
  }

  if (input.contentFindings) {
    for (const found of input.contentFindings.marketingViolations) violation(found.line, found.reason);
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
    callViolations: calls.violations(),
    marketingChecked,
    marketingViolations,
    marketingViolationCount,
    rejected: rejections.kept,
    rejectedCount: rejections.count,
  };
}
