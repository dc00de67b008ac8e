/**
 * The DynamoDB single table (architecture §5): every item of a contract lives under `CONTRACT#<id>`.
 * Every state change is a conditional write, so each handler is safe to run twice; money is stored as
 * decimal strings ("4218.36"), never as a number (R-MONEY-1).
 */

import { randomBytes } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import type { CycleDeadlineField, DeadlineMove } from "../core/calendar-recompute";
import { type Contract, contractSchema } from "../core/contract";
import { fromStored, type LedgerEntry, toStored } from "../core/ledger";
import { expiresAtSeconds } from "../core/retention";
import { awsConfig, documentClient } from "./aws-config";
import { now } from "./clock";
import { operatorIdentity } from "./operator-identity";

const contractKey = (contractId: string) => `CONTRACT#${contractId}`;

const contractRecordSchema = z.object({
  contractId: z.string(),
  status: z.enum(["active", "ended"]),
  /** The current term, 1 for the first (R-TERM-1, R-TERM-2). */
  term: z.number().int().min(1),
  contract: contractSchema,
  endedOn: z.string().optional(),
});
export type ContractRecord = z.infer<typeof contractRecordSchema>;
export type ContractStatus = ContractRecord["status"];

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
  billTotal: string;
  billDue: string;
  billDueProvisional: boolean;
  statement: unknown;
  lastPeriod: boolean;
  sentAt?: string;
  lateBill?: boolean;
  reconciliationDeadline?: string;
  reminderAt?: string | null;
  paymentDue?: string;
  replyKey?: string;
  reconciliation?: {
    outcome: ReconciliationOutcome;
    partyAAmount?: string;
    receivedAt?: string;
    difference?: string;
  };
  reReconciliationDeadline?: string;
  agreed?:
    | { agreedAmount: string; adjustment: string; recordedAt: string }
    | { unresolved: true; recordedAt: string };
  payment?: { paidAt: string; amount: string; invoiceDue: string };
  invoice?: { invoicedAt: string; invoiceNumber: string };
  breaches?: Breach[];
  adjustmentNextPeriod?: string;
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

export interface ReplyKeyRecord {
  replyKey: string;
  contractId: string;
  period: string;
  taskToken: string;
  open: boolean;
  deadline: string;
  decidedAt?: string;
}

const auditEventSchema = z.object({
  at: z.string(),
  contractId: z.string(),
  period: z.string().optional(),
  who: z.enum(["system", "party-a", "party-b", "operator"]),
  /** For `who: "operator"`: the caller's identity ARN on AWS, `local:<OS user>` locally (ADR 0032). */
  operator: z.string().optional(),
  what: z.string(),
  rule: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export class NotFoundError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotFoundError";
  }
}

const table = () => awsConfig().tableName;

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error)?.name === "ConditionalCheckFailedException"
  );
}

