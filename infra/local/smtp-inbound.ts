/**
 * Inbound email on 127.0.0.1, standing in for SES email receiving (architecture §2, §7). On AWS a
 * receipt rule runs an S3 action (the message is stored under `inbound/<messageId>`, behind the trace
 * and verdict headers SES prepends) and then a Lambda action (the handler gets headers and verdicts, not
 * the body). Here an SMTP server accepts mail from any client, prepends the same kind of headers,
 * stores the message in s3rver under the same key and calls the same handler with an event of the
 * same shape. Verdicts come from configuration: no SPF/DKIM/DMARC checks or virus scans happen
 * locally, so tests set FAIL verdicts to exercise the handler's refusal paths.
 */
import { randomInt } from "node:crypto";
import type { TlsOptions } from "node:tls";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { SESEvent, SESReceiptStatus } from "aws-lambda";
import { type AddressObject, type HeaderLines, simpleParser } from "mailparser";
import {
  SMTPServer,
  type SMTPServerDataStream,
  type SMTPServerEnvelope,
  type SMTPServerSession,
} from "smtp-server";
import { inboundMailObjectKey } from "../../functions/adapters/aws-config";
import { now } from "../../functions/adapters/clock";
import { LOCAL_HOST, PortInUseError } from "./ports";

/** The event an SES receipt rule's Lambda action delivers (one record per received message). */
export type SesReceiptEvent = SESEvent;

export type VerdictStatus = Exclude<SESReceiptStatus["status"], "DISABLED">;
export type VerdictName = "spf" | "dkim" | "dmarc" | "spam" | "virus";
export type ReceiptVerdicts = Record<VerdictName, VerdictStatus>;

export const passingVerdicts: ReceiptVerdicts = {
  spf: "PASS",
  dkim: "PASS",
  dmarc: "PASS",
  spam: "PASS",
  virus: "PASS",
};

/** The ARN recorded in `receipt.action`; on AWS it names the inbound-reply function. */
export const LOCAL_INBOUND_FUNCTION_ARN =
  "arn:aws:lambda:us-east-1:000000000000:function:contract-ops-inbound-reply";

/** SES rejects inbound messages over 40 MB (headers included). */
const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

export interface ReceivedMessage {
  /** The message as stored: SES's prepended headers, then the bytes the client sent. */
  stored: Buffer;
  envelope: Pick<SMTPServerEnvelope, "mailFrom" | "rcptTo">;
  messageId: string;
  receivedAt: Date;
  processingTimeMillis: number;
  verdicts: ReceiptVerdicts;
  functionArn: string;
}

/**
 * Builds the Lambda-action event for one received message, following the sample record in the SES
 * developer guide ("Sample incoming email event"): `headers` in stored order (SES's own first) with
 * raw values, `commonHeaders` decoded.
 */
export async function buildSesReceiptEvent(message: ReceivedMessage): Promise<SesReceiptEvent> {
  const parsed = await simpleParser(message.stored, { skipHtmlToText: true, skipTextToHtml: true });
  const headerValue = (name: string) => parsed.headerLines.find((header) => header.key === name);
  const rawValue = (name: string) => {
    const header = headerValue(name);
    return header === undefined ? undefined : splitHeaderLine(header).value;
  };
  const source = message.envelope.mailFrom === false ? "" : message.envelope.mailFrom.address;
  const recipients = message.envelope.rcptTo.map((recipient) => recipient.address);
  const timestamp = message.receivedAt.toISOString();
  const from = addresses(parsed.from);
  const to = addresses(parsed.to);
  const subject = parsed.subject;
  const status = (verdict: VerdictName) => ({ status: message.verdicts[verdict] });

  return {
    Records: [
      {
        eventSource: "aws:ses",
        eventVersion: "1.0",
        ses: {
          mail: {
            timestamp,
            source,
            messageId: message.messageId,
            destination: recipients,
            headersTruncated: false,
            headers: parsed.headerLines.map(splitHeaderLine),
            commonHeaders: {
              returnPath: source,
              ...(from.length > 0 ? { from } : {}),
              date: rawValue("date") ?? "",
              ...(to.length > 0 ? { to } : {}),
              messageId: rawValue("message-id") ?? "",
              ...(subject === undefined ? {} : { subject }),
            },
          },
          receipt: {
            timestamp,
            processingTimeMillis: message.processingTimeMillis,
            recipients,
            spamVerdict: status("spam"),
            virusVerdict: status("virus"),
            spfVerdict: status("spf"),
            dkimVerdict: status("dkim"),
            dmarcVerdict: status("dmarc"),
            action: { type: "Lambda", functionArn: message.functionArn, invocationType: "Event" },
          },
        },
      },
    ],
  };
}

