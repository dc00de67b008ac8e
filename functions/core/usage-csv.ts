/**
 * Usage input (话单): voice CDRs and SMS logs as CSV, read as a stream of bytes (a Node Readable from a file or
 * an S3 GetObject body). The format is documented in docs/usage-csv.md.
 *
 * Why a hand-written byte parser: a month of a busy hotline is tens of millions of rows, and the bill must be
 * rated in one Lambda invocation with bounded memory. So rows are tokenised straight from the bytes, instants
 * are turned into epoch milliseconds with integer arithmetic (no Date, no regex per row), and each row is
 * handed to a visitor as plain numbers. Nothing but the current chunk (plus one partial record) is held.
 *
 * Personal data: phone numbers are checked for shape and never copied out of the buffer; SMS content is only
 * measured (code points, R-SMS-1) — it is never decoded into a string, stored or logged. Rejection reasons
 * never quote a field's value.
 *
 * A malformed row is rejected with its line number and a reason — never silently dropped, and never fatal to
 * the file. Only a file that is not a usage file at all (wrong header) is refused as a whole.
 */
import { type Period, periodBounds } from "./time";

export const VOICE_HEADER = "call_start,duration_seconds,direction,calling_number,called_number";
export const SMS_HEADER = "sent_at,recipient,direction,content,content_chars";
/**
 * The SMS log may also say which port sent each message and its category (2.24: 商业类 marketing, 服务类
 * service, 管理类 management) — what R-SMS-3 checks. Rating ignores the two extra columns.
 */
export const SMS_HEADER_WITH_CATEGORY = `${SMS_HEADER},port,category`;

/** A record longer than this (bytes) is rejected: it can only be an unterminated quote, and memory stays bounded. */
export const MAX_RECORD_BYTES = 1 << 20;

export interface CsvRejection {
  /** 1-based physical line where the record starts (the header is line 1). */
  line: number;
  reason: string;
}

/**
 * The text of a field of the record being visited, decoded only when asked for (rating never asks, so its
 * hot path stays free of strings). Valid only during the visitor call.
 */
export interface RecordFields {
  text(field: number): string;
  /** How many fields the file's header declares. */
  readonly width: number;
}

export interface VoiceVisitor {
  /** A valid call inside the period. `outbound` = placed by Party A (主叫). */
  call(
    callStartMs: number,
    durationSeconds: number,
    outbound: boolean,
    line: number,
    fields: RecordFields,
  ): void;
  reject(line: number, reason: string): void;
}

export interface SmsVisitor {
  /** A valid message inside the period; `contentChars` in code points (R-SMS-1), without the signature. */
  message(
    sentAtMs: number,
    contentChars: number,
    downlink: boolean,
    line: number,
    fields: RecordFields,
  ): void;
  reject(line: number, reason: string): void;
}

export interface UsageCsvOptions {
  /** When given, records outside this Asia/Shanghai month are rejected as "outside period YYYY-MM" (R-PERIOD-1). */
  period?: Period;
}

export interface ScanSummary {
  /** Data records seen (accepted + rejected), header excluded. */
  records: number;
  bytes: number;
}

export class UsageFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageFileError";
  }
}

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const MAX_FIELDS = 8;

/**
 * Splits one CSV record (RFC 4180 quoting; LF or CRLF) out of a byte buffer into field offsets.
 * Reused for every row, so it allocates nothing per row.
 */
class RecordTokenizer {
  readonly starts = new Int32Array(MAX_FIELDS);
  readonly ends = new Int32Array(MAX_FIELDS);
  fields = 0;
  /** Code points of the field `countField` (quotes and escape doubling excluded). */
  chars = 0;
  /** Line breaks inside quoted fields of the record (for line numbering). */
  innerNewlines = 0;
  error: string | undefined;

  constructor(private readonly countField: number) {}

  private store(field: number, start: number, end: number): void {
    if (field < MAX_FIELDS) {
      this.starts[field] = start;
      this.ends[field] = end;
    }
  }

