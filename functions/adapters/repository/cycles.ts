/** Billing cycles: one item per contract and period, with the bill, its deadlines and what each party did. */

import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { CycleDeadlineField } from "../../core/calendar-recompute";
import { expiresAtSeconds, RETENTION_MONTHS } from "../../core/retention";
import { documentClient } from "../aws-config";
import { now } from "../clock";
import {
  type Breach,
  type CalendarMove,
  type CycleRecord,
  cycleKey,
  cycleOf,
  storedCycleFields,
} from "./cycle-record";
import {
  conditionalUpdate,
  conditionalUpdateReturningItem,
  contractKey,
  getItem,
  NotFoundError,
  putIfAbsent,
  queryAll,
  queryBetween,
  table,
} from "./table";

export {
  agreedAsYuan,
  type Breach,
  type CalendarMove,
  type CycleRecord,
  paymentAsYuan,
  type ReconciliationOutcome,
  reconciliationAsYuan,
} from "./cycle-record";

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

/** The contract's cycles of `period` and later periods, in period order. */
export async function listCyclesFrom(contractId: string, period: string): Promise<CycleRecord[]> {
  // Periods are YYYY-MM: every later period's key sorts between this one's and "CYCLE#9999-99".
  return (
    await queryBetween<Record<string, unknown>>(
      contractKey(contractId),
      cycleKey(period),
      cycleKey("9999-99"),
    )
  ).map(cycleOf);
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
