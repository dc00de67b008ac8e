/**
 * Rating (计费): usage records of one period → a statement (R-PRICE-1..3, R-SMS-1, R-TRIAL-1, R-UPLINK-1,
 * R-RECON-4, R-PERIOD-1, R-MONEY-1).
 *
 * Per record only integers are accumulated (billed voice units, SMS parts; ./rating/usage-tally); money is
 * computed once per line at the end (./rating/bill-lines; R-MONEY-1: round once per line, never per call or
 * message). That also makes rating additive: rating any split of a period's records and adding the per-line
 * quantities gives the same quantities.
 */
import { priceSegments } from "./changes";
import { type Contract, contractRule, contractService, termStartDate } from "./contract";
import type { ServiceName } from "./contract/services";
import { formatMoney, formatQuantity, type Money, parseMoney, sumMoney, ZERO } from "./money";
import {
  adjustmentLine,
  monthlyFeeLines,
  type PeriodInTrial,
  type RatedLine,
  smsLines,
  voiceLines,
  voiceMinutes,
} from "./rating/bill-lines";
import { RejectionLog } from "./rating/rejection-log";
import { ContractWindow, SmsTally, VoiceTally } from "./rating/usage-tally";
import { codePointLength } from "./sms";
import { type Statement, USAGE_FILES, type UsageFile } from "./statement";
import {
  addDays,
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
  /**
   * Further visitors of the same records (the month's compliance check, ADR 0087): each file is still read
   * and parsed once, each record handed to rating first and then to these.
   */
  alsoVisit?: { voice?: VoiceVisitor; sms?: SmsVisitor };
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

function requireService(contract: Contract, name: ServiceName, file: string) {
  const service = contractService(contract, name);
  if (!service)
    throw new RatingError(`contract ${contract.contractId} does not price "${name}", but ${file} was given`);
  return service;
}

function bothVoice(first: VoiceVisitor, then: VoiceVisitor): VoiceVisitor {
  return {
    call(callStartMs, durationSeconds, outbound, line, fields) {
      first.call(callStartMs, durationSeconds, outbound, line, fields);
      then.call(callStartMs, durationSeconds, outbound, line, fields);
    },
    reject(line, reason) {
      first.reject(line, reason);
      then.reject(line, reason);
    },
  };
}

function bothSms(first: SmsVisitor, then: SmsVisitor): SmsVisitor {
  return {
    message(sentAtMs, contentChars, downlink, line, fields) {
      first.message(sentAtMs, contentChars, downlink, line, fields);
      then.message(sentAtMs, contentChars, downlink, line, fields);
    },
    reject(line, reason) {
      first.reject(line, reason);
      then.reject(line, reason);
    },
  };
}

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
  const periodInTrial: PeriodInTrial =
    billingStartMs >= bounds.endExclusive.getTime()
      ? "entire"
      : billingStartMs > bounds.start.getTime()
        ? "partial"
        : "none";

  const adjustmentLines = (input.adjustments ?? []).map((adjustment, index) => {
    if (adjustment.rule !== "R-RECON-4" && adjustment.rule !== "R-PAY-1")
      throw new RatingError(`adjustment ${index}: rule must be R-RECON-4 or R-PAY-1`);
    const fromPeriod = parsePeriod(adjustment.fromPeriod);
    if (fromPeriod >= period) {
      throw new RatingError(
        `adjustment ${index}: from ${fromPeriod} cannot be carried into ${period} (R-RECON-4)`,
      );
    }
    const amount = typeof adjustment.amount === "string" ? parseMoney(adjustment.amount) : adjustment.amount;
    return adjustmentLine({ ...adjustment, fromPeriod }, amount);
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
  const roundingSeconds = contractRule(contract, "voiceRoundingSeconds");
  const voice = new VoiceTally(roundingSeconds, billingStartMs, voiceRejections, voiceSegments, window);
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
  const also = input.alsoVisit;
  const [voiceScan, smsScan] = await Promise.all([
    input.voice
      ? scanVoiceCsv(input.voice, also?.voice ? bothVoice(voice, also.voice) : voice, { period })
      : undefined,
    input.sms ? scanSmsCsv(input.sms, also?.sms ? bothSms(sms, also.sms) : sms, { period }) : undefined,
  ]);

  const minutes = (units: number) => voiceMinutes(units, roundingSeconds);
  const built: RatedLine[] = [
    ...monthlyFeeLines(contract, { periodStart, periodEnd, periodInTrial, billingStartsOn, lastDay }),
    ...(voiceService ? voiceLines(voiceService, voiceSegments, voice, periodInTrial, roundingSeconds) : []),
    ...(smsService ? smsLines(smsService, smsSegments, sms, periodInTrial) : []),
    ...adjustmentLines,
  ];

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
      voiceMinutesBilled: formatQuantity(minutes(voice.units.billed)),
      voiceTrialMinutes: formatQuantity(minutes(voice.units.trial)),
      smsRecords: smsScan?.records ?? 0,
      smsMessages: sms.messages,
      smsDownlinkMessages: sms.downlink,
      smsParts: sms.parts.billed,
      smsTrialParts: sms.parts.trial,
      smsUplinkIgnored: sms.uplinkIgnored,
      trialRecords: voice.trialRecords + sms.trialRecords,
    },
  };
}
