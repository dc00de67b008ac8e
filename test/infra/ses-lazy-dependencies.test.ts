/**
 * The SES emulator loads mailparser, nodemailer and handlebars on first use, not when it starts (ADR 0057,
 * ADR 0106): a run that only calls v1 SendEmail never loads them, and the calls that need them — SendRawEmail
 * (mailparser parses the message), the inbox's `.eml` download (nodemailer composes it) and a templated v2
 * SendEmail (handlebars renders it) — behave as with the packages loaded at start. The raw message is written here by hand (RFC 5322 headers, a text/plain body), so the expected
 * subject, recipients and text are this file's own.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, sep } from "node:path";
import { type SESClient, SendEmailCommand, SendRawEmailCommand } from "@aws-sdk/client-ses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withLazyDependencies } from "../../infra/local/lazy-require";
import { SES_EMULATOR_LAZY_DEPENDENCIES, type SesLocal } from "../../infra/local/ses-local";
import { startSesWithClient } from "./ses-local-client";

const require = createRequire(import.meta.url);
const emulatorRequire = createRequire(require.resolve("aws-ses-v2-local"));
const packageDirectory = (id: string) => dirname(emulatorRequire.resolve(`${id}/package.json`));
const loaded = (id: string) =>
  Object.keys(require.cache).some((file) => file.startsWith(packageDirectory(id) + sep));

let ses: SesLocal;
let client: SESClient;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ ses, client, stop } = await startSesWithClient());
});

afterAll(async () => {
  await stop();
});

const raw = [
  "From: billing@contract-ops.localhost",
  "To: contact@party-a.example",
  "Subject: R-lazy raw statement",
  "MIME-Version: 1.0",
  "Content-Type: text/plain; charset=utf-8",
  "",
  "Total 4000.00 yuan",
  "",
].join("\r\n");

describe("the SES emulator's mail packages load on first use", () => {
  it("after start and a v1 SendEmail, neither mailparser, nodemailer nor handlebars is loaded", async () => {
    await client.send(
      new SendEmailCommand({
        Source: "billing@contract-ops.localhost",
        Destination: { ToAddresses: ["contact@party-a.example"] },
        Message: { Subject: { Data: "plain send" }, Body: { Text: { Data: "hello" } } },
      }),
    );
    expect((await ses.sentEmails()).map((email) => email.subject)).toEqual(["plain send"]);
    expect(loaded("mailparser")).toBe(false);
    expect(loaded("nodemailer")).toBe(false);
    expect(loaded("handlebars")).toBe(false);
  });

  it("validates requests with the process's own zod: the emulator loads no CommonJS copy of it (ADR 0103)", async () => {
    await client.send(
      new SendEmailCommand({
        Source: "billing@contract-ops.localhost",
        Destination: { ToAddresses: ["contact@party-a.example"] },
        Message: { Subject: { Data: "zod shared" }, Body: { Text: { Data: "hello" } } },
      }),
    );
    // A request its zod schema refuses is still refused: SendEmail without a Source.
    await expect(
      client.send(
        new SendEmailCommand({
          Source: undefined,
          Destination: { ToAddresses: ["contact@party-a.example"] },
          Message: { Subject: { Data: "no source" }, Body: { Text: { Data: "hello" } } },
        }),
      ),
    ).rejects.toThrow();
    expect((await ses.sentEmails()).map((email) => email.subject)).toContain("zod shared");
    expect(loaded("zod")).toBe(false);
  });

  it("serves with the process's own express: the emulator's modules do not require it themselves (ADR 0111)", async () => {
    // Node notes each module a CommonJS module requires among its children, also one already loaded; a module
    // handed over by withLazyDependencies is never required, so the emulator's entry has no express child.
    const entry = require.cache[require.resolve("aws-ses-v2-local")];
    expect(entry?.children.map((child) => child.filename)).toContain(
      require.resolve("aws-ses-v2-local/dist/store.js"),
    );
    expect(
      entry?.children.filter((child) => child.filename.startsWith(packageDirectory("express") + sep)),
    ).toEqual([]);
    // And the emulator serves through it: the inbox page (express's sendFile) and an unknown operation's 404.
    const inbox = await fetch(ses.inboxUrl);
    expect(inbox.status).toBe(200);
    expect(inbox.headers.get("content-type")).toMatch(/^text\/html/);
    const unknown = await fetch(`${ses.endpoint}/v2/email/unknown`, {
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=local/20250901/us-east-1/ses/aws4_request" },
    });
    expect(unknown.status).toBe(404);
  });

  it("SendRawEmail parses the message with mailparser, loaded then", async () => {
    const { MessageId } = await client.send(
      new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(raw) } }),
    );
    const sent = (await ses.sentEmails()).find((email) => email.messageId === MessageId);
    expect(sent).toMatchObject({
      from: "billing@contract-ops.localhost",
      to: ["contact@party-a.example"],
      subject: "R-lazy raw statement",
      text: "Total 4000.00 yuan\n",
    });
    expect(loaded("mailparser")).toBe(true);
  });

  it("a v2 SendEmail with inline template content renders it with handlebars, loaded then", async () => {
    // SES v2 SendEmail, Content.Template: TemplateContent with {{name}} placeholders, TemplateData a JSON object.
    const response = await fetch(`${ses.endpoint}/v2/email/outbound-emails`, {
      method: "POST",
      // The emulator asks for some authentication, "even if only a mock access key"; it checks no signature.
      headers: {
        "content-type": "application/json",
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20250901/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: JSON.stringify({
        FromEmailAddress: "billing@contract-ops.localhost",
        Destination: { ToAddresses: ["contact@party-a.example"] },
        Content: {
          Template: {
            TemplateContent: { Subject: "Bill for {{period}}", Text: "Total {{total}} yuan" },
            TemplateData: JSON.stringify({ period: "2025-09", total: "4000.00" }),
          },
        },
      }),
    });
    expect(response.status).toBe(200);
    const { MessageId } = (await response.json()) as { MessageId: string };
    const sent = (await ses.sentEmails()).find((email) => email.messageId === MessageId);
    expect(sent).toMatchObject({ subject: "Bill for 2025-09", text: "Total 4000.00 yuan" });
    expect(loaded("handlebars")).toBe(true);
  });

  it("the inbox's .eml download composes the stored email with nodemailer, loaded then", async () => {
    const [first] = await ses.sentEmails();
    const response = await fetch(`${ses.endpoint}/get-emlContent?messageId=${first?.messageId}`);
    expect(response.status).toBe(200);
    const eml = (await response.json()) as { fileName: string; body: { data: number[] } | string };
    expect(eml.fileName).toBe("plain send");
    const body = typeof eml.body === "string" ? eml.body : Buffer.from(eml.body.data).toString("utf8");
    expect(body).toContain("Subject: plain send");
    expect(body).toContain("To: contact@party-a.example");
    expect(loaded("nodemailer")).toBe(true);
  });

  it("each stand-in answers __esModule as the real package exports it", () => {
    for (const dependency of SES_EMULATOR_LAZY_DEPENDENCIES) {
      const real = emulatorRequire(dependency.id) as { __esModule?: boolean };
      expect({ id: dependency.id, esModule: real.__esModule === true }).toEqual(dependency);
    }
  });
});

describe("a stand-in behaves as the module it stands for", () => {
  const directory = mkdtempSync(join(tmpdir(), "lazy-require-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const load = (name: string, id: string) => {
    const file = join(directory, `${name}.cjs`);
    writeFileSync(file, `module.exports = require(${JSON.stringify(id)});\n`);
    return withLazyDependencies(directory, [{ id, esModule: false }], () => require(file) as unknown);
  };

  it("reads, lists and calls through to an object module (node:path)", () => {
    const path = load("path", "node:path") as typeof import("node:path");
    const real = require("node:path") as typeof import("node:path");
    expect(path).not.toBe(real);
    expect(path.join("a", "b")).toBe(`a${sep}b`);
    expect(Object.keys(path)).toEqual(Object.keys(real));
    expect("resolve" in path).toBe(true);
  });

  it("constructs through to a class module (node:events)", () => {
    const Events = load("events", "node:events") as typeof import("node:events");
    const emitter = new Events();
    expect(emitter).toBeInstanceOf(require("node:events"));
    let heard = "";
    emitter.on("bill", (period: string) => {
      heard = period;
    });
    emitter.emit("bill", "2025-09");
    expect(heard).toBe("2025-09");
  });
});
