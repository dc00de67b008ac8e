/** The SMS log's row rules, its fast path for plain records (ADR 0084), and the stream reader. */

import {
  bytesEqual,
  DOWNLINK,
  instantEnd,
  isDownlinkAt,
  isPhoneNumber,
  isUplinkAt,
  parseCount,
  phoneNumberEnd,
  UPLINK,
} from "./fields";
import {
  type ScanSummary,
  SMS_HEADER,
  SMS_HEADER_WITH_CATEGORY,
  type SmsVisitor,
  type UsageCsvOptions,
} from "./format";
import { UsageCsvParser } from "./parser";
import { COMMA, CR, LF, QUOTE } from "./tokenizer";

export class SmsCsvParser extends UsageCsvParser {
  private readonly content = new ContentScan();

  constructor(
    private readonly visitor: SmsVisitor,
    options: UsageCsvOptions = {},
  ) {
    // Field 3 (content) is the only one measured; its text is never materialised.
    super([SMS_HEADER, SMS_HEADER_WITH_CATEGORY], "SMS log", 3, options, (line, reason) =>
      visitor.reject(line, reason),
    );
    this.fastPathReadsUtf8 = true;
  }

  protected row(b: Uint8Array, line: number): string | undefined {
    const { starts, ends } = this.tokenizer;
    const sentMs = this.instants.read(b, starts[0] as number, ends[0] as number);
    if (Number.isNaN(sentMs)) return "sent_at is not an ISO-8601 instant with offset";
    if (!isPhoneNumber(b, starts[1] as number, ends[1] as number)) {
      return "recipient is not a phone number";
    }
    const ds = starts[2] as number;
    const de = ends[2] as number;
    const downlink = bytesEqual(b, ds, de, DOWNLINK);
    if (!downlink && !bytesEqual(b, ds, de, UPLINK)) {
      return "direction must be downlink or uplink";
    }
    const contentFilled = (ends[3] as number) > (starts[3] as number);
    const countFilled = (ends[4] as number) > (starts[4] as number);
    if (contentFilled === countFilled) {
      return "exactly one of content and content_chars must be filled";
    }
    let chars = this.tokenizer.chars;
    if (countFilled) {
      chars = parseCount(b, starts[4] as number, ends[4] as number);
      if (chars < 0) return "content_chars is not a non-negative whole number";
    }
    if (sentMs < this.startMs || sentMs >= this.endMs) return this.outsideReason;
    this.visitor.message(sentMs, chars, downlink, line, this);
    return undefined;
  }

  /**
   * SMS records in their plain form — the instant, recipient and direction unquoted, the content quoted
   * with no quote or line feed inside and content_chars empty, or the content empty and content_chars 1–9
   * digits, port and category (when the header has them) unquoted, one line each, inside the period —
   * checked in one pass over their bytes with `row`'s checks; the first record that is not is left to the
   * general path, as for voice (ADR 0056). Unlike voice, content is UTF-8 text, so the caller hands over
   * only bytes already checked as UTF-8 (`len`).
   */
  protected override plainRecords(b: Uint8Array, pos: number, len: number): number {
    const { starts, ends } = this.tokenizer;
    const visitor = this.visitor;
    const periodStartMs = this.startMs;
    const periodEndMs = this.endMs;
    const view = this.view;
    const content = this.content;
    const withPortAndCategory = this.width === 7;
    // As for voice: nothing here reads at or past `last` + 1.
    const last = len - 2;
    let p = pos;
    while (p + 25 < last) {
      const e = instantEnd(b, p, last);
      if (e < 0) return p;
      const sentMs = this.minutes.read(b, view, p, e);
      if (Number.isNaN(sentMs) || sentMs < periodStartMs || sentMs >= periodEndMs) return p;
      const recipientStart = e + 1;
      const recipientEnd = phoneNumberEnd(b, view, recipientStart, last);
      if (recipientEnd < 0 || b[recipientEnd] !== COMMA) return p;
      const directionStart = recipientEnd + 1;
      const downlink = b[directionStart] === 100;
      const directionEnd = directionStart + (downlink ? 8 : 6);
      if (
        directionEnd >= last ||
        b[directionEnd] !== COMMA ||
        !(downlink ? isDownlinkAt(view, directionStart) : isUplinkAt(view, directionStart))
      ) {
        return p;
      }
      let contentStart = directionEnd + 1;
      let contentEnd: number;
      let countStart: number;
      let chars = 0;
      let i: number;
      if (b[contentStart] === QUOTE) {
        contentStart++;
        contentEnd = content.run(b, view, contentStart, last);
        chars = content.count;
        // An empty quoted content, a doubled quote or a line feed inside is the general path's.
        if (contentEnd === contentStart || contentEnd >= last || b[contentEnd] !== QUOTE) return p;
        if (b[contentEnd + 1] !== COMMA) return p;
        countStart = contentEnd + 2;
        i = countStart;
      } else {
        if (b[contentStart] !== COMMA) return p;
        contentEnd = contentStart;
        countStart = contentStart + 1;
        i = countStart;
        let count = 0;
        for (let d = (b[i] as number) - 48; d >= 0 && d <= 9 && i < last; d = (b[i] as number) - 48) {
          count = count * 10 + d;
          i++;
        }
        if (i === countStart || i - countStart > 9) return p;
        chars = count;
      }
      const countEnd = i;
      if (i >= last) return p;
      let portStart = 0;
      let portEnd = 0;
      let categoryStart = 0;
      if (withPortAndCategory) {
        // port and category: unquoted, any bytes but a comma or a line feed (as RecordTokenizer splits them).
        if (b[i] !== COMMA) return p;
        portStart = i + 1;
        if (b[portStart] === QUOTE) return p;
        i = portStart;
        while (i < last && b[i] !== COMMA && b[i] !== LF) i++;
        if (i >= last || b[i] !== COMMA) return p;
        portEnd = i;
        categoryStart = i + 1;
        if (b[categoryStart] === QUOTE) return p;
        i = categoryStart;
        while (i < last && b[i] !== COMMA && b[i] !== LF) i++;
        if (i >= last) return p;
      }
      let next: number;
      let lastEnd = i;
      if (b[i] === LF) {
        next = i + 1;
        if (withPortAndCategory && i > categoryStart && b[i - 1] === CR) lastEnd = i - 1;
      } else if (!withPortAndCategory && b[i] === CR && b[i + 1] === LF) next = i + 2;
      else return p;
      starts[0] = p;
      ends[0] = e;
      starts[1] = recipientStart;
      ends[1] = recipientEnd;
      starts[2] = directionStart;
      ends[2] = directionEnd;
      starts[3] = contentStart;
      ends[3] = contentEnd;
      starts[4] = countStart;
      ends[4] = countEnd;
      if (withPortAndCategory) {
        starts[5] = portStart;
        ends[5] = portEnd;
        starts[6] = categoryStart;
        ends[6] = lastEnd;
      }
      const line = this.line;
      this.line = line + 1;
      this.records++;
      visitor.message(sentMs, chars, downlink, line, this);
      p = next;
    }
    return p;
  }
}

