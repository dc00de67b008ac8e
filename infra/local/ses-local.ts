/**
 * SES on 127.0.0.1: aws-ses-v2-local answers the SES v1 and v2 APIs, keeps every sent email and shows
 * them in a web inbox at its root URL. `sentEmails` reads them back from the emulator's store in this
 * process (the one its `GET /store` and inbox page serve), from a given position on.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import express from "express";
import * as z from "zod";
import { loadAwsConfig } from "../../functions/adapters/aws-config";
import { type LazyDependency, lazyObject, withLazyDependencies } from "./lazy-require";
import { boundPort, closeHttp, LOCAL_HOST, PortInUseError, refuseForeignHosts } from "./ports";
import { type SpillStore, spillStore } from "./spill-store";

type StartSesEmulator = (config: { host: string; port: number }) => Promise<Server>;

/** The part of the emulator's store module used here (its dist/store.d.ts). */
interface SesEmulatorStore {
  getStoreReadonly(): {
    emails: {
      messageId: string;
      replyTo: string[];
      destination: Record<"to" | "cc" | "bcc", string[]>;
      body: { html?: string; text?: string };
    }[];
  };
}

const require = createRequire(import.meta.url);

/**
 * What the emulator requires at load for calls the stack's v1 SendEmail never makes (SendRawEmail, the v2 raw
 * send, `.eml` export, SMTP relay): loaded when first used (ADR 0057). `esModule` as the packages export it
 * (mailparser is compiled from TypeScript, nodemailer is plain CommonJS).
 */
export const SES_EMULATOR_LAZY_DEPENDENCIES: readonly LazyDependency[] = [
  { id: "mailparser", esModule: true },
  { id: "nodemailer", esModule: false },
  { id: "nodemailer/lib/mail-composer", esModule: false },
];

/**
 * The emulator keeps its mailbox in module state. Loading a fresh copy of its modules for every
 * instance gives each embedded stack its own mailbox, so two stacks in one process (one test file
 * starting several) never see each other's emails.
 */
function loadFreshSesEmulator(): { start: StartSesEmulator; store: SesEmulatorStore } {
  const entry = require.resolve("aws-ses-v2-local");
  const distDirectory = dirname(entry);
  for (const cached of Object.keys(require.cache)) {
    if (cached.startsWith(distDirectory + sep)) delete require.cache[cached];
  }
  const start = withLazyDependencies(
    distDirectory,
    SES_EMULATOR_LAZY_DEPENDENCIES,
    () => (require(entry) as { default: StartSesEmulator }).default,
    // The emulator validates its requests with the same zod package this process has loaded already (in
    // `npm start`, bundled into the artefact): given that copy, it does not load zod's CommonJS build, 40 % of
    // its load (ADR 0103). `__esModule` as zod's CommonJS build exports it, for TypeScript's __importDefault.
    new Map<string, object>([
      ["zod", { __esModule: true, ...z }],
      // Its web framework, likewise: imported by this module, express is bundled into the artefact with the run's
      // code, and the emulator's modules are given it instead of loading its 132 CommonJS modules one by one
      // through Node's loader (ADR 0111). express keeps no state of its own between the apps it makes: each
      // stack's emulator makes its own app, and the mailbox stays in the emulator's own modules, loaded fresh.
      // Given as is: express's CommonJS exports have no `__esModule`, so __importDefault wraps them as before.
      ["express", express],
      // Only the v2 template calls (CreateEmailTemplate, templated SendEmail) render with handlebars, but the
      // module that renders makes its handlebars instance when it loads: that instance is made, and handlebars
      // loaded, on the first template call instead (ADR 0106). `__esModule` and `default` as handlebars' CommonJS
      // build exports them, for TypeScript's __importDefault.
      [
        "handlebars",
        {
          __esModule: true,
          default: {
            create: () =>
              lazyObject(() => (createRequire(entry)("handlebars") as { create(): object }).create()),
          },
        },
      ],
    ]),
  );
  // Resolved from the cache just filled, so this is the same store instance the fresh copy writes to.
  const store = require(join(distDirectory, "store.js")) as SesEmulatorStore;
  return { start, store };
}

