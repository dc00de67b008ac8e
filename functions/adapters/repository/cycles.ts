/** Billing cycles: one item per contract and period, with the bill, its deadlines and what each party did. */

import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { CycleDeadlineField, DeadlineMove } from "../../core/calendar-recompute";
import { formatFen, MONEY_PATTERN, parseYuanToFen } from "../../core/money";
import { expiresAtSeconds, RETENTION_MONTHS } from "../../core/retention";
import { documentClient } from "../aws-config";
import { now } from "../clock";
import {
  conditionalUpdate,
  conditionalUpdateReturningItem,
  contractKey,
  getItem,
  NotFoundError,
  putIfAbsent,
  queryAll,
  strip,
  table,
} from "./table";

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
function storedCycleFields(fields: Partial<CycleRecord>): Record<string, unknown> {
  const { billTotalFen, reconciliation, agreed, payment, adjustmentNextPeriodFen, ...rest } = fields;
  const stored: Record<string, unknown> = { ...rest };
  if (billTotalFen !== undefined) stored.billTotal = formatFen(billTotalFen);
  if (reconciliation !== undefined) stored.reconciliation = reconciliationAsYuan(reconciliation);
  if (agreed !== undefined) stored.agreed = agreedAsYuan(agreed);
  if (payment !== undefined) stored.payment = paymentAsYuan(payment);
  if (adjustmentNextPeriodFen !== undefined) stored.adjustmentNextPeriod = formatFen(adjustmentNextPeriodFen);
  return stored;
}

const cycleOf = (item: Record<string, unknown>): CycleRecord => cycleRecordSchema.parse(strip(item));

const cycleKey = (period: string) => `CYCLE#${period}`;

/**
 * Creates the cycle with its bill; the bill id is contract + period, so a period is billed once. R-RETAIN-1
 * (ADR 0033): the bill is produced now, so the cycle expires by TTL at the end of the retention counted from
 * this month, plus the grace.
 */
export async function createCycle(cycle: CycleRecord, retentionMonths = RETENTION_MONTHS): Promise<boolean> {
  return putIfAbsent(cycleItem(cycle, retentionMonths));
}

/**
 * Creates the cycle unless it exists, and returns the cycle as stored: when this write created it, the
 * item it wrote checked by the schema as a read would check it (no read of what was just written); when it
 * existed (a retry, a concurrent run), the stored one.
 */
export async function createCycleAndGet(
  cycle: CycleRecord,
  retentionMonths = RETENTION_MONTHS,
): Promise<CycleRecord> {
  const item = cycleItem(cycle, retentionMonths);
  return (await putIfAbsent(item)) ? cycleOf(item) : getCycle(cycle.contractId, cycle.period);
}

function cycleItem(cycle: CycleRecord, retentionMonths: number): Record<string, unknown> {
  return {
    PK: contractKey(cycle.contractId),
    SK: cycleKey(cycle.period),
    ...storedCycleFields(cycle),
    expiresAt: expiresAtSeconds(now(), retentionMonths),
  };
}

export async function getCycle(contractId: string, period: string): Promise<CycleRecord> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), cycleKey(period));
  if (!item) throw new NotFoundError(`contract ${contractId} has no bill for period ${period}`);
  return cycleOf(item);
}

export async function findCycle(contractId: string, period: string): Promise<CycleRecord | undefined> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), cycleKey(period));
  return item ? cycleOf(item) : undefined;
}

export async function listCycles(contractId: string): Promise<CycleRecord[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), "CYCLE#")).map(cycleOf);
}

/** What must still be unrecorded for a stored deadline to move: its fact (nothing decided is reopened). */
const MOVE_GUARD: Record<CycleDeadlineField, keyof CycleRecord> = {
  billDue: "sentAt",
  reminderAt: "reconciliation",
  reconciliationDeadline: "reconciliation",
  paymentDue: "payment",
  reReconciliationDeadline: "agreed",
  invoiceDue: "invoice",
};

/**
 * R-WD-3: moves stored deadlines in one write, only while each still holds the value it is moved from and
 * its fact is unrecorded, and notes the moves on the cycle. False when the cycle changed meanwhile.
 */
export async function moveCycleDeadlines(
  contractId: string,
  period: string,
  moves: CalendarMove[],
): Promise<boolean> {
  const names: Record<string, string> = { "#moves": "calendarMoves", "#closed": "closedAt" };
  if (moves.some((move) => move.field === "invoiceDue")) names["#payment"] = "payment";
  const values: Record<string, unknown> = { ":moves": moves, ":none": [] };
  const sets = ["#moves = list_append(if_not_exists(#moves, :none), :moves)"];
  const conditions = ["attribute_not_exists(#closed)"];
  moves.forEach((move, i) => {
    names[`#f${i}`] = move.field;
    names[`#g${i}`] = MOVE_GUARD[move.field];
    values[`:from${i}`] = move.from;
    values[`:to${i}`] = move.to;
    const path = move.field === "invoiceDue" ? `#payment.#f${i}` : `#f${i}`;
    sets.push(`${path} = :to${i}`);
    conditions.push(`${path} = :from${i}`, `attribute_not_exists(#g${i})`);
  });
  return conditionalUpdate(
    contractKey(contractId),
    cycleKey(period),
    `SET ${sets.join(", ")}`,
    conditions.join(" AND "),
    {
      names,
      values,
    },
  );
}

