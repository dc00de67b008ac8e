/**
 * A billing cycle's record: its fields, the schema a stored item is checked against, and the conversions
 * between the record (money in fen) and the stored item (money as decimal strings, R-MONEY-1). The cycle
 * repository (./cycles.ts) reads and writes it; this module does no I/O.
 */

import * as z from "zod";
import type { DeadlineMove } from "../../core/calendar-recompute";
import { formatFen, MONEY_PATTERN, parseYuanToFen } from "../../core/money";
import { strip } from "./table";

export type ReconciliationOutcome = "confirmed" | "within-tolerance" | "re-reconcile" | "no-reply";

export interface Breach {
  rule: string;
  party: "A" | "B";
  what: string;
  noticedAt: string;
  cureDeadline: string;
}

/** One billing cycle (计费账期) of one contract: the bill, its deadlines and what each party did. */
export interface CycleRecord {
  contractId: string;
  period: string;
  billId: string;
  /** The bill's total (R-MONEY-1); stored as 2-decimal yuan text under `billTotal` (ADR 0014). */
  billTotalFen: bigint;
  billDue: string;
  billDueProvisional: boolean;
  statement: unknown;
  lastPeriod: boolean;
  /** The month's compliance findings (R-CALL-1, R-SMS-3, R-THROTTLE-1), stored with the bill. */
  compliance?: unknown;
  sentAt?: string;
  lateBill?: boolean;
  reconciliationDeadline?: string;
  reminderAt?: string | null;
  paymentDue?: string;
  replyKey?: string;
  reconciliation?: {
    outcome: ReconciliationOutcome;
    partyAAmountFen?: bigint;
    receivedAt?: string;
    /** Party A's figure minus the bill total (R-RECON-2). */
    differenceFen?: bigint;
    /** The emailed reply that decided, by SES message id (absent for a person's or the deadline's decision). */
    sesMessageId?: string;
  };
  reReconciliationDeadline?: string;
  agreed?:
    | { agreedAmountFen: bigint; adjustmentFen: bigint; recordedAt: string }
    | { unresolved: true; recordedAt: string };
  payment?: { paidAt: string; amountFen: bigint; invoiceDue: string };
  invoice?: { invoicedAt: string; invoiceNumber: string };
  breaches?: Breach[];
  adjustmentNextPeriodFen?: bigint;
  closedAt?: string;
  /** Deadlines an official calendar moved after they were stored (R-WD-3, ADR 0042). */
  calendarMoves?: CalendarMove[];
  /** Open task tokens of what the cycle awaits; never logged, never emailed. */
  paymentToken?: string;
  invoiceToken?: string;
  agreedAmountToken?: string;
}

/** A stored deadline an official calendar moved (R-WD-3), with the year whose loading moved it. */
export type CalendarMove = DeadlineMove & { year: number };

const breachSchema = z.object({
  rule: z.string(),
  party: z.enum(["A", "B"]),
  what: z.string(),
  noticedAt: z.string(),
  cureDeadline: z.string(),
});

/**
 * Money on a stored cycle is 2-decimal yuan text under the attribute names items have always had; the
 * record in TypeScript carries bigint fen under `…Fen` names (R-MONEY-1, ADR 0014). This pair of
 * mappings is the only place the two meet.
 */
const storedYuan = z
  .string()
  .regex(MONEY_PATTERN)
  .transform((text) => parseYuanToFen(text, "any"));

/**
 * A cycle item as read back: validated, so a malformed or half-written item fails where it is read
 * (style.md: zod for records read from storage); fields this version does not know are kept.
 */
const storedCycleSchema = z.looseObject({
  contractId: z.string(),
  period: z.string(),
  billId: z.string(),
  billTotal: storedYuan,
  billDue: z.string(),
  billDueProvisional: z.boolean(),
  statement: z.unknown(),
  lastPeriod: z.boolean(),
  compliance: z.unknown().optional(),
  sentAt: z.string().optional(),
  lateBill: z.boolean().optional(),
  reconciliationDeadline: z.string().optional(),
  reminderAt: z.string().nullable().optional(),
  paymentDue: z.string().optional(),
  replyKey: z.string().optional(),
  reconciliation: z
    .object({
      outcome: z.enum(["confirmed", "within-tolerance", "re-reconcile", "no-reply"]),
      partyAAmount: storedYuan.optional(),
      receivedAt: z.string().optional(),
      difference: storedYuan.optional(),
      sesMessageId: z.string().optional(),
    })
    .optional(),
  reReconciliationDeadline: z.string().optional(),
  agreed: z
    .union([
      z.object({ agreedAmount: storedYuan, adjustment: storedYuan, recordedAt: z.string() }),
      z.object({ unresolved: z.literal(true), recordedAt: z.string() }),
    ])
    .optional(),
  payment: z.object({ paidAt: z.string(), amount: storedYuan, invoiceDue: z.string() }).optional(),
  invoice: z.object({ invoicedAt: z.string(), invoiceNumber: z.string() }).optional(),
  breaches: z.array(breachSchema).optional(),
  adjustmentNextPeriod: storedYuan.optional(),
  closedAt: z.string().optional(),
  calendarMoves: z
    .array(
      z.object({
        field: z.enum([
          "billDue",
          "reminderAt",
          "reconciliationDeadline",
          "paymentDue",
          "reReconciliationDeadline",
          "invoiceDue",
        ]),
        rule: z.string(),
        name: z.string(),
        from: z.string(),
        to: z.string(),
        year: z.number().int(),
      }),
    )
    .optional(),
  paymentToken: z.string().optional(),
  invoiceToken: z.string().optional(),
  agreedAmountToken: z.string().optional(),
});

