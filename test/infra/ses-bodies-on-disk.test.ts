/**
 * With a data directory the SES emulator keeps the stored bodies in a file there (ADR 0072): `sentEmails`
 * and the emulator's own `GET /store` behind its web inbox return the text that was sent, character for
 * character; `sentEmails({ bodies: false })` returns the same emails without their bodies. The expected
 * texts are the ones this test sends.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SesLocal } from "../../infra/local/ses-local";
import { startSesWithClient } from "./ses-local-client";

let ses: SesLocal;
let client: SESClient;
let stop: () => Promise<void>;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "contract-ops-ses-bodies-"));
  ({ ses, client, stop } = await startSesWithClient({ dataDir }));
});

afterAll(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const row = (i: number) => `<tr><td>第${i}行 短信 0.05 元/条</td><td>${i}.00</td></tr>`;
const longHtml = `<!DOCTYPE html><html><body><table>${Array.from({ length: 300 }, (_, i) => row(i)).join("")}</table></body></html>`;
const longText = Array.from({ length: 300 }, (_, i) => `第${i}行 短信 ${i}.00 元`).join("\n");

async function send(subject: string, html: string, text: string): Promise<string> {
  const { MessageId } = await client.send(
    new SendEmailCommand({
      Source: "billing@contract-ops.localhost",
      Destination: { ToAddresses: ["contact@party-a.example"] },
      ReplyToAddresses: ["reply+k1@reply.contract-ops.localhost"],
      Message: {
        Subject: { Data: subject, Charset: "UTF-8" },
        Body: { Html: { Data: html, Charset: "UTF-8" }, Text: { Data: text, Charset: "UTF-8" } },
      },
    }),
  );
  return MessageId as string;
}

describe("stored email bodies in the data directory", () => {
  it("are written to a file there and read back exactly as sent, by sentEmails and the inbox's store", async () => {
    const file = join(dataDir, "ses-bodies.deflated");
    const sizeBefore = statSync(file).size;
    const first = await send("2025年8月账单", longHtml, longText);
    const second = await send("2025年9月账单", `${longHtml}<!-- 9 -->`, `${longText}\n9`);
    expect(statSync(file).size).toBeGreaterThan(sizeBefore);

    const sent = await ses.sentEmails();
    expect(sent.find((email) => email.messageId === first)).toMatchObject({ html: longHtml, text: longText });
    expect(sent.find((email) => email.messageId === second)).toMatchObject({
      html: `${longHtml}<!-- 9 -->`,
      text: `${longText}\n9`,
    });
    const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as {
      emails: { messageId: string; body: { html?: string; text?: string } }[];
    };
    expect(store.emails.find((email) => email.messageId === first)?.body).toEqual({
      html: longHtml,
      text: longText,
    });
  });

  it("sentEmails without bodies lists the same emails, from a position on, with no text or html", async () => {
    const all = await ses.sentEmails();
    const headers = await ses.sentEmails({ skip: 1, bodies: false });
    expect(headers).toHaveLength(all.length - 1);
    expect(headers[0]).toEqual({
      messageId: all[1]?.messageId,
      from: "billing@contract-ops.localhost",
      to: ["contact@party-a.example"],
      cc: [],
      bcc: [],
      replyTo: ["reply+k1@reply.contract-ops.localhost"],
      subject: "2025年9月账单",
      at: all[1]?.at,
    });
  });
});