/**
 * Sets fields of a cycle only if `field` is not set yet: the write that makes a step happen once
 * (the bill sent once, a payment recorded once). Returns false if it had already happened.
 */
export async function setCycleFieldsOnce(
  contractId: string,
  period: string,
  guardField: CycleGuardField,
  fields: Partial<CycleRecord>,
): Promise<boolean> {
  const { update, expression } = fieldsOnce(guardField, fields);
  return conditionalUpdate(contractKey(contractId), cycleKey(period), update, GUARD_UNSET, expression);
}

/**
 * As `setCycleFieldsOnce`, for a step that goes on with the cycle: the cycle as this write left it (the
 * update's own image of the item, no read after it), or, when the fields were set before (a retry), the
 * cycle as stored. `written` says which.
 */
export async function setCycleFieldsOnceAndGet(
  contractId: string,
  period: string,
  guardField: CycleGuardField,
  fields: Partial<CycleRecord>,
): Promise<{ written: boolean; cycle: CycleRecord }> {
  const { update, expression } = fieldsOnce(guardField, fields);
  const item = await conditionalUpdateReturningItem(
    contractKey(contractId),
    cycleKey(period),
    update,
    GUARD_UNSET,
    expression,
  );
  return item
    ? { written: true, cycle: cycleOf(item) }
    : { written: false, cycle: await getCycle(contractId, period) };
}

type CycleGuardField = Exclude<keyof CycleRecord, "billTotalFen" | "adjustmentNextPeriodFen">;

const GUARD_UNSET = "attribute_not_exists(#guard)";

function fieldsOnce(guardField: CycleGuardField, fields: Partial<CycleRecord>) {
  const entries = Object.entries(storedCycleFields(fields)).filter(([, value]) => value !== undefined);
  const names = Object.fromEntries(entries.map(([key], i) => [`#f${i}`, key]));
  const values = Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value]));
  return {
    update: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
    expression: { names: { ...names, "#guard": guardField }, values },
  };
}

const TOKEN_ATTRIBUTE = {
  payment: "paymentToken",
  invoice: "invoiceToken",
  "agreed-amount": "agreedAmountToken",
} as const;

export type CycleAwaiting = keyof typeof TOKEN_ATTRIBUTE;

/**
 * Stores (or, with null, removes) the open task token of what the cycle awaits; never logged. Returns the
 * cycle as this write left it (`ReturnValues: ALL_NEW`, the same atomic write): whatever was recorded before
 * the token is in it, and whatever is recorded after finds the token.
 */
export async function setCycleToken(
  contractId: string,
  period: string,
  awaiting: CycleAwaiting,
  taskToken: string | null,
): Promise<CycleRecord> {
  const result = await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { PK: contractKey(contractId), SK: cycleKey(period) },
      UpdateExpression: taskToken === null ? "REMOVE #a" : "SET #a = :t",
      ExpressionAttributeNames: { "#a": TOKEN_ATTRIBUTE[awaiting] },
      ...(taskToken === null ? {} : { ExpressionAttributeValues: { ":t": taskToken } }),
      ConditionExpression: "attribute_exists(PK)",
      ReturnValues: "ALL_NEW",
    }),
  );
  return cycleOf(result.Attributes ?? {});
}

export function cycleToken(cycle: CycleRecord, awaiting: CycleAwaiting): string | undefined {
  return cycle[TOKEN_ATTRIBUTE[awaiting]];
}

/**
 * Adds a breach to the cycle once per rule (R-BREACH-1): one conditional write appends the breach and
 * its rule, so a retry or a concurrent run finds the rule listed and adds nothing. Returns false then.
 */
export async function appendBreachOnce(contractId: string, period: string, breach: Breach): Promise<boolean> {
  return conditionalUpdate(
    contractKey(contractId),
    cycleKey(period),
    "SET breaches = list_append(if_not_exists(breaches, :empty), :b), breachRules = list_append(if_not_exists(breachRules, :empty), :r)",
    "attribute_not_exists(breachRules) OR NOT contains(breachRules, :rule)",
    { values: { ":b": [breach], ":r": [breach.rule], ":rule": breach.rule, ":empty": [] } },
  );
}

/**
 * R-PAY-1, R-INV-1: takes back the payment that cleared the bill, once its ledger entry is reversed: only
 * while it is still the payment recorded and no VAT invoice was issued on it. False otherwise.
 */
export async function clearPaymentOnce(contractId: string, period: string, paidAt: string): Promise<boolean> {
  return conditionalUpdate(
    contractKey(contractId),
    cycleKey(period),
    "REMOVE #payment",
    "#payment.paidAt = :paidAt AND attribute_not_exists(#invoice)",
    { names: { "#payment": "payment", "#invoice": "invoice" }, values: { ":paidAt": paidAt } },
  );
}
