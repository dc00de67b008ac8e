/**
 * Mail to the inbound SMTP stand-in without a socket (ADR 0089): the message an SMTP client would deliver
 * is stored byte for byte as over a real SMTP session on the server's port, behind the same trace headers
 * (the client named the same way), the handler gets the same receipt event, and the server's refusal
 * (451, the message could not be stored) reaches the sender either way.
 */
import { DeleteBucketCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import nodemailer, { type Transporter } from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboundMailObjectKey, loadAwsConfig, makeS3Client } from "../../functions/adapters/aws-config";
import { type LocalServices, type SesReceiptEvent, startLocalServices } from "../../infra/local/services";
import { smtpDataOf } from "../../infra/local/smtp-in-process";

describe("the DATA bytes of a message (RFC 5321 §4.1.1.4, §2.3.8; nodemailer's data stream)", () => {
  const data = (text: string) => smtpDataOf(Buffer.from(text, "latin1")).toString("latin1");

  it("ends every line in CRLF: a bare LF or CR becomes CRLF, a CRLF stays one", () => {
    expect(data("a\nb\r\nc\rd\r\n")).toBe("a\r\nb\r\nc\r\nd\r\n");
    expect(data("\n\n")).toBe("\r\n\r\n");
    expect(data("\r\r\n")).toBe("\r\n\r\n");
  });

  it("ends the content with the CRLF before the terminating dot when the message does not end a line", () => {
    expect(data("a")).toBe("a\r\n");
    expect(data("a\r")).toBe("a\r\n");
    expect(data("")).toBe("\r\n");
  });

  it("leaves dots alone: the client's stuffing and the server's unstuffing cancel out", () => {
    expect(data(".\r\n..a\r\n.")).toBe(".\r\n..a\r\n.\r\n");
  });
});

const received: SesReceiptEvent[] = [];
let services: LocalServices;
let overSmtp: Transporter<unknown>;
let inProcess: Transporter<unknown>;

