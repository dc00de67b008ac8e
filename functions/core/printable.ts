/**
 * Text from outside (a mail subject, a file name, a header) made safe to print or to put in an email
 * (ADR 0030): C0/C1 control characters (ESC sequences that clear a terminal or move the cursor), bidi
 * overrides and other invisible format characters, line and paragraph separators become visible escapes
 * like `\u001b`, so a crafted value can neither rewrite what an operator reads nor hide in it.
 */

// Control (C0, DEL, C1) and format characters (soft hyphen, zero-width, bidi, BOM), line/paragraph separators.
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

const escaped = (c: string) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
const escapedUnlessLayout = (c: string) => (c === "\n" || c === "\t" ? c : escaped(c));

/** Multi-line text (CLI output): tabs and newlines kept, every other unsafe character escaped. */
export function printable(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(UNSAFE, escapedUnlessLayout);
}

/** One line of outside text, at most `maxChars` characters (then `…`): newlines and tabs escaped too. */
export function printableLine(text: string, maxChars: number): string {
  const line = printable(text).replace(/[\n\t]/g, escaped);
  const chars = [...line];
  return chars.length <= maxChars ? line : `${chars.slice(0, maxChars).join("")}…`;
}
