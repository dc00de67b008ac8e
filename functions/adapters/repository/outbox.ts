/** The outbound email outbox (ADR 0012): an email is recorded before it is sent. */

import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { messageIdKey } from "../../core/reply/headers";
import { expiresAtSeconds } from "../../core/retention";
import { documentClient } from "../aws-config";
import { now } from "../clock";
import { markSentMessageIdsIndexed } from "./contracts";
import { conditionalUpdate, contractKey, getItem, parseRecord, putIfAbsent, queryAll, table } from "./table";

/** "in-progress": another sender holds the email's lease now (a concurrent twin of the step). */
export type OutboxState = "new" | "pending" | "in-progress" | "sent";

/**
 * How long a claim keeps other senders off an unsent email: the stack's longest Lambda timeout
 * (inbound-reply, 2 minutes), after which no crashed sender can still be running.
 */
const OUTBOX_LEASE_MS = 120_000;

const outboxMessageSchema = z.object({
  to: z.array(z.string()),
  replyTo: z.string().optional(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
});

/** What an outbox item keeps of its email, to send it again; personal data stays in the table, never in logs. */
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

const outboxRecordSchema = z.object({
  state: z.enum(["pending", "sent"]),
  claimedAt: z.string(),
  sentAt: z.string().optional(),
  messageId: z.string().optional(),
  lastError: z.string().optional(),
  message: outboxMessageSchema.optional(),
});

/** An outbox item: the email, whether and when SES accepted it, why the last attempt failed. */
export type OutboxRecord = z.infer<typeof outboxRecordSchema> & { emailKey: string };

const emailSk = (emailKey: string) => `EMAIL#${emailKey}`;

function outboxRecordOf(item: Record<string, unknown>): OutboxRecord {
  return {
    ...parseRecord(outboxRecordSchema, item, "outbox email"),
    emailKey: String(item.SK).slice("EMAIL#".length),
  };
}

export async function getOutboxEmail(
  contractId: string,
  emailKey: string,
): Promise<OutboxRecord | undefined> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), emailSk(emailKey));
  return item ? outboxRecordOf(item) : undefined;
}

/** Emails of the contract not (yet) accepted by SES: a failed send, or one still in flight. */
export async function unsentOutboxEmails(contractId: string): Promise<OutboxRecord[]> {
  return (await outboxEmails(contractId)).filter((email) => email.state !== "sent");
}

/** Every outbound email of the contract (sent, failed or in flight), oldest claim first. */
export async function outboxEmails(contractId: string): Promise<OutboxRecord[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), "EMAIL#"))
    .map(outboxRecordOf)
    .sort((a, b) => a.claimedAt.localeCompare(b.claimedAt));
}

export async function markOutboxFailed(contractId: string, emailKey: string, error: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { PK: contractKey(contractId), SK: `EMAIL#${emailKey}` },
      // The failed sender lets go at once: a retry of the step may send without waiting for the lease.
      UpdateExpression: "SET lastError = :e, failedAt = :at REMOVE leaseUntil",
      ConditionExpression: "attribute_exists(PK)",
      ExpressionAttributeValues: { ":e": error, ":at": now().toISOString() },
    }),
  );
}

const outboxStateOf = z.object({ state: z.enum(["pending", "sent"]) });

/**
 * Records the intent to send and leases the email to this sender. "pending": a previous attempt failed,
 * or crashed and its lease ran out, and this sender took it over; "in-progress": another sender holds it.
 */
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
  const at = now().toISOString();
  const leaseUntil = new Date(now().getTime() + OUTBOX_LEASE_MS).toISOString();
  if (await putIfAbsent({ PK, SK, state: "pending", claimedAt: at, leaseUntil, expiresAt, ...kept }))
    return "new";
  const taken = await conditionalUpdate(
    PK,
    SK,
    "SET leaseUntil = :lease",
    "#state <> :sent AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)",
    { names: { "#state": "state" }, values: { ":lease": leaseUntil, ":sent": "sent", ":now": at } },
  );
  if (taken) return "pending";
  const existing = outboxStateOf.safeParse(await getItem<unknown>(PK, SK));
  return existing.success && existing.data.state === "sent" ? "sent" : "in-progress";
}