beforeAll(async () => {
  services = await startLocalServices({
    transport: "in-process",
    onInboundEmail: async (event) => {
      received.push(event);
    },
  });
  overSmtp = nodemailer.createTransport({
    host: services.endpoints.smtp.host,
    port: services.endpoints.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  inProcess = services.mailTransport();
});

afterAll(async () => {
  overSmtp.close();
  inProcess.close();
  await services.stop();
});

/** The message as stored in the mail bucket and the receipt event, for one send through `transport`. */
async function deliverThrough(transport: Transporter<unknown>, mail: Mail.Options) {
  received.length = 0;
  await transport.sendMail(mail);
  const event = received[0];
  if (!event) throw new Error("the handler got no event");
  const record = event.Records[0];
  if (!record) throw new Error("the event has no record");
  const config = loadAwsConfig(services.env);
  const s3 = makeS3Client(config);
  const object = await s3.send(
    new GetObjectCommand({
      Bucket: config.mailBucket,
      Key: inboundMailObjectKey(record.ses.mail.messageId),
    }),
  );
  s3.destroy();
  const stored = Buffer.from((await object.Body?.transformToByteArray()) ?? []).toString("latin1");
  // What differs between any two deliveries: SES's message id and the instant of receipt.
  const { messageId } = record.ses.mail;
  const same = (text: string) =>
    text
      .replaceAll(messageId, "<id>")
      .replace(/; [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [\d:]{8} \+0000 \(UTC\)/, "; <date>");
  const mailPart = {
    ...record.ses.mail,
    messageId: "<id>",
    timestamp: "<t>",
    headers: record.ses.mail.headers.map((header) => ({ ...header, value: same(header.value) })),
  };
  const receipt = { ...record.ses.receipt, timestamp: "<t>", processingTimeMillis: 1 };
  return { stored: same(stored), event: { ...record, ses: { mail: mailPart, receipt } } };
}

describe("Party A's mail over SMTP and in-process", () => {
  const replyText = [
    "确认，本期账单核对无误。",
    "",
    "张三",
    "吉林省社会医疗保险管理局",
    "",
    "-----原始邮件-----",
    "> 2025年8月账单｜合同 11NA0700211920254001｜结算总金额 6,979.36 元",
    ".一行以点开头",
    "..两个点",
    ".",
    "",
  ].join("\n");

  it("stores a composed reply (Chinese text, the quoted statement) as the same bytes", async () => {
    const mail: Mail.Options = {
      from: { name: "张三", address: "zhangsan@jl-ybj.example" },
      to: "replies+2025-08@contract-ops.localhost",
      subject: "回复：2025年8月账单｜合同 11NA0700211920254001｜结算总金额 6,979.36 元",
      inReplyTo: "<0100019-statement@email.amazonses.com>",
      references: ["<0100019-statement@email.amazonses.com>"],
      // Fixed, so two compositions of the same mail are the same bytes.
      messageId: "<reply-2025-08@jl-ybj.example>",
      date: new Date("2025-09-02T02:00:00Z"),
      text: replyText,
    };
    const socket = await deliverThrough(overSmtp, mail);
    const direct = await deliverThrough(inProcess, mail);
    expect(direct.stored).toBe(socket.stored);
    expect(direct.event).toEqual(socket.event);
    // SES's trace headers first (the guide's sample), naming the client on 127.0.0.1 and the envelope.
    expect(socket.stored).toMatch(
      /^Return-Path: <zhangsan@jl-ybj\.example>\r\nReceived: from \S+ \(\[127\.0\.0\.1\]\) by inbound-smtp\.localhost with SMTP id <id> for replies\+2025-08@contract-ops\.localhost; <date>\r\n/,
    );
  });

  it("stores a raw message with bare LF, a bare CR and lines of dots as the same bytes", async () => {
    const raw = Buffer.from(
      "From: a@jl-ybj.example\nTo: replies@contract-ops.localhost\nSubject: raw\nMessage-ID: <raw@x>\n\nline one\r.\n.\n..\nlast line",
      "latin1",
    );
    const mail: Mail.Options = {
      envelope: {
        from: "a@jl-ybj.example",
        to: ["replies@contract-ops.localhost", "cc@contract-ops.localhost"],
      },
      raw,
    };
    const socket = await deliverThrough(overSmtp, mail);
    const direct = await deliverThrough(inProcess, mail);
    expect(direct.stored).toBe(socket.stored);
    expect(direct.event).toEqual(socket.event);
    // nodemailer ends a raw message with a line break when it has none.
    expect(socket.stored.endsWith("\r\n\r\nline one\r\n.\r\n.\r\n..\r\nlast line\r\n")).toBe(true);
  });
});

describe("a message the server cannot store", () => {
  it("is refused with 451 over SMTP and in-process alike", async () => {
    const refused = await startLocalServices({ transport: "in-process" });
    const smtp = nodemailer.createTransport({
      host: refused.endpoints.smtp.host,
      port: refused.endpoints.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    const direct = refused.mailTransport();
    try {
      const config = loadAwsConfig(refused.env);
      const s3 = makeS3Client(config);
      // Without its bucket the receipt rule's S3 action cannot store the message.
      await s3.send(new DeleteBucketCommand({ Bucket: config.mailBucket }));
      s3.destroy();
      const mail: Mail.Options = {
        from: "a@jl-ybj.example",
        to: "replies@contract-ops.localhost",
        text: "确认",
      };
      const outcome = (error: unknown) => (error as { responseCode?: number }).responseCode;
      const overSocket = await smtp.sendMail(mail).catch(outcome);
      const inProcessCode = await direct.sendMail(mail).catch(outcome);
      expect(overSocket).toBe(451);
      expect(inProcessCode).toBe(451);
    } finally {
      smtp.close();
      direct.close();
      await refused.stop();
    }
  });
});

describe("the in-process path's other refusals", () => {
  it("refuses a message over SES's 40 MB limit with 552, as the server answers DATA", async () => {
    const raw = Buffer.concat([Buffer.from("Subject: big\r\n\r\n"), Buffer.alloc(40 * 1024 * 1024, 0x61)]);
    const outcome = await inProcess
      .sendMail({ envelope: { from: "a@jl-ybj.example", to: ["replies@contract-ops.localhost"] }, raw })
      .then(
        () => "accepted",
        (error: unknown) => (error as { responseCode?: number }).responseCode,
      );
    expect(outcome).toBe(552);
  });

  it("refuses once the stack has stopped, as a closed port refuses the connection", async () => {
    const stopped = await startLocalServices({ transport: "in-process" });
    const direct = stopped.mailTransport();
    await stopped.stop();
    try {
      await expect(
        direct.sendMail({ from: "a@jl-ybj.example", to: "replies@contract-ops.localhost", text: "确认" }),
      ).rejects.toThrow(/is closed/);
    } finally {
      direct.close();
    }
  });
});
