/**
 * The header section of a raw message, read strictly on its bytes (RFC 5322 §2.2, §3.4, §3.6) before any
 * MIME parser sees the message (R-RECON-1, ADR 0030). The trust checks read only what is here: a lenient
 * parser that keeps the first of two From headers, decodes an encoded word inside an address or
 * lower-cases a Kelvin sign into "k" would let a DMARC checker and this code see different senders.
 */
import { charsetDecoder } from "./charsets";

/** The header section is read from at most this many bytes; a longer one is refused, never parsed. */
export const MAX_HEADER_BYTES = 256 * 1024;

export interface HeaderField {
  /** As written, without trailing white space before the colon. */
  name: string;
  /** Unfolded (CRLF before white space removed), trimmed; bytes as latin1 characters. */
  value: string;
}

export interface HeaderSection {
  fields: HeaderField[];
  /** False when no blank line ended the section within `maxBytes`, or a line was no header field. */
  complete: boolean;
}

/** Reads the header section of `raw`; bytes are taken as latin1 so that non-ASCII stays visible. */
export function readHeaderSection(raw: Uint8Array, maxBytes = MAX_HEADER_BYTES): HeaderSection {
  const text = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.length, maxBytes)).toString("latin1");
  const blank = /\r?\n\r?\n/.exec(text);
  // A message that is only a header section (no body) ends at its last byte.
  const endsHere = blank === null && raw.length <= maxBytes;
  if (blank === null && !endsHere) return { fields: [], complete: false };
  const section = blank === null ? text : text.slice(0, blank.index);
  const fields: HeaderField[] = [];
  let complete = true;
  for (const line of section.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      const last = fields.at(-1);
      if (last === undefined) complete = false;
      else last.value = `${last.value}${line}`;
      continue;
    }
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon).replace(/[ \t]+$/, "");
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
      complete = false;
      continue;
    }
    fields.push({ name, value: line.slice(colon + 1) });
  }
  for (const field of fields) field.value = field.value.trim();
  return { fields, complete };
}

/** Every value of the header `name` (case-insensitive), in order. */
export function headerValues(section: HeaderSection, name: string): string[] {
  const wanted = name.toLowerCase();
  return section.fields.filter((field) => field.name.toLowerCase() === wanted).map((field) => field.value);
}

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const ADDR_SPEC = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}(?:\\.${LABEL})+$`);

/**
 * A plain ASCII addr-spec (dot-atom local part, host name domain), lower-cased; null for anything else:
 * quoted local parts, comments, domain literals, encoded words (`=?`), any non-ASCII character.
 */
export function plainAddress(value: string): string | null {
  const address = value.trim();
  if (!ADDR_SPEC.test(address) || address.includes("=?")) return null;
  return address.toLowerCase();
}

/**
 * The one mailbox of a From/Sender value — `addr-spec` or `display-name <addr-spec>` — as a plain
 * address, or null when there is not exactly one plain one: several addresses, a group, a comment, an
 * `@` or a second angle bracket in the display name, anything after the address.
 */
export function singleMailbox(value: string): string | null {
  let unquoted = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') {
      quoted = true;
      unquoted += " ";
      continue;
    }
    unquoted += c;
  }
  if (quoted || /[,;:()]/.test(unquoted)) return null;
  const open = unquoted.indexOf("<");
  if (open < 0) return /[<>]/.test(unquoted) ? null : plainAddress(unquoted);
  const close = unquoted.indexOf(">", open);
  const display = unquoted.slice(0, open);
  const rest = unquoted.slice(close + 1);
  if (close < 0 || /[<>@]/.test(display) || rest.trim() !== "" || /[<>]/.test(rest)) return null;
  return plainAddress(unquoted.slice(open + 1, close));
}

/**
 * The SMTP envelope sender SES reports (`mail.source`) as a plain address. A BATV tag
 * (`prvs=144d0cba7=sender@example.com`, as in SES's sample Lambda event) is removed: it is the sending
 * system's bounce tag in front of the same mailbox.
 */
export function envelopeAddress(source: string): string | null {
  const batv = /^prvs=[0-9A-Za-z]+=(.+)$/.exec(source.trim());
  return plainAddress(batv?.[1] ?? source);
}

/** The `<id>` message identifiers in an In-Reply-To or References value (RFC 5322 §3.6.4). */
export function messageIdsIn(value: string): string[] {
  return [...value.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1] as string);
}

/**
 * The part of a message id SES generated: SES's MessageId is the left side of the Message-ID header it writes
 * (`<MessageId@email.amazonses.com>`), so a reply's reference and an outbox record's id compare on it.
 */
export function messageIdKey(id: string): string {
  return id.replace(/^<|>$/g, "").split("@")[0] ?? "";
}

/**
 * A header value with its RFC 2047 encoded words decoded (for display only: never for an address).
 * Undecodable words stay as written.
 */
export function decodeEncodedWords(value: string): string {
  const decoded = value.replace(/\?=\s+=\?/g, "?==?");
  return decoded.replace(
    /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
    (word, charset: string, encoding: string, text: string) => {
      const name = charset.split("*")[0] ?? "";
      const decoder = charsetDecoder(name);
      if (decoder === null) return word;
      const bytes =
        encoding.toUpperCase() === "B"
          ? Buffer.from(text, "base64")
          : Buffer.from(
              text
                .replace(/_/g, " ")
                .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
                  String.fromCharCode(Number.parseInt(hex, 16)),
                ),
              "latin1",
            );
      return decoder.decode(bytes);
    },
  );
}