/** Puts an item only if its key is new; returns false when it already existed (idempotent create). */
async function putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({ TableName: table(), Item: item, ConditionExpression: "attribute_not_exists(PK)" }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function getItem<T>(PK: string, SK: string): Promise<T | undefined> {
  const result = await documentClient().send(
    new GetCommand({ TableName: table(), Key: { PK, SK }, ConsistentRead: true }),
  );
  return result.Item as T | undefined;
}

async function queryAll<T>(PK: string, skPrefix: string): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :sk)",
        ExpressionAttributeValues: { ":pk": PK, ":sk": skPrefix },
        ExclusiveStartKey,
        ConsistentRead: true,
      }),
    );
    items.push(...((page.Items ?? []) as T[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** A stored record checked against its schema: a malformed item fails loudly instead of flowing on. */
function parseRecord<Schema extends z.ZodType>(
  schema: Schema,
  item: Record<string, unknown>,
  what: string,
): z.infer<Schema> {
  const parsed = schema.safeParse(strip<Record<string, unknown>>(item));
  if (!parsed.success) {
    throw new Error(
      `stored ${what} ${String(item.PK)}/${String(item.SK)} is malformed: ${parsed.error.issues.map((i) => `${i.path.join(".") || "$"}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}

function strip<T>(item: Record<string, unknown>): T {
  const { PK: _pk, SK: _sk, GSI1PK: _g1, GSI1SK: _g2, expiresAt: _ttl, ...rest } = item;
  return rest as T;
}

// --- contracts -------------------------------------------------------------------------------------

export async function registerContract(contract: Contract): Promise<boolean> {
  return putIfAbsent({
    PK: contractKey(contract.contractId),
    SK: "CONTRACT",
    GSI1PK: "CONTRACTS",
    GSI1SK: `active#${contract.contractId}`,
    contractId: contract.contractId,
    status: "active",
    term: 1,
    contract,
  });
}

export async function getContract(contractId: string): Promise<ContractRecord> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), "CONTRACT");
  if (!item) throw new NotFoundError(`unknown contract ${contractId}`);
  return parseRecord(contractRecordSchema, item, "contract");
}

export async function listContracts(status?: ContractStatus): Promise<ContractRecord[]> {
  const items: ContractRecord[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: table(),
        IndexName: "GSI1",
        KeyConditionExpression: status ? "GSI1PK = :pk AND begins_with(GSI1SK, :status)" : "GSI1PK = :pk",
        ExpressionAttributeValues: status
          ? { ":pk": "CONTRACTS", ":status": `${status}#` }
          : { ":pk": "CONTRACTS" },
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []).map((item) => parseRecord(contractRecordSchema, item, "contract")));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Moves the contract to its next term (R-TERM-2) exactly once: the condition names the term it leaves. */
export async function advanceTerm(contractId: string, fromTerm: number): Promise<boolean> {
  return conditionalUpdate(contractKey(contractId), "CONTRACT", "SET #term = :next", "#term = :from", {
    names: { "#term": "term" },
    values: { ":next": fromTerm + 1, ":from": fromTerm },
  });
}

export async function endContract(contractId: string, endedOn: string): Promise<boolean> {
  return conditionalUpdate(
    contractKey(contractId),
    "CONTRACT",
    "SET #status = :ended, GSI1SK = :gsi, endedOn = :on",
    "#status = :active",
    {
      names: { "#status": "status" },
      values: { ":ended": "ended", ":active": "active", ":gsi": `ended#${contractId}`, ":on": endedOn },
    },
  );
}

async function conditionalUpdate(
  PK: string,
  SK: string,
  update: string,
  condition: string,
  expression: { names?: Record<string, string>; values?: Record<string, unknown> },
): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: { PK, SK },
        UpdateExpression: update,
        ConditionExpression: `attribute_exists(PK) AND (${condition})`,
        ...(expression.names ? { ExpressionAttributeNames: expression.names } : {}),
        ...(expression.values ? { ExpressionAttributeValues: expression.values } : {}),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

// --- billing cycles --------------------------------------------------------------------------------

const cycleKey = (period: string) => `CYCLE#${period}`;

/** Creates the cycle with its bill; the bill id is contract + period, so a period is billed once. */
export async function createCycle(cycle: CycleRecord): Promise<boolean> {
  return putIfAbsent({ PK: contractKey(cycle.contractId), SK: cycleKey(cycle.period), ...cycle });
}

export async function getCycle(contractId: string, period: string): Promise<CycleRecord> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), cycleKey(period));
  if (!item) throw new NotFoundError(`contract ${contractId} has no bill for period ${period}`);
  return strip<CycleRecord>(item);
}

export async function findCycle(contractId: string, period: string): Promise<CycleRecord | undefined> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), cycleKey(period));
  return item ? strip<CycleRecord>(item) : undefined;
}

export async function listCycles(contractId: string): Promise<CycleRecord[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), "CYCLE#")).map((item) =>
    strip<CycleRecord>(item),
  );
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
  guardField: keyof CycleRecord,
  fields: Partial<CycleRecord>,
): Promise<boolean> {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  const names = Object.fromEntries(entries.map(([key], i) => [`#f${i}`, key]));
  const values = Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value]));
  return conditionalUpdate(
    contractKey(contractId),
    cycleKey(period),
    `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
    "attribute_not_exists(#guard)",
    { names: { ...names, "#guard": guardField }, values },
  );
}

const TOKEN_ATTRIBUTE = {
  payment: "paymentToken",
  invoice: "invoiceToken",
  "agreed-amount": "agreedAmountToken",
} as const;

export type CycleAwaiting = keyof typeof TOKEN_ATTRIBUTE;

/** Stores (or, with null, removes) the open task token of what the cycle awaits; never logged. */
export async function setCycleToken(
  contractId: string,
  period: string,
  awaiting: CycleAwaiting,
  taskToken: string | null,
): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { PK: contractKey(contractId), SK: cycleKey(period) },
      UpdateExpression: taskToken === null ? "REMOVE #a" : "SET #a = :t",
      ExpressionAttributeNames: { "#a": TOKEN_ATTRIBUTE[awaiting] },
      ...(taskToken === null ? {} : { ExpressionAttributeValues: { ":t": taskToken } }),
      ConditionExpression: "attribute_exists(PK)",
    }),
  );
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

// --- the ledger (ADR 0010): immutable entries, each written once under an id fixed by its step -------

const ledgerKey = (entryId: string) => `LEDGER#${entryId}`;

/** Writes a ledger entry once; false when an entry with that id exists (the step already wrote it). */
export async function putLedgerEntry(contractId: string, entry: LedgerEntry): Promise<boolean> {
  return putIfAbsent({ PK: contractKey(contractId), SK: ledgerKey(entry.entryId), ...toStored(entry) });
}

export async function getLedgerEntry(contractId: string, entryId: string): Promise<LedgerEntry | undefined> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), ledgerKey(entryId));
  return item ? fromStored(strip(item)) : undefined;
}