/**
 * Code points of `b[i, …)` up to the first quote or line feed before `last`, for the SMS fast path: UTF-8
 * already checked, a code point is a byte that is not a continuation byte (10xxxxxx), as RecordTokenizer
 * counts. Chinese text is read eight bytes at a time through `view`: a word whose four bytes are all
 * non-ASCII holds no quote and no line feed, and each of its bytes is a leading one when its bit 6 is set,
 * summed per byte lane (at most 255 words before the lanes are added up, so no lane overflows). Anything else
 * is read one byte at a time until the words are non-ASCII again. Leaves the count in `count` and returns where it
 * stopped (a quote, a line feed, or `last`).
 */
class ContentScan {
  count = 0;

  run(b: Uint8Array, view: DataView, i: number, last: number): number {
    let count = 0;
    let p = i;
    for (;;) {
      let lanes = 0;
      let pairs = 0;
      // Two words a turn while both are non-ASCII, then one, then one byte.
      while (p + 8 <= last && pairs < 127) {
        const x = view.getInt32(p, true);
        const y = view.getInt32(p + 4, true);
        if ((x & y & 0x80808080) !== NON_ASCII_WORD) break;
        lanes += ((x >>> 6) & 0x01010101) + ((y >>> 6) & 0x01010101);
        p += 8;
        pairs++;
      }
      if (pairs < 127 && p + 4 <= last) {
        const x = view.getInt32(p, true);
        if ((x & 0x80808080) === NON_ASCII_WORD) {
          lanes += (x >>> 6) & 0x01010101;
          p += 4;
        }
      }
      count += (lanes & 0xff) + ((lanes >>> 8) & 0xff) + ((lanes >>> 16) & 0xff) + (lanes >>> 24);
      if (pairs === 127) continue;
      if (p >= last) break;
      const c = b[p] as number;
      if (c === QUOTE || c === LF) break;
      if ((c & 0xc0) !== 0x80) count++;
      p++;
    }
    this.count = count;
    return p;
  }
}

/** 0x80808080 as the signed 32-bit word `getInt32` reads: every byte's bit 7 set. */
const NON_ASCII_WORD = 0x80808080 | 0;

/** Reads a whole SMS log stream into a visitor. Memory: one chunk plus one partial record. */
export async function scanSmsCsv(
  source: AsyncIterable<Uint8Array>,
  visitor: SmsVisitor,
  options: UsageCsvOptions = {},
): Promise<ScanSummary> {
  const parser = new SmsCsvParser(visitor, options);
  for await (const chunk of source) parser.push(chunk);
  return parser.end();
}
