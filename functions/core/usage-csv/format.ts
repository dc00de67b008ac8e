/** The usage file formats (docs/usage-csv.md): headers, limits, and what a parser reports to its visitor. */

import type { Period } from "../time";

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
  /**
   * A phone-number field's number as an exact key (phoneNumberKey: distinct numbers, distinct keys), read from
   * its bytes without decoding it, or -1 when it has more than 15 digits (ask for its text then). Only for a
   * field the parser checked as a phone number.
   */
  phoneNumberKey(field: number): number;
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