  /**
   * Tokenises the record starting at `pos`. Returns the position after it, or -1 when the buffer ends inside
   * it and more bytes may come (`final` false).
   */
  next(b: Uint8Array, pos: number, len: number, final: boolean): number {
    this.error = undefined;
    this.innerNewlines = 0;
    this.chars = 0;
    let field = 0;
    let p = pos;
    for (;;) {
      if (p < len && b[p] === QUOTE) {
        let i = p + 1;
        let count = 0;
        let newlines = 0;
        let closing = -1;
        while (i < len) {
          const c = b[i] as number;
          if (c === QUOTE) {
            if (i + 1 >= len && !final) return -1;
            if (b[i + 1] === QUOTE) {
              count++;
              i += 2;
              continue;
            }
            closing = i;
            break;
          }
          if (c === LF) newlines++;
          if ((c & 0xc0) !== 0x80) count++;
          i++;
        }
        this.innerNewlines += newlines;
        if (closing < 0) {
          if (!final) return -1;
          this.error = "unterminated quoted field";
          this.fields = field + 1;
          return len;
        }
        this.store(field, p + 1, closing);
        if (field === this.countField) this.chars = count;
        p = closing + 1;
        if (p < len && b[p] === COMMA) {
          field++;
          p++;
          continue;
        }
        this.fields = field + 1;
        if (p >= len) return final ? len : -1;
        if (b[p] === LF) return p + 1;
        if (b[p] === CR) {
          if (p + 1 >= len) return final ? len : -1;
          if (b[p + 1] === LF) return p + 2;
        }
        this.error = "characters after a closing quote";
        return this.skipLine(b, p, len, final);
      }
      let i = p;
      if (field === this.countField) {
        let count = 0;
        while (i < len) {
          const c = b[i] as number;
          if (c === COMMA || c === LF) break;
          if ((c & 0xc0) !== 0x80) count++;
          i++;
        }
        this.chars = count;
      } else {
        while (i < len) {
          const c = b[i];
          if (c === COMMA || c === LF) break;
          i++;
        }
      }
      if (i >= len && !final) return -1;
      if (i < len && b[i] === COMMA) {
        this.store(field, p, i);
        field++;
        p = i + 1;
        continue;
      }
      let end = i;
      if (end > p && b[end - 1] === CR) {
        end--;
        if (field === this.countField) this.chars--;
      }
      this.store(field, p, end);
      this.fields = field + 1;
      return i >= len ? len : i + 1;
    }
  }

  /** Resynchronises at the next line break after a malformed record. */
  private skipLine(b: Uint8Array, p: number, len: number, final: boolean): number {
    const lf = b.indexOf(LF, p);
    if (lf >= 0) return lf + 1;
    return final ? len : -1;
  }
}

// ---- field decoders over bytes (no strings, no regex) ----

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function digit(b: Uint8Array, i: number): number {
  const d = (b[i] as number) - 48;
  return d >= 0 && d <= 9 ? d : -100_000;
}

