/**
 * The SES emulator keeps long email bodies deflated (ADR 0055): what every reader gets back — `sentEmails`, the
 * emulator's own `GET /store` behind its web inbox — is the text that was sent, character for character. The
 * expected texts are the ones this test sends.
 */
import { type SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SesLocal } from "../../infra/local/ses-local";
import { startSesWithClient } from "./ses-local-client";

let ses: SesLocal;
let client: SESClient;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ ses, client, stop } = await startSesWithClient());
});

afterAll(async () => {
  await stop();
});

const row = (i: number) => `<tr><td>第${i}行 语音通话 0.06 元/分钟</td><td>${i}.00</td></tr>`;
const longHtml = `<!DOCTYPE html><html><body><table>${Array.from({ length: 400 }, (_, i) => row(i)).join("")}</table></body></html>`;
const longText = Array.from({ length: 400 }, (_, i) => `第${i}行 语音通话 ${i}.00 元`).join("\n");

async function send(html: string, text: string): Promise<string> {
  const { MessageId } = await client.send(
    new SendEmailCommand({
      Source: "billing@contract-ops.localhost",
      Destination: { ToAddresses: ["contact@party-a.example"] },
      Message: {
        Subject: { Data: "2025年8月账单", Charset: "UTF-8" },
        Body: { Html: { Data: html, Charset: "UTF-8" }, Text: { Data: text, Charset: "UTF-8" } },
      },
    }),
  );
  return MessageId as string;
}

describe("stored email bodies", () => {
  it("a long statement reads back exactly as sent, from sentEmails and from the inbox's store", async () => {
    const messageId = await send(longHtml, longText);
    const [sent] = (await ses.sentEmails()).filter((email) => email.messageId === messageId);
    expect(sent?.html).toBe(longHtml);
    expect(sent?.text).toBe(longText);

    const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as {
      emails: { messageId: string; body: { html?: string; text?: string } }[];
    };
    const stored = store.emails.find((email) => email.messageId === messageId);
    expect(stored?.body).toEqual({ html: longHtml, text: longText });
  });

  it("a short body reads back as sent too, and several emails each keep their own", async () => {
    const short = await send("<p>合计 4000.00 元</p>", "合计 4000.00 元");
    const long = await send(`${longHtml}<!-- 2 -->`, `${longText}\n2`);
    const sent = await ses.sentEmails();
    expect(sent.find((email) => email.messageId === short)).toMatchObject({
      html: "<p>合计 4000.00 元</p>",
      text: "合计 4000.00 元",
    });
    expect(sent.find((email) => email.messageId === long)).toMatchObject({
      html: `${longHtml}<!-- 2 -->`,
      text: `${longText}\n2`,
    });
  });
});
