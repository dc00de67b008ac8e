/**
 * Rating (计费): usage records of one period → a statement (R-PRICE-1..3, R-SMS-1, R-TRIAL-1, R-UPLINK-1,
 * R-RECON-4, R-PERIOD-1, R-MONEY-1).
 *
 * Per record only integers are accumulated (billed voice units, SMS parts); money is computed once per line
 * at the end (R-MONEY-1: round once per line, never per call or message). That also makes rating additive:
 * rating any split of a period's records and adding the per-line quantities gives the same quantities.
 */
import { type PriceSegment, priceOn, priceSegments, segmentAt } from "./changes";
import {
  type Contract,
  type ContractService,
  contractRule,
  contractService,
  type ServiceName,
  termStartDate,
} from "./contract";
import {
  formatMoney,
  formatQuantity,
  formatUnitPrice,
  lineAmount,
  type Money,
  parseMoney,
  parseUnitPrice,
  type Quantity,
  sumMoney,
  wholeQuantity,
  ZERO,
} from "./money";
import { codePointLength, smsPartsForSignatureLength } from "./sms";
import {
  REJECTED_KEPT,
  type RejectedUsageRecord,
  type Statement,
  type StatementLine,
  USAGE_FILES,
  type UsageFile,
} from "./statement";
import {
  addDays,
  daysBetween,
  firstDayOfPeriod,
  type LocalDate,
  lastDayOfPeriod,
  type Period,
  parseLocalDate,
  parsePeriod,
  periodBounds,
  startOfDay,
} from "./time";
import { type SmsVisitor, scanSmsCsv, scanVoiceCsv, type VoiceVisitor } from "./usage-csv";

export class RatingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RatingError";
  }
}

/**
 * What an earlier period carries into this statement (ADR 0010): an agreed reconciliation difference
 * (R-RECON-4) or a credit — paid beyond an earlier bill, or an earlier bill below zero (R-PAY-1).
 */
export interface Adjustment {
  description: string;
  /** Positive: Party A owes more; negative: a credit to Party A. */
  amount: Money | string;
  fromPeriod: Period;
  rule: "R-RECON-4" | "R-PAY-1";
}

export interface RateUsageInput {
  contract: Contract;
  period: Period;
  voice?: AsyncIterable<Uint8Array>;
  sms?: AsyncIterable<Uint8Array>;
  adjustments?: Adjustment[];
  /** Files the contract calls for that are absent (see expectedUsageFiles); listed on the statement. */
  missingUsage?: readonly UsageFile[];
  /**
   * The contract's last day, once it has one (R-TERM-4 at a term's end, or an earlier end; R-END-1): usage
   * after it is not billed, and with proration "daily" the monthly fee stops on it.
   */
  contractLastDay?: LocalDate;
}

/**
 * The usage files a period's bill needs: the voice CDR file when the contract prices outbound voice
 * (R-PRICE-2), the SMS log when it prices SMS (R-SMS-1). The monthly fee (R-PRICE-1) needs none.
 */
export function expectedUsageFiles(contract: Contract): UsageFile[] {
  const files: UsageFile[] = [];
  if (contractService(contract, "voice-outbound")) files.push("voice");
  if (contractService(contract, "sms")) files.push("sms");
  return files;
}

/** Keeps the first REJECTED_KEPT rejections of a file and counts the rest (bounded memory whatever the size). */
/**
 * The contract's days as instants (R-TERM-1: it takes effect on the later signing date; R-TERM-4, R-END-1: it
 * ends at the end of its last day, when it has one). A record outside them is counted and never billed: it
 * is not usage under this contract, nor a data error.
 */
