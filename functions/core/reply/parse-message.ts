/**
 * Turns a raw inbound e-mail (as SES stores it in S3) into what the reconciliation reply needs
 * (R-RECON-1): the headers the trust checks read, the text the sender wrote now, and a list of
 * attachments. Attachments are only counted, never read for figures; the inbound handler stores
 * the raw message itself.
 *
 * Hostile or broken input never throws: a message that is too big, has too many or too deeply
 * nested parts, too much text or text in a charset that cannot be decoded gets a `problems` entry,
 * and any problem makes the decision "needs a person" (see decide.ts).
 */
import PostalMime, { type Address, addressParser, type Header } from "postal-mime";
import { charsetDecoder } from "./charsets";
import { MAX_HEADER_BYTES, readHeaderSection } from "./headers";
import { cutHtmlQuote, extractNewText, htmlToText } from "./new-text";

export interface ParsedReply {
  /** The Message-ID header as written, angle brackets included; null when absent. */
  messageId: string | null;
  /** The one From address, bare and lower-cased; null when From is missing or names several. */
  from: string | null;
  /** The Return-Path address, lower-cased; "" for the null sender `<>`; null when the header is absent. */
  returnPath: string | null;
  /** The To addresses, bare and lower-cased. */
  to: string[];
  subject: string;
  date: Date | null;
  /** What the sender wrote above the quoted original, without signature and `>` lines. */
  newText: string;
  /** The whole text body (plain text, or the HTML body as text), cut at `maxTextChars`. */
  fullText: string;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
  /** Why the body cannot be trusted to be read right, e.g. "unreadable charset: x-foo". */
  problems: string[];
}

const EMPTY_REPLY: ParsedReply = {
  messageId: null,
  from: null,
  returnPath: null,
  to: [],
  subject: "",
  date: null,
  newText: "",
  fullText: "",
  attachments: [],
  problems: [],
};

export interface ReplyLimits {
  /** Larger raw messages are not parsed beyond their headers. */
  maxBytes?: number;
  /** MIME parts in total, containers included. */
  maxParts?: number;
  /** Nesting of multipart containers inside each other. */
  maxDepth?: number;
  /** Characters of text (plain or HTML) read; a reply is a few lines, a body past this is suspect. */
  maxTextChars?: number;
  /** Raw bytes of one text part (plain or HTML, before decoding); a larger part is not parsed at all. */
  maxTextPartBytes?: number;
}

/** SES accepts inbound messages up to 40 MB; a reconciliation reply is a few kB plus attachments. */
export const DEFAULT_REPLY_LIMITS: Required<ReplyLimits> = {
  maxBytes: 40 * 1024 * 1024,
  maxParts: 64,
  maxDepth: 6,
  maxTextChars: 200_000,
  // 1 MB of encoded text is 5× the characters read; megabytes of bare newlines cost the parser seconds.
  maxTextPartBytes: 1024 * 1024,
};

interface MimeShape {
  parts: number;
  depth: number;
  charsets: string[];
  /**
   * The inline text parts' types, keyed by their closest enclosing multipart/alternative (or by the
   * part itself outside one): postal-mime fills a group without plain text (or HTML) by converting
   * the other type, so plain text beside a lone HTML part would carry that HTML as text (ADR 0081).
   */
  textGroups: Map<number, Set<string>>;
  problems: string[];
}

function headerEnd(s: string, from: number, to: number): { headersEnd: number; bodyStart: number } {
  const crlf = s.indexOf("\r\n\r\n", from);
  const lf = s.indexOf("\n\n", from);
  const candidates = [
    crlf >= 0 && crlf < to ? { headersEnd: crlf, bodyStart: crlf + 4 } : null,
    lf >= 0 && lf < to ? { headersEnd: lf, bodyStart: lf + 2 } : null,
  ].filter((c) => c !== null);
  candidates.sort((a, b) => a.headersEnd - b.headersEnd);
  return candidates[0] ?? { headersEnd: to, bodyStart: to };
}

/**
 * A MIME parameter, also when split into RFC 2231 continuations (`boundary*0="a"; boundary*1="b"`) or
 * percent-encoded (`name*=utf-8''%E7%A1%AE`): the MIME parser joins those, so the nesting check must too.
 */