function twoDigits(b: Uint8Array, i: number): number {
  return digit(b, i) * 10 + digit(b, i + 1);
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)` → epoch ms, or NaN. The offset is required: a CDR
 * without one is ambiguous, and the period is an Asia/Shanghai month (R-PERIOD-1).
 */
export function parseInstantBytes(b: Uint8Array, s: number, e: number): number {
  if (e - s < 20) return Number.NaN;
  const year = twoDigits(b, s) * 100 + twoDigits(b, s + 2);
  const month = twoDigits(b, s + 5);
  const day = twoDigits(b, s + 8);
  const hour = twoDigits(b, s + 11);
  const minute = twoDigits(b, s + 14);
  const second = twoDigits(b, s + 17);
  if (
    b[s + 4] !== 45 ||
    b[s + 7] !== 45 ||
    b[s + 10] !== 84 ||
    b[s + 13] !== 58 ||
    b[s + 16] !== 58 ||
    year < 1970 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  ) {
    return Number.NaN;
  }
  let p = s + 19;
  let millis = 0;
  if (b[p] === 46) {
    p++;
    let digits = 0;
    while (p < e && digit(b, p) >= 0) {
      if (digits < 3) millis = millis * 10 + digit(b, p);
      digits++;
      p++;
    }
    if (digits === 0) return Number.NaN;
    for (let k = digits; k < 3; k++) millis *= 10;
  }
  let offsetMinutes = 0;
  const sign = b[p];
  if (sign === 90 && p + 1 === e) {
    offsetMinutes = 0;
  } else if ((sign === 43 || sign === 45) && (e - p === 6 || e - p === 5)) {
    const oh = twoDigits(b, p + 1);
    const colon = e - p === 6;
    if (colon && b[p + 3] !== 58) return Number.NaN;
    const om = twoDigits(b, colon ? p + 4 : p + 3);
    if (oh < 0 || oh > 18 || om < 0 || om > 59) return Number.NaN;
    offsetMinutes = (sign === 43 ? 1 : -1) * (oh * 60 + om);
  } else {
    return Number.NaN;
  }
  return (
    daysFromCivil(year, month, day) * DAY_MS +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 +
    millis
  );
}

/** A non-negative whole number of at most 9 digits, or -1. */
function parseCount(b: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > 9) return -1;
  let value = 0;
  for (let i = s; i < e; i++) {
    const d = (b[i] as number) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Digits with an optional leading "+", 3–20 characters. The number itself is never copied or logged. */
function isPhoneNumber(b: Uint8Array, s: number, e: number): boolean {
  const start = b[s] === 43 ? s + 1 : s;
  if (e - start < 3 || e - start > 20) return false;
  for (let i = start; i < e; i++) {
    const d = (b[i] as number) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

function bytesEqual(b: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (b[s + i] !== word[i]) return false;
  return true;
}

const ascii = (text: string) => new TextEncoder().encode(text);
const OUTBOUND = ascii("outbound");
const INBOUND = ascii("inbound");
const DOWNLINK = ascii("downlink");
const UPLINK = ascii("uplink");
const utf8 = new TextDecoder();

// ---- the streaming driver ----

abstract class UsageCsvParser implements RecordFields {
  protected readonly tokenizer: RecordTokenizer;
  private buffer: Uint8Array = new Uint8Array(0);
  width: number;
  protected readonly startMs: number;
  protected readonly endMs: number;
  protected readonly outsideReason: string;
  private carry: Uint8Array | undefined;
  private line = 1;
  private headerSeen = false;
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
    const start = this.tokenizer.starts[field] as number;
    const text = utf8.decode(this.buffer.subarray(start, this.tokenizer.ends[field] as number));
    return start > 0 && this.buffer[start - 1] === QUOTE ? text.replaceAll('""', '"') : text;
  }

  /** Validates the fields of one data record and reports it to the visitor; returns the rejection reason if any. */
  protected abstract row(b: Uint8Array, line: number): string | undefined;

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    let buffer = chunk;
    if (this.carry) {
      buffer = new Uint8Array(this.carry.length + chunk.length);
      buffer.set(this.carry);
      buffer.set(chunk, this.carry.length);
    }
    const consumed = this.process(buffer, false);
    this.carry = consumed < buffer.length ? buffer.subarray(consumed) : undefined;
  }

  end(): ScanSummary {
    if (this.carry) this.process(this.carry, true);
    this.carry = undefined;
    if (!this.headerSeen && this.bytes > 0) throw new UsageFileError(`${this.kind} file has no header line`);
    return { records: this.records, bytes: this.bytes };
  }

  private process(b: Uint8Array, final: boolean): number {
    const len = b.length;
    const t = this.tokenizer;
    this.buffer = b;
    let pos = 0;
    if (this.skippingOversized) {
      const lf = b.indexOf(LF);
      if (lf < 0) return len;
      this.skippingOversized = false;
      this.line++;
      pos = lf + 1;
    }
    while (pos < len) {
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
          const reason = this.row(b, line);
          if (reason !== undefined) this.rejectRow(line, reason);
        }
      }
      this.line += 1 + t.innerNewlines;
      pos = next;
    }
    return pos;
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

export class VoiceCsvParser extends UsageCsvParser {
  constructor(
    private readonly visitor: VoiceVisitor,
    options: UsageCsvOptions = {},
  ) {
    super([VOICE_HEADER], "voice CDR", -1, options, (line, reason) => visitor.reject(line, reason));
  }

  protected row(b: Uint8Array, line: number): string | undefined {
    const { starts, ends } = this.tokenizer;
    const startMs = parseInstantBytes(b, starts[0] as number, ends[0] as number);
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
}

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
    const sentMs = parseInstantBytes(b, starts[0] as number, ends[0] as number);
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

export type VoiceRecord = {
  kind: "call";
  line: number;
  callStartMs: number;
  durationSeconds: number;
  direction: "outbound" | "inbound";
};
export type SmsRecord = {
  kind: "message";
  line: number;
  sentAtMs: number;
  contentChars: number;
  direction: "downlink" | "uplink";
};
export type RejectedRecord = { kind: "rejected" } & CsvRejection;

/** Feeds a stream to a parser and yields what its visitor collected after each chunk. */
async function* drain<T>(
  source: AsyncIterable<Uint8Array>,
  parser: { push(chunk: Uint8Array): void; end(): void },
  pending: T[],
): AsyncGenerator<T> {
  for await (const chunk of source) {
    parser.push(chunk);
    yield* pending.splice(0);
  }
  parser.end();
  yield* pending.splice(0);
}

/** Record-by-record view of a voice CDR stream (convenience; rating uses the visitor form). */
export async function* voiceCsvRecords(
  source: AsyncIterable<Uint8Array>,
  options: UsageCsvOptions = {},
): AsyncGenerator<VoiceRecord | RejectedRecord> {
  const pending: Array<VoiceRecord | RejectedRecord> = [];
  const parser = new VoiceCsvParser(
    {
      call: (callStartMs, durationSeconds, outbound, line) =>
        pending.push({
          kind: "call",
          line,
          callStartMs,
          durationSeconds,
          direction: outbound ? "outbound" : "inbound",
        }),
      reject: (line, reason) => pending.push({ kind: "rejected", line, reason }),
    },
    options,
  );
  yield* drain(source, parser, pending);
}

/** Record-by-record view of an SMS log stream; content is reduced to its character count. */
export async function* smsCsvRecords(
  source: AsyncIterable<Uint8Array>,
  options: UsageCsvOptions = {},
): AsyncGenerator<SmsRecord | RejectedRecord> {
  const pending: Array<SmsRecord | RejectedRecord> = [];
  const parser = new SmsCsvParser(
    {
      message: (sentAtMs, contentChars, downlink, line) =>
        pending.push({
          kind: "message",
          line,
          sentAtMs,
          contentChars,
          direction: downlink ? "downlink" : "uplink",
        }),
      reject: (line, reason) => pending.push({ kind: "rejected", line, reason }),
    },
    options,
  );
  yield* drain(source, parser, pending);
}