/**
 * SES accepted the email as `messageId`. The pointer from that id to the email is written first (ADR 0085): a
 * crash between the two writes leaves an email the outbox still shows pending, which SES did send, so a reply
 * may name it; the retry that sends it again adds a second pointer to the same email. Neither write is undone.
 */
export async function markOutboxSent(contractId: string, emailKey: string, messageId: string): Promise<void> {
  const sentAt = now();
  await putSentPointer(contractId, emailKey, messageId, sentAt);
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { PK: contractKey(contractId), SK: `EMAIL#${emailKey}` },
      UpdateExpression: "SET #state = :sent, messageId = :id, sentAt = :at",
      ExpressionAttributeNames: { "#state": "state" },
      ExpressionAttributeValues: { ":sent": "sent", ":id": messageId, ":at": sentAt.toISOString() },
    }),
  );
}

// --- which sent email a message id names (R-RECON-1, ADR 0085) ---------------------------------------

const sentIdSk = (idKey: string) => `SENT#${idKey}`;

/** DynamoDB's limit on a sort key: no pointer is stored under a longer one, so none is looked up. */
const MAX_SORT_KEY_BYTES = 1024;

const storable = (idKey: string) => idKey !== "" && Buffer.byteLength(sentIdSk(idKey)) <= MAX_SORT_KEY_BYTES;

const sentPointerSchema = z.object({ emailKey: z.string().min(1) });

/**
 * One item per message id SES accepted, naming the outbox email it carried. It expires as the email does
 * (R-RETAIN-1, ADR 0033). Written once: a second write of the same send finds it and leaves it.
 */
async function putSentPointer(contractId: string, emailKey: string, messageId: string, sentAt: Date) {
  const idKey = messageIdKey(messageId);
  if (!storable(idKey)) return;
  await putIfAbsent({
    PK: contractKey(contractId),
    SK: sentIdSk(idKey),
    emailKey,
    expiresAt: expiresAtSeconds(sentAt),
  });
}

/** How many pointers are read at once: a reply names a few emails; a long References chain waits its turn. */
const LOOKUPS_AT_ONCE = 16;

async function readSentPointers(contractId: string, idKeys: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const wanted = idKeys.filter(storable);
  for (let start = 0; start < wanted.length; start += LOOKUPS_AT_ONCE) {
    const batch = wanted.slice(start, start + LOOKUPS_AT_ONCE);
    const items = await Promise.all(
      batch.map((idKey) => getItem<Record<string, unknown>>(contractKey(contractId), sentIdSk(idKey))),
    );
    items.forEach((item, i) => {
      if (item)
        found.set(batch[i] as string, parseRecord(sentPointerSchema, item, "sent email pointer").emailKey);
    });
  }
  return found;
}

/**
 * The outbox keys of the contract's sent emails that these message ids (their SES part) name; an id of no
 * email of ours is absent. Reads one item per id, whatever the contract sent before (ADR 0085).
 *
 * A contract whose mail went out before the pointers were written (`indexed` false) has emails no pointer
 * names: the first time an id is not found, its outbox is read once, every sent email gets its pointer, and
 * the contract is marked indexed. A crash or a concurrent reply in between only repeats those writes.
 */
export async function sentEmailKeys(
  contractId: string,
  idKeys: readonly string[],
  indexed: boolean,
): Promise<Map<string, string>> {
  const found = await readSentPointers(contractId, [...idKeys]);
  if (indexed || idKeys.every((idKey) => found.has(idKey))) return found;
  for (const email of await outboxEmails(contractId)) {
    if (!email.messageId) continue;
    await putSentPointer(
      contractId,
      email.emailKey,
      email.messageId,
      new Date(email.sentAt ?? email.claimedAt),
    );
    const idKey = messageIdKey(email.messageId);
    if (idKeys.includes(idKey) && !found.has(idKey)) found.set(idKey, email.emailKey);
  }
  await markSentMessageIdsIndexed(contractId);
  return found;
}
