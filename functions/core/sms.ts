/**
 * Billed SMS parts (R-SMS-1). Party B adds the signature 【…】 to every message; the signed text counts.
 * Characters are Unicode code points (an emoji is one), not UTF-16 units and not bytes — the contract says
 * "所有字符", and 70 is the contract's number (not GSM's 67), configurable per contract (rules.smsPartLength).
 */

/** The two brackets 【 】 Party B wraps the signature in. */
const SIGNATURE_BRACKETS = 2;

/** Code points in a string (an astral character such as an emoji is one). */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low surrogate is one code point: skip the low half.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/**
 * R-SMS-1: content + 【signature】 ≤ partLength → 1 billed message; otherwise the signed text is split into
 * partLength-character parts (signature in the first only) and every part is billed:
 * ⌈(content + signature + 2) / partLength⌉. For 吉林医保 and 70: 64 content characters → 1, 65 → 2.
 */
export function smsParts(contentLength: number, signature: string, partLength = 70): number {
  return smsPartsForSignatureLength(contentLength, codePointLength(signature), partLength);
}

/** Same as smsParts with the signature already measured (the rating loop measures it once). */
export function smsPartsForSignatureLength(
  contentLength: number,
  signatureLength: number,
  partLength: number,
): number {
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) {
    throw new RangeError(`content length must be a non-negative integer, got ${contentLength}`);
  }
  if (!Number.isSafeInteger(partLength) || partLength <= signatureLength + SIGNATURE_BRACKETS) {
    throw new RangeError(`part length ${partLength} cannot hold the signature`);
  }
  const signed = contentLength + signatureLength + SIGNATURE_BRACKETS;
  return signed <= partLength ? 1 : Math.ceil(signed / partLength);
}

/** Billed parts of a message text (counted in code points; the text itself is not kept). */
export function smsPartsForText(content: string, signature: string, partLength = 70): number {
  return smsParts(codePointLength(content), signature, partLength);
}
