/**
 * A stored inbound reply as its sender wrote it, for the console (the outbound side is the outbox,
 * repository/outbox.ts). Read-only.
 */
import { simpleParser } from "mailparser";
import { readInboundMessage } from "./inbound-mail";

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
