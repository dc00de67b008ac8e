/**
 * Header fields of the in-process exchange (ADR 0107) folded into a message's `headers` object exactly as
 * Node's HTTP stack folds them (`IncomingMessage.prototype._addHeaderLine`): on the emulator's side for the
 * request, on the SDK's side for the answer's serialised head.
 */
import { IncomingMessage } from "node:http";

/** Whether duplicates of a field are joined (a server's `joinDuplicateHeaders` option) or dropped. */
export interface FieldFolding {
  joinDuplicateHeaders?: boolean | undefined;
}

/** Node's own folding of one header field (`IncomingMessage.prototype._addHeaderLine`). */
const addHeaderLine = (
  IncomingMessage.prototype as unknown as {
    _addHeaderLine(this: FieldFolding, name: string, value: string, into: object): void;
  }
)._addHeaderLine;

/** Node's HTTP client: duplicates of a field it does not list are dropped. */
const nodeClient: FieldFolding = { joinDuplicateHeaders: false };

/** The name with ASCII capitals lowered, as `toLowerCase` (which Node uses) lowers a field name's token. */
function lowerCased(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if ((code >= 65 && code <= 90) || code > 127) return name.toLowerCase();
  }
  return name;
}

/**
 * Adds one field to `into` as Node does. The first field of a name is stored under its lower-case name
 * whatever Node's rule for that name (join, `;`-join or drop later duplicates), except Set-Cookie, which
 * Node keeps as a list; that case — and any name already present, even inherited, as `constructor` is — is
 * left to Node's own function, so every result is Node's. The shortcut spares each of the ~11 fields of a
 * call Node's lookup of its known names and the copies it makes of the name (ADR 0113).
 */
export function foldField(
  folding: FieldFolding,
  name: string,
  value: string,
  into: Record<string, string | string[]>,
): void {
  const lower = lowerCased(name);
  if (lower !== "set-cookie" && !(lower in into)) into[lower] = value;
  else addHeaderLine.call(folding, name, value, into);
}

/** A field's value without the optional whitespace (space, tab) around it (RFC 9110, 5.5). */
function withoutWhitespace(text: string, from: number, to: number): string {
  let start = from;
  let end = to;
  while (start < end && (text[start] === " " || text[start] === "\t")) start++;
  while (end > start && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
  return text.slice(start, end);
}

/** The header fields of a serialised head, as Node's HTTP client and then NodeHttpHandler present them. */
export function headersOf(head: string): Record<string, string> {
  const fields: Record<string, string | string[]> = {};
  let at = head.indexOf("\r\n") + 2;
  for (let end = head.indexOf("\r\n", at); end > at; end = head.indexOf("\r\n", at)) {
    const colon = head.indexOf(":", at);
    foldField(nodeClient, head.slice(at, colon), withoutWhitespace(head, colon + 1, end), fields);
    at = end + 2;
  }
  // Only Set-Cookie becomes a list in Node's folding; NodeHttpHandler joins a list with ",".
  const cookies = fields["set-cookie"];
  if (Array.isArray(cookies)) fields["set-cookie"] = cookies.join(",");
  return fields as Record<string, string>;
}