const cycleRecordSchema: z.ZodType<CycleRecord, unknown> = storedCycleSchema.transform(
  ({ billTotal, reconciliation, agreed, payment, adjustmentNextPeriod, ...rest }): CycleRecord => ({
    ...rest,
    billTotalFen: billTotal,
    ...(reconciliation === undefined
      ? {}
      : {
          reconciliation: {
            outcome: reconciliation.outcome,
            ...(reconciliation.partyAAmount === undefined
              ? {}
              : { partyAAmountFen: reconciliation.partyAAmount }),
            ...(reconciliation.receivedAt === undefined ? {} : { receivedAt: reconciliation.receivedAt }),
            ...(reconciliation.difference === undefined ? {} : { differenceFen: reconciliation.difference }),
            ...(reconciliation.sesMessageId === undefined
              ? {}
              : { sesMessageId: reconciliation.sesMessageId }),
          },
        }),
    ...(agreed === undefined
      ? {}
      : {
          agreed:
            "unresolved" in agreed
              ? agreed
              : {
                  agreedAmountFen: agreed.agreedAmount,
                  adjustmentFen: agreed.adjustment,
                  recordedAt: agreed.recordedAt,
                },
        }),
    ...(payment === undefined
      ? {}
      : { payment: { paidAt: payment.paidAt, amountFen: payment.amount, invoiceDue: payment.invoiceDue } }),
    ...(adjustmentNextPeriod === undefined ? {} : { adjustmentNextPeriodFen: adjustmentNextPeriod }),
  }),
);

type Reconciliation = NonNullable<CycleRecord["reconciliation"]>;
type Agreed = NonNullable<CycleRecord["agreed"]>;
type Payment = NonNullable<CycleRecord["payment"]>;

/**
 * Cycle facts as JSON (ADR 0014): money as 2-decimal yuan text under its stored names — what is stored, and
 * what task outputs and handler results carry to the workflows, which read them as they always did.
 */
export function reconciliationAsYuan(reconciliation: Reconciliation) {
  const { partyAAmountFen, differenceFen, ...facts } = reconciliation;
  return {
    ...facts,
    ...(partyAAmountFen === undefined ? {} : { partyAAmount: formatFen(partyAAmountFen) }),
    ...(differenceFen === undefined ? {} : { difference: formatFen(differenceFen) }),
  };
}

export function agreedAsYuan(agreed: Agreed) {
  return "unresolved" in agreed
    ? agreed
    : {
        agreedAmount: formatFen(agreed.agreedAmountFen),
        adjustment: formatFen(agreed.adjustmentFen),
        recordedAt: agreed.recordedAt,
      };
}

export function paymentAsYuan(payment: Payment) {
  return { paidAt: payment.paidAt, amount: formatFen(payment.amountFen), invoiceDue: payment.invoiceDue };
}

/** Cycle fields as stored: money as 2-decimal yuan text under its stored attribute name (ADR 0014). */
export function storedCycleFields(fields: Partial<CycleRecord>): Record<string, unknown> {
  const { billTotalFen, reconciliation, agreed, payment, adjustmentNextPeriodFen, ...rest } = fields;
  const stored: Record<string, unknown> = { ...rest };
  if (billTotalFen !== undefined) stored.billTotal = formatFen(billTotalFen);
  if (reconciliation !== undefined) stored.reconciliation = reconciliationAsYuan(reconciliation);
  if (agreed !== undefined) stored.agreed = agreedAsYuan(agreed);
  if (payment !== undefined) stored.payment = paymentAsYuan(payment);
  if (adjustmentNextPeriodFen !== undefined) stored.adjustmentNextPeriod = formatFen(adjustmentNextPeriodFen);
  return stored;
}

export const cycleOf = (item: Record<string, unknown>): CycleRecord => cycleRecordSchema.parse(strip(item));

export const cycleKey = (period: string) => `CYCLE#${period}`;