/** `Subject: a\r\n b` → { name: "Subject", value: "a b" } (RFC 5322 unfolding). */
function splitHeaderLine(header: HeaderLines[number]): { name: string; value: string } {
  const colon = header.line.indexOf(":");
  return {
    name: header.line.slice(0, colon),
    value: header.line
      .slice(colon + 1)
      .replace(/\r?\n(?=[ \t])/g, "")
      .trim(),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) =>
    object.value.flatMap((entry) => {
      if (entry.address === undefined) return [];
      return entry.name ? [`${JSON.stringify(entry.name)} <${entry.address}>`] : [entry.address];
    }),
  );
}

/** How SES writes a verdict inside Received-SPF and Authentication-Results (RFC 8601 result words). */
const resultWord: Record<VerdictStatus, string> = {
  PASS: "pass",
  FAIL: "fail",
  GRAY: "none",
  PROCESSING_FAILED: "temperror",
};

/**
 * The headers SES puts in front of a received message before storing it (see the decoded `content`
 * of the guide's SNS sample): Return-Path with the envelope sender, Received, the spam and virus
 * verdicts, Received-SPF and Authentication-Results. X-SES-RECEIPT and SES's DKIM signature are opaque
 * and left out. Handlers that read Return-Path or these headers from the stored message therefore
 * see locally what they will see on AWS.
 */
export function sesTraceHeaders(options: {
  source: string;
  recipients: string[];
  messageId: string;
  receivedAt: Date;
  verdicts: ReceiptVerdicts;
  clientHostname: string;
  clientAddress: string;
}): Buffer {
  const { source, verdicts } = options;
  const date = options.receivedAt.toUTCString().replace("GMT", "+0000 (UTC)");
  const envelopeDomain = source.slice(source.lastIndexOf("@") + 1);
  const lines = [
    `Return-Path: <${source}>`,
    `Received: from ${options.clientHostname} ([${options.clientAddress}]) by inbound-smtp.localhost with SMTP id ${options.messageId} for ${options.recipients.join(", ")}; ${date}`,
    `X-SES-Spam-Verdict: ${verdicts.spam}`,
    `X-SES-Virus-Verdict: ${verdicts.virus}`,
    `Received-SPF: ${resultWord[verdicts.spf]} (local verdict from configuration) client-ip=${options.clientAddress}; envelope-from=${source};`,
    `Authentication-Results: amazonses.com; spf=${resultWord[verdicts.spf]} smtp.mailfrom=${source}; dkim=${resultWord[verdicts.dkim]} header.i=@${envelopeDomain}; dmarc=${resultWord[verdicts.dmarc]} header.from=${envelopeDomain};`,
  ];
  return Buffer.from(lines.map((line) => `${line}\r\n`).join(""), "utf8");
}

/** An SES-style message id: 40 lowercase letters and digits (it also names the S3 object). */
export function newSesMessageId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from({ length: 40 }, () => alphabet[randomInt(alphabet.length)]).join("");
}

/**
 * An SMTPServer that makes its TLS contexts when one is first used, not when it is constructed. This server takes
 * no STARTTLS and does not listen with TLS, so no session reads them; made at construction, the default context was
 * the only TLS context of a run, and making it (OpenSSL's first, 14–19 ms of CPU) the stack's costliest boot step
 * after loading the emulators (ADR 0111).
 */
class InboundSmtpServer extends SMTPServer {
  override updateSecureContext(options?: TlsOptions): void {
    Object.defineProperty(this, "secureContext", {
      configurable: true,
      enumerable: true,
      get: () => {
        // Made as SMTPServer makes them, which sets `secureContext` to the Map in place of this getter.
        Reflect.deleteProperty(this, "secureContext");
        super.updateSecureContext(options ?? {});
        return this.secureContext;
      },
    });
  }
}

export interface InboundSmtpOptions {
  port: number;
  s3: S3Client;
  bucket: string;
  verdicts: () => ReceiptVerdicts;
  onInboundEmail?: (event: SesReceiptEvent) => Promise<void>;
  /** Wraps each message's whole processing, so the virtual clock holds still while it is in flight. */
  track?: <T>(work: Promise<T>) => Promise<T>;
  functionArn?: string;
}

/**
 * One message as an SMTP session hands it to the server: the DATA bytes (dot-stuffing removed, lines
 * ending in CRLF, RFC 5321 §4.5.2), the envelope of MAIL FROM and RCPT TO, and the client as the
 * server knows it (its address and the name its address resolved to).
 */
export interface InboundDelivery {
  data: Buffer;
  envelope: { from: string; to: string[] };
  clientHostname: string;
  clientAddress: string;
}

export interface InboundSmtp {
  host: string;
  port: number;
  /**
   * Receives a message without a socket (ADR 0089): the same storing, trace headers, verdicts, event and
   * handler call as a message accepted over SMTP. Rejects as the server would answer DATA (552, 451).
   */
  deliver(delivery: InboundDelivery): Promise<void>;
  close(): Promise<void>;
}

