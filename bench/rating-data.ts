/**
 * The rating benchmark's files (bench/rating.bench.ts): a voice CDR and an SMS log written fast and seeded, so
 * the same arguments write the same bytes, and a prefix of either.
 */
import { closeSync, createReadStream, openSync, writeSync } from "node:fs";

/** xorshift32: deterministic and cheap; the bench needs volume, not statistical quality. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));

/** Instants spread evenly across September 2025 (Asia/Shanghai), formatted without Date objects. */
function instantAt(index: number, rows: number): string {
  const second = Math.floor((index * 30 * 86400) / rows);
  const day = Math.floor(second / 86400) + 1;
  const rest = second % 86400;
  return `2025-09-${TWO[day]}T${TWO[Math.floor(rest / 3600)]}:${TWO[Math.floor((rest % 3600) / 60)]}:${TWO[rest % 60]}+08:00`;
}

class FileWriter {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(8 << 20);
  private used = 0;
  bytes = 0;
  constructor(path: string) {
    this.fd = openSync(path, "w");
  }
  text(s: string): void {
    if (this.used + s.length * 3 > this.buffer.length) this.flush();
    this.used += this.buffer.write(s, this.used, "utf8");
  }
  raw(b: Buffer): void {
    if (this.used + b.length > this.buffer.length) this.flush();
    this.used += b.copy(this.buffer, this.used);
  }
  flush(): void {
    writeSync(this.fd, this.buffer, 0, this.used);
    this.bytes += this.used;
    this.used = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export function writeVoice(path: string, rows: number): void {
  const next = rng(12393);
  // Log-normal-ish durations (median ~70 s), ~3 % inbound, a few zero-second calls.
  const durations = Array.from({ length: 4096 }, () => {
    const u = (next() + 1) / 2 ** 32;
    const v = (next() + 1) / 2 ** 32;
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(0, Math.round(Math.exp(4.25 + 0.9 * normal)));
  });
  const out = new FileWriter(path);
  out.text("call_start,duration_seconds,direction,calling_number,called_number\n");
  for (let i = 0; i < rows; i++) {
    const r = next();
    const pool = `1239300${TWO[r % 50]}`;
    const mobile = `13${String(100000000 + (r % 900000000))}`;
    const duration = durations[(r >>> 12) & 4095];
    out.text(
      r % 100 < 3
        ? `${instantAt(i, rows)},${duration},inbound,${mobile},${pool}\n`
        : `${instantAt(i, rows)},${duration},outbound,${pool},${mobile}\n`,
    );
  }
  out.close();
}

const SMS_PHRASES = [
  "您的医保账户本月划入金额已到账",
  "请于本月底前完成城乡居民医疗保险缴费",
  "您申请的异地就医备案已审核通过",
  "您的医保电子凭证已激活，可在定点医药机构扫码使用",
  "门诊慢特病待遇认定结果已出，请登录吉林智慧医保查询",
  "本次住院费用已完成直接结算，个人自付部分请以票据为准",
  "如有疑问请拨打医保服务热线12393咨询",
  "温馨提示：请勿向陌生人透露验证码及个人信息",
];

function smsContents(count: number, seed: number): Buffer[] {
  const next = rng(seed);
  return Array.from({ length: count }, () => {
    // 20–100 characters, mean ~60: phrases joined until a drawn target length is reached, then cut.
    const target = 20 + (next() % 81);
    let text = "";
    while ([...text].length < target) text += `${SMS_PHRASES[next() % SMS_PHRASES.length]}。`;
    return Buffer.from(`"${[...text].slice(0, target).join("")}"`, "utf8");
  });
}

export function writeSms(path: string, rows: number): void {
  const next = rng(10650823);
  const contents = smsContents(1024, 580002);
  const meanChars =
    contents.reduce((sum, b) => sum + [...b.toString("utf8")].length - 2, 0) / contents.length;
  process.stdout.write(`SMS content: ${meanChars.toFixed(1)} characters on average (Chinese)\n`);
  const out = new FileWriter(path);
  out.text("sent_at,recipient,direction,content,content_chars\n");
  for (let i = 0; i < rows; i++) {
    const r = next();
    const mobile = `13${String(100000000 + (r % 900000000))}`;
    out.text(`${instantAt(i, rows)},${mobile},${r % 200 === 0 ? "uplink" : "downlink"},`);
    out.raw(contents[(r >>> 10) & 1023] as Buffer);
    out.text(",\n");
  }
  out.close();
}

/** Copies the header and the first `rows` records of a CSV (records here never contain line breaks). */
export async function prefixFile(path: string, prefixPath: string, rows: number): Promise<void> {
  const out = new FileWriter(prefixPath);
  let remaining = rows + 1;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let end = 0;
    while (remaining > 0) {
      const lf = chunk.indexOf(10, end);
      if (lf < 0) {
        end = chunk.length;
        break;
      }
      end = lf + 1;
      remaining--;
    }
    out.raw(chunk.subarray(0, end));
    if (remaining === 0) break;
  }
  out.close();
}
