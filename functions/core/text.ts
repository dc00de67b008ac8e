/**
 * Text files as people save them: Notepad and Excel on Windows start a UTF-8 file with a byte order mark
 * (EF BB BF, read as U+FEFF). It is not part of the content, so every JSON or text reader drops it first.
 */

/** The text without a leading byte order mark. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
