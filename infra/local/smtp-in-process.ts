/**
 * Mail to the inbound SMTP stand-in without a socket (ADR 0089). A nodemailer transport that composes the
 * message exactly as the SMTP transport does (same MailComposer, envelope and Message-ID) and hands the
 * bytes the server would have read from DATA to `InboundSmtp.deliver`, with the client named as the
 * server names a client connecting from 127.0.0.1. No SMTP dialogue happens, and so none of its waits:
 * smtp-server holds every new connection 100 ms before its greeting (to catch clients that talk too soon)
 * and resolves the client's address before answering, which made each of Party A's replies wait.
 */
import { reverse } from "node:dns/promises";
import nodemailer, { type Transport, type Transporter } from "nodemailer";
import type MailMessage from "nodemailer/lib/mailer/mail-message";
import { LOCAL_HOST } from "./ports";
import type { InboundSmtp } from "./smtp-inbound";

const CR = 0x0d;
const LF = 0x0a;
const CRLF = Buffer.from("\r\n");

/**
 * The bytes an SMTP server reads from DATA for `message`: every line ends in CRLF (nodemailer's data
 * stream turns a bare CR or LF into CRLF before it stuffs dots), and the content ends with the CRLF
 * before the terminating dot, added when the message does not end a line itself (RFC 5321 §4.1.1.4).
 * Dot-stuffing is left out: the client adds it and the server removes it again.
 */
export function smtpDataOf(message: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < message.length; i++) {
    const byte = message[i];
    if (byte === CR && message[i + 1] !== LF) {
      parts.push(message.subarray(from, i + 1), Buffer.from([LF]));
      from = i + 1;
    } else if (byte === LF && (i === 0 || message[i - 1] !== CR)) {
      parts.push(message.subarray(from, i), CRLF);
      from = i + 1;
    }
  }
  parts.push(message.subarray(from));
  const data = Buffer.concat(parts);
  return data[data.length - 1] === LF ? data : Buffer.concat([data, CRLF]);
}

/** smtp-server's test of a reverse-resolved name (PTR answers are the address owner's to choose). */
function isValidHostname(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name
    .replace(/\.$/, "")
    .split(".")
    .every(
      (label) => label.length > 0 && label.length <= 63 && /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/i.test(label),
    );
}

/** smtp-server gives up on the reverse lookup after this long and names the client by its address. */
const REVERSE_LOOKUP_TIMEOUT_MS = 1_500;

/**
 * The name smtp-server records for a client connecting from `address` (its `session.clientHostname`, in
 * the Received header): the first reverse-resolved name, lower-cased without a trailing dot, or
 * `[address]` when the lookup fails, times out or answers something that is not a hostname.
 */
export async function smtpClientHostname(address: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), REVERSE_LOOKUP_TIMEOUT_MS);
    timer.unref();
  });
  const names = await Promise.race([reverse(address).catch((): string[] => []), timeout]);
  clearTimeout(timer);
  const first = names[0] ?? "";
  const name = isValidHostname(first) ? first.toLowerCase().replace(/\.$/, "") : "";
  return name === "" ? `[${address}]` : name;
}

/** A custom transport's callback: the sent message's info, or the error alone. */
type SendCallback = (error: Error | null, info?: InProcessSentInfo) => void;

export interface InProcessSentInfo {
  envelope: { from: string | false; to: string[] };
  messageId: string;
  response: string;
}

/**
 * A nodemailer transport delivering to `inbound` in this process, as a client on LOCAL_HOST would over
 * SMTP. The client's name is looked up once (the answer for the loopback address does not change while a
 * stack runs). A refusal the server would answer (552 too large, 451 not stored) rejects the send.
 */
export function inProcessMailTransport(inbound: InboundSmtp): Transporter<InProcessSentInfo> {
  let clientHostname: Promise<string> | undefined;
  const transport: Transport<InProcessSentInfo> = {
    name: "InProcessSMTP",
    version: "1",
    send(mail: MailMessage<InProcessSentInfo>, callback: SendCallback): void {
      const envelope = mail.message.getEnvelope();
      const messageId = mail.message.messageId();
      const chunks: Buffer[] = [];
      const stream = mail.message.createReadStream();
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.once("error", (error: Error) => callback(error));
      stream.once("end", () => {
        clientHostname ??= smtpClientHostname(LOCAL_HOST);
        void clientHostname
          .then((hostname) =>
            inbound.deliver({
              data: smtpDataOf(Buffer.concat(chunks)),
              envelope: { from: envelope.from === false ? "" : envelope.from, to: envelope.to },
              clientHostname: hostname,
              clientAddress: LOCAL_HOST,
            }),
          )
          .then(
            () => callback(null, { envelope, messageId, response: "250 OK: message queued" }),
            (error: Error) => callback(error),
          );
      });
    },
  };
  return nodemailer.createTransport(transport);
}