function param(headerValue: string, name: string): string | null {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(headerValue);
  if (match) return match[1] ?? match[2] ?? null;
  const pieces: Array<[number, string]> = [];
  const continuation = new RegExp(`;\\s*${name}\\*(\\d*)(\\*?)\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "gi");
  for (const piece of headerValue.matchAll(continuation)) {
    const index = piece[1] === "" ? 0 : Number(piece[1]);
    const encoded = piece[2] === "*" || piece[1] === "";
    let value = piece[3] ?? piece[4] ?? "";
    if (encoded) {
      if (index === 0) value = value.replace(/^[^']*'[^']*'/, "");
      value = value.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
    }
    pieces.push([index, value]);
  }
  if (pieces.length === 0) return null;
  return pieces
    .sort((a, b) => a[0] - b[0])
    .map(([, value]) => value)
    .join("");
}

/**
 * Walks the MIME tree on the raw bytes (latin1, so offsets are bytes) before the real parser sees
 * it, counting parts and depth, so a zip-bomb-like nest of multiparts is refused after a few
 * hundred bytes of work instead of being expanded.
 */
function scanMime(s: string, limits: Required<ReplyLimits>): MimeShape {
  const shape: MimeShape = { parts: 0, depth: 0, charsets: [], textGroups: new Map(), problems: [] };
  const walk = (start: number, end: number, depth: number, alternative: number | null): void => {
    if (shape.problems.length > 0) return;
    shape.parts++;
    shape.depth = Math.max(shape.depth, depth);
    if (shape.parts > limits.maxParts) {
      shape.problems.push(`too many parts (more than ${limits.maxParts})`);
      return;
    }
    const { headersEnd, bodyStart } = headerEnd(s, start, end);
    const headers = s.slice(start, headersEnd).replace(/\r?\n[ \t]+/g, " ");
    const contentType = /^content-type[ \t]*:[ \t]*([^\r\n]*)/im.exec(headers)?.[1] ?? "text/plain";
    const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
    if (mediaType.startsWith("text/")) {
      if (end - bodyStart > limits.maxTextPartBytes) {
        shape.problems.push(
          `text part too large (${end - bodyStart} bytes, limit ${limits.maxTextPartBytes})`,
        );
        return;
      }
      const charset = param(contentType, "charset");
      if (charset) shape.charsets.push(charset);
      const disposition = /^content-disposition[ \t]*:[ \t]*([^;\r\n]*)/im.exec(headers)?.[1];
      if (
        (mediaType === "text/plain" || mediaType === "text/html") &&
        disposition?.trim().toLowerCase() !== "attachment"
      ) {
        const group = alternative ?? start;
        shape.textGroups.set(group, (shape.textGroups.get(group) ?? new Set()).add(mediaType));
      }
      return;
    }
    const boundary = mediaType.startsWith("multipart/") ? param(contentType, "boundary") : null;
    if (!boundary) return;
    if (depth + 1 > limits.maxDepth) {
      shape.problems.push(`too many nested parts (deeper than ${limits.maxDepth})`);
      return;
    }
    const delimiter = `\n--${boundary}`;
    let at = s.indexOf(delimiter, bodyStart - 1);
    while (at >= 0 && at < end) {
      const lineEnd = s.indexOf("\n", at + delimiter.length);
      if (s.startsWith("--", at + delimiter.length)) return;
      const partStart = lineEnd < 0 ? end : lineEnd + 1;
      const next = s.indexOf(delimiter, partStart - 1);
      const partEnd = next < 0 || next > end ? end : next;
      walk(partStart, partEnd, depth + 1, mediaType === "multipart/alternative" ? start : alternative);
      if (shape.problems.length > 0) return;
      at = next;
    }
  };
  walk(0, s.length, 0, null);
  const groups = [...shape.textGroups.values()];
  const types = new Set(groups.flatMap((group) => [...group]));
  if (types.size > 1 && groups.some((group) => group.size < types.size))
    shape.problems.push("plain text and HTML side by side outside one alternative");
  return shape;
}

/** The bare, lower-cased addresses of every header named `name`, groups opened. */
function bareAddresses(headers: Header[], name: string): string[] {
  const out: string[] = [];
  const visit = (entries: Address[]): void => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address) out.push(entry.address.trim().toLowerCase());
    }
  };
  for (const header of headers) if (header.key.trim() === name) visit(addressParser(header.value));
  return out;
}

interface MailParts {
  headers: Header[];
  subject: string;
  date: string | undefined;
  text: string;
  html: string;
  attachments: ParsedReply["attachments"];
  parserError: string | null;
}

/** Runs postal-mime; attachments are counted by size, their bytes never decoded or kept. */
async function runMailParser(raw: Buffer): Promise<MailParts> {
  try {
    const email = await PostalMime.parse(raw, {
      // A forwarded message attached whole is an attachment, not text of this reply.
      forceRfc822Attachments: true,
      attachmentEncoding: "arraybuffer",
    });
    return {
      headers: email.headers,
      subject: email.subject ?? "",
      date: email.date,
      // Line ends as LF, as the text rules (new-text.ts) read them (postal-mime keeps CRLF, ADR 0081).
      text: (email.text ?? "").replace(/\r\n/g, "\n"),
      html: (email.html ?? "").replace(/\r\n/g, "\n"),
      attachments: email.attachments.map((attachment) => ({
        filename: attachment.filename ?? "",
        contentType: attachment.mimeType || "application/octet-stream",
        size:
          typeof attachment.content === "string" ? attachment.content.length : attachment.content.byteLength,
      })),
      parserError: null,
    };
  } catch (error) {
    return {
      headers: [],
      subject: "",
      date: undefined,
      text: "",
      html: "",
      attachments: [],
      parserError: error instanceof Error ? error.message : String(error),
    };
  }
}

function headerString(headers: Header[], name: string): string | null {
  return headers.find((header) => header.key.trim() === name)?.value ?? null;
}

/** Parses a raw reply. Never throws for anything in `raw`; trouble is listed in `problems`. */
export async function parseReplyMessage(raw: Buffer, limits?: ReplyLimits): Promise<ParsedReply> {
  const effective: Required<ReplyLimits> = { ...DEFAULT_REPLY_LIMITS, ...limits };
  const problems: string[] = [];
  let bodyReadable = true;
  let input = raw;
  if (raw.length > effective.maxBytes) {
    problems.push(`message too large (${raw.length} bytes, limit ${effective.maxBytes})`);
    bodyReadable = false;
  } else if (!readHeaderSection(raw).complete) {
    // Megabytes of folded header lines cost the parser seconds and a gigabyte: refused unread.
    problems.push(
      `header section unreadable (no end within ${MAX_HEADER_BYTES} bytes, or a line that is no header)`,
    );
    return { ...EMPTY_REPLY, problems };
  } else {
    const shape = scanMime(raw.toString("latin1"), effective);
    problems.push(...shape.problems);
    if (shape.problems.length > 0) bodyReadable = false;
    for (const charset of new Set(shape.charsets.map((c) => c.toLowerCase()))) {
      if (charsetDecoder(charset) === null) problems.push(`unreadable charset: ${charset.slice(0, 40)}`);
    }
  }
  if (!bodyReadable) {
    // Headers only: the trust checks and the record still need Message-ID, From and To.
    const latin1 = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString("latin1");
    const { headersEnd } = headerEnd(latin1, 0, latin1.length);
    input = Buffer.concat([raw.subarray(0, headersEnd), Buffer.from("\r\n\r\n")]);
  }
  const mail = await runMailParser(input);
  if (mail.parserError) problems.push(`unparseable message: ${mail.parserError.slice(0, 200)}`);

  let text = bodyReadable ? mail.text : "";
  const html = bodyReadable ? mail.html : "";
  // Measured as text, so that markup and inline styles of a short HTML reply do not count.
  let htmlText = htmlToText(html);
  if (text.length > effective.maxTextChars || htmlText.length > effective.maxTextChars) {
    problems.push(`text too long (more than ${effective.maxTextChars} characters)`);
    text = text.slice(0, effective.maxTextChars);
    htmlText = htmlText.slice(0, effective.maxTextChars);
  }
  const hasText = text.trim() !== "";
  const fullText = hasText ? text : htmlText;
  const htmlNewText = () => extractNewText(htmlToText(cutHtmlQuote(html)).slice(0, effective.maxTextChars));
  let newText = hasText ? extractNewText(text) : htmlNewText();
  // Some clients send an empty text/plain beside the real HTML body.
  if (hasText && newText === "" && html.trim() !== "") newText = htmlNewText();
  if (bodyReadable && fullText.trim() === "" && problems.length === 0)
    problems.push("no text in the message");
  if (fullText.includes("\ufffd")) problems.push("unreadable charset: undecodable characters in the text");
  // Big5-HKSCS characters (叁 among them) come out of Node's big5 decoder as private-use characters.
  if (/[\ue000-\uf8ff]/.test(newText))
    problems.push("unreadable charset: private-use characters in the text");

  const fromAll = bareAddresses(mail.headers, "from");
  const returnPathRaw = headerString(mail.headers, "return-path");
  const returnPathAddress =
    returnPathRaw === null ? null : (/<([^>]*)>/.exec(returnPathRaw)?.[1] ?? returnPathRaw);
  const dateValue = mail.date === undefined ? null : new Date(mail.date);
  const messageId = headerString(mail.headers, "message-id");
  return {
    messageId: messageId?.trim() || null,
    from: fromAll.length === 1 ? (fromAll[0] ?? null) : null,
    returnPath: returnPathAddress === null ? null : returnPathAddress.trim().toLowerCase(),
    to: bareAddresses(mail.headers, "to"),
    subject: mail.subject,
    date: dateValue !== null && !Number.isNaN(dateValue.getTime()) ? dateValue : null,
    newText,
    fullText,
    attachments: mail.attachments,
    problems,
  };
}
