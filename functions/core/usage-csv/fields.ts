/** Field decoders over bytes (no strings, no regex): instants, counts, phone numbers, keywords. */

import { daysFromCivil, daysInMonth } from "../time";

const DAY_MS = 86_400_000;

function digit(b: Uint8Array, i: number): number {
  const d = (b[i] as number) - 48;
  return d >= 0 && d <= 9 ? d : -100_000;
}

function twoDigits(b: Uint8Array, i: number): number {
  return digit(b, i) * 10 + digit(b, i + 1);
}

/** The date `YYYY-MM-DD` at `s` → epoch ms of its midnight UTC, or NaN. */
function utcMidnightMs(b: Uint8Array, s: number): number {
  const year = twoDigits(b, s) * 100 + twoDigits(b, s + 2);
  const month = twoDigits(b, s + 5);
  const day = twoDigits(b, s + 8);
  if (
    b[s + 4] !== 45 ||
    b[s + 7] !== 45 ||
    year < 1970 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month)
  ) {
    return Number.NaN;
  }
  return daysFromCivil(year, month, day) * DAY_MS;
}

/**
 * What follows the date of an instant `b[s, e)`, `THH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`, as ms after the
 * date's midnight UTC, or NaN.
 */
function afterMidnightMs(b: Uint8Array, s: number, e: number): number {
  const hour = twoDigits(b, s + 11);
  const minute = twoDigits(b, s + 14);
  const second = twoDigits(b, s + 17);
  if (
    b[s + 10] !== 84 ||
    b[s + 13] !== 58 ||
    b[s + 16] !== 58 ||
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
  return ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)` → epoch ms, or NaN. The offset is required: a CDR
 * without one is ambiguous, and the period is an Asia/Shanghai month (R-PERIOD-1).
 */
export function parseInstantBytes(b: Uint8Array, s: number, e: number): number {
  if (e - s < 20) return Number.NaN;
  return utcMidnightMs(b, s) + afterMidnightMs(b, s, e);
}

/**
 * parseInstantBytes for a file's instants one after another: a usage file is in time order, so most records
 * share the previous one's date, whose ten bytes are then compared rather than decoded and checked again
 * (ADR 0056). Only a valid date is remembered.
 */
export class InstantReader {
  private readonly date = new Uint8Array(10);
  private dateMs = Number.NaN;

  read(b: Uint8Array, s: number, e: number): number {
    if (e - s < 20) return Number.NaN;
    const date = this.date;
    // Unrolled, the day's digits first (what changes from one record to the next).
    if (
      Number.isNaN(this.dateMs) ||
      b[s + 9] !== date[9] ||
      b[s + 8] !== date[8] ||
      b[s + 6] !== date[6] ||
      b[s + 5] !== date[5] ||
      b[s + 3] !== date[3] ||
      b[s + 2] !== date[2] ||
      b[s + 1] !== date[1] ||
      b[s] !== date[0] ||
      b[s + 4] !== date[4] ||
      b[s + 7] !== date[7]
    ) {
      const ms = utcMidnightMs(b, s);
      if (Number.isNaN(ms)) return Number.NaN;
      for (let i = 0; i < 10; i++) date[i] = b[s + i] as number;
      this.dateMs = ms;
    }
    return this.dateMs + afterMidnightMs(b, s, e);
  }
}

/**
 * InstantReader for the fast paths (ADR 0084): the 25 bytes of an instant `YYYY-MM-DDTHH:MM:SS±HH:MM` (or
 * any other valid 25-byte form, e.g. `…SS.ffffZ`) are its seconds' two digits, at bytes 17–18 whatever the
 * form, and 23 others that fix the instant of its second zero. Records of one minute differ only in those
 * two digits, so an instant whose 23 other bytes are the last valid 25-byte instant's is that zero plus its
 * seconds (00–59); anything else is read by InstantReader, which checks it all. The 23 bytes are compared in
 * five reads (ADR 0088): bytes 0–7 and 8–15 as doubles — two doubles other than ±0 and NaN are equal exactly
 * when their bits are, and a valid instant's bytes 0–7 and 8–15 are neither (bytes 7 and 15, `-` and a
 * digit, put their exponent between 0x2D3 and 0x394) — and bytes 13–16, 19–22 and 21–24 as 32-bit words.
 */
export class MinuteReader {
  private readonly instants = new InstantReader();
  /** NaN until a minute is remembered (the doubles are then NaN too, which no bytes equal). */
  private minuteMs = Number.NaN;
  private d0 = Number.NaN;
  private d8 = Number.NaN;
  private w13 = 0;
  private w19 = 0;
  private w21 = 0;

  /**
   * parseInstantBytes of `b[s, e)`; `view` is a DataView of the same bytes as `b`. Reads the bytes s + 17 and
   * s + 18 whatever the length: the caller keeps them inside the buffer.
   */
  read(b: Uint8Array, view: DataView, s: number, e: number): number {
    const tens = (b[s + 17] as number) - 48;
    const units = (b[s + 18] as number) - 48;
    // Kept small, the bytes most likely to differ (the minute's) first, so that the fast paths inline it.
    return e - s === 25 &&
      view.getFloat64(s + 8, true) === this.d8 &&
      view.getFloat64(s, true) === this.d0 &&
      view.getInt32(s + 13, true) === this.w13 &&
      view.getInt32(s + 19, true) === this.w19 &&
      view.getInt32(s + 21, true) === this.w21 &&
      tens >>> 0 <= 5 &&
      units >>> 0 <= 9
      ? this.minuteMs + (tens * 10 + units) * 1000
      : this.readAll(b, view, s, e);
  }

  /** Reads the instant in full and, when it is a valid one of 25 bytes, remembers its minute. */
  private readAll(b: Uint8Array, view: DataView, s: number, e: number): number {
    const ms = this.instants.read(b, s, e);
    if (e - s !== 25 || Number.isNaN(ms)) return ms;
    this.minuteMs = ms - (((b[s + 17] as number) - 48) * 10 + (b[s + 18] as number) - 48) * 1000;
    this.d0 = view.getFloat64(s, true);
    this.d8 = view.getFloat64(s + 8, true);
    this.w13 = view.getInt32(s + 13, true);
    this.w19 = view.getInt32(s + 19, true);
    this.w21 = view.getInt32(s + 21, true);
    return ms;
  }
}

/** A non-negative whole number of at most 9 digits, or -1. */
export function parseCount(b: Uint8Array, s: number, e: number): number {
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
export function isPhoneNumber(b: Uint8Array, s: number, e: number): boolean {
  const start = b[s] === 43 ? s + 1 : s;
  if (e - start < 3 || e - start > 20) return false;
  for (let i = start; i < e; i++) {
    const d = (b[i] as number) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

/** The most digits a phone number may have for phoneNumberKey to give it a key (E.164's longest). */
const KEYED_DIGITS = 15;

/**
 * A phone number `b[s, e)` that isPhoneNumber accepted, as an exact number, or -1 when it has more than 15
 * digits: a leading 1 (2 when the number starts with "+") followed by its digits, so that leading zeros and
 * the "+" count ("0110", "110" and "+110" have different keys). The largest key, 2 and 15 nines, is below
 * 2^53: every step is exact, and two numbers have the same key exactly when they are the same text. R-CALL-1
 * counts calls by it without decoding the number (ADR 0100); phoneNumberOfKey gives the text back.
 */
export function phoneNumberKey(b: Uint8Array, s: number, e: number): number {
  const plus = b[s] === 43;
  const start = plus ? s + 1 : s;
  if (e - start > KEYED_DIGITS) return -1;
  let key = plus ? 2 : 1;
  for (let i = start; i < e; i++) key = key * 10 + (b[i] as number) - 48;
  return key;
}

/** The phone number whose key phoneNumberKey gave. */
export function phoneNumberOfKey(key: number): string {
  const digits = String(key);
  return digits[0] === "2" ? `+${digits.slice(1)}` : digits.slice(1);
}

/**
 * Where a phone number (as isPhoneNumber) starting at `s` ends: the first byte after its digits; -1 when
 * fewer than 3 or more than 20 digits are there, or when the four bytes read last would reach `last` (the
 * fast paths then leave the record to the general path). Beyond `b[s]`, which the caller keeps inside the
 * buffer, nothing at or after `last` is read. The byte where it ends is the caller's to check. The digits
 * are read four at a time through `view` (a DataView of `b`; ADR 0084): a byte is one when its high nibble
 * is 3 and stays 3 with 6 added. A carry only goes up, from a byte of 0xFA or more, which is no digit, so
 * the lowest byte the test flags is the first that is not a digit: its place in the word (the flag's lowest
 * set bit) is where the number ends, without a byte loop (ADR 0088).
 */
export function phoneNumberEnd(b: Uint8Array, view: DataView, s: number, last: number): number {
  const start = b[s] === 43 ? s + 1 : s;
  for (let i = start; i + 4 <= last; i += 4) {
    const x = view.getInt32(i, true);
    const flags = ((x & 0xf0f0f0f0) ^ 0x30303030) | (((x + 0x06060606) & 0xf0f0f0f0) ^ 0x30303030);
    if (flags !== 0) {
      const end = i + ((31 - Math.clz32(flags & -flags)) >> 3);
      return end - start < 3 || end - start > 20 ? -1 : end;
    }
  }
  return -1;
}

// The direction words as little-endian 32-bit words, for the fast paths' comparisons four bytes at a time
// through a DataView of the buffer.
const word = (text: string) => new DataView(new TextEncoder().encode(text).buffer).getInt32(0, true);
const OUTB = word("outb");
const INBO = word("inbo");
const OUND = word("ound");
const DOWN = word("down");
const UPLI = word("upli");
const LINK = word("link");

/** Whether the 8 bytes at `s` are "outbound" (OUTBOUND); `view` reads the buffer the fast path reads. */
export function isOutboundAt(view: DataView, s: number): boolean {
  return view.getInt32(s, true) === OUTB && view.getInt32(s + 4, true) === OUND;
}

/** Whether the 7 bytes at `s` are "inbound" (INBOUND). */
export function isInboundAt(view: DataView, s: number): boolean {
  return view.getInt32(s, true) === INBO && view.getInt32(s + 3, true) === OUND;
}

/** Whether the 8 bytes at `s` are "downlink" (DOWNLINK). */
export function isDownlinkAt(view: DataView, s: number): boolean {
  return view.getInt32(s, true) === DOWN && view.getInt32(s + 4, true) === LINK;
}

/** Whether the 6 bytes at `s` are "uplink" (UPLINK). */
export function isUplinkAt(view: DataView, s: number): boolean {
  return view.getInt32(s, true) === UPLI && view.getInt32(s + 2, true) === LINK;
}

/**
 * Where the instant starting at `p` ends (its comma), for the fast paths: "…+08:00" is 25 bytes, "…Z" 20,
 * other lengths (fractions) are found by scanning; -1 when a line feed or `last` comes first. Nothing at or
 * after `last` is read beyond the two fixed probes, which the caller keeps below `last`. Small, so that the
 * fast paths inline it; the scan is another function (ADR 0084).
 */
export function instantEnd(b: Uint8Array, p: number, last: number): number {
  return b[p + 25] === 44 ? p + 25 : b[p + 20] === 44 ? p + 20 : scannedInstantEnd(b, p, last);
}

function scannedInstantEnd(b: Uint8Array, p: number, last: number): number {
  let e = p;
  while (e < last && b[e] !== 44 && b[e] !== 10) e++;
  return e < last && b[e] === 44 ? e : -1;
}

export function bytesEqual(b: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (b[s + i] !== word[i]) return false;
  return true;
}

const ascii = (text: string) => new TextEncoder().encode(text);
export const OUTBOUND = ascii("outbound");
export const INBOUND = ascii("inbound");
export const DOWNLINK = ascii("downlink");
export const UPLINK = ascii("uplink");

/**
 * Where the first ill-formed UTF-8 sequence in `b[s, e)` starts (the well-formed sequences of Unicode's
 * Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF, nothing truncated), or -1. A GBK export
 * read as UTF-8 fails here, instead of having its bytes counted as characters (R-SMS-1).
 */
export function invalidUtf8At(b: Uint8Array, s: number, e: number): number {
  let i = s;
  while (i < e) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c === 0xe0) {
      need = 2;
      lo = 0xa0;
    } else if (c === 0xed) {
      need = 2;
      hi = 0x9f;
    } else if (c >= 0xe1 && c <= 0xef) need = 2;
    else if (c === 0xf0) {
      need = 3;
      lo = 0x90;
    } else if (c === 0xf4) {
      need = 3;
      hi = 0x8f;
    } else if (c >= 0xf1 && c <= 0xf3) need = 3;
    else return i;
    if (i + need >= e) return i;
    const second = b[i + 1] as number;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}
