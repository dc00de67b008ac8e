/**
 * The statement (账单) of one billing period: immutable lines with a type, quantities and amounts as decimal
 * strings (JSON-safe across Lambda and Step Functions payloads, never floats — R-MONEY-1), the rejected usage
 * records with their reason, and the usage counts the bill email shows (R-BILL-1: "per service, the actual
 * usage, the settlement amount").
 */
import * as z from "zod";
import { MONEY_PATTERN, type Money, parseMoney } from "./money";

const moneyText = z.string().regex(MONEY_PATTERN);
const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/);

export const STATEMENT_SERVICES = [
  "monthly-fee",
  "voice-outbound",
  "voice-inbound",
  "sms",
  "sms-uplink",
  "adjustment",
] as const;

export const statementLineSchema = z.object({
  service: z.enum(STATEMENT_SERVICES),
  /** Chinese description as on the bill, e.g. "语音通话费（主叫）". */
  description: z.string(),
  /** Decimal text; fractional for 6-second voice units or a prorated month. */
  quantity: decimalText,
  /** Contract unit code: month, minute, message, call, item. */
  unit: z.string(),
  /** The unit in Chinese for the bill: 月, 分钟, 条, 次, 项. */
  unitLabel: z.string(),
  /** CNY, 2–4 decimals. "0.00" for trial (R-TRIAL-1) and free lines. */
  unitPrice: decimalText,
  /** CNY, rounded half-up to the fen once for the whole line (R-MONEY-1). */
  amount: moneyText,
  /** The rule the line applies, e.g. R-PRICE-2, R-TRIAL-1, R-RECON-4. */
  rule: z.string(),
  /** True for usage before billing starts, borne by Party B (R-TRIAL-1). */
  trial: z.boolean(),
  /** The days this line's price was in force, when the period spans a price change (R-CHANGE-1, 3.11). */
  inForce: z.object({ from: z.string(), to: z.string() }).optional(),
});

export const rejectedRecordSchema = z.object({
  file: z.enum(["voice", "sms"]),
  line: z.number().int().positive(),
  reason: z.string(),
});

/** The usage files of a period: the voice CDR file and the SMS log (`usage/<contractId>/<YYYY-MM>/<kind>.csv`). */
export const USAGE_FILES = ["voice", "sms"] as const;
export type UsageFile = (typeof USAGE_FILES)[number];

export const statementSchema = z.object({
  contractId: z.string(),
  /** YYYY-MM, an Asia/Shanghai calendar month (R-PERIOD-1). */
  period: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  currency: z.literal("CNY"),
  lines: z.array(statementLineSchema),
  /** The sum of the rounded line amounts (R-MONEY-1). */
  total: moneyText,
  trial: z.object({
    /** R-TRIAL-1: first billed day. */
    billingStartsOn: z.string(),
    /** How much of the period lies before billingStartsOn. */
    periodInTrial: z.enum(["none", "partial", "entire"]),
  }),
  /** Up to REJECTED_KEPT rejections per file (voice first, then SMS, by line); `rejectedCount` counts them all. */
  rejected: z.array(rejectedRecordSchema),
  rejectedCount: z.number().int().nonnegative(),
  /**
   * Usage files the contract's services call for that were not there when the bill was rated: their usage
   * is not on this bill, which says so, and Party B's contact is warned (never a silent bill).
   */
  missingUsage: z.array(z.enum(USAGE_FILES)).optional(),
  /**
   * Usage records dated before the contract took effect (R-TERM-1) or after its last day (R-TERM-4, R-END-1):
   * not billed, and the statement says how many and why. Absent when there are none.
   */
  outsideContract: z
    .object({
      firstDay: z.string(),
      /** The contract's last day when the bill was rated, null while it runs on. */
      lastDay: z.string().nullable(),
      beforeFirstDay: z.number().int().nonnegative(),
      afterLastDay: z.number().int().nonnegative(),
    })
    .optional(),
  usage: z.object({
    voiceRecords: z.number().int().nonnegative(),
    voiceCalls: z.number().int().nonnegative(),
    voiceOutboundCalls: z.number().int().nonnegative(),
    voiceInboundCalls: z.number().int().nonnegative(),
    /** Billed minutes of outbound calls after per-call rounding (R-PRICE-2), billing part only. */
    voiceMinutesBilled: decimalText,
    voiceTrialMinutes: decimalText,
    smsRecords: z.number().int().nonnegative(),
    smsMessages: z.number().int().nonnegative(),
    smsDownlinkMessages: z.number().int().nonnegative(),
    /** Billed parts (R-SMS-1), billing part only. */
    smsParts: z.number().int().nonnegative(),
    smsTrialParts: z.number().int().nonnegative(),
    smsUplinkIgnored: z.number().int().nonnegative(),
    /** Calls and messages before billingStartsOn (R-TRIAL-1). */
    trialRecords: z.number().int().nonnegative(),
  }),
});

export type StatementLine = z.infer<typeof statementLineSchema>;
export type RejectedUsageRecord = z.infer<typeof rejectedRecordSchema>;
export type Statement = z.infer<typeof statementSchema>;

/** How many rejections a statement lists; the rest are only counted, so memory stays bounded. */
export const REJECTED_KEPT = 1000;

/** The statement total as Money (for reconciliation, budget and payment checks). */
export function statementTotal(statement: Statement): Money {
  return parseMoney(statement.total);
}
