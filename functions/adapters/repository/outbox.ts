/** The outbound email outbox (ADR 0012): an email is recorded before it is sent. */

import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { expiresAtSeconds } from "../../core/retention";
import { documentClient } from "../aws-config";
import { now } from "../clock";
import { contractKey, getItem, putIfAbsent, queryAll, strip, table } from "./table";

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