/** `Destination.ToAddresses.member.1`, `.member.2`, … in index order (the SES v1 query encoding). */
function members(params: URLSearchParams, prefix: string): string[] {
  return [...params.entries()]
    .filter(([key]) => key.startsWith(prefix) && /^\d+$/.test(key.slice(prefix.length)))
    .sort(([a], [b]) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map(([, value]) => value);
}

/**
 * The emulator's v1 SendEmail keeps only the first To, Cc, Bcc and Reply-To address (its request
 * schema names `member.1` alone and drops the rest). Statements and renewal reminders go to several
 * addresses, so this reads each v1 form request itself and, once the emulator has answered with the
 * new MessageId, completes that stored email's address lists. The emulator's body parser skips a
 * request whose body was already read and uses the `body` set here.
 */
function keepAllRecipients(server: Server, store: SesEmulatorStore, sandbox: SesSandbox | undefined): void {
  const emulator = server.listeners("request")[0] as RequestListener;
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const contentType = req.headers["content-type"] ?? "";
    if (
      req.method !== "POST" ||
      req.url !== "/" ||
      !contentType.startsWith("application/x-www-form-urlencoded")
    ) {
      emulator(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      req.body = Object.fromEntries(params);
      const action = params.get("Action");
      if (sandbox && (action === "SendEmail" || action === "SendRawEmail")) {
        const failed = unverified(sandbox, params);
        if (failed.length > 0) {
          rejectMessage(res, failed);
          return;
        }
      }
      if (action === "SendEmail") {
        const end = res.end;
        res.end = function endWithAllRecipients(this: ServerResponse, ...args: unknown[]) {
          const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(String(args[0] ?? ""))?.[1];
          // The email just stored is the last one: searched from the end, a send costs the same at the
          // 30,000th email as at the first.
          const email = store.getStoreReadonly().emails.findLast((stored) => stored.messageId === messageId);
          if (email) {
            email.destination.to = members(params, "Destination.ToAddresses.member.");
            email.destination.cc = members(params, "Destination.CcAddresses.member.");
            email.destination.bcc = members(params, "Destination.BccAddresses.member.");
            email.replyTo = members(params, "ReplyToAddresses.member.");
          }
          return Reflect.apply(end, this, args) as ServerResponse;
        } as ServerResponse["end"];
      }
      emulator(req, res);
    });
  });
}

/**
 * Bodies shorter than this stay as they are: compressing them would save little. A statement's text part is
 * about 1,400 characters (2.8 KB in V8), kept for every email of every contract-month: it is compacted too.
 */
const COMPACT_FROM_CHARS = 512;

/**
 * SES keeps no copy of what it sends; the emulator keeps every email for its inbox, and a statement's HTML
 * (Chinese text, two bytes a character in V8) was the largest thing a contract left in this process (about
 * 47 KB a month, ADR 0055). Once a request has been answered, the bodies of the emails it stored are kept
 * deflated in `bodies` (a file in the data directory, ADR 0072), behind an enumerable getter that reads them
 * back on each read: the inbox page, `GET /store` and `sentEmails` read the same text as before.
 */
function compactStoredBodies(server: Server, store: SesEmulatorStore, bodies: SpillStore): void {
  let compacted = 0;
  const compactNew = () => {
    const { emails } = store.getStoreReadonly();
    // clear-store empties the list: start again from its beginning.
    if (emails.length < compacted) compacted = 0;
    for (; compacted < emails.length; compacted++) {
      const body = emails[compacted]?.body;
      if (!body) continue;
      for (const part of ["html", "text"] as const) {
        const text = body[part];
        if (typeof text !== "string" || text.length < COMPACT_FROM_CHARS) continue;
        Object.defineProperty(body, part, { enumerable: true, configurable: true, get: bodies.put(text) });
      }
    }
  };
  const listeners = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    res.on("finish", compactNew);
    for (const listener of listeners) listener.call(server, req, res);
  });
}

/** Sandbox mode: only these identities (email addresses, or domains for any address at them) may send and receive. */
export interface SesSandbox {
  verifiedIdentities: readonly string[];
}

/**
 * The sandbox of `--ses-sandbox [--verified …]` (`npm run local`, `npm start`): the domain the stack sends from
 * (its own identity) and the given addresses or domains.
 */
export function sandboxVerifying(verified: readonly string[]): SesSandbox {
  const mailFrom = loadAwsConfig({}).mailFrom;
  return { verifiedIdentities: [mailFrom.slice(mailFrom.lastIndexOf("@") + 1), ...verified] };
}

/**
 * The sender and recipients of a v1 SendEmail/SendRawEmail that are not verified identities: in the sandbox SES
 * checks the sender and every recipient ("Moving out of the Amazon SES sandbox", SES developer guide). An
 * address is verified when it, or its domain, is an identity (case-insensitive).
 */