class ContractWindow {
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

export class RejectionLog {
  readonly kept: RejectedUsageRecord[] = [];
  count = 0;
  add(file: "voice" | "sms", line: number, reason: string): void {
    this.count++;
    if (this.kept.length < REJECTED_KEPT) this.kept.push({ file, line, reason });
  }
}

class VoiceTally implements VoiceVisitor {
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

class SmsTally implements SmsVisitor {
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

const ZERO_PRICE = parseUnitPrice("0");

function line(
  service: StatementLine["service"],
  description: string,
  quantity: Quantity,
  unit: string,
  unitLabel: string,
  unitPrice: ReturnType<typeof parseUnitPrice>,
  rule: string,
  trial: boolean,
  inForce?: PriceSegment,
): { line: StatementLine; amount: Money } {
  const amount = lineAmount(quantity, unitPrice);
  return {
    amount,
    line: {
      service,
      description,
      quantity: formatQuantity(quantity),
      unit,
      unitLabel,
      unitPrice: formatUnitPrice(unitPrice),
      amount: formatMoney(amount),
      rule,
      trial,
      ...(inForce ? { inForce: { from: inForce.from, to: inForce.to } } : {}),
    },
  };
}

/**
 * The billed lines of a usage-priced service, one per price in force during the period (R-CHANGE-1, 3.11):
 * with one price the line reads as the signed contract's; with several, each names its days. Usage on days
 * the service is not in force (cancelled, or not yet added) is shown at no charge.
 */
function pricedLines(
  service: ContractService,
  segments: readonly PriceSegment[],
  quantities: readonly Quantity[],
  unit: string,
  unitLabel: string,
  rule: "R-PRICE-2" | "R-PRICE-3",
): Array<{ line: StatementLine; amount: Money }> {
  return segments.flatMap((segment, index) => {
    const quantity = quantities[index] ?? wholeQuantity(0);
    const days = `${segment.from} 至 ${segment.to}`;
    if (segment.unitPrice === null) {
      if (quantity.numerator === 0n) return [];
      const text = `${service.description}（${days} 不在服务期内，不计费）`;
      return [
        line(service.service, text, quantity, unit, unitLabel, ZERO_PRICE, "R-CHANGE-1", false, segment),
      ];
    }
    const spans = segments.length > 1;
    return [
      line(
        service.service,
        spans ? `${service.description}（${days}）` : service.description,
        quantity,
        unit,
        unitLabel,
        parseUnitPrice(segment.unitPrice),
        rule,
        false,
        spans ? segment : undefined,
      ),
    ];
  });
}

function requireService(contract: Contract, name: ServiceName, file: string) {
  const service = contractService(contract, name);
  if (!service)
    throw new RatingError(`contract ${contract.contractId} does not price "${name}", but ${file} was given`);
  return service;
}

const TRIAL_NOTE = "（试运行期，乙方承担）";

/** Rates one period's usage streams into a statement. Streams are read once, chunk by chunk. */
export async function rateUsage(input: RateUsageInput): Promise<Statement> {
  const { contract } = input;
  const period = parsePeriod(input.period);
  const periodStart = firstDayOfPeriod(period);
  const periodEnd = lastDayOfPeriod(period);
  const billingStartsOn = contractRule(contract, "billingStartsOn");
  const billingStartMs = startOfDay(billingStartsOn).getTime();
  const bounds = periodBounds(period);
  // R-TRIAL-1 relative to R-PERIOD-1: how much of this month is before billing starts.
  const periodInTrial =
    billingStartMs >= bounds.endExclusive.getTime()
      ? "entire"
      : billingStartMs > bounds.start.getTime()
        ? "partial"
        : "none";

  const adjustments = (input.adjustments ?? []).map((adjustment, index) => {
    if (adjustment.rule !== "R-RECON-4" && adjustment.rule !== "R-PAY-1")
      throw new RatingError(`adjustment ${index}: rule must be R-RECON-4 or R-PAY-1`);
    const fromPeriod = parsePeriod(adjustment.fromPeriod);
    if (fromPeriod >= period) {
      throw new RatingError(
        `adjustment ${index}: from ${fromPeriod} cannot be carried into ${period} (R-RECON-4)`,
      );
    }
    const amount = typeof adjustment.amount === "string" ? parseMoney(adjustment.amount) : adjustment.amount;
    return { ...adjustment, fromPeriod, amount };
  });

  // One log per file, so the kept rejections do not depend on how the two concurrent reads interleave.
  const voiceRejections = new RejectionLog();
  const smsRejections = new RejectionLog();
  const voiceService = input.voice ? requireService(contract, "voice-outbound", "a voice CDR") : undefined;
  const smsService = input.sms ? requireService(contract, "sms", "an SMS log") : undefined;
  // R-CHANGE-1: the prices in force during the period, so each record is rated at its own day's price.
  const voiceSegments = voiceService ? priceSegments(voiceService, periodStart, periodEnd) : [];
  const smsSegments = smsService ? priceSegments(smsService, periodStart, periodEnd) : [];
  const firstDay = termStartDate(contract);
  const lastDay = input.contractLastDay === undefined ? null : parseLocalDate(input.contractLastDay);
  const window = new ContractWindow(
    startOfDay(firstDay).getTime(),
    lastDay === null ? Number.POSITIVE_INFINITY : startOfDay(addDays(lastDay, 1)).getTime(),
  );
  const voice = new VoiceTally(
    contractRule(contract, "voiceRoundingSeconds"),
    billingStartMs,
    voiceRejections,
    voiceSegments,
    window,
  );
  const signatureLength = codePointLength(contract.access.smsSignature);
  const sms = new SmsTally(
    signatureLength,
    contractRule(contract, "smsPartLength"),
    billingStartMs,
    smsRejections,
    smsSegments,
    window,
  );
  // The two files are independent: read them concurrently (I/O of one overlaps parsing of the other).
  const [voiceScan, smsScan] = await Promise.all([
    input.voice ? scanVoiceCsv(input.voice, voice, { period }) : undefined,
    input.sms ? scanSmsCsv(input.sms, sms, { period }) : undefined,
  ]);

  const built: Array<{ line: StatementLine; amount: Money }> = [];
  const monthly = contractService(contract, "monthly-fee");
  // R-CHANGE-1: the monthly fee changes on a 1st only (contract schema), so one price holds the month.
  const monthlyPrice = monthly ? priceOn(monthly, periodStart) : null;
  if (monthly && monthlyPrice !== null) {
    if (periodInTrial === "entire") {
      // R-TRIAL-1: the fee of a month entirely before billing starts is Party B's.
      built.push(
        line(
          "monthly-fee",
          monthly.description + TRIAL_NOTE,
          wholeQuantity(1),
          "month",
          "月",
          ZERO_PRICE,
          "R-TRIAL-1",
          true,
        ),
      );
    } else {
      // R-PRICE-1: one lump charge per month. With proration "daily", a month in which billing starts
      // (R-TRIAL-1) or the contract ends (R-END-1) is charged for its billed days only; with "none" (the
      // default) it is charged in full.
      const billedFrom = periodInTrial === "partial" ? billingStartsOn : periodStart;
      const billedTo = lastDay !== null && lastDay < periodEnd ? lastDay : periodEnd;
      const billedDays = Math.max(0, daysBetween(billedFrom, billedTo) + 1);
      const daysInPeriod = daysBetween(periodStart, periodEnd) + 1;
      const prorated = contractRule(contract, "monthlyFeeProration") === "daily" && billedDays < daysInPeriod;
      const quantity = prorated
        ? { numerator: BigInt(billedDays), denominator: BigInt(daysInPeriod) }
        : wholeQuantity(1);
      built.push(
        line(
          "monthly-fee",
          monthly.description,
          quantity,
          "month",
          "月",
          parseUnitPrice(monthlyPrice),
          "R-PRICE-1",
          false,
        ),
      );
    }
  }

  const rounding = BigInt(contractRule(contract, "voiceRoundingSeconds"));
  const minutes = (units: number): Quantity => ({ numerator: BigInt(units) * rounding, denominator: 60n });
  if (voiceService) {
    if (periodInTrial !== "entire") {
      built.push(
        ...pricedLines(
          voiceService,
          voiceSegments,
          voice.billedBySegment.map(minutes),
          "minute",
          "分钟",
          "R-PRICE-2",
        ),
      );
    }
    if (periodInTrial !== "none") {
      built.push(
        line(
          "voice-outbound",
          voiceService.description + TRIAL_NOTE,
          minutes(voice.trialUnits),
          "minute",
          "分钟",
          ZERO_PRICE,
          "R-TRIAL-1",
          true,
        ),
      );
    }
    if (voice.inbound > 0) {
      built.push(
        line(
          "voice-inbound",
          "语音通话（被叫，免费）",
          wholeQuantity(voice.inbound),
          "call",
          "次",
          ZERO_PRICE,
          "R-PRICE-2",
          false,
        ),
      );
    }
  }

  if (smsService) {
    if (periodInTrial !== "entire") {
      built.push(
        ...pricedLines(
          smsService,
          smsSegments,
          sms.billedBySegment.map(wholeQuantity),
          "message",
          "条",
          "R-PRICE-3",
        ),
      );
    }
    if (periodInTrial !== "none") {
      built.push(
        line(
          "sms",
          smsService.description + TRIAL_NOTE,
          wholeQuantity(sms.trialParts),
          "message",
          "条",
          ZERO_PRICE,
          "R-TRIAL-1",
          true,
        ),
      );
    }
    if (sms.uplinkIgnored > 0) {
      built.push(
        line(
          "sms-uplink",
          "上行短信（发送方付费，不计入）",
          wholeQuantity(sms.uplinkIgnored),
          "message",
          "条",
          ZERO_PRICE,
          "R-UPLINK-1",
          false,
        ),
      );
    }
  }

  for (const adjustment of adjustments) {
    const price = adjustment.amount;
    built.push({
      amount: price,
      line: {
        service: "adjustment",
        description: `${adjustment.description}（${adjustment.fromPeriod} 账期）`,
        quantity: "1",
        unit: "item",
        unitLabel: "项",
        unitPrice: formatMoney(price),
        amount: formatMoney(price),
        rule: adjustment.rule,
        trial: false,
      },
    });
  }

  return {
    contractId: contract.contractId,
    period,
    periodStart,
    periodEnd,
    currency: "CNY",
    lines: built.map((entry) => entry.line),
    // R-MONEY-1: the total is the sum of the rounded lines.
    total: formatMoney(built.length ? sumMoney(built.map((entry) => entry.amount)) : ZERO),
    trial: { billingStartsOn, periodInTrial },
    rejected: [...voiceRejections.kept, ...smsRejections.kept],
    rejectedCount: voiceRejections.count + smsRejections.count,
    ...(window.beforeFirstDay + window.afterLastDay > 0
      ? {
          outsideContract: {
            firstDay,
            lastDay,
            beforeFirstDay: window.beforeFirstDay,
            afterLastDay: window.afterLastDay,
          },
        }
      : {}),
    ...(input.missingUsage && input.missingUsage.length > 0
      ? { missingUsage: USAGE_FILES.filter((file) => input.missingUsage?.includes(file)) }
      : {}),
    usage: {
      voiceRecords: voiceScan?.records ?? 0,
      voiceCalls: voice.calls,
      voiceOutboundCalls: voice.outbound,
      voiceInboundCalls: voice.inbound,
      voiceMinutesBilled: formatQuantity(minutes(voice.billedUnits)),
      voiceTrialMinutes: formatQuantity(minutes(voice.trialUnits)),
      smsRecords: smsScan?.records ?? 0,
      smsMessages: sms.messages,
      smsDownlinkMessages: sms.downlink,
      smsParts: sms.billedParts,
      smsTrialParts: sms.trialParts,
      smsUplinkIgnored: sms.uplinkIgnored,
      trialRecords: voice.trialRecords + sms.trialRecords,
    },
  };
}
