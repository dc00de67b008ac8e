/**
 * Which charsets a reply's text can be read in, and their decoders: Node's TextDecoder (full ICU, so
 * gb18030, gbk, gb2312, big5, shift_jis, euc-jp, iso-2022-jp and euc-kr among them) under the labels
 * of the WHATWG Encoding Standard, plus the aliases postal-mime maps onto them (its decode-strings.ts),
 * so that what this module calls readable is what the MIME parser decodes as written (ADR 0081). A
 * label outside both would be read as windows-1252, silently wrong, so it is refused instead.
 */

// Left undecoded, never read (UTF-7 can smuggle markup; base64 and hex are no charsets).
const REFUSED_CHARSET = /^(?:(?:cs)?unicode11)?utf7(?:imap)?$|^base64$|^hex$/;

const ALIASES = new Map([
  ["iso88598i", "iso-8859-8"],
  ["iso88598e", "iso-8859-8"],
  ["shiftjis", "shift_jis"],
  ["windows31j", "shift_jis"],
  ["mskanji", "shift_jis"],
  ["eucjp", "euc-jp"],
  ["iso2022jp", "iso-2022-jp"],
  ["iso2022jp1", "iso-2022-jp"],
  ["iso2022jp2", "iso-2022-jp"],
  ["junet", "iso-2022-jp"],
  ["euckr", "euc-kr"],
  ["uhc", "euc-kr"],
  ["tis620", "windows-874"],
]);

const CODE_PAGES = new Map([
  ["932", "shift_jis"],
  ["936", "gbk"],
  ["949", "euc-kr"],
  ["950", "big5"],
  ["874", "windows-874"],
  ["51932", "euc-jp"],
  ["50220", "iso-2022-jp"],
  ["50221", "iso-2022-jp"],
  ["50222", "iso-2022-jp"],
]);

function decoderFor(label: string): TextDecoder | null {
  try {
    return new TextDecoder(label);
  } catch {
    return null;
  }
}

/** The decoder of `charset`, or null when it is refused or no decoder reads it as written. */
export function charsetDecoder(charset: string): TextDecoder | null {
  const label = charset.trim().toLowerCase();
  if (REFUSED_CHARSET.test(label.replace(/[^a-z0-9]/g, ""))) return null;
  const direct = decoderFor(label);
  if (direct) return direct;
  const normalized = label.replace(/^(?:x-ms-|x-|cs)/, "").replace(/[\s._-]+/g, "");
  const codePage = /^(?:cp|windows|ms|ibm)(\d+)$/.exec(normalized)?.[1];
  const alias = (codePage === undefined ? undefined : CODE_PAGES.get(codePage)) ?? ALIASES.get(normalized);
  return decoderFor(alias ?? normalized);
}