function unverified(sandbox: SesSandbox, params: URLSearchParams): string[] {
  const verified = new Set(sandbox.verifiedIdentities.map((identity) => identity.toLowerCase()));
  const addresses = [
    params.get("Source") ?? "",
    ...members(params, "Destination.ToAddresses.member."),
    ...members(params, "Destination.CcAddresses.member."),
    ...members(params, "Destination.BccAddresses.member."),
    ...members(params, "Destinations.member."),
  ].filter((address) => address !== "");
  return addresses.filter((address) => {
    const bare = (/<([^>]+)>/.exec(address)?.[1] ?? address).trim().toLowerCase();
    return !verified.has(bare) && !verified.has(bare.slice(bare.lastIndexOf("@") + 1));
  });
}

/** SES's answer to a sandbox send to or from an unverified identity (HTTP 400, Sender fault). */
function rejectMessage(res: ServerResponse, failed: string[]): void {
  const message = `Email address is not verified. The following identities failed the check in region US-EAST-1: ${failed.join(", ")}`;
  res.statusCode = 400;
  res.setHeader("content-type", "text/xml");
  res.end(
    `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>MessageRejected</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** One email as the local SES received it (SendEmail, SendRawEmail or the v2 SendEmail). */
export interface LocalSentEmail {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  text?: string;
  html?: string;
  /** When the emulator stored it, wall-clock time to the second (it knows nothing of the virtual clock). */
  at: Date;
}

// The emulator's stored shape (its dist/store.d.ts `Email`), validated because it is another
// package's internal format and could change under a minor version.
const storedEmailSchema = z.object({
  messageId: z.string(),
  from: z.string(),
  replyTo: z.array(z.string()),
  destination: z.object({ to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()) }),
  subject: z.string(),
  body: z.object({ text: z.unknown().optional(), html: z.unknown().optional() }),
  at: z.number(),
});

export interface SentEmailsOptions {
  /** How many emails the reader has already seen (default 0). */
  skip?: number;
  /** false: without `text` and `html`, which are then not read back from where they are kept (default true). */
  bodies?: boolean;
}

const storedHeadersSchema = storedEmailSchema.omit({ body: true });
// Built once: zod builds a schema's definition anew at each pick, a cost every email read paid.
const storedBodySchema = storedEmailSchema.pick({ body: true });

export interface SesLocal {
  endpoint: string;
  port: number;
  /** The web inbox showing every sent email. */
  inboxUrl: string;
  /**
   * Sent emails in the order SES accepted them, from position `skip` on (default 0: all of them). A
   * reader that polls passes how many it has already seen, so each poll costs the new emails only.
   */
  sentEmails(options?: SentEmailsOptions): Promise<LocalSentEmail[]>;
  close(): Promise<void>;
}

export async function startSesLocal(options: {
  port: number;
  sandbox?: SesSandbox;
  /** Where the stored bodies are kept (a file in it); in memory without one. */
  dataDir?: string;
}): Promise<SesLocal> {
  const emulator = loadFreshSesEmulator();
  const server = await emulator.start({ host: LOCAL_HOST, port: options.port });
  // The emulator resolves even when listen() failed (Express 5 hands the error to its callback, which
  // ignores it), so a server that is not listening means the port was taken.
  if (!server.listening) throw new PortInUseError("SES (aws-ses-v2-local)", options.port);
  refuseForeignHosts(server);
  keepAllRecipients(server, emulator.store, options.sandbox);
  const bodies = spillStore(options.dataDir, "ses-bodies.deflated");
  compactStoredBodies(server, emulator.store, bodies);
  const port = boundPort(server.address());
  const endpoint = `http://${LOCAL_HOST}:${port}`;

  return {
    endpoint,
    port,
    inboxUrl: `${endpoint}/`,
    async sentEmails(options = {}) {
      // Read in-process (the store `GET /store` serializes) so a poll validates only the emails it asks for.
      const stored = emulator.store.getStoreReadonly().emails.slice(options.skip ?? 0);
      return stored.map((raw) => {
        const email = storedHeadersSchema.parse(raw);
        const headers = {
          messageId: email.messageId,
          from: email.from,
          to: email.destination.to,
          cc: email.destination.cc,
          bcc: email.destination.bcc,
          replyTo: email.replyTo,
          subject: email.subject,
          at: new Date(email.at * 1000),
        };
        if (options.bodies === false) return headers;
        const { body } = storedBodySchema.parse(raw);
        return {
          ...headers,
          // SendRawEmail stores mailparser's `html: false` for a text-only message.
          ...(typeof body.text === "string" ? { text: body.text } : {}),
          ...(typeof body.html === "string" ? { html: body.html } : {}),
        };
      });
    },
    close: async () => {
      await closeHttp(server);
      bodies.close();
    },
  };
}