/** Every entry of the contract's ledger (ids start with their period, so this is period order). */
export async function ledgerEntries(contractId: string): Promise<LedgerEntry[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), "LEDGER#")).map((item) =>
    fromStored(strip(item)),
  );
}

// --- reply keys: the opaque key in Reply-To that stands for a task token ---------------------------

/** 160 random bits, base32 (lower case) so it survives mail clients that lower-case addresses. */
export function newReplyKey(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let key = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      key += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return key;
}

const replyPk = (replyKey: string) => `REPLY#${replyKey}`;

export async function putReplyKey(record: ReplyKeyRecord, expiresAt: Date): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: table(),
      Item: {
        PK: replyPk(record.replyKey),
        SK: "REPLY",
        ...record,
        expiresAt: Math.floor(expiresAt.getTime() / 1000),
      },
    }),
  );
}

export async function getReplyKey(replyKey: string): Promise<ReplyKeyRecord | undefined> {
  const item = await getItem<Record<string, unknown>>(replyPk(replyKey), "REPLY");
  return item ? strip<ReplyKeyRecord>(item) : undefined;
}

/** Closes a reply key once: only the first decision for a bill wins. */
export async function closeReplyKey(replyKey: string): Promise<boolean> {
  return conditionalUpdate(
    replyPk(replyKey),
    "REPLY",
    "SET #open = :false, decidedAt = :at",
    "#open = :true",
    {
      names: { "#open": "open" },
      values: { ":false": false, ":true": true, ":at": now().toISOString() },
    },
  );
}

// --- inbound message dedupe ------------------------------------------------------------------------

/**
 * Claims an inbound message (by Message-ID or S3 key); when the same message was delivered before, says
 * when it was first received.
 */
export async function claimInboundMessage(
  messageId: string,
  details: { sesMessageId: string; receivedAt: string },
): Promise<{ claimed: true } | { claimed: false; firstReceivedAt: string }> {
  const retentionEnd = new Date(now().getTime() + 400 * 24 * 3600 * 1000);
  const PK = `INBOUND#${messageId}`;
  const claimed = await putIfAbsent({
    PK,
    SK: "INBOUND",
    ...details,
    expiresAt: Math.floor(retentionEnd.getTime() / 1000),
  });
  if (claimed) return { claimed: true };
  const first = await getItem<{ receivedAt: string }>(PK, "INBOUND");
  return { claimed: false, firstReceivedAt: first?.receivedAt ?? details.receivedAt };
}

/** Notes on a claimed inbound message why it was not acted on (issue #5 §3: record it with the reason). */
export async function recordInboundRejection(
  messageId: string,
  reasonCode: string,
  reason: string,
): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { PK: `INBOUND#${messageId}`, SK: "INBOUND" },
      UpdateExpression: "SET rejectedBecause = :code, rejectionReason = :reason",
      ExpressionAttributeValues: { ":code": reasonCode, ":reason": reason },
    }),
  );
}

// --- outbound email outbox: an email is recorded before it is sent ----------------------------------

export type OutboxState = "new" | "pending" | "sent";

/** What an outbox item keeps of its email, to send it again; personal data stays in the table, never in logs. */
export interface OutboxMessage {
  to: string[];
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
}

export interface OutboxItem {
  emailKey: string;
  state: "pending" | "sent";
  claimedAt: string;
  message?: OutboxMessage;
  lastError?: string;
}

