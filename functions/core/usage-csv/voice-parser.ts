/** The voice CDR's row rules, its fast path for plain records (ADR 0056), and the stream reader. */

import {
  bytesEqual,
  INBOUND,
  instantEnd,
  isInboundAt,
  isOutboundAt,
  isPhoneNumber,
  OUTBOUND,
  parseCount,
  phoneNumberEnd,
  phoneNumberKey,
} from "./fields";
import { type ScanSummary, type UsageCsvOptions, VOICE_HEADER, type VoiceVisitor } from "./format";
import { UsageCsvParser } from "./parser";
import { COMMA, CR, LF } from "./tokenizer";

export class VoiceCsvParser extends UsageCsvParser {
  /**
   * Where the fast path's record (`plainRecordStart`) has its calling_number and its called_number: R-CALL-1
   * asks for both numbers of every outbound call, which are then read here without splitting the record at
   * its commas first (ADR 0100).
   */
  private plainCallingStart = 0;
  private plainCalledStart = 0;

  constructor(
    private readonly visitor: VoiceVisitor,
    options: UsageCsvOptions = {},
  ) {
    super([VOICE_HEADER], "voice CDR", -1, options, (line, reason) => visitor.reject(line, reason));
  }

  protected row(b: Uint8Array, line: number): string | undefined {
    const { starts, ends } = this.tokenizer;
    const startMs = this.instants.read(b, starts[0] as number, ends[0] as number);
    if (Number.isNaN(startMs)) return "call_start is not an ISO-8601 instant with offset";
    const duration = parseCount(b, starts[1] as number, ends[1] as number);
    if (duration < 0) return "duration_seconds is not a non-negative whole number";
    const ds = starts[2] as number;
    const de = ends[2] as number;
    const outbound = bytesEqual(b, ds, de, OUTBOUND);
    if (!outbound && !bytesEqual(b, ds, de, INBOUND)) {
      return "direction must be outbound or inbound";
    }
    if (!isPhoneNumber(b, starts[3] as number, ends[3] as number)) {
      return "calling_number is not a phone number";
    }
    if (!isPhoneNumber(b, starts[4] as number, ends[4] as number)) {
      return "called_number is not a phone number";
    }
    if (startMs < this.startMs || startMs >= this.endMs) return this.outsideReason;
    this.visitor.call(startMs, duration, outbound, line, this);
    return undefined;
  }

  override phoneNumberKey(field: number): number {
    if (this.plainRecordStart < 0 || (field !== 3 && field !== 4)) return super.phoneNumberKey(field);
    const b = this.buffer;
    const calledStart = this.plainCalledStart;
    if (field === 3) return phoneNumberKey(b, this.plainCallingStart, calledStart - 1);
    // The plain record ends with LF or CRLF inside the buffer.
    let end = calledStart;
    while (b[end] !== LF && b[end] !== CR) end++;
    return phoneNumberKey(b, calledStart, end);
  }

  /**
   * Voice records in their plain form — unquoted, ASCII, one line each, inside the period — checked field by
   * field in one pass over their bytes, with `row`'s checks; the first record that is not (a rejection, a
   * quote, a record cut by the chunk's end) is left to the general path, which accepts or rejects it as before.
   * A field ends at its first comma or line feed (as RecordTokenizer splits it); each check below reads every
   * byte of its field, so a field that passes has no comma or line feed inside, and the record's fields are
   * found again from its start only when the visitor asks for a field's text (`plainRecordStart`, ADR 0088).
   */
  protected override plainRecords(b: Uint8Array, pos: number, len: number): number {
    const visitor = this.visitor;
    const periodStartMs = this.startMs;
    const periodEndMs = this.endMs;
    const view = this.view;
    // Nothing here reads at or past `last` + 1, so no read falls outside the buffer (which would deoptimise
    // this loop); the records of a chunk's last two bytes are the general path's.
    const last = len - 2;
    const firstLine = this.line;
    let line = firstLine;
    let p = pos;
    // Every check that fails leaves the loop with `p` at the record's start: the general path's record.
    while (p + 25 < last) {
      // call_start; a line feed before its comma ends the record there: one field, the general path's to reject.
      const e = instantEnd(b, p, last);
      if (e < 0) break;
      const startMs = this.minutes.read(b, view, p, e);
      if (Number.isNaN(startMs) || startMs < periodStartMs || startMs >= periodEndMs) break;
      // duration_seconds: 1–9 digits (parseCount).
      const durationStart = e + 1;
      let i = durationStart;
      let duration = 0;
      for (let d = (b[i] as number) - 48; d >= 0 && d <= 9 && i < last; d = (b[i] as number) - 48) {
        duration = duration * 10 + d;
        i++;
      }
      if (i === durationStart || i - durationStart > 9 || i >= last || b[i] !== COMMA) break;
      // direction: exactly outbound or inbound.
      const directionStart = i + 1;
      const outbound = b[directionStart] === 111;
      const directionEnd = directionStart + (outbound ? 8 : 7);
      if (
        directionEnd >= last ||
        b[directionEnd] !== COMMA ||
        !(outbound ? isOutboundAt(view, directionStart) : isInboundAt(view, directionStart))
      ) {
        break;
      }
      // calling_number, then called_number: one loop, so that the number scan takes V8's inlining budget
      // (about 920 bytes of bytecode a function) once (ADR 0084).
      let callingEnd = -1;
      let calledEnd = -1;
      for (let numberStart = directionEnd + 1; calledEnd < 0; ) {
        const end = phoneNumberEnd(b, view, numberStart, last);
        if (end < 0) break;
        if (callingEnd >= 0) calledEnd = end;
        else if (b[end] === COMMA) {
          callingEnd = end;
          numberStart = end + 1;
        } else break;
      }
      let next: number;
      if (calledEnd < 0) break;
      if (b[calledEnd] === LF) next = calledEnd + 1;
      else if (b[calledEnd] === CR && b[calledEnd + 1] === LF) next = calledEnd + 2;
      else break;
      this.plainRecordStart = p;
      this.plainCallingStart = directionEnd + 1;
      this.plainCalledStart = callingEnd + 1;
      visitor.call(startMs, duration, outbound, line, this);
      line++;
      p = next;
    }
    this.line = line;
    this.records += line - firstLine;
    return p;
  }
}

/** Reads a whole voice CDR stream into a visitor. Memory: one chunk plus one partial record. */
export async function scanVoiceCsv(
  source: AsyncIterable<Uint8Array>,
  visitor: VoiceVisitor,
  options: UsageCsvOptions = {},
): Promise<ScanSummary> {
  const parser = new VoiceCsvParser(visitor, options);
  for await (const chunk of source) parser.push(chunk);
  return parser.end();
}
