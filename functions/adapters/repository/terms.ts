/** The renewal watch: one item per term (R-TERM-1, R-TERM-2), with its notice and outcome. */

import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { documentClient } from "../aws-config";
import {
  conditionalUpdate,
  contractKey,
  getItem,
  NotFoundError,
  parseRecord,
  putIfAbsent,
  table,
} from "./table";

const termRecordSchema = z.object({
  contractId: z.string(),
  term: z.number().int().min(1),
  firstDay: z.string(),
  lastDay: z.string(),
  noticeDeadline: z.string(),
  noticeToken: z.string().optional(),
  notice: z
    .object({
      kind: z.string(),
      method: z.string(),
      region: z.string().nullable(),
      dispatched: z.string(),
      deemedDeliveredOn: z.string(),
      inTime: z.boolean(),
      /** R-TERM-3: an early termination's last day (before the term's own). */
      endsOn: z.string().optional(),
    })
    .optional(),
  /**
   * renewed (R-TERM-2) or ended (R-END-1); cancelled: a term that never began because a notice filed
   * against the term before it, deemed delivered in time, undid that term's renewal (R-NOTICE-2, R-TERM-3).
   */
  outcome: z.enum(["renewed", "ended", "cancelled"]).optional(),
});
export type TermRecord = z.infer<typeof termRecordSchema>;
export type TermOutcome = NonNullable<TermRecord["outcome"]>;

const termKey = (term: number) => `TERM#${String(term).padStart(3, "0")}`;

export class TermOutcomeConflictError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TermOutcomeConflictError";
  }
}

export async function putTerm(record: TermRecord): Promise<boolean> {
  return putIfAbsent({
    PK: contractKey(record.contractId),
    SK: termKey(record.term),
    ...record,
  });
}

export async function getTerm(contractId: string, term: number): Promise<TermRecord | undefined> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), termKey(term));
  return item ? parseRecord(termRecordSchema, item, "term") : undefined;
}

export async function updateTerm(
  contractId: string,
  term: number,
  fields: Partial<TermRecord>,
): Promise<void> {
  const entries = Object.entries(fields);
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { PK: contractKey(contractId), SK: termKey(term) },
      UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([key], i) => [`#f${i}`, key])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
      ConditionExpression: "attribute_exists(PK)",
    }),
  );
}

/** Records the term's written notice once (R-NOTICE-2): false if one was already recorded. */
export async function setTermNoticeOnce(
  contractId: string,
  term: number,
  notice: NonNullable<TermRecord["notice"]>,
): Promise<boolean> {
  return conditionalUpdate(
    contractKey(contractId),
    `TERM#${String(term).padStart(3, "0")}`,
    "SET notice = :n",
    "attribute_not_exists(notice)",
    { values: { ":n": notice } },
  );
}

/**
 * Records how the term ended (R-TERM-2 renewed, R-END-1 ended). Setting the same outcome again is a
 * no-op, so a retried step goes on to its remaining writes; the other outcome is refused — a term is
 * never both renewed and ended.
 */
export async function setTermOutcome(contractId: string, term: number, outcome: TermOutcome): Promise<void> {
  const set = await conditionalUpdate(
    contractKey(contractId),
    termKey(term),
    "SET outcome = :o",
    "attribute_not_exists(outcome) OR outcome = :o",
    { values: { ":o": outcome } },
  );
  if (set) return;
  const existing = await getTerm(contractId, term);
  if (!existing) throw new NotFoundError(`contract ${contractId} has no term ${term}`);
  throw new TermOutcomeConflictError(
    `contract ${contractId} term ${term} is already ${existing.outcome ?? "undecided"}, cannot be ${outcome}`,
  );
}

/**
 * R-NOTICE-2, R-TERM-3: a term renewed before its in-time notice was recorded ends after all. Renewed
 * becomes ended; ended again is a no-op (a retried undo); anything else is refused.
 */
export async function reviseRenewalToEnded(contractId: string, term: number): Promise<void> {
  const revised = await conditionalUpdate(
    contractKey(contractId),
    termKey(term),
    "SET outcome = :ended",
    "outcome = :renewed OR outcome = :ended",
    { values: { ":ended": "ended", ":renewed": "renewed" } },
  );
  if (revised) return;
  const existing = await getTerm(contractId, term);
  throw new TermOutcomeConflictError(
    `contract ${contractId} term ${term} is ${existing?.outcome ?? "undecided"}, not renewed: no renewal to undo`,
  );
}