export async function getOutboxEmail(contractId: string, emailKey: string): Promise<OutboxItem | undefined> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), `EMAIL#${emailKey}`);
  return item ? { ...strip<Omit<OutboxItem, "emailKey">>(item), emailKey } : undefined;
}

/** Emails of the contract not (yet) accepted by SES: a failed send, or one still in flight. */
export async function unsentOutboxEmails(contractId: string): Promise<OutboxItem[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), "EMAIL#"))
    .filter((item) => item.state !== "sent")
    .map((item) => ({
      ...strip<Omit<OutboxItem, "emailKey">>(item),
      emailKey: String(item.SK).slice("EMAIL#".length),
    }));
}

export async function markOutboxFailed(contractId: string, emailKey: string, error: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { PK: contractKey(contractId), SK: `EMAIL#${emailKey}` },
      UpdateExpression: "SET lastError = :e, failedAt = :at",
      ConditionExpression: "attribute_exists(PK)",
      ExpressionAttributeValues: { ":e": error, ":at": now().toISOString() },
    }),
  );
}

/** Records the intent to send; "pending" means a previous attempt may have crashed before sending. */
export async function claimOutboxEmail(
  contractId: string,
  emailKey: string,
  message?: OutboxMessage,
): Promise<OutboxState> {
  const PK = contractKey(contractId);
  const SK = `EMAIL#${emailKey}`;
  const expiresAt = expiresAtSeconds(now());
  // The message is kept with the claim (ADR 0012), so a send that failed can be retried or resent.
  const kept = message ? { message } : {};
  if (await putIfAbsent({ PK, SK, state: "pending", claimedAt: now().toISOString(), expiresAt, ...kept }))
    return "new";
  const existing = await getItem<{ state: OutboxState }>(PK, SK);
  return existing?.state === "sent" ? "sent" : "pending";
}

export async function markOutboxSent(contractId: string, emailKey: string, messageId: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { PK: contractKey(contractId), SK: `EMAIL#${emailKey}` },
      UpdateExpression: "SET #state = :sent, messageId = :id, sentAt = :at",
      ExpressionAttributeNames: { "#state": "state" },
      ExpressionAttributeValues: { ":sent": "sent", ":id": messageId, ":at": now().toISOString() },
    }),
  );
}

/** SES message ids of the contract's sent emails by outbox key: which statement a reply answers (R-RECON-1). */
export async function sentEmailIds(
  contractId: string,
): Promise<Array<{ emailKey: string; messageId: string }>> {
  const items = await queryAll<Record<string, unknown>>(contractKey(contractId), "EMAIL#");
  return items.flatMap((item) =>
    typeof item.SK === "string" && typeof item.messageId === "string" && item.messageId !== ""
      ? [{ emailKey: item.SK.slice("EMAIL#".length), messageId: item.messageId }]
      : [],
  );
}

// --- renewal watch: one item per term ---------------------------------------------------------------

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
    })
    .optional(),
  outcome: z.enum(["renewed", "ended"]).optional(),
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

// --- audit history (append-only) -------------------------------------------------------------------

let eventSequence = 0;

/**
 * Appends an audit event. With `once` (a key naming the step and its effect, e.g. `bill-sent#2025-09`)
 * the event is written at most once however often the step runs; without it every call adds one (what
 * an operator does is recorded each time they do it).
 */
export async function appendAuditEvent(event: Omit<AuditEvent, "at">, once?: string): Promise<boolean> {
  const at = now().toISOString();
  eventSequence = (eventSequence + 1) % 1_000_000;
  const unique = `${String(eventSequence).padStart(6, "0")}${randomBytes(4).toString("hex")}`;
  const operator = event.who === "operator" ? { operator: await operatorIdentity() } : {};
  const SK = once === undefined ? `EVENT#${at}#${unique}` : `EVENT#once#${once}`;
  return putIfAbsent({
    PK: contractKey(event.contractId),
    SK,
    at,
    ...event,
    ...operator,
    // R-RETAIN-1 (ADR 0033): gone by TTL after the retention and its grace.
    expiresAt: expiresAtSeconds(now()),
  });
}

/** The contract's audit history in the order it happened. */
export async function auditHistory(contractId: string): Promise<AuditEvent[]> {
  const events = (await queryAll<Record<string, unknown>>(contractKey(contractId), "EVENT#")).map((item) =>
    parseRecord(auditEventSchema, item, "audit event"),
  );
  return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
