/** The SMS log's row rules and the stream reader. */

import { bytesEqual, DOWNLINK, isPhoneNumber, parseCount, UPLINK } from "./fields";
import {
  type ScanSummary,
  SMS_HEADER,
  SMS_HEADER_WITH_CATEGORY,
  type SmsVisitor,
  type UsageCsvOptions,
} from "./format";
import { UsageCsvParser } from "./parser";

export class SmsCsvParser extends UsageCsvParser {
  constructor(
    private readonly visitor: SmsVisitor,
    options: UsageCsvOptions = {},
  ) {
    // Field 3 (content) is the only one measured; its text is never materialised.
    super([SMS_HEADER, SMS_HEADER_WITH_CATEGORY], "SMS log", 3, options, (line, reason) =>
      visitor.reject(line, reason),
    );
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
}

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
