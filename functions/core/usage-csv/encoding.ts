/**
 * Usage files in a legacy Chinese encoding (docs/usage-csv.md): Excel on Chinese Windows saves CSV as GBK
 * (code page 936). The parser reads UTF-8 bytes only, so such a file is transcoded on the way in, chunk by
 * chunk (memory stays one chunk); a character cut between two chunks is kept by the decoder until its
 * second byte arrives. The decoder is the platform's WHATWG TextDecoder (Node's full ICU, as on Lambda), not
 * iconv-lite: its charset tables would double the prepare-bill bundle (ADR 0051). WHATWG decodes "gbk" with
 * the GB18030 decoder, a superset, so a GBK file reads the same.
 */

export const USAGE_ENCODINGS = ["utf-8", "gbk", "gb18030"] as const;
export type UsageEncoding = (typeof USAGE_ENCODINGS)[number];

/** What an encoding value may be, as a refusal says it: "utf-8, gbk or gb18030". */
export const USAGE_ENCODINGS_TEXT = `${USAGE_ENCODINGS.slice(0, -1).join(", ")} or ${USAGE_ENCODINGS.at(-1)}`;

export function isUsageEncoding(value: string): value is UsageEncoding {
  return (USAGE_ENCODINGS as readonly string[]).includes(value);
}

/** The stream as UTF-8 bytes: unchanged for UTF-8, transcoded from GBK or GB18030. */
export async function* decodeToUtf8(
  source: AsyncIterable<Uint8Array>,
  encoding: UsageEncoding,
): AsyncGenerator<Uint8Array> {
  if (encoding === "utf-8") {
    yield* source;
    return;
  }
  const decoder = new TextDecoder(encoding);
  for await (const chunk of source) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== "") yield Buffer.from(text, "utf8");
  }
  const rest = decoder.decode();
  if (rest !== "") yield Buffer.from(rest, "utf8");
}
