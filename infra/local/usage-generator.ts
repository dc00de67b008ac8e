/**
 * Deterministic usage files for the embedded stack and demos: a month of a provincial medical-insurance
 * hotline (吉林医保 12393). Same seed, same bytes. The files follow docs/usage-csv.md and contain what real
 * exports contain: outbound calls from the 12393 agent pool to mobiles, ~3 % inbound calls, unanswered
 * (0-second) calls, notification SMS of varying length (some over 64 characters, so billed as 2 parts,
 * R-SMS-1), a few uplink replies (R-UPLINK-1) and a few malformed rows (rejected by rating, never dropped).
 *
 * All names, numbers and texts are invented.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Contract } from "../../functions/core/contract";
import { daysBetween, firstDayOfPeriod, lastDayOfPeriod, type Period } from "../../functions/core/time";
import { SMS_HEADER, VOICE_HEADER } from "../../functions/core/usage-csv";

export interface UsageContentOptions {
  contract: Contract;
  period: Period;
  seed: number;
  voiceCalls: number;
  smsMessages: number;
}

export interface GenerateUsageOptions extends UsageContentOptions {
  outDir: string;
}

export interface UsageCounts {
  /** Data rows written (header excluded), malformed ones included. */
  voiceRows: number;
  smsRows: number;
  /** How many of the rows are deliberately malformed (rating must reject exactly these). */
  voiceMalformed: number;
  smsMalformed: number;
}

export interface GeneratedUsage extends UsageCounts {
  voicePath: string;
  smsPath: string;
}

/** The two files' bytes, as they are uploaded (UTF-8). */
export interface UsageContent extends UsageCounts {
  voice: Buffer;
  sms: Buffer;
}

/** mulberry32: a small, fast, seedable PRNG; good enough for plausible test data. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * "00" … "99": the hours, minutes and seconds of every generated instant, the agents' extensions and the
 * amounts' cents, formatted once (a file has hundreds of thousands of them).
 */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, "0"));

/** `n` (0 ≤ n < 10^8) in eight digits with leading zeros. */
const eightDigits = (n: number) => String(100_000_000 + n).slice(1);

/** `2025-09-03T10:15:42+08:00` for an Asia/Shanghai day and seconds since its midnight. */
function shanghaiInstant(day: string, secondOfDay: number): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  return `${day}T${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[secondOfDay % 60]}+08:00`;
}

