/**
 * The emails of a contract as the console shows them: every outbox item (an email is recorded with its
 * whole message before it is sent, ADR 0012) and the stored inbound replies SES put in the mail bucket.
 * Read-only; records are validated on read.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { simpleParser } from "mailparser";
import { z } from "zod";
import { awsConfig, documentClient } from "./aws-config";
import { readInboundMessage } from "./inbound-mail";

const outboxItemSchema = z.object({
  SK: z.string().startsWith("EMAIL#"),
  state: z.enum(["pending", "sent"]),
  claimedAt: z.string(),
  sentAt: z.string().optional(),
  messageId: z.string().optional(),
  lastError: z.string().optional(),
  message: z
    .object({
      to: z.array(z.string()),
      replyTo: z.string().optional(),
      subject: z.string(),
      text: z.string(),
      html: z.string(),
    })
    .optional(),
});

export interface SentEmailRecord {
  emailKey: string;
  state: "pending" | "sent";
  claimedAt: string;
  sentAt: string | null;
  messageId: string | null;
  lastError: string | null;
  message: z.infer<typeof outboxItemSchema>["message"] | null;
}

/** Every outbound email of the contract (sent, failed or in flight), oldest first. */
export async function outboxEmails(contractId: string): Promise<SentEmailRecord[]> {
  const items: unknown[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: awsConfig().tableName,
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :sk)",
        ExpressionAttributeValues: { ":pk": `CONTRACT#${contractId}`, ":sk": "EMAIL#" },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items
    .map((item) => {
      const record = outboxItemSchema.parse(item);
      return {
        emailKey: record.SK.slice("EMAIL#".length),
        state: record.state,
        claimedAt: record.claimedAt,
        sentAt: record.sentAt ?? null,
        messageId: record.messageId ?? null,
        lastError: record.lastError ?? null,
        message: record.message ?? null,
      };
    })
    .sort((a, b) => a.claimedAt.localeCompare(b.claimedAt));
}

export interface ReceivedEmail {
  sesMessageId: string;
  from: string;
  to: string;
  subject: string;
  date: string | null;
  text: string;
  html: string | null;
}

/** An inbound message as its sender wrote it, parsed from the stored MIME; undefined once purged. */
export async function receivedEmail(sesMessageId: string): Promise<ReceivedEmail | undefined> {
  let raw: Buffer;
  try {
    raw = await readInboundMessage(sesMessageId);
  } catch (error) {
    if ((error as Error).name === "NoSuchKey") return undefined;
    throw error;
  }
  const parsed = await simpleParser(raw);
  const addresses = (value: typeof parsed.to) =>
    (Array.isArray(value) ? value : value ? [value] : []).map((a) => a.text).join(", ");
  return {
    sesMessageId,
    from: parsed.from?.text ?? "",
    to: addresses(parsed.to),
    subject: parsed.subject ?? "",
    date: parsed.date ? parsed.date.toISOString() : null,
    text: parsed.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : null,
  };
}
