/**
 * Outbound email through SES. Each email is recorded in the contract's outbox before it is sent and
 * marked sent afterwards, so a handler retried after a crash sends it once (architecture.md; ADR 0012). The one
 * window left — a crash after SES accepted the message and before the mark — can repeat an email,
 * never lose one.
 */
import { SendEmailCommand } from "@aws-sdk/client-ses";
import { awsConfig, sesClient } from "./aws-config";
import { logger } from "./logger";
import { countMetric } from "./metrics";
import {
  claimOutboxEmail,
  getOutboxEmail,
  markOutboxFailed,
  markOutboxSent,
  type OutboxMessage,
} from "./repository";

export interface OutboundEmail {
  contractId: string;
  /** Unique per logical email, e.g. `statement#2025-09`: the outbox key that makes sending idempotent. */
  emailKey: string;
  to: string[];
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
}

export class EmailInProgressError extends Error {
  constructor(emailKey: string) {
    super(`email ${emailKey} is being sent by another run of this step`);
    this.name = "EmailInProgressError";
  }
}

export async function sendEmail(email: OutboundEmail): Promise<{ sent: boolean }> {
  const { contractId, emailKey, ...message } = email;
  const state = await claimOutboxEmail(contractId, emailKey, message);
  if (state === "sent") return { sent: false };
  // A concurrent twin of this step is sending it: fail, so this run is retried once that one is done.
  if (state === "in-progress") throw new EmailInProgressError(emailKey);
  await deliver(contractId, emailKey, message, state === "pending");
  return { sent: true };
}

/** Sends an outbox email that was not sent (a failed attempt): `ops resend` (ADR 0012). */
export async function resendOutboxEmail(contractId: string, emailKey: string): Promise<{ sent: boolean }> {
  const item = await getOutboxEmail(contractId, emailKey);
  if (!item?.message || item.state === "sent") return { sent: false };
  await deliver(contractId, emailKey, item.message, true);
  return { sent: true };
}

async function deliver(
  contractId: string,
  emailKey: string,
  message: OutboxMessage,
  retried: boolean,
): Promise<void> {
  let messageId: string;
  try {
    const result = await sesClient().send(
      new SendEmailCommand({
        Source: awsConfig().mailFrom,
        Destination: { ToAddresses: message.to },
        ...(message.replyTo ? { ReplyToAddresses: [message.replyTo] } : {}),
        Message: {
          Subject: { Data: message.subject, Charset: "UTF-8" },
          Body: {
            Text: { Data: message.text, Charset: "UTF-8" },
            Html: { Data: message.html, Charset: "UTF-8" },
          },
        },
      }),
    );
    messageId = result.MessageId ?? "";
  } catch (error) {
    // Kept pending with the reason: `status` shows it, a retry of the step or `ops resend` sends it.
    await markOutboxFailed(contractId, emailKey, (error as Error).message ?? String(error));
    countMetric("EmailsFailed");
    logger.warn("email not sent", { contractId, emailKey, error });
    throw error;
  }
  await markOutboxSent(contractId, emailKey, messageId);
  logger.info("email sent", { contractId, emailKey, retried });
}

/** The Reply-To address carrying an opaque reply key (never the task token itself). */
export function replyAddress(replyKey: string): string {
  return `reply+${replyKey}@${awsConfig().replyDomain}`;
}
