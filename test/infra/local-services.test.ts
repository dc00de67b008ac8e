/**
 * The embedded AWS stack through the real SDK clients, built by functions/adapters/aws-config exactly as
 * handlers build them: DynamoDB conditional writes, SES sends visible in the local inbox, and inbound
 * SMTP mail arriving in S3 and at the handler in the shape of an SES receipt-rule Lambda event.
 */
import { ConditionalCheckFailedException, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { SendEmailCommand, SendRawEmailCommand } from "@aws-sdk/client-ses";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import iconv from "iconv-lite";
import nodemailer from "nodemailer";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  documentClient,
  dynamoDbClient,
  inboundMailObjectKey,
  resetAwsClients,
  s3Client,
  sesClient,
} from "../../functions/adapters/aws-config";
import { type LocalServices, type SesReceiptEvent, startLocalServices } from "../../infra/local/services";

const received: SesReceiptEvent[] = [];
let services: LocalServices;
const savedEnv = { ...process.env };

beforeAll(async () => {
  services = await startLocalServices({
    ports: { dynamodb: 0, s3: 0, ses: 0, smtp: 0 },
    onInboundEmail: async (event) => {
      received.push(event);
    },
  });
  Object.assign(process.env, services.env);
  resetAwsClients();
});

afterAll(async () => {
  resetAwsClients();
  process.env = savedEnv;
  await services.stop();
});

afterEach(() => {
  received.length = 0;
  services.setVerdicts({ spf: "PASS", dkim: "PASS", dmarc: "PASS", spam: "PASS", virus: "PASS" });
});

/** A reply as a Chinese mail client sends it: GBK body, encoded-word subject, a line starting with a dot. */
function gbkReply(from: string, to: string): Buffer {
  const subject = `=?GBK?B?${iconv.encode("回复：2025年8月账单 确认", "gbk").toString("base64")}?=`;
  const head = [
    `From: =?GBK?B?${iconv.encode("李四", "gbk").toString("base64")}?= <${from}>`,
    `To: ${to}`,
    `Subject: ${subject}`,
    "Date: Mon, 1 Sep 2025 09:30:00 +0800",
    "Message-ID: <reply-1@party-a.example>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=GBK",
    "Content-Transfer-Encoding: 8bit",
  ].join("\r\n");
  return Buffer.concat([
    Buffer.from(`${head}\r\n\r\n`, "latin1"),
    iconv.encode("确认\r\n.这一行以点开头\r\n", "gbk"),
  ]);
}

async function sendRaw(raw: Buffer, from: string, to: string[]): Promise<string> {
  const transport = nodemailer.createTransport({
    host: services.endpoints.smtp.host,
    port: services.endpoints.smtp.port,
    secure: false,
  });
  try {
    const info = await transport.sendMail({ envelope: { from, to }, raw });
    return info.response;
  } finally {
    transport.close();
  }
}

async function storedObject(messageId: string): Promise<Buffer> {
  const object = await s3Client().send(
    new GetObjectCommand({
      Bucket: services.env.CONTRACT_OPS_MAIL_BUCKET,
      Key: inboundMailObjectKey(messageId),
    }),
  );
  return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
}

