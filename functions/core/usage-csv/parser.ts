/**
 * The streaming driver: header check and the record loop with line numbers. The row rules are in ./voice-parser
 * and ./sms-parser.
 */

import { isUtf8 } from "node:buffer";
import { periodBounds } from "../time";
import { InstantReader, invalidUtf8At, MinuteReader, phoneNumberKey } from "./fields";
import {
  MAX_RECORD_BYTES,
  type RecordFields,
  type ScanSummary,
  type UsageCsvOptions,
  UsageFileError,
} from "./format";
import { COMMA, CR, LF, QUOTE, RecordTokenizer } from "./tokenizer";

const utf8 = new TextDecoder();

/** What both usage files share; a subclass adds its header and its row rules (./voice-parser, ./sms-parser). */
export abstract class UsageCsvParser implements RecordFields {
  protected readonly tokenizer: RecordTokenizer;
  protected readonly instants = new InstantReader();
  /** The fast paths' instant reader, and a view of the buffer for the word reads it compares with. */
  protected readonly minutes = new MinuteReader();
  protected view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** The buffer being processed: the bytes `text` and `phoneNumberKey` read. */
  protected buffer: Uint8Array = new Uint8Array(0);
  width: number;
  protected readonly startMs: number;
  protected readonly endMs: number;
  protected readonly outsideReason: string;
  private carry: Uint8Array | undefined;
  protected line = 1;
  /** File offset of the buffer being processed (for the byte offset of invalid UTF-8). */
  private bufferStart = 0;
  private headerSeen = false;
  /**
   * Whether the fast path reads non-ASCII bytes (SMS content): it is then given only bytes already checked
   * as UTF-8 (ADR 0084). The voice fast path reads ASCII only and is given the whole buffer.
   */
  protected fastPathReadsUtf8 = false;
  /**
   * Where the record a fast path is visiting starts when it has not stored its fields' offsets (voice), else
   * -1. Its fields are then found by splitting it at its commas when a field's text is asked for (rating never
   * asks): a record that passed the fast path has no comma, quote or line break inside a field (ADR 0088).
   */
  protected plainRecordStart = -1;
  private skippingOversized = false;
  records = 0;
  bytes = 0;

  constructor(
    private readonly headers: readonly string[],
    private readonly kind: string,
    countField: number,
    options: UsageCsvOptions,
    protected readonly rejectRow: (line: number, reason: string) => void,
  ) {
    this.tokenizer = new RecordTokenizer(countField);
    this.width = (headers[0] ?? "").split(",").length;
    if (options.period) {
      const bounds = periodBounds(options.period);
      this.startMs = bounds.start.getTime();
      this.endMs = bounds.endExclusive.getTime();
      this.outsideReason = `outside period ${options.period}`;
    } else {
      this.startMs = Number.NEGATIVE_INFINITY;
      this.endMs = Number.POSITIVE_INFINITY;
      this.outsideReason = "";
    }
  }

  text(field: number): string {
    if (this.plainRecordStart >= 0) this.splitPlainRecord();
    const start = this.tokenizer.starts[field] as number;
    const text = utf8.decode(this.buffer.subarray(start, this.tokenizer.ends[field] as number));
    return start > 0 && this.buffer[start - 1] === QUOTE ? text.replaceAll('""', '"') : text;
  }

  phoneNumberKey(field: number): number {
    if (this.plainRecordStart >= 0) this.splitPlainRecord();
    return phoneNumberKey(
      this.buffer,
      this.tokenizer.starts[field] as number,
      this.tokenizer.ends[field] as number,
    );
  }

  /** The field offsets of the plain record at `plainRecordStart`, which ends with LF or CRLF. */
  private splitPlainRecord(): void {
    const b = this.buffer;
    const { starts, ends } = this.tokenizer;
    let field = 0;
    let start = this.plainRecordStart;
    for (let i = start; i < b.length && field < starts.length; i++) {
      const c = b[i];
      if (c === COMMA || c === CR || c === LF) {
        starts[field] = start;
        ends[field] = i;
        field++;
        start = i + 1;
        if (c !== COMMA) break;
      }
    }
    this.plainRecordStart = -1;
  }

  /** Validates the fields of one data record and reports it to the visitor; returns the rejection reason if any. */
  protected abstract row(b: Uint8Array, line: number): string | undefined;

  /**
   * The fast path (ADR 0056): reads the records from `pos` on, as long as each is one the general path would
   * accept as it stands, and returns where it stopped; the general path takes the record there. Counts
   * `records` and `line` for what it read. The default reads none.
   */
  protected plainRecords(_b: Uint8Array, pos: number, _len: number): number {
    return pos;
  }

  push(chunk: Uint8Array): void {
    // The record cut by the previous chunk's end is completed from this chunk's first line, joined to it
    // alone; copying the whole chunk behind it would copy every byte of the file once more (ADR 0056). The
    // reading does not depend on where chunks are cut, so this is the same as two chunks.
    if (this.carry) {
      const lf = chunk.indexOf(LF);
      if (lf >= 0 && lf + 1 < chunk.length) {
        this.take(chunk.subarray(0, lf + 1));
        this.take(chunk.subarray(lf + 1));
        return;
      }
    }
    this.take(chunk);
  }