/** Saturday or Sunday in Asia/Shanghai (noon there is 04:00 UTC the same day). */
function isWeekend(day: string): boolean {
  const weekday = new Date(`${day}T12:00:00+08:00`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** Splits `total` events over the period's days: weekdays busy, weekends quiet. */
function perDayCounts(
  period: Period,
  total: number,
  next: () => number,
): Array<{ day: string; count: number }> {
  const first = firstDayOfPeriod(period);
  const days = daysBetween(first, lastDayOfPeriod(period)) + 1;
  const list = Array.from({ length: days }, (_, i) => {
    const day = new Date(Date.parse(`${first}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
    return { day, weight: isWeekend(day) ? 0.15 : 1 };
  });
  const weightSum = list.reduce((s, d) => s + d.weight, 0);
  let assigned = 0;
  const counts = list.map((d) => {
    const count = Math.floor((total * d.weight) / weightSum);
    assigned += count;
    return { day: d.day, count };
  });
  // Hand out the remainder to random days so the total is exact.
  while (assigned < total) {
    const pick = counts[Math.floor(next() * counts.length)];
    if (pick) pick.count++;
    assigned++;
  }
  return counts;
}

/** Office hours 08:00–17:30 with a lunch dip, a little evening traffic. */
function secondOfDay(next: () => number): number {
  const r = next();
  if (r < 0.05) return 18 * 3600 + Math.floor(next() * 3 * 3600);
  const base = 8 * 3600 + Math.floor(next() * 9.5 * 3600);
  return base >= 12 * 3600 && base < 13 * 3600 && next() < 0.6 ? base + 3600 : base;
}

/** `count` instants of one day, in time order (a typed array sorts numerically without a comparator call). */
function secondsOfDay(count: number, next: () => number): Int32Array {
  const seconds = new Int32Array(count);
  for (let i = 0; i < count; i++) seconds[i] = secondOfDay(next);
  return seconds.sort();
}

const MOBILE_PREFIXES = [
  "130",
  "131",
  "132",
  "135",
  "136",
  "137",
  "138",
  "139",
  "150",
  "151",
  "155",
  "158",
  "176",
  "186",
  "188",
];

function mobile(next: () => number): string {
  return `${MOBILE_PREFIXES[Math.floor(next() * MOBILE_PREFIXES.length)]}${eightDigits(Math.floor(next() * 1e8))}`;
}

/** Log-normal-ish call length, median ~75 s, long tail; ~6 % unanswered (0 s). */
function duration(next: () => number): number {
  if (next() < 0.06) return 0;
  const u = Math.max(next(), 1e-12);
  const v = next();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(1, Math.min(3600, Math.round(Math.exp(4.3 + 0.85 * normal))));
}

const MONTHS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];

/** Notification texts of the kind a medical-insurance agency sends; lengths from ~15 to ~110 characters. */
function smsText(next: () => number, period: Period): string {
  const month = MONTHS[Number(period.slice(5, 7)) - 1] ?? "";
  const amount = `${Math.floor(next() * 900) + 50}.${TWO_DIGITS[Math.floor(next() * 100)]}`;
  const templates = [
    `您的医保个人账户${month}月划入${amount}元已到账。`,
    `您好，您${month}月的城乡居民医疗保险费已缴纳成功，金额${amount}元，感谢您的配合。`,
    "您申请的异地就医备案已审核通过，备案有效期内可在参保地以外的定点医疗机构直接结算。",
    "您的医保电子凭证已激活，就医购药时可在定点医药机构出示医保码扫码结算，无需携带实体卡。",
    `尊敬的参保人：您本次住院医疗费用已完成直接结算，统筹基金支付${amount}元，个人自付部分请以结算单为准。如有疑问请拨打12393咨询，谢谢！`,
    "您的门诊慢特病待遇认定申请已受理，审核结果将在10个工作日内以短信通知，请留意查收。",
    "温馨提示：医保部门不会以任何理由要求您转账汇款，请勿向陌生人透露验证码、银行卡号等个人信息，谨防诈骗。",
    `您好，您于${month}月提交的医疗费用手工报销材料已收到，经审核报销金额为${amount}元，将于15个工作日内转入您登记的银行账户，请注意查收。如对审核结果有异议，可在收到本短信之日起30日内携带相关材料到经办窗口申请复核。`,
  ];
  return templates[Math.floor(next() * templates.length)] ?? "";
}

const csvQuote = (text: string) => `"${text.replaceAll('"', '""')}"`;

const DIGIT_0 = 0x30;

/**
 * A file's bytes, written in place into one growing buffer: text as UTF-8, and the voice rows' digits and
 * fixed ASCII parts byte by byte, so a row of a month's 24,000 builds no strings to encode and collect.
 */
class FileBytes {
  private buffer: Buffer;
  private length = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(capacity, 1 << 12));
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  text(value: string): void {
    this.reserve(value.length * 3);
    this.length += this.buffer.write(value, this.length, "utf8");
  }

  /** Bytes prepared once (an ASCII field that repeats on every row). */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** `n` (0 ≤ n < 100) in two digits. */
  twoDigits(n: number): void {
    this.reserve(2);
    this.buffer[this.length++] = DIGIT_0 + Math.floor(n / 10);
    this.buffer[this.length++] = DIGIT_0 + (n % 10);
  }

  /** `n` (0 ≤ n < 10^width) in `width` digits with leading zeros. */
  fixedDigits(n: number, width: number): void {
    this.reserve(width);
    let rest = n;
    for (let i = this.length + width - 1; i >= this.length; i--) {
      this.buffer[i] = DIGIT_0 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.length += width;
  }

  /** A non-negative integer in as many digits as it takes, as `String(n)` writes it. */
  integer(n: number): void {
    this.fixedDigits(n, n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10_000 ? 4 : String(n).length);
  }

  byte(code: number): void {
    this.reserve(1);
    this.buffer[this.length++] = code;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

const ascii = (text: string) => Uint8Array.from(text, (character) => character.charCodeAt(0));
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const COLON = 0x3a;
const ZONE_COMMA = ascii("+08:00,");
const OUTBOUND = ascii(",outbound,");
const INBOUND = ascii(",inbound,");
const MOBILE_PREFIX_BYTES = MOBILE_PREFIXES.map(ascii);

/** Writes `voice-<contract>-<period>.csv` and `sms-<contract>-<period>.csv` into outDir. */
export async function generateUsage(options: GenerateUsageOptions): Promise<GeneratedUsage> {
  const { voice, sms, ...counts } = generateUsageContent(options);
  await mkdir(options.outDir, { recursive: true });
  const voicePath = join(options.outDir, `voice-${options.contract.contractId}-${options.period}.csv`);
  const smsPath = join(options.outDir, `sms-${options.contract.contractId}-${options.period}.csv`);
  await writeFile(voicePath, voice);
  await writeFile(smsPath, sms);
  return { voicePath, smsPath, ...counts };
}

/** A month's voice CDRs and SMS log in memory: the bytes `generateUsage` writes, for an upload. */
export function generateUsageContent(options: UsageContentOptions): UsageContent {
  const { contract, period, seed, voiceCalls, smsMessages } = options;
  if (
    !Number.isSafeInteger(voiceCalls) ||
    voiceCalls < 0 ||
    !Number.isSafeInteger(smsMessages) ||
    smsMessages < 0
  ) {
    throw new RangeError("voiceCalls and smsMessages must be non-negative integers");
  }
  const access = contract.access.voiceNumber;
  // One malformed row in ~500, at least one when there are rows at all: rating must show them as rejected.
  const malformedEvery = 500;

  const voiceNext = random(seed);
  let voiceMalformed = 0;
  // The random draws are taken in the order the rows' fields were always drawn in (agent, callee, kind,
  // duration), so a seed gives the same bytes as before the rows were written in place.
  function voiceBytes(): Buffer {
    const voiceFile = new FileBytes(64 * (voiceCalls + 1));
    voiceFile.text(`${VOICE_HEADER}\n`);
    const accessBytes = Buffer.from(access, "utf8");
    let index = 0;
    for (const { day, count } of perDayCounts(period, voiceCalls, voiceNext)) {
      const dayT = Buffer.from(`${day}T`, "utf8");
      const seconds = secondsOfDay(count, voiceNext);
      const at = (second: number) => {
        voiceFile.raw(dayT);
        voiceFile.twoDigits(Math.floor(second / 3600));
        voiceFile.byte(COLON);
        voiceFile.twoDigits(Math.floor((second % 3600) / 60));
        voiceFile.byte(COLON);
        voiceFile.twoDigits(second % 60);
        voiceFile.raw(ZONE_COMMA);
      };
      for (const second of seconds) {
        const agentSuffix = 1 + Math.floor(voiceNext() * 60);
        const prefix = Math.floor(voiceNext() * MOBILE_PREFIXES.length);
        const subscriber = Math.floor(voiceNext() * 1e8);
        if (index++ % malformedEvery === malformedEvery - 1) {
          voiceMalformed++;
          const instant = shanghaiInstant(day, second);
          const agent = `${access}${TWO_DIGITS[agentSuffix]}`;
          const callee = `${MOBILE_PREFIXES[prefix]}${eightDigits(subscriber)}`;
          const broken = [
            `${instant},-${duration(voiceNext)},outbound,${agent},${callee}`,
            `${instant.replace("T", " ").slice(0, 19)},${duration(voiceNext)},outbound,${agent},${callee}`,
            `${instant},${duration(voiceNext)},outbound,${agent}`,
            `${instant},${duration(voiceNext)},transfer,${agent},${callee}`,
          ];
          voiceFile.text(`${broken[Math.floor(voiceNext() * broken.length)]}\n`);
          continue;
        }
        const inbound = voiceNext() < 0.03;
        at(second);
        voiceFile.integer(duration(voiceNext));
        voiceFile.raw(inbound ? INBOUND : OUTBOUND);
        if (!inbound) {
          voiceFile.raw(accessBytes);
          voiceFile.twoDigits(agentSuffix);
          voiceFile.byte(COMMA);
        }
        voiceFile.raw(MOBILE_PREFIX_BYTES[prefix] ?? new Uint8Array());
        voiceFile.fixedDigits(subscriber, 8);
        if (inbound) {
          voiceFile.byte(COMMA);
          voiceFile.raw(accessBytes);
        }
        voiceFile.byte(NEWLINE);
      }
    }
    return voiceFile.bytes();
  }
  const voice = voiceBytes();

  const smsNext = random(seed ^ 0x5a5a5a5a);
  let smsMalformed = 0;
  function smsBytes(): Buffer {
    const smsFile = new FileBytes(160 * (smsMessages + 1));
    smsFile.text(`${SMS_HEADER}\n`);
    let index = 0;
    for (const { day, count } of perDayCounts(period, smsMessages, smsNext)) {
      const seconds = secondsOfDay(count, smsNext);
      for (const second of seconds) {
        const at = shanghaiInstant(day, second);
        const recipient = mobile(smsNext);
        const text = smsText(smsNext, period);
        if (index++ % malformedEvery === malformedEvery - 1) {
          smsMalformed++;
          const broken = [
            `${at},${recipient},downlink,${csvQuote(text)},${[...text].length}`,
            `${at},${recipient},downlink,,`,
            `${at},${recipient},broadcast,${csvQuote(text)},`,
          ];
          smsFile.text(`${broken[Math.floor(smsNext() * broken.length)]}\n`);
        } else if (smsNext() < 0.01) {
          // R-UPLINK-1: a citizen replying to the access code; the sender pays.
          const reply = ["收到", "好的，谢谢", "R", "已知晓"][Math.floor(smsNext() * 4)] ?? "";
          smsFile.text(`${at},${contract.access.smsAccessCode},uplink,${csvQuote(reply)},\n`);
        } else if (smsNext() < 0.1) {
          // Some gateways export only the character count (content withheld at source).
          smsFile.text(`${at},${recipient},downlink,,${[...text].length}\n`);
        } else {
          smsFile.text(`${at},${recipient},downlink,${csvQuote(text)},\n`);
        }
      }
    }
    return smsFile.bytes();
  }
  const sms = smsBytes();

  return { voice, sms, voiceRows: voiceCalls, smsRows: smsMessages, voiceMalformed, smsMalformed };
}
