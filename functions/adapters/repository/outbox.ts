/** The outbound email outbox (ADR 0012): an email is recorded before it is sent. */

import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { expiresAtSeconds } from "../../core/retention";
import { documentClient } from "../aws-config";
import { now } from "../clock";
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
  return (await outboxEmails(contractId)).flatMap(({ emailKey, messageId }) =>
    messageId ? [{ emailKey, messageId }] : [],
  );
}