  private take(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    // Every buffer is read as a plain Uint8Array, never as a Buffer (the stream's chunks) in one call and a
    // Uint8Array (a carried record joined to the next chunk) in the next: the byte readers then see one kind
    // of object and stay optimised (ADR 0056).
    let buffer = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry) {
      buffer = new Uint8Array(this.carry.length + chunk.length);
      buffer.set(this.carry);
      buffer.set(chunk, this.carry.length);
    }
    this.bufferStart = this.bytes - buffer.length;
    const consumed = this.process(buffer, false);
    this.carry = consumed < buffer.length ? buffer.subarray(consumed) : undefined;
  }

  end(): ScanSummary {
    if (this.carry) {
      this.bufferStart = this.bytes - this.carry.length;
      this.process(this.carry, true);
    }
    this.carry = undefined;
    if (!this.headerSeen && this.bytes > 0) throw new UsageFileError(`${this.kind} file has no header line`);
    return { records: this.records, bytes: this.bytes };
  }

  private process(b: Uint8Array, final: boolean): number {
    const len = b.length;
    const t = this.tokenizer;
    this.buffer = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let pos = 0;
    if (this.skippingOversized) {
      const lf = b.indexOf(LF);
      if (lf < 0) return len;
      this.skippingOversized = false;
      this.line++;
      pos = lf + 1;
    }
    // UTF-8 is checked for all whole lines of the buffer at once (natively); only when that finds an
    // invalid byte are records checked one by one, which names its line and byte offset. A line feed
    // never occurs inside a multi-byte sequence, so cutting after the last one splits no character.
    // The voice fast path reads ASCII records only, so the check waits for the first record the general path
    // reads, from there on (ADR 0056); the SMS fast path reads only what the check has passed (ADR 0084).
    const wholeLines = final ? len : b.lastIndexOf(LF) + 1;
    let validUpTo = -1;
    while (pos < len) {
      if (this.headerSeen) {
        if (this.fastPathReadsUtf8 && validUpTo < 0) {
          validUpTo = wholeLines > pos && isUtf8(b.subarray(pos, wholeLines)) ? wholeLines : 0;
        }
        pos = this.plainRecords(b, pos, this.fastPathReadsUtf8 ? validUpTo : len);
        if (pos >= len) break;
      }
      const next = t.next(b, pos, len, final);
      if (next < 0) {
        if (len - pos > MAX_RECORD_BYTES) {
          this.records++;
          this.rejectRow(this.line, `record longer than ${MAX_RECORD_BYTES} bytes (unterminated quote?)`);
          const lf = b.indexOf(LF, pos);
          if (lf < 0) {
            this.skippingOversized = true;
            return len;
          }
          this.line++;
          pos = lf + 1;
          continue;
        }
        return pos;
      }
      const line = this.line;
      if (validUpTo < 0) validUpTo = wholeLines > pos && isUtf8(b.subarray(pos, wholeLines)) ? wholeLines : 0;
      const invalid = next <= validUpTo ? -1 : invalidUtf8At(b, pos, next);
      if (invalid >= 0) {
        throw new UsageFileError(
          `${this.kind} file is not valid UTF-8 at line ${line + this.linesBefore(b, pos, invalid)}, byte offset ${this.bufferStart + invalid}: save it as UTF-8 or name its encoding (ops rate --encoding gbk|gb18030; in the usage bucket, object metadata encoding=gbk|gb18030)`,
        );
      }
      if (!this.headerSeen) {
        this.checkHeader(b, pos, next);
      } else {
        this.records++;
        if (t.error !== undefined) this.rejectRow(line, t.error);
        else if (t.fields === 1 && t.ends[0] === t.starts[0] && t.ends[0] === pos)
          this.rejectRow(line, "empty line");
        else if (t.fields !== this.width)
          this.rejectRow(line, `wrong number of fields (expected ${this.width}, got ${t.fields})`);
        else {
          this.plainRecordStart = -1;
          const reason = this.row(b, line);
          if (reason !== undefined) this.rejectRow(line, reason);
        }
      }
      this.line += 1 + t.innerNewlines;
      pos = next;
    }
    return pos;
  }

  /** Line breaks between a record's start and a byte inside it (a quoted field may span lines). */
  private linesBefore(b: Uint8Array, start: number, at: number): number {
    let count = 0;
    for (let i = start; i < at; i++) if (b[i] === LF) count++;
    return count;
  }

  private checkHeader(b: Uint8Array, start: number, end: number): void {
    let s = start;
    if (b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3;
    const text = utf8.decode(b.subarray(s, end)).replace(/\r?\n$/, "");
    if (!this.headers.includes(text)) {
      throw new UsageFileError(
        `not a ${this.kind} file: the first line must be exactly ${this.headers.map((h) => `"${h}"`).join(" or ")}`,
      );
    }
    this.width = text.split(",").length;
    this.headerSeen = true;
  }
}