class MessageTooLargeError extends Error {
  readonly responseCode = 552;
  constructor(options?: ErrorOptions) {
    super(`message exceeds the ${MAX_MESSAGE_BYTES} byte limit of SES email receiving`, options);
    this.name = "MessageTooLargeError";
  }
}

class MessageNotStoredError extends Error {
  // 451: a transient failure, so the sending client keeps the message and tries again.
  readonly responseCode = 451;
  constructor(options?: ErrorOptions) {
    super("message could not be stored, try again later", options);
    this.name = "MessageNotStoredError";
  }
}

export async function startInboundSmtp(options: InboundSmtpOptions): Promise<InboundSmtp> {
  const track = options.track ?? (<T>(work: Promise<T>) => work);
  const functionArn = options.functionArn ?? LOCAL_INBOUND_FUNCTION_ARN;
  const inFlight = new Set<Promise<void>>();

  let closed = false;

  async function receiveSession(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) throw new MessageTooLargeError();
    const { mailFrom, rcptTo } = session.envelope;
    await receive({
      data: Buffer.concat(chunks),
      envelope: {
        from: mailFrom === false ? "" : mailFrom.address,
        to: rcptTo.map((recipient) => recipient.address),
      },
      clientHostname: session.clientHostname,
      clientAddress: session.remoteAddress,
    });
  }

  async function receive(delivery: InboundDelivery): Promise<void> {
    const started = Date.now();
    const receivedAt = now();
    const { envelope } = delivery;
    const messageId = newSesMessageId();
    const verdicts = options.verdicts();
    const traceHeaders = sesTraceHeaders({
      source: envelope.from,
      recipients: envelope.to,
      messageId,
      receivedAt,
      verdicts,
      clientHostname: delivery.clientHostname,
      clientAddress: delivery.clientAddress,
    });
    const stored = Buffer.concat([traceHeaders, delivery.data]);
    try {
      await options.s3.send(
        new PutObjectCommand({ Bucket: options.bucket, Key: inboundMailObjectKey(messageId), Body: stored }),
      );
    } catch (error) {
      throw new MessageNotStoredError({ cause: error });
    }
    const event = await buildSesReceiptEvent({
      stored,
      envelope: {
        mailFrom: envelope.from === "" ? false : { address: envelope.from, args: false },
        rcptTo: envelope.to.map((address) => ({ address, args: false })),
      },
      messageId,
      receivedAt,
      // A positive integer, as SES reports it (the Powertools SES schema refuses 0).
      processingTimeMillis: Math.max(1, Date.now() - started),
      verdicts,
      functionArn,
    });
    // SES invokes the function asynchronously ("Event") after accepting the message: a failing handler
    // never bounces the mail, so its error is reported here and the SMTP client still gets 250.
    // Waiting for the handler before answering keeps local runs deterministic: when the client's send
    // resolves, the reply has been processed.
    try {
      await options.onInboundEmail?.(event);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      console.error(`inbound handler failed for SES message ${messageId}: ${reason}`);
    }
  }

  /** Tracked by the clock and kept until it settles, so close() lets every accepted message finish. */
  function accept(work: Promise<void>): Promise<void> {
    const tracked = track(work);
    const settled = tracked.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
    return tracked;
  }

  const server = new InboundSmtpServer({
    name: "inbound-smtp.localhost",
    banner: "contract-ops local inbound SMTP (SES email receiving stand-in)",
    logger: false,
    size: MAX_MESSAGE_BYTES,
    // Any local mail client may deliver: no TLS certificate to trust, and any login (or none) accepted.
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? "local" });
    },
    closeTimeout: 2_000,
    onData(stream, session, callback) {
      void accept(receiveSession(stream, session)).then(
        () => callback(),
        (error: Error) => callback(error),
      );
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new PortInUseError("inbound SMTP", options.port, { cause: error })
          : error,
      );
    };
    server.once("error", onError);
    server.listen(options.port, LOCAL_HOST, () => {
      server.off("error", onError);
      const address = server.server.address();
      if (address === null || typeof address === "string")
        reject(new Error("SMTP server has no TCP address"));
      else resolve(address.port);
    });
  });
  // Errors on client connections (a client hanging up mid-session) must not crash the embedded stack.
  server.on("error", (error) => console.error(`inbound SMTP: ${error.message}`));

  return {
    host: LOCAL_HOST,
    port,
    async deliver(delivery) {
      // A closed server takes no new connection: the client's connect would be refused.
      if (closed) throw new Error(`inbound SMTP on ${LOCAL_HOST}:${port} is closed`);
      if (delivery.data.length > MAX_MESSAGE_BYTES) throw new MessageTooLargeError();
      await accept(receive(delivery));
    },
    async close() {
      closed = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Messages already accepted finish storing and reach the handler before the stack goes away.
      await Promise.all(inFlight);
    },
  };
}
