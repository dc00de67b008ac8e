/**
 * The inbound SMTP stand-in takes no STARTTLS (any local mail client may deliver, with no certificate to trust), so
 * it makes no TLS context: smtp-server made its default one when constructed, OpenSSL's first in a run (ADR 0111).
 * What a client sees is as before: EHLO offers no STARTTLS, and STARTTLS is answered as a command this server does
 * not have (smtp-server's 500 for a disabled command; RFC 5321 §4.2.4 allows 500 for an unrecognized one).
 */
import { createConnection, type Socket } from "node:net";
import tls from "node:tls";
import { S3Client } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type InboundSmtp, passingVerdicts, startInboundSmtp } from "../../infra/local/smtp-inbound";

let smtp: InboundSmtp | undefined;
let s3: S3Client | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await smtp?.close();
  s3?.destroy();
  smtp = undefined;
});

/** Sends a line (none for the greeting) and reads the server's reply up to its last line (`250 …`, not `250-…`). */
function reply(socket: Socket, line?: string): Promise<string[]> {
  return new Promise((resolve) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const lines = text.split("\r\n").filter((l) => l !== "");
      if (text.endsWith("\r\n") && /^\d{3} /.test(lines.at(-1) ?? "")) {
        socket.off("data", onData);
        resolve(lines);
      }
    };
    socket.on("data", onData);
    if (line !== undefined) socket.write(`${line}\r\n`);
  });
}

describe("the inbound SMTP stand-in", () => {
  it("makes no TLS context, and a client's STARTTLS is refused as before", async () => {
    const contexts = vi.spyOn(tls, "createSecureContext");
    // The S3 client is used only to store a delivered message; this session delivers none.
    s3 = new S3Client({ region: "us-east-1" });
    smtp = await startInboundSmtp({ port: 0, s3, bucket: "mail", verdicts: () => passingVerdicts });
    const socket = createConnection({ host: smtp.host, port: smtp.port });
    try {
      expect((await reply(socket))[0]).toMatch(/^220 /);
      const ehlo = await reply(socket, "EHLO client.localhost");
      expect(ehlo[0]).toMatch(/^250-/);
      expect(ehlo.some((l) => /STARTTLS/i.test(l))).toBe(false);
      expect((await reply(socket, "STARTTLS"))[0]).toMatch(/^500 /);
      expect((await reply(socket, "QUIT"))[0]).toMatch(/^221 /);
    } finally {
      socket.destroy();
    }
    expect(contexts).not.toHaveBeenCalled();
  });
});
