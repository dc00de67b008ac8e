/**
 * The bill's lines (账单明细): the counted quantities of a period, priced. A line's amount is computed here,
 * once (R-MONEY-1: round once per line, never per call or message); the statement's total is the sum of these
 * rounded lines.
 */
import { type PriceSegment, priceOn } from "../changes";
import { type Contract, type ContractService, contractRule, contractService } from "../contract";
import {
  formatMoney,
  formatQuantity,
  formatUnitPrice,
  lineAmount,
  type Money,
  parseUnitPrice,
  type Quantity,
  type UnitPrice,
  wholeQuantity,
} from "../money";
import type { Statement, StatementLine } from "../statement";
import { daysBetween, type LocalDate, type Period } from "../time";
import type { BillableCount, SmsTally, VoiceTally } from "./usage-tally";

/** A statement line with its exact amount, kept for the total (R-MONEY-1). */
export interface RatedLine {
  line: StatementLine;
  amount: Money;
}

/** R-TRIAL-1 relative to R-PERIOD-1: how much of the period lies before billing starts. */
export type PeriodInTrial = Statement["trial"]["periodInTrial"];

const ZERO_PRICE = parseUnitPrice("0");

const TRIAL_NOTE = "（试运行期，乙方承担）";

function line(
  service: StatementLine["service"],
  description: string,
  quantity: Quantity,
  unit: string,
  unitLabel: string,
  unitPrice: UnitPrice,
  rule: string,
  trial: boolean,
  inForce?: PriceSegment,
): RatedLine {
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

/** R-TRIAL-1: usage before billing starts is shown, at no charge to Party A (Party B bears it). */
function trialLine(service: ContractService, quantity: Quantity, unit: string, unitLabel: string): RatedLine {
  return line(
    service.service,
    service.description + TRIAL_NOTE,
    quantity,
    unit,
    unitLabel,
    ZERO_PRICE,
    "R-TRIAL-1",
    true,
  );
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
): RatedLine[] {
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

export interface MonthlyFeeDays {
  periodStart: LocalDate;
  periodEnd: LocalDate;
  periodInTrial: PeriodInTrial;
  billingStartsOn: LocalDate;
  /** The contract's last day, once it has one (R-TERM-4, R-END-1). */
  lastDay: LocalDate | null;
}

/** The monthly fee's line (R-PRICE-1), none when the contract has no monthly fee in force this month. */
export function monthlyFeeLines(contract: Contract, days: MonthlyFeeDays): RatedLine[] {
  const { periodStart, periodEnd, periodInTrial, billingStartsOn, lastDay } = days;
  const monthly = contractService(contract, "monthly-fee");
  // R-CHANGE-1: the monthly fee changes on a 1st only (contract schema), so one price holds the month.
  const monthlyPrice = monthly ? priceOn(monthly, periodStart) : null;
  if (!monthly || monthlyPrice === null) return [];
  // R-TRIAL-1: the fee of a month entirely before billing starts is Party B's.
  if (periodInTrial === "entire") return [trialLine(monthly, wholeQuantity(1), "month", "月")];
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
  return [
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
  ];
}

/** R-PRICE-2: billed rounding units as minutes (a 60-second unit is one minute, a 6-second unit 1/10). */
export function voiceMinutes(units: number, roundingSeconds: number): Quantity {
  return { numerator: BigInt(units) * BigInt(roundingSeconds), denominator: 60n };
}

/**
 * A usage-priced service's lines: billed at the prices in force unless the whole period is in the trial, and
 * its trial part (R-TRIAL-1) unless none of the period is.
 */
function usageLines(
  service: ContractService,
  segments: readonly PriceSegment[],
  count: BillableCount,
  quantityOf: (count: number) => Quantity,
  unit: string,
  unitLabel: string,
  rule: "R-PRICE-2" | "R-PRICE-3",
  periodInTrial: PeriodInTrial,
): RatedLine[] {
  const billed = count.billedBySegment.map((billedCount) => quantityOf(billedCount));
  return [
    ...(periodInTrial !== "entire" ? pricedLines(service, segments, billed, unit, unitLabel, rule) : []),
    ...(periodInTrial !== "none" ? [trialLine(service, quantityOf(count.trial), unit, unitLabel)] : []),
  ];
}

/** Records shown for information only, never charged: calls Party A receives, messages sent to its port. */
function freeLine(
  service: "voice-inbound" | "sms-uplink",
  description: string,
  count: number,
  unit: string,
  unitLabel: string,
  rule: "R-PRICE-2" | "R-UPLINK-1",
): RatedLine[] {
  return count > 0
    ? [line(service, description, wholeQuantity(count), unit, unitLabel, ZERO_PRICE, rule, false)]
    : [];
}

/** Outbound voice at the prices in force (R-PRICE-2, R-CHANGE-1), its trial part, and free inbound calls. */
export function voiceLines(
  service: ContractService,
  segments: readonly PriceSegment[],
  tally: VoiceTally,
  periodInTrial: PeriodInTrial,
  roundingSeconds: number,
): RatedLine[] {
  const minutes = (units: number) => voiceMinutes(units, roundingSeconds);
  return [
    ...usageLines(service, segments, tally.units, minutes, "minute", "分钟", "R-PRICE-2", periodInTrial),
    ...freeLine("voice-inbound", "语音通话（被叫，免费）", tally.inbound, "call", "次", "R-PRICE-2"),
  ];
}

/** Downlink SMS parts at the prices in force (R-PRICE-3, R-SMS-1, R-CHANGE-1), its trial part, and uplink. */
export function smsLines(
  service: ContractService,
  segments: readonly PriceSegment[],
  tally: SmsTally,
  periodInTrial: PeriodInTrial,
): RatedLine[] {
  return [
    ...usageLines(service, segments, tally.parts, wholeQuantity, "message", "条", "R-PRICE-3", periodInTrial),
    ...freeLine(
      "sms-uplink",
      "上行短信（发送方付费，不计入）",
      tally.uplinkIgnored,
      "message",
      "条",
      "R-UPLINK-1",
    ),
  ];
}

/** An earlier period's difference or credit as one item (R-RECON-4, R-PAY-1; ADR 0010). */
export function adjustmentLine(
  adjustment: { description: string; fromPeriod: Period; rule: string },
  price: Money,
): RatedLine {
  return {
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
  };
}
