/** Reply keys (the opaque key in Reply-To that stands for a task token) and inbound message dedupe. */

import { randomBytes } from "node:crypto";
import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { maskToken } from "../../core/mask";
import { documentClient } from "../aws-config";
import { now } from "../clock";
import { conditionalUpdate, getItem, parseRecord, putIfAbsent, table } from "./table";

const replyKeyRecordSchema = z.object({
  replyKey: z.string().min(1),
  contractId: z.string().min(1),
  period: z.string().regex(/^\d{4}-\d{2}$/),
  taskToken: z.string().min(1),
  open: z.boolean(),
  deadline: z.string().min(1),
  decidedAt: z.string().optional(),
});

export type ReplyKeyRecord = z.infer<typeof replyKeyRecordSchema>;

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
  // The key is a bearer secret (it answers a statement): the error names it masked.
  return item
    ? parseRecord(replyKeyRecordSchema, item, "reply key", `${replyPk(maskToken(replyKey))}/REPLY`)
    : undefined;
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

/**
 * Claims an inbound message (by Message-ID or S3 key); when the same message was delivered before, says
 * when it was first received.
 */
const inboundClaim = z.object({ receivedAt: z.string(), sesMessageId: z.string() });

export async function claimInboundMessage(
  messageId: string,
  details: { sesMessageId: string; receivedAt: string },
): Promise<{ claimed: true } | { claimed: false; firstReceivedAt: string; firstSesMessageId: string }> {
  const retentionEnd = new Date(now().getTime() + 400 * 24 * 3600 * 1000);
  const PK = `INBOUND#${messageId}`;
  const claimed = await putIfAbsent({
    PK,
    SK: "INBOUND",
    ...details,
    expiresAt: Math.floor(retentionEnd.getTime() / 1000),
  });
  if (claimed) return { claimed: true };
  const first = inboundClaim.safeParse(await getItem<unknown>(PK, "INBOUND"));
  return {
    claimed: false,
    firstReceivedAt: first.success ? first.data.receivedAt : details.receivedAt,
    firstSesMessageId: first.success ? first.data.sesMessageId : "",
  };
}

/** Notes on a claimed inbound message why it was not acted on (docs/replies.md: recorded with the reason, never silently dropped). */
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