describe("DynamoDB (dynalite)", () => {
  it("creates the table from the shared definition, with GSI1", async () => {
    const { Table } = await dynamoDbClient().send(
      new DescribeTableCommand({ TableName: services.env.CONTRACT_OPS_TABLE }),
    );
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.KeySchema).toEqual([
      { AttributeName: "PK", KeyType: "HASH" },
      { AttributeName: "SK", KeyType: "RANGE" },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(["GSI1"]);
  });

  it("rejects a second conditional put of the same key (idempotent bill creation, architecture §4)", async () => {
    const put = (totalFen: string) =>
      documentClient().send(
        new PutCommand({
          TableName: services.env.CONTRACT_OPS_TABLE,
          Item: {
            PK: "CONTRACT#11NA0700211920254001",
            SK: "CYCLE#2025-08",
            billTotalFen: totalFen,
            note: undefined,
          },
          ConditionExpression: "attribute_not_exists(PK)",
        }),
      );
    await put("400000");
    await expect(put("999999")).rejects.toBeInstanceOf(ConditionalCheckFailedException);

    const { Item } = await documentClient().send(
      new GetCommand({
        TableName: services.env.CONTRACT_OPS_TABLE,
        Key: { PK: "CONTRACT#11NA0700211920254001", SK: "CYCLE#2025-08" },
      }),
    );
    expect(Item).toEqual({
      PK: "CONTRACT#11NA0700211920254001",
      SK: "CYCLE#2025-08",
      billTotalFen: "400000",
    });
  });
});

describe("SES (aws-ses-v2-local)", () => {
  it("shows a SendEmail in the local inbox with every address, the subject and both parts", async () => {
    const { MessageId } = await sesClient().send(
      new SendEmailCommand({
        Source: "billing@contract-ops.localhost",
        Destination: {
          ToAddresses: ["contact@party-a.example", "finance@party-a.example"],
          CcAddresses: ["staff@party-b.example"],
        },
        ReplyToAddresses: ["k7f3@reply.contract-ops.localhost", "desk@party-b.example"],
        Message: {
          Subject: { Data: "2025年8月账单", Charset: "UTF-8" },
          Body: {
            Text: { Data: "合计 4000.00 元", Charset: "UTF-8" },
            Html: { Data: "<p>合计 4000.00 元</p>", Charset: "UTF-8" },
          },
        },
      }),
    );

    const sent = (await services.sentEmails()).find((email) => email.messageId === MessageId);
    expect(sent).toMatchObject({
      from: "billing@contract-ops.localhost",
      to: ["contact@party-a.example", "finance@party-a.example"],
      cc: ["staff@party-b.example"],
      bcc: [],
      replyTo: ["k7f3@reply.contract-ops.localhost", "desk@party-b.example"],
      subject: "2025年8月账单",
      text: "合计 4000.00 元",
      html: "<p>合计 4000.00 元</p>",
    });
    expect(sent?.at).toBeInstanceOf(Date);
  });

  it("shows a SendRawEmail too, with no html when the message has only text", async () => {
    const raw = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail({
      from: "billing@contract-ops.localhost",
      to: "contact@party-a.example",
      subject: "提醒",
      text: "明天截止",
    });
    const { MessageId } = await sesClient().send(
      new SendRawEmailCommand({ RawMessage: { Data: raw.message as Buffer } }),
    );

    const sent = (await services.sentEmails()).find((email) => email.messageId === MessageId);
    expect(sent).toMatchObject({ subject: "提醒", text: "明天截止" });
    expect(sent).not.toHaveProperty("html");
  });
});

describe("inbound SMTP → S3 → handler (SES receipt rule stand-in)", () => {
  it("stores the message byte for byte under inbound/<messageId>, behind SES's headers, and calls the handler once", async () => {
    const raw = gbkReply("contact@party-a.example", "k7f3@reply.contract-ops.localhost");
    const response = await sendRaw(raw, "contact@party-a.example", ["k7f3@reply.contract-ops.localhost"]);

    expect(response).toMatch(/^250/);
    expect(received).toHaveLength(1);
    const messageId = received[0]?.Records[0]?.ses.mail.messageId ?? "";
    expect(messageId).toMatch(/^[a-z0-9]{40}$/);
    const stored = await storedObject(messageId);
    // GBK bytes, CRLFs and the dot-stuffed line all come through unchanged.
    expect(stored.subarray(stored.length - raw.length).equals(raw)).toBe(true);
    const prepended = stored.subarray(0, stored.length - raw.length).toString("utf8");
    expect(prepended).toMatch(/^Return-Path: <contact@party-a\.example>\r\nReceived: from .+\r\n/);
    expect(prepended).toContain("\r\nX-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n");
    expect(prepended).toContain("Authentication-Results: amazonses.com; spf=pass ");
    expect(prepended.endsWith("\r\n")).toBe(true);
  });

  it("delivers the SES Lambda-action event shape with PASS verdicts by default", async () => {
    const raw = gbkReply("contact@party-a.example", "k7f3@reply.contract-ops.localhost");
    await sendRaw(raw, "bounces@party-a.example", ["k7f3@reply.contract-ops.localhost"]);

    const [record, ...others] = received[0]?.Records ?? [];
    expect(others).toEqual([]);
    expect(record?.eventSource).toBe("aws:ses");
    expect(record?.eventVersion).toBe("1.0");
    const { mail, receipt } = record?.ses ?? {};
    expect(mail).toMatchObject({
      source: "bounces@party-a.example",
      destination: ["k7f3@reply.contract-ops.localhost"],
      headersTruncated: false,
      commonHeaders: {
        returnPath: "bounces@party-a.example",
        from: ['"李四" <contact@party-a.example>'],
        to: ["k7f3@reply.contract-ops.localhost"],
        date: "Mon, 1 Sep 2025 09:30:00 +0800",
        messageId: "<reply-1@party-a.example>",
        subject: "回复：2025年8月账单 确认",
      },
    });
    expect(mail?.headers).toContainEqual({ name: "Message-ID", value: "<reply-1@party-a.example>" });
    expect(mail?.headers[0]).toEqual({ name: "Return-Path", value: "<bounces@party-a.example>" });
    expect(mail?.headers.map((header) => header.name)).toEqual([
      "Return-Path",
      "Received",
      "X-SES-Spam-Verdict",
      "X-SES-Virus-Verdict",
      "Received-SPF",
      "Authentication-Results",
      "From",
      "To",
      "Subject",
      "Date",
      "Message-ID",
      "MIME-Version",
      "Content-Type",
      "Content-Transfer-Encoding",
    ]);
    expect(receipt).toMatchObject({
      recipients: ["k7f3@reply.contract-ops.localhost"],
      spamVerdict: { status: "PASS" },
      virusVerdict: { status: "PASS" },
      spfVerdict: { status: "PASS" },
      dkimVerdict: { status: "PASS" },
      dmarcVerdict: { status: "PASS" },
      action: { type: "Lambda", invocationType: "Event" },
    });
    expect(receipt?.timestamp).toBe(mail?.timestamp);
    expect(Number.isNaN(Date.parse(mail?.timestamp ?? ""))).toBe(false);
  });

  it("reports the configured FAIL verdicts (architecture §7: such replies are never acted on)", async () => {
    services.setVerdicts({ spf: "FAIL", dmarc: "FAIL" });
    await sendRaw(
      gbkReply("forged@party-a.example", "k7f3@reply.contract-ops.localhost"),
      "forged@evil.example",
      ["k7f3@reply.contract-ops.localhost"],
    );

    const { mail, receipt } = received[0]?.Records[0]?.ses ?? {};
    expect(mail?.headers).toContainEqual({
      name: "Authentication-Results",
      value:
        "amazonses.com; spf=fail smtp.mailfrom=forged@evil.example; dkim=pass header.i=@evil.example; dmarc=fail header.from=evil.example;",
    });
    expect(receipt).toMatchObject({
      spfVerdict: { status: "FAIL" },
      dmarcVerdict: { status: "FAIL" },
      dkimVerdict: { status: "PASS" },
      spamVerdict: { status: "PASS" },
      virusVerdict: { status: "PASS" },
    });
  });
});

describe("inbound SMTP with verdicts set at start and a failing handler", () => {
  let other: LocalServices;
  const handlerCalls: SesReceiptEvent[] = [];
  let inFlightDuringHandler: number[] = [];

  beforeAll(async () => {
    let inFlight = 0;
    other = await startLocalServices({
      verdicts: { virus: "FAIL", spam: "GRAY" },
      track: async (work) => {
        inFlight++;
        try {
          return await work;
        } finally {
          inFlight--;
        }
      },
      onInboundEmail: async (event) => {
        inFlightDuringHandler.push(inFlight);
        handlerCalls.push(event);
        throw new Error("handler crashed");
      },
    });
  });

  afterAll(async () => {
    await other.stop();
  });

  it("accepts the message even though the handler throws (SES invokes it asynchronously)", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    inFlightDuringHandler = [];
    const transport = nodemailer.createTransport({
      host: other.endpoints.smtp.host,
      port: other.endpoints.smtp.port,
      secure: false,
    });
    try {
      const info = await transport.sendMail({
        from: "contact@party-a.example",
        to: "k9@reply.contract-ops.localhost",
        subject: "有异议，金额 3800.00 元",
        text: "有异议",
      });
      expect(info.response).toMatch(/^250/);
    } finally {
      transport.close();
    }
    const logged = errors.mock.calls.map((call) => String(call[0]));
    errors.mockRestore();

    expect(handlerCalls).toHaveLength(1);
    const receipt = handlerCalls[0]?.Records[0]?.ses.receipt;
    expect(receipt?.virusVerdict).toEqual({ status: "FAIL" });
    expect(receipt?.spamVerdict).toEqual({ status: "GRAY" });
    expect(receipt?.spfVerdict).toEqual({ status: "PASS" });
    // The handler ran inside track(): the virtual clock could not have moved under it.
    expect(inFlightDuringHandler).toEqual([1]);
    expect(logged).toEqual([expect.stringContaining(handlerCalls[0]?.Records[0]?.ses.mail.messageId ?? "?")]);
  });

  it("keeps each stack's SES inbox to itself", async () => {
    const before = (await other.sentEmails()).length;
    await sesClient().send(
      new SendEmailCommand({
        Source: "billing@contract-ops.localhost",
        Destination: { ToAddresses: ["contact@party-a.example"] },
        Message: { Subject: { Data: "only in the first stack" }, Body: { Text: { Data: "x" } } },
      }),
    );
    expect((await services.sentEmails()).map((email) => email.subject)).toContain("only in the first stack");
    expect(await other.sentEmails()).toHaveLength(before);
  });
});
