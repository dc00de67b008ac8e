/**
 * Outbound email through SES. Each email is recorded in the contract's outbox before it is sent and
 * marked sent afterwards, so a handler retried after a crash sends it once (issue #4 §3). The one
 * window left — a crash after SES accepted the message and before the mark — can repeat an email,
 * never lose one.
 */
import { SendEmailCommand } from "@aws-sdk/client-ses";
import { awsConfig, sesClient } from "./aws-config";
import { logger } from "./logger";
import { claimOutboxEmail, markOutboxSent } from "./repository";

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

export async function sendEmail(email: OutboundEmail): Promise<{ sent: boolean }> {
  const state = await claimOutboxEmail(email.contractId, email.emailKey);
  if (state === "sent") return { sent: false };
  const result = await sesClient().send(
    new SendEmailCommand({
      Source: awsConfig().mailFrom,
      Destination: { ToAddresses: email.to },
      ...(email.replyTo ? { ReplyToAddresses: [email.replyTo] } : {}),
      Message: {
        Subject: { Data: email.subject, Charset: "UTF-8" },
        Body: { Text: { Data: email.text, Charset: "UTF-8" }, Html: { Data: email.html, Charset: "UTF-8" } },
      },
    }),
  );
  await markOutboxSent(email.contractId, email.emailKey, result.MessageId ?? "");
  logger.info("email sent", {
    contractId: email.contractId,
    emailKey: email.emailKey,
    retried: state === "pending",
  });
  return { sent: true };
}

/** The Reply-To address carrying an opaque reply key (never the task token itself). */
export function replyAddress(replyKey: string): string {
  return `reply+${replyKey}@${awsConfig().replyDomain}`;
}
